"""Looks inside a model while it trains: every layer's activations and every convolution's kernels.

One multi-output ``keras.Model(inputs, [each layer's output])`` is built once and called
through a ``tf.function`` (about 1 ms during training), so probing every few batches costs
next to nothing.
"""

from __future__ import annotations

import numpy as np

from convviz.training.events import Probe

__all__ = ["Prober", "probed_layers"]


def probed_layers(model) -> list:
    """The layers a probe reports on: every layer except the input placeholder."""
    return [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]


class Prober:
    """Takes :class:`~convviz.training.events.Probe` snapshots of ``model`` for one fixed sample."""

    def __init__(self, model, sample: np.ndarray, sample_label: int):
        """``sample`` is one image with the model's input shape (no batch axis)."""
        import keras
        import tensorflow as tf

        self._model = model
        self._layers = probed_layers(model)
        self._names = tuple(layer.name for layer in self._layers)
        self._convs = [layer for layer in self._layers if type(layer).__name__ == "Conv2D"]
        self._sample = np.array(sample, dtype=np.float32)
        self._sample_label = int(sample_label)
        self._batch = tf.constant(self._sample[np.newaxis])
        activation_model = keras.Model(model.inputs, [layer.output for layer in self._layers])
        self._activations = tf.function(lambda x: activation_model(x, training=False))

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
            probabilities=activations[-1][1].copy(),
        )
