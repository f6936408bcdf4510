"""Explain a trained Keras model: every layer's activations for any input, receptive fields over
the model's real graph, the exact arithmetic behind one cell ("replay"), and why it decided.

The model is read as a graph of leaf layers (:mod:`convviz.training.model_graph`): skip
connections, merges and nested models are followed as Keras runs them. Runs TensorFlow, so
the GUI calls it from a worker thread. Replays are computed with :mod:`convviz.arithmetic`
(the studio's engine) from each layer's real inputs and learned weights, and land on the
value the model itself produced.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convviz.arithmetic import LayerGeometry
from convviz.training import attribution
from convviz.training.layer_replays import replay_layer, unreplayable_reason
from convviz.training.model_graph import MODEL_INPUT, read_graph, run_graph
from convviz.training.receptive_graph import layer_geometry, receptive_fields
from convviz.training.replay_result import BatchNormNumbers, Replay, cell_value

__all__ = ["BatchNormNumbers", "LayerView", "ModelInspector", "Replay", "layer_geometry"]


@dataclass(frozen=True)
class LayerView:
    """What the inspector shows about one layer (a node of the model's graph)."""

    name: str
    kind: str  # Keras class name
    output_shape: tuple  # without the batch axis
    geometry: LayerGeometry
    inputs: tuple = ()  # indices of the layers it reads; -1 is the model's input
    replayable: bool = False
    note: str = ""  # why it cannot be replayed, in one sentence ("" when it can)


class ModelInspector:
    """Runs one model on single images and reports every layer (one traced function, built once)."""

    def __init__(self, model):
        """``model`` is a built functional or Sequential Keras model whose input is one image (H, W, C).

        ValueError (one sentence naming the layer) for a model convviz cannot follow.
        """
        import tensorflow as tf

        shape = tuple(model.inputs[0].shape[1:]) if getattr(model, "inputs", None) else ()
        if len(shape) != 3 or any(v is None for v in shape):
            raise ValueError(
                f"the inspector needs a model whose input is an image (height, width, channels); "
                f"this one takes {shape}"
            )
        self.model = model
        self.input_shape = shape
        self.graph = read_graph(model)
        self._layers = [node.layer for node in self.graph.nodes]
        self.layers = tuple(self._view(node) for node in self.graph.nodes)
        graph = self.graph
        self._run = tf.function(lambda x: run_graph(graph, x))

    @staticmethod
    def _view(node) -> LayerView:
        reason = unreplayable_reason(node.layer)
        return LayerView(node.name, node.kind, node.output_shape, layer_geometry(node.layer),
                         node.sources, reason is None, reason or "")

    @property
    def num_classes(self) -> int:
        """The size of the model's output."""
        return int(self.layers[self.graph.output].output_shape[-1])

    @property
    def output_index(self) -> int:
        """The index of the layer whose output is the model's output."""
        return self.graph.output

    def activations(self, image: np.ndarray) -> list[np.ndarray]:
        """Return every layer's output (no batch axis) for one image of the model's input shape."""
        batch = np.asarray(image, dtype=np.float32).reshape((1, *self.input_shape))
        outputs = self._run(batch)
        return [out.numpy()[0] for out in outputs]  # slicing in numpy: an eager slice per layer is slow

    def chain_until(self, layer_index: int) -> list[LayerGeometry]:
        """The geometry of layers 0..layer_index as a chain (exact only for a plain chain of layers).

        Prefer :meth:`receptive_fields`, which follows the real graph.
        """
        return [view.geometry for view in self.layers[: layer_index + 1]]

    def receptive_fields(self, layer_index: int, cell) -> dict[int, np.ndarray]:
        """``{layer index: (H, W) bool mask}`` of what ``cell`` of layer ``layer_index`` depends on.

        The union over every path; -1 is the model's input; layers that do not lead to the
        cell are absent. Global pooling, Flatten and Dense make the field the whole map.
        """
        return receptive_fields(self.graph, int(layer_index), cell)

    def receptive_field(self, layer_index: int, cell) -> np.ndarray:
        """The (H, W) bool mask over the model's input that ``cell`` of layer ``layer_index`` depends on."""
        return self.receptive_fields(layer_index, cell)[MODEL_INPUT]

    def replay(self, image: np.ndarray, layer_index: int, cell, channel: int,
               activations: list[np.ndarray] | None = None) -> Replay:
        """Recompute one cell of one layer with the arithmetic engine, from the layer's true inputs.

        ``cell`` is ignored for a layer whose output has no grid (global pooling). ValueError,
        in one sentence naming the layer, for a layer that cannot be replayed.
        """
        node = self.graph.nodes[layer_index]
        reason = unreplayable_reason(node.layer)
        if reason is not None:
            raise ValueError(reason)
        if activations is None:
            activations = self.activations(image)
        inputs, names = [], []
        for source in node.sources:
            if source == MODEL_INPUT:
                inputs.append(np.asarray(image, np.float64).reshape(self.input_shape))
                names.append("the input")
            else:
                inputs.append(np.asarray(activations[source], np.float64))
                names.append(self.graph.nodes[source].name)
        output = activations[layer_index]
        if output.ndim != 3:
            cell = (0, 0)
        model_value = cell_value(output, cell, channel)
        return replay_layer(node.layer, inputs, names, node.output_shape, cell, int(channel), model_value)

    def default_cam_layer(self) -> int:
        """The layer Grad-CAM uses by default: the last conv-like layer with a spatial output."""
        return attribution.default_cam_layer(self.graph)

    def grad_cam(self, image, class_index: int | None = None, layer_index: int | None = None) -> np.ndarray:
        """Grad-CAM of a class (default: the predicted one) on a conv layer: (H, W) float32 in [0, 1]."""
        return attribution.grad_cam(self.graph, image, class_index, layer_index)

    def gradient_x_input(self, image, class_index: int | None = None) -> np.ndarray:
        """Gradient of the class score × the input, summed over channels: a signed (H, W) map."""
        return attribution.gradient_x_input(self.graph, image, class_index)
