"""How many weights a convolution layer has, and how many multiply-adds one forward pass costs."""

from __future__ import annotations

import numpy as np

from convviz.arithmetic._validate import as_pair, as_size, shown
from convviz.arithmetic.conv import check_groups
from convviz.arithmetic.conv1d import conv1d_geometry
from convviz.arithmetic.sizes import conv_output_shape, input_hw
from convviz.arithmetic.transpose import transpose_axis

KINDS = ("conv", "conv1d", "depthwise", "separable", "transpose")


def conv_kind(kind) -> str:
    """Return ``kind`` checked against :data:`KINDS` (any case)."""
    word = kind.strip().lower() if isinstance(kind, str) else None
    if word not in KINDS:
        raise ValueError(f"unknown kind {shown(kind)}: use {', '.join(map(repr, KINDS))}")
    return word


def _taps(kernel, kind: str) -> tuple[int, ...]:
    if kind == "conv1d":
        kernel = kernel[0] if isinstance(kernel, (tuple, list)) and len(kernel) == 1 else kernel
        return (as_size(kernel, "kernel size"),)
    return as_pair(kernel, "kernel size")


def layer_channels(kind, in_channels, filters, depth_multiplier, groups) -> tuple[int, int, int, int]:
    """Validate the channel arguments; return (Cin, filters, multiplier, groups)."""
    cin = as_size(in_channels, "in_channels")
    mult = as_size(depth_multiplier, "depth_multiplier")
    groups = as_size(groups, "groups")
    if mult != 1 and kind not in ("depthwise", "separable"):
        raise ValueError(f"depth_multiplier applies to 'depthwise' and 'separable', not {kind!r}")
    if groups != 1 and kind not in ("conv", "conv1d"):
        raise ValueError(f"groups applies to 'conv' and 'conv1d', not {kind!r}")
    if kind == "depthwise":
        if filters is not None and as_size(filters, "filters") != cin * mult:
            raise ValueError(
                f"a depthwise layer gives in_channels × depth_multiplier = {cin * mult} "
                f"channels: pass filters=None or {cin * mult}"
            )
        return cin, cin * mult, mult, 1
    filters = as_size(filters, "filters")
    check_groups(cin, filters, groups)
    return cin, filters, mult, groups


def conv_param_count(kernel, in_channels, filters, kind="conv", use_bias=True,
                     depth_multiplier=1, groups=1) -> int:
    """Return the number of weights of a layer, as Keras' ``count_params()`` reports it.

    ``kind`` is "conv" (Conv2D), "conv1d", "depthwise" (DepthwiseConv2D, whose
    ``filters`` is None or in_channels × depth_multiplier), "separable" or
    "transpose" (Conv2DTranspose). Biases count one per output channel.
    """
    kind = conv_kind(kind)
    if not isinstance(use_bias, (bool, np.bool_)):
        raise ValueError(f"use_bias must be True or False, got {shown(use_bias)}")
    taps = 1
    for size in _taps(kernel, kind):
        taps *= size
    cin, filters, mult, groups = layer_channels(kind, in_channels, filters, depth_multiplier, groups)
    if kind == "depthwise":
        weights = taps * cin * mult
    elif kind == "separable":
        weights = taps * cin * mult + cin * mult * filters
    else:
        weights = taps * (cin // groups) * filters
    return weights + (filters if bool(use_bias) else 0)


def _transpose_hits(n: int, k: int, stride: int, padding, output_padding, dilation: int) -> int:
    """Count the (input cell, kernel tap) pairs of one axis whose stamp lands inside the output."""
    out, crop = transpose_axis(n, k, stride, padding, output_padding, dilation)
    hits = 0
    for a in range(k):  # input cells i with 0 <= i·s + a·d - crop < out
        first = max(0, -((a * dilation - crop) // stride))
        last = min(n - 1, (out - 1 + crop - a * dilation) // stride)
        hits += max(0, last - first + 1)
    return hits


def _output_cells(kind, shape, taps, stride, padding, dilation) -> int:
    if kind == "conv1d":
        if isinstance(shape, np.ndarray):
            shape = shape.tolist()
        if isinstance(shape, (tuple, list)):
            if len(shape) not in (1, 2):
                raise ValueError(f"a 1-D input shape is (L,) or (L, C), got {shown(shape)}")
            shape = shape[0]
        length = as_size(shape, "input length")
        return conv1d_geometry(length, taps[0], stride, padding, dilation)[3]
    out_h, out_w = conv_output_shape(shape, taps, stride, padding, dilation)
    return out_h * out_w


def conv_mult_adds(input_shape, kernel, in_channels, filters, kind="conv", stride=1,
                   padding="valid", dilation=1, depth_multiplier=1, groups=1,
                   output_padding=None) -> int:
    """Return the multiply-adds of one forward pass of one input (no batch).

    Counted: one per product of a weight and an input value that the layer adds
    into an output cell, padding cells included (the layer multiplies their
    zeros too). Not counted: bias additions, activations. A transposed
    convolution counts only stamp products landing inside the output (not the
    cells "same" crops, nor the zeros of its zero-inserted equivalent).
    ``input_shape`` is (H, W[, C]), or (L[, C]) / L for "conv1d".
    """
    kind = conv_kind(kind)
    taps = _taps(kernel, kind)
    cin, filters, mult, groups = layer_channels(kind, in_channels, filters, depth_multiplier, groups)
    per_tap = 1
    for size in taps:
        per_tap *= size
    if kind == "transpose":
        stride, dilation = as_pair(stride, "stride"), as_pair(dilation, "dilation")
        extra = (None, None) if output_padding is None else as_pair(output_padding, "output_padding", 0)
        shape = input_hw(input_shape)
        hits = [_transpose_hits(shape[i], taps[i], stride[i], padding, extra[i], dilation[i])
                for i in (0, 1)]
        return hits[0] * hits[1] * cin * filters
    if output_padding is not None:
        raise ValueError("output_padding applies to 'transpose' only")
    cells = _output_cells(kind, input_shape, taps, stride, padding, dilation)
    if kind == "depthwise":
        return cells * per_tap * cin * mult
    if kind == "separable":
        return cells * (per_tap * cin * mult + cin * mult * filters)
    return cells * per_tap * (cin // groups) * filters
