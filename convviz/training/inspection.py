"""Explain a trained Keras model: every layer's activations for any input, each layer's geometry
for receptive fields, and the exact arithmetic behind one cell ("replay").

Runs TensorFlow, so the GUI calls it from a worker thread. The replay is computed
with :mod:`convviz.arithmetic` (the studio's engine) from the layer's real input and
learned weights, and lands on the value the model itself produced.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convviz.arithmetic import LayerGeometry, conv2d, pool2d

_POINTWISE = {"Dropout", "Activation", "ReLU", "LeakyReLU", "BatchNormalization", "GaussianNoise",
              "SpatialDropout2D", "Rescaling", "Normalization", "LayerNormalization", "Softmax"}
_ACTIVATIONS = {
    "linear": lambda v: v,
    "relu": lambda v: np.maximum(v, 0),
    "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
    "tanh": np.tanh,
}


@dataclass(frozen=True)
class LayerView:
    """What the inspector shows about one layer."""

    name: str
    kind: str  # Keras class name
    output_shape: tuple  # without the batch axis
    geometry: LayerGeometry


def layer_geometry(layer) -> LayerGeometry:
    """Return the spatial geometry of a Keras layer (how its output cells read its input)."""
    kind = type(layer).__name__
    if kind in ("Conv2D", "DepthwiseConv2D"):
        return LayerGeometry("conv", tuple(layer.kernel_size), tuple(layer.strides),
                             layer.padding, tuple(layer.dilation_rate), name=layer.name)
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        return LayerGeometry("pool", tuple(layer.pool_size), tuple(layer.strides),
                             layer.padding, name=layer.name)
    if kind == "ZeroPadding2D":
        return LayerGeometry("pad", padding=tuple(tuple(p) for p in layer.padding), name=layer.name)
    if kind in _POINTWISE:
        return LayerGeometry("pointwise", name=layer.name)
    return LayerGeometry("dense", name=layer.name)


@dataclass(frozen=True)
class Replay:
    """The arithmetic behind one output cell of a Conv2D or pooling layer."""

    layer: str
    kind: str  # "conv" or "pool"
    cell: tuple[int, int]
    channel: int
    layer_input: np.ndarray  # (H, W, Cin): the real input of the layer
    kernel: np.ndarray | None  # (kh, kw, Cin) for conv: the learned weights of ``channel``
    contributions: np.ndarray  # conv: (Cin,) per input channel; pool: (1,) the pooled value
    bias: float
    pre_activation: float
    activation: str
    value: float  # what the engine computes for the cell
    model_value: float  # what the model produced there
    window: tuple  # kernel or pooling window (kh, kw)
    stride: tuple
    padding: str
    dilation: tuple
    pool_mode: str = ""


class ModelInspector:
    """Runs one model on single images and reports every layer (one multi-output model, built once)."""

    def __init__(self, model):
        """``model`` is a built Keras model whose input is one image (H, W, C)."""
        import keras
        import tensorflow as tf

        shape = tuple(model.inputs[0].shape[1:])
        if len(shape) != 3 or any(v is None for v in shape):
            raise ValueError(
                f"the inspector needs a model whose input is an image (height, width, channels); "
                f"this one takes {shape}"
            )
        self.model = model
        self.input_shape = shape
        self._layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
        self.layers = tuple(
            LayerView(layer.name, type(layer).__name__, tuple(layer.output.shape[1:]),
                      layer_geometry(layer))
            for layer in self._layers
        )
        multi = keras.Model(model.inputs, [layer.output for layer in self._layers])
        self._run = tf.function(lambda x: multi(x, training=False))

    @property
    def num_classes(self) -> int:
        """The size of the model's last output."""
        return int(self.layers[-1].output_shape[-1])

    def activations(self, image: np.ndarray) -> list[np.ndarray]:
        """Return every layer's output (no batch axis) for one image of the model's input shape."""
        batch = np.asarray(image, dtype=np.float32).reshape((1, *self.input_shape))
        outputs = self._run(batch)
        if not isinstance(outputs, (list, tuple)):  # a one-layer model gives a bare tensor
            outputs = [outputs]
        return [np.asarray(out[0]) for out in outputs]

    def chain_until(self, layer_index: int) -> list[LayerGeometry]:
        """The geometry of layers 0..layer_index, for receptive fields."""
        return [view.geometry for view in self.layers[: layer_index + 1]]

    def replay(self, image: np.ndarray, layer_index: int, cell, channel: int,
               activations: list[np.ndarray] | None = None) -> Replay:
        """Recompute one cell of a Conv2D or pooling layer with the arithmetic engine."""
        view = self.layers[layer_index]
        layer = self._layers[layer_index]
        if activations is None:
            activations = self.activations(image)
        layer_input = (np.asarray(image, np.float32).reshape(self.input_shape) if layer_index == 0
                       else activations[layer_index - 1])
        if layer_input.ndim != 3 or view.geometry.kind not in ("conv", "pool"):
            raise ValueError(f"{view.name} is a {view.kind} layer: only convolution and pooling "
                             "layers can be replayed")
        row, col = int(cell[0]), int(cell[1])
        model_value = float(activations[layer_index][row, col, channel])
        geometry = view.geometry
        window, real_rows, real_cols = _cell_window(layer_input, geometry, row, col)
        if geometry.kind == "conv":
            return self._replay_conv(view, layer, window, (row, col), channel, layer_input, model_value)
        mode = "max" if view.kind == "MaxPooling2D" else "avg"
        real = window[:, :, channel][real_rows][:, real_cols]  # padding never counts, as in TF
        value = float(pool2d(real, real.shape, 1, "valid", mode)[0, 0])
        return Replay(view.name, "pool", (row, col), channel, layer_input, None,
                      np.array([value]), 0.0, value, "linear", value, model_value,
                      geometry.kernel, geometry.stride, str(geometry.padding), (1, 1), pool_mode=mode)

    def _replay_conv(self, view, layer, window, cell, channel, layer_input, model_value) -> Replay:
        geometry = view.geometry
        kernel = np.asarray(layer.kernel.numpy())[:, :, :, channel]
        bias = float(np.asarray(layer.bias.numpy())[channel]) if layer.use_bias else 0.0
        contributions = np.array([
            conv2d(window[:, :, c], kernel[:, :, c], 1, "valid", geometry.dilation)[0, 0]
            for c in range(kernel.shape[2])
        ], dtype=np.float64)
        pre = float(contributions.sum() + bias)
        name = _activation_name(layer)
        function = _ACTIVATIONS.get(name)
        value = float(function(np.float64(pre))) if function else float(
            np.asarray(layer.activation(np.array([[pre]], np.float32)))[0, 0])
        return Replay(view.name, "conv", cell, channel, layer_input, kernel, contributions, bias,
                      pre, name, value, model_value, geometry.kernel, geometry.stride, str(geometry.padding),
                      geometry.dilation)


