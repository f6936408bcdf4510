"""Replays of the convolution layers: Conv2D (with groups), DepthwiseConv2D, SeparableConv2D and
Conv2DTranspose, each from its real input and learned weights, with the arithmetic engine.

Every one is told as a sum over input channels of "window ⋆ kernel slice", plus a bias, then
an activation: the same story the studio animates. A depthwise filter reads one channel; a
separable filter's depthwise and pointwise weights fold into one kernel slice per channel;
a transposed convolution is the stride-1 convolution of its zero-inserted input.
"""

from __future__ import annotations

import numpy as np

from convviz.arithmetic import (
    conv2d,
    depthwise_conv2d,
    padding_2d,
    separable_conv2d,
    transpose_as_convolution,
)
from convviz.training.activation_math import activation_name, apply_activation
from convviz.training.replay_result import Replay


def cell_window(x: np.ndarray, kernel, stride, padding, dilation, cell):
    """The zero-padded part of ``x`` (H, W, C) one output cell reads, and which rows/cols are real."""
    (top, bottom), (left, right) = padding_2d(x.shape, kernel, stride, padding, dilation)
    padded = np.pad(x.astype(np.float64), ((top, bottom), (left, right), (0, 0)))
    span_h = (kernel[0] - 1) * dilation[0] + 1
    span_w = (kernel[1] - 1) * dilation[1] + 1
    r0, c0 = int(cell[0]) * stride[0], int(cell[1]) * stride[1]
    rows = np.arange(r0, r0 + span_h) - top
    cols = np.arange(c0, c0 + span_w) - left
    real_rows = (rows >= 0) & (rows < x.shape[0])
    real_cols = (cols >= 0) & (cols < x.shape[1])
    return padded[r0 : r0 + span_h, c0 : c0 + span_w], real_rows, real_cols


def _taps(window: np.ndarray, dilation) -> np.ndarray:
    """The cells of a dilated window the kernel actually multiplies."""
    return window[:: dilation[0], :: dilation[1]]


def _bias(layer, channel: int) -> float:
    return float(np.asarray(layer.bias)[channel]) if layer.use_bias else 0.0


def _finish(layer, kind_note, *, cell, channel, layer_input, kernel, window, contributions,
            pre_vector, model_value, geometry, **extra) -> Replay:
    """Add bias and activation to the channel's contributions and build the :class:`Replay`."""
    bias = _bias(layer, channel)
    pre = float(contributions.sum() + bias)
    name = activation_name(layer.activation)
    if name == "softmax":  # mixes the channels of the cell: needs all of them
        vector = np.asarray(pre_vector(), dtype=np.float64)
        vector[channel] = pre
        value = float(apply_activation(name, layer.activation, vector)[channel])
    else:
        value = float(apply_activation(name, layer.activation, np.array([pre]))[0])
    kernel_size, stride, padding, dilation = geometry
    terms = " + ".join(f"{v:.4g}" for v in contributions[:4]) + (" + …" if contributions.size > 4 else "")
    formula = (f"{kind_note}: Σ over {contributions.size} input channel(s) of window ⋆ kernel = "
               f"{terms} = {contributions.sum():.6g}; + bias {bias:.4g} = {pre:.6g}; {name} → {value:.6g}")
    return Replay(layer.name, "conv", tuple(int(v) for v in cell), int(channel), layer_input, kernel,
                  contributions, bias, pre, name, value, model_value, tuple(kernel_size), tuple(stride),
                  str(padding), tuple(dilation), layer_kind=type(layer).__name__,
                  window_values=_taps(window, dilation), formula=formula, **extra)


def _geometry(layer):
    return (tuple(layer.kernel_size), tuple(layer.strides), layer.padding, tuple(layer.dilation_rate))


