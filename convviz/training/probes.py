"""Looks inside a model while it trains: every layer's activations and every convolution's kernels.

The model is read as a graph of leaf layers (:func:`~convviz.training.model_graph.read_graph`:
skip connections, merges and nested models are followed as Keras runs them), and every leaf
layer is called on its real inputs through one ``tf.function``
(:func:`~convviz.training.model_graph.run_graph`, about 1 ms during training), so probing
every few batches costs next to nothing. A model whose graph cannot be read (a subclassed model
handed to the live callback) is probed through its top-level layers, as Keras lists them.
"""

from __future__ import annotations

import numpy as np

from convviz.training.events import Probe
from convviz.training.model_graph import GraphError, read_graph, run_graph

__all__ = ["Prober", "probed_layers", "probed_rows"]


def _graph_or_none(model):
    try:
        return read_graph(model)
    except GraphError:
        return None


def probed_layers(model) -> list:
    """The layers a probe reports on: every leaf layer of the graph (nested models opened up),
    or every top-level layer but the input placeholder when the graph cannot be read."""
    graph = _graph_or_none(model)
    if graph is not None:
        return [node.layer for node in graph.nodes]
    return [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]


def probed_rows(model) -> list[tuple[object, tuple]]:
    """``(layer, output shape without the batch axis)`` for every layer :func:`probed_layers` lists."""
    graph = _graph_or_none(model)
    if graph is not None:
        return [(node.layer, tuple(node.output_shape)) for node in graph.nodes]
    return [(layer, tuple(layer.output.shape[1:])) for layer in probed_layers(model)]


class Prober:
    """Takes :class:`~convviz.training.events.Probe` snapshots of ``model`` for one fixed sample."""

    def __init__(self, model, sample: np.ndarray, sample_label: int):
        """``sample`` is one image with the model's input shape (no batch axis)."""
        import tensorflow as tf

        self._model = model
        graph = _graph_or_none(model)
        if graph is not None:
            self._layers = [node.layer for node in graph.nodes]
            self._output = graph.output
            run = lambda x: run_graph(graph, x)  # noqa: E731
        else:
            import keras

            self._layers = probed_layers(model)
            self._output = len(self._layers) - 1
            run = keras.Model(model.inputs, [layer.output for layer in self._layers])
        self._names = tuple(layer.name for layer in self._layers)
        self._convs = [layer for layer in self._layers if type(layer).__name__ == "Conv2D"]
        self._sample = np.array(sample, dtype=np.float32)
        self._sample_label = int(sample_label)
        self._batch = tf.constant(self._sample[np.newaxis])
        self._activations = tf.function(lambda x: run(x, training=False) if graph is None else run(x))

    @property
    def layer_names(self) -> tuple[str, ...]:
        """Names of the layers in the order a probe lists their activations."""
        return self._names

    def probe(self, epoch: int, step: int) -> Probe:
        """Snapshot the model now: numpy copies the receiver may keep."""
        outputs = self._activations(self._batch)
        activations = tuple(
            (name, np.array(output[0])) for name, output in zip(self._names, outputs)
        )
        kernels = {layer.name: np.array(layer.kernel.numpy()) for layer in self._convs}
        return Probe(
            epoch=epoch,
            step=step,
            sample=self._sample.copy(),
            sample_label=self._sample_label,
            kernels=kernels,
            activations=activations,
            probabilities=activations[self._output][1].copy(),
        )