def _activation_name(layer) -> str:
    import keras

    try:
        name = keras.activations.serialize(layer.activation)
    except Exception:  # an unusual callable: report it by its name
        name = getattr(layer.activation, "__name__", "custom")
    return name if isinstance(name, str) else str(name.get("config", name))


def _cell_window(layer_input: np.ndarray, geometry: LayerGeometry, row: int, col: int):
    """The zero-padded part of the input one output cell reads, and which rows/cols are real."""
    from convviz.arithmetic import padding_2d

    (top, bottom), (left, right) = padding_2d(layer_input.shape, geometry.kernel, geometry.stride,
                                              geometry.padding, geometry.dilation)
    padded = np.pad(layer_input.astype(np.float64), ((top, bottom), (left, right), (0, 0)))
    span_h = (geometry.kernel[0] - 1) * geometry.dilation[0] + 1
    span_w = (geometry.kernel[1] - 1) * geometry.dilation[1] + 1
    r0, c0 = row * geometry.stride[0], col * geometry.stride[1]
    rows = np.arange(r0, r0 + span_h) - top
    cols = np.arange(c0, c0 + span_w) - left
    real_rows = (rows >= 0) & (rows < layer_input.shape[0])
    real_cols = (cols >= 0) & (cols < layer_input.shape[1])
    return padded[r0 : r0 + span_h, c0 : c0 + span_w], real_rows, real_cols
