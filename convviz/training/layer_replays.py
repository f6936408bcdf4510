"""Replays of the layers around the convolutions: pooling, batch norm, activations, merges,
padding; and :func:`replay_layer`, which picks the right replay for a layer or says in words
why a layer cannot be replayed.

Inputs arrive as float64 numpy arrays without the batch axis, one per input of the layer.
"""

from __future__ import annotations

import numpy as np

from convviz.arithmetic import pool2d
from convviz.training.activation_math import (
    activation_name,
    apply_activation,
    relu_layer,
    relu_layer_name,
)
from convviz.training.conv_replays import (
    cell_window,
    replay_conv2d,
    replay_depthwise,
    replay_separable,
    replay_transpose,
)
from convviz.training.replay_result import BatchNormNumbers, Replay, cell_value

_NOT_REPLAYABLE = {
    "Dense": "Dense layers mix every input value; convviz replays spatial layers only",
    "Flatten": "Flatten only lays the values out in one row; nothing is computed",
    "Reshape": "Reshape only rearranges the values; nothing is computed",
}
_MERGES = {"Add": "+", "Subtract": "−", "Multiply": "×", "Average": "mean", "Maximum": "max",
           "Minimum": "min", "Concatenate": "concatenate"}
_IDENTITY = {"Dropout", "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "AlphaDropout", "Identity"}


def _simple(layer, kind, x, cell, channel, value, model_value, formula, **extra) -> Replay:
    inputs = extra.pop("branch_values", None)
    pre = extra.pop("pre_activation", value)
    return Replay(layer.name, kind, tuple(int(v) for v in cell), int(channel), x, None,
                  np.array([pre], dtype=np.float64), 0.0, float(pre), extra.pop("activation", "linear"),
                  float(value), model_value, layer_kind=type(layer).__name__,
                  branch_values=tuple(inputs) if inputs is not None else (), formula=formula, **extra)


def replay_pool(layer, x, cell, channel, model_value) -> Replay:
    """MaxPooling2D / AveragePooling2D: the real cells of the window (padding never counts)."""
    mode = "max" if type(layer).__name__ == "MaxPooling2D" else "avg"
    size, stride = tuple(layer.pool_size), tuple(layer.strides)
    window, real_rows, real_cols = cell_window(x, size, stride, layer.padding, (1, 1), cell)
    real = window[:, :, channel][real_rows][:, real_cols]
    value = float(pool2d(real, real.shape, 1, "valid", mode)[0, 0])
    formula = f"{mode} of the {real.size} real cell(s) of the {size[0]}×{size[1]} window = {value:.6g}"
    return Replay(layer.name, "pool", tuple(int(v) for v in cell), int(channel), x, None, np.array([value]),
                  0.0, value, "linear", value, model_value, size, stride, str(layer.padding), (1, 1),
                  pool_mode=mode, layer_kind=type(layer).__name__, window_values=real, formula=formula)


def replay_global_pool(layer, x, cell, channel, model_value) -> Replay:
    """GlobalAverage/GlobalMaxPooling2D: one channel pooled over the whole map."""
    mode = "max" if "Max" in type(layer).__name__ else "avg"
    plane = x[:, :, channel]
    value = float(pool2d(plane, plane.shape, 1, "valid", mode)[0, 0])
    formula = f"{mode} of all {plane.size} cells of channel {channel} = {value:.6g}"
    return Replay(layer.name, "pool", (0, 0), int(channel), x, None, np.array([value]), 0.0, value,
                  "linear", value, model_value, plane.shape, plane.shape, "valid", (1, 1), pool_mode=mode,
                  layer_kind=type(layer).__name__, window_values=plane, formula=formula)


def replay_batch_norm(layer, x, cell, channel, model_value) -> Replay:
    """BatchNormalization at inference: γ·(x−μ)/√(σ²+ε)+β with the layer's moving statistics."""
    def number(weight, default):
        return float(np.asarray(weight)[channel]) if weight is not None else default

    bn = BatchNormNumbers(number(layer.gamma if layer.scale else None, 1.0),
                          number(layer.beta if layer.center else None, 0.0),
                          number(layer.moving_mean, 0.0), number(layer.moving_variance, 1.0),
                          float(layer.epsilon))
    v = cell_value(x, cell, channel)
    value = bn.gamma * (v - bn.mean) / np.sqrt(bn.variance + bn.epsilon) + bn.beta
    formula = (f"γ·(x−μ)/√(σ²+ε)+β = {bn.gamma:.4g}·({v:.4g}−{bn.mean:.4g})/√({bn.variance:.4g}+"
               f"{bn.epsilon:g})+{bn.beta:.4g} = {value:.6g}")
    return _simple(layer, "norm", x, cell, channel, value, model_value, formula, batch_norm=bn,
                   branch_values=(v,))


def replay_activation(layer, x, cell, channel, model_value) -> Replay:
    """ReLU, Activation, Softmax, LeakyReLU layers: the input at the cell through the function."""
    kind = type(layer).__name__
    v = cell_value(x, cell, channel)
    if kind == "ReLU":
        name, value = relu_layer_name(layer), float(relu_layer(layer, np.array([v]))[0])
    elif kind == "LeakyReLU":
        slope = float(layer.negative_slope)
        name, value = f"leaky relu (slope {slope:g})", v if v >= 0 else slope * v
    else:
        name = "softmax" if kind == "Softmax" else activation_name(layer.activation)
        function = None if kind == "Softmax" else layer.activation
        vector = x[int(cell[0]), int(cell[1])] if x.ndim == 3 else x.reshape(-1)
        out = apply_activation(name, function, vector if name == "softmax" else np.array([v]))
        value = float(out[channel] if name == "softmax" else out[0])
    formula = f"{name}({v:.6g}) = {value:.6g}" + (" (over the channels of the cell)" if name == "softmax" else "")
    return _simple(layer, "activation", x, cell, channel, value, model_value, formula,
                   pre_activation=v, activation=name, branch_values=(v,))


def replay_merge(layer, inputs, names, output_shape, cell, channel, model_value) -> Replay:
    """Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate: the inputs at the cell."""
    kind = type(layer).__name__
    if kind == "Concatenate":
        offset = 0
        for index, x in enumerate(inputs):
            if channel < offset + x.shape[-1]:
                v = cell_value(x, cell, channel - offset)
                formula = f"channel {channel} is channel {channel - offset} of {names[index]} = {v:.6g}"
                return _simple(layer, "merge", x, cell, channel, v, model_value, formula,
                               branches=(names[index],), branch_values=(v,))
            offset += x.shape[-1]
    full = tuple(output_shape)
    values = [float(np.broadcast_to(x.reshape((1,) * (len(full) - x.ndim) + x.shape), full)
                    [tuple(int(c) for c in cell)[: len(full) - 1] + (int(channel),)]) for x in inputs]
    combine = {"Add": np.sum, "Multiply": np.prod, "Average": np.mean, "Maximum": np.max,
               "Minimum": np.min, "Subtract": lambda v: v[0] - v[1]}[kind]
    value = float(combine(np.array(values)))
    sign = _MERGES[kind]
    shown = f" {sign} ".join(f"{v:.4g}" for v in values) if len(sign) == 1 else f"{sign}({', '.join(f'{v:.4g}' for v in values)})"
    return _simple(layer, "merge", inputs[0], cell, channel, value, model_value, f"{shown} = {value:.6g}",
                   branches=tuple(names), branch_values=tuple(values))


def replay_one_input(layer, x, cell, channel, model_value) -> Replay:
    """ZeroPadding2D, Cropping2D, Rescaling and the layers that pass values on at inference."""
    kind = type(layer).__name__
    row, col = int(cell[0]), int(cell[1])
    if kind in ("ZeroPadding2D", "Cropping2D"):
        (top, _), (left, _) = layer.padding if kind == "ZeroPadding2D" else layer.cropping
        top, left = (top, left) if kind == "ZeroPadding2D" else (-top, -left)
        r, c = row - top, col - left
        inside = 0 <= r < x.shape[0] and 0 <= c < x.shape[1]
        value = float(x[r, c, channel]) if inside else 0.0
        formula = (f"input cell ({r}, {c}) = {value:.6g}" if inside else "a padding cell: 0")
        return _simple(layer, "pad", x, cell, channel, value, model_value, formula, branch_values=(value,))
    v = cell_value(x, cell, channel)
    if kind == "Rescaling":
        scale = float(np.broadcast_to(np.asarray(layer.scale, np.float64), (x.shape[-1],))[channel])
        offset = float(np.broadcast_to(np.asarray(layer.offset, np.float64), (x.shape[-1],))[channel])
        value = v * scale + offset
        return _simple(layer, "rescale", x, cell, channel, value, model_value,
                       f"{v:.6g} × {scale:.6g} + {offset:.6g} = {value:.6g}", branch_values=(v,))
    return _simple(layer, "identity", x, cell, channel, v, model_value,
                   f"{kind} passes the value on at inference: {v:.6g}", branch_values=(v,))


def replay_normalization(layer, x, cell, channel, model_value) -> Replay:
    """Normalization (adapted mean and variance): (x−mean)/max(√variance, ε), or its inverse."""
    import keras

    channels = x.shape[-1]
    mean = float(np.broadcast_to(np.asarray(layer.mean, np.float64).reshape(-1), (channels,))[channel])
    variance = float(np.broadcast_to(np.asarray(layer.variance, np.float64).reshape(-1), (channels,))[channel])
    spread = max(np.sqrt(variance), keras.backend.epsilon())
    v = cell_value(x, cell, channel)
    if layer.invert:
        value = mean + v * spread
        formula = f"mean + x·√variance = {mean:.4g} + {v:.4g}·{spread:.4g} = {value:.6g}"
    else:
        value = (v - mean) / spread
        formula = f"(x − mean)/√variance = ({v:.4g} − {mean:.4g})/{spread:.4g} = {value:.6g}"
    return _simple(layer, "rescale", x, cell, channel, value, model_value, formula, branch_values=(v,))


def unreplayable_reason(layer) -> str | None:
    """Why ``layer`` cannot be replayed, in one sentence naming it; None when it can be."""
    kind = type(layer).__name__
    if kind in _NOT_REPLAYABLE:
        return f"{layer.name}: {_NOT_REPLAYABLE[kind]}"
    if getattr(layer, "data_format", "channels_last") != "channels_last":
        return f"{layer.name}: convviz replays channels-last layers only"
    if kind == "BatchNormalization" and layer.axis not in (-1, 3):
        return f"{layer.name}: convviz replays batch normalisation over the channel axis only"
    if kind == "Concatenate" and layer.axis not in (-1, 3):
        return f"{layer.name}: convviz replays concatenation along the channels only"
    if kind in _REPLAYS or kind in _MERGES or kind in _IDENTITY:
        return None
    return f"{layer.name}: convviz cannot replay {kind} layers"


_REPLAYS = {
    "Conv2D": replay_conv2d, "DepthwiseConv2D": replay_depthwise, "SeparableConv2D": replay_separable,
    "Conv2DTranspose": replay_transpose, "MaxPooling2D": replay_pool, "AveragePooling2D": replay_pool,
    "GlobalAveragePooling2D": replay_global_pool, "GlobalMaxPooling2D": replay_global_pool,
    "BatchNormalization": replay_batch_norm, "ReLU": replay_activation, "Activation": replay_activation,
    "Softmax": replay_activation, "LeakyReLU": replay_activation, "ZeroPadding2D": replay_one_input,
    "Cropping2D": replay_one_input, "Rescaling": replay_one_input,
    "Normalization": replay_normalization,
}


def replay_layer(layer, inputs, names, output_shape, cell, channel: int, model_value: float) -> Replay:
    """Replay ``cell``/``channel`` of ``layer`` from its real ``inputs`` (float64, no batch axis).

    ``names`` name the inputs' layers. Raises ValueError with one sentence naming the layer
    when it cannot be replayed.
    """
    reason = unreplayable_reason(layer)
    if reason is not None:
        raise ValueError(reason)
    kind = type(layer).__name__
    if kind in _MERGES:
        return replay_merge(layer, inputs, names, output_shape, cell, channel, model_value)
    if kind in _IDENTITY:
        return replay_one_input(layer, inputs[0], cell, channel, model_value)
    if kind in _REPLAYS and inputs[0].ndim != 3 and "Global" not in kind and kind not in (
            "Activation", "ReLU", "Softmax", "LeakyReLU", "BatchNormalization", "Rescaling", "Normalization"):
        raise ValueError(f"{layer.name}: its input is not an image-like map, so there is nothing to slide over")
    return _REPLAYS[kind](layer, inputs[0], cell, channel, model_value)