def replay_conv2d(layer, x: np.ndarray, cell, channel: int, model_value: float) -> Replay:
    """Conv2D (any ``groups``): filter ``channel`` over its group's input channels."""
    size, stride, padding, dilation = geometry = _geometry(layer)
    weights = np.asarray(layer.kernel, dtype=np.float64)  # (kh, kw, Cin / g, Cout)
    groups = int(getattr(layer, "groups", 1))
    per_group, out_per_group = weights.shape[2], weights.shape[3] // groups
    first = (channel // out_per_group) * per_group
    channels = tuple(range(first, first + per_group))
    window, _, _ = cell_window(x, size, stride, padding, dilation, cell)
    kernel = weights[:, :, :, channel]
    part = window[:, :, first : first + per_group]
    contributions = depthwise_conv2d(part, kernel[:, :, :, None], 1, "valid", dilation)[0, 0]
    note = "convolution" if groups == 1 else f"grouped convolution (group {channel // out_per_group} of {groups})"

    def pre_vector():
        return conv2d(window, weights, 1, "valid", dilation, groups)[0, 0] + np.asarray(
            layer.bias if layer.use_bias else np.zeros(weights.shape[3]), np.float64)

    return _finish(layer, note, cell=cell, channel=channel, layer_input=x[:, :, first : first + per_group],
                   kernel=kernel, window=part, contributions=np.asarray(contributions, np.float64),
                   pre_vector=pre_vector, model_value=model_value, geometry=geometry,
                   input_channels=channels)


def replay_depthwise(layer, x: np.ndarray, cell, channel: int, model_value: float) -> Replay:
    """DepthwiseConv2D: output channel c·M + m is input channel c with its own kernel m."""
    size, stride, padding, dilation = geometry = _geometry(layer)
    weights = np.asarray(layer.kernel, dtype=np.float64)  # (kh, kw, Cin, M)
    source, multiple = divmod(int(channel), weights.shape[3])
    window, _, _ = cell_window(x, size, stride, padding, dilation, cell)
    part = window[:, :, source : source + 1]
    kernel = weights[:, :, source : source + 1, multiple]
    contributions = depthwise_conv2d(part, kernel[:, :, :, None], 1, "valid", dilation)[0, 0]

    def pre_vector():
        bias = np.asarray(layer.bias, np.float64) if layer.use_bias else 0.0
        return depthwise_conv2d(window, weights, 1, "valid", dilation)[0, 0] + bias

    return _finish(layer, f"depthwise convolution of input channel {source}", cell=cell, channel=channel,
                   layer_input=x[:, :, source : source + 1], kernel=kernel, window=part,
                   contributions=np.asarray(contributions, np.float64), pre_vector=pre_vector,
                   model_value=model_value, geometry=geometry, input_channels=(source,))


def replay_separable(layer, x: np.ndarray, cell, channel: int, model_value: float) -> Replay:
    """SeparableConv2D: depthwise then pointwise, folded into one kernel slice per input channel."""
    size, stride, padding, dilation = geometry = _geometry(layer)
    depthwise = np.asarray(layer.depthwise_kernel, dtype=np.float64)  # (kh, kw, Cin, M)
    pointwise = np.asarray(layer.pointwise_kernel, dtype=np.float64)  # (1, 1, Cin·M, Cout)
    cin, multiple = depthwise.shape[2:]
    weights = pointwise[0, 0, :, channel].reshape(cin, multiple)
    window, _, _ = cell_window(x, size, stride, padding, dilation, cell)
    middle = depthwise_conv2d(window, depthwise, 1, "valid", dilation)[0, 0].reshape(cin, multiple)
    contributions = (middle * weights).sum(axis=1)
    kernel = (depthwise * weights[None, None]).sum(axis=3)  # (kh, kw, Cin)

    def pre_vector():
        bias = np.asarray(layer.bias, np.float64) if layer.use_bias else 0.0
        return separable_conv2d(window, depthwise, pointwise, 1, "valid", dilation)[0, 0] + bias

    return _finish(layer, "separable convolution (depthwise, then pointwise)", cell=cell, channel=channel,
                   layer_input=x, kernel=kernel, window=window, contributions=contributions,
                   pre_vector=pre_vector, model_value=model_value, geometry=geometry,
                   input_channels=tuple(range(cin)), depthwise_kernel=depthwise,
                   pointwise_weights=weights.reshape(-1))


def replay_transpose(layer, x: np.ndarray, cell, channel: int, model_value: float) -> Replay:
    """Conv2DTranspose, as the stride-1 "valid" convolution of its zero-inserted input."""
    weights = np.asarray(layer.kernel, dtype=np.float64)  # (kh, kw, Cout, Cin)
    size, dilation = tuple(layer.kernel_size), tuple(layer.dilation_rate)
    z, flipped = transpose_as_convolution(x, weights, tuple(layer.strides), layer.padding,
                                          layer.output_padding, dilation)
    window, _, _ = cell_window(z, size, (1, 1), "valid", dilation, cell)
    kernel = flipped[:, :, :, channel]
    contributions = depthwise_conv2d(window, kernel[:, :, :, None], 1, "valid", dilation)[0, 0]

    def pre_vector():
        bias = np.asarray(layer.bias, np.float64) if layer.use_bias else 0.0
        return conv2d(window, flipped, 1, "valid", dilation)[0, 0] + bias

    return _finish(layer, f"transposed convolution (stride {tuple(layer.strides)} as zeros inserted "
                   "into the input, kernel flipped)", cell=cell, channel=channel, layer_input=z,
                   kernel=kernel, window=window, contributions=np.asarray(contributions, np.float64),
                   pre_vector=pre_vector, model_value=model_value,
                   geometry=(size, (1, 1), "valid", dilation), input_channels=tuple(range(x.shape[2])))
