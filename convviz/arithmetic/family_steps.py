"""Animation steps for every convolution kind, one filter at a time, generated lazily.

A convolution plays one step per output cell per filter: all positions of filter
0, then filter 1, ... Each step carries the window, the per-channel dot products,
their sum and the value written (no bias: the value is the sum). A separable
convolution plays its depthwise stage, then its pointwise stage. A transposed
convolution plays one step per input cell per filter, stamping the scaled kernel
onto the output. Replaying the steps rebuilds the full function's output.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from convviz.arithmetic._validate import Pair, as_size
from convviz.arithmetic._windows import as_feature_map, compute_dtype, pad
from convviz.arithmetic.conv import as_kernel, conv_geometry
from convviz.arithmetic.conv1d import as_kernel_1d, as_sequence, conv1d_geometry
from convviz.arithmetic.depthwise import (
    as_depthwise_kernel,
    as_grouped_kernel,
    as_pointwise_kernel,
    depthwise_conv2d,
)
from convviz.arithmetic.steps import Window, conv_window
from convviz.arithmetic.transpose import transpose_geometry


@dataclass(frozen=True)
class FilterStep:
    """One output cell of one filter (2-D kinds)."""

    index: int
    stage: str  # "conv", "depthwise" or "pointwise"
    filter: int  # the output channel written
    position: Pair  # (row, col) of the output cell
    window: Window
    channels: np.ndarray  # (n,) the input channels this filter reads
    inputs: np.ndarray  # (kh, kw, n) values under the kernel, 0 on padding
    kernel: np.ndarray  # (kh, kw, n) this filter's weights
    channel_dots: np.ndarray  # (n,) sum of inputs × kernel, per input channel
    total: float  # sum of channel_dots
    value: float  # written to output[row, col, filter]


@dataclass(frozen=True)
class Conv1DStep:
    """One output cell of one filter of a 1-D convolution."""

    index: int
    filter: int
    position: int  # index of the output cell
    cells: np.ndarray  # (k,) input index under each tap (negative or >= L on padding)
    is_padding: np.ndarray  # (k,) True where the tap covers padding
    channels: np.ndarray  # (n,)
    inputs: np.ndarray  # (k, n), 0 on padding
    kernel: np.ndarray  # (k, n)
    channel_dots: np.ndarray  # (n,)
    total: float
    value: float


@dataclass(frozen=True)
class TransposeStep:
    """One input cell stamping one filter's kernel, scaled by its values, onto the output."""

    index: int
    filter: int
    position: Pair  # (row, col) of the input cell
    inputs: np.ndarray  # (Cin,) the input cell's values
    kernel: np.ndarray  # (kh, kw, Cin) this filter's weights
    channel_stamps: np.ndarray  # (kh, kw, Cin) inputs × kernel, per input channel
    stamp: np.ndarray  # (kh, kw) their sum over channels: what is added to the output
    cells: np.ndarray  # (kh, kw, 2) output (row, col) of each tap; outside when cropped
    inside: np.ndarray  # (kh, kw) True where the tap lands inside the output
    overlaps: np.ndarray  # (kh, kw) stamps landed so far on each cell, this one included
    value: np.ndarray  # (kh, kw) running output at those cells after this step (0 outside)


def _filter_steps(fmap, kernel, groups, stride, dilation, pads, out_shape, stage, first=0):
    """Yield FilterSteps for a grouped (kh, kw, Cin / groups, Cout) kernel."""
    dtype = compute_dtype(fmap, kernel)
    padded = pad(fmap.astype(dtype, copy=False), pads)
    kernel = kernel.astype(dtype, copy=False)
    for index in range(kernel.shape[3] * out_shape[0] * out_shape[1]):
        yield grouped_filter_step(padded, kernel, groups, stride, dilation, pads, out_shape,
                                  fmap.shape[:2], stage, index, first)


def grouped_filter_step(padded, kernel, groups, stride, dilation, pads, out_shape, in_hw, stage,
                        index, first=0) -> FilterStep:
    """Step ``index`` (filter by filter, cells row by row) of a grouped convolution, made directly.

    ``padded`` is the padded input and ``kernel`` the (kh, kw, Cin / groups, Cout) weights, both
    already in the compute dtype; a step depends only on its (filter, position), so a player can
    jump to any step without making the ones before it.
    """
    per_group, out_per_group = kernel.shape[2], kernel.shape[3] // groups
    f, cell = divmod(index, out_shape[0] * out_shape[1])
    pos = divmod(cell, out_shape[1])
    channels = np.arange(per_group) + (f // out_per_group) * per_group
    win = conv_window(pos, kernel.shape[:2], stride, dilation, pads, in_hw)
    inputs = padded[np.ix_(win.rows_padded, win.cols_padded, channels)]
    weights = kernel[:, :, :, f]
    dots = (inputs * weights).sum(axis=(0, 1))
    total = dots.sum()
    return FilterStep(first + index, stage, f, pos, win, channels, inputs, weights, dots, total, total)


def conv2d_steps(x, w, stride=1, padding="valid", dilation=1, groups=1) -> Iterator[FilterStep]:
    """Return the steps of ``conv2d(x, w, ..., groups)``: filter by filter, cells row by row.

    Bad input raises ValueError here, at the call, not at the first ``next()``.
    """
    groups = as_size(groups, "groups")
    fmap, _ = as_feature_map(x)
    kernel, _ = as_kernel(w, fmap.shape[2], groups)
    stride, dilation, pads, out = conv_geometry(fmap, kernel, stride, padding, dilation)
    return _filter_steps(fmap, kernel, groups, stride, dilation, pads, out, "conv")


def depthwise_steps(x, w, stride=1, padding="valid", dilation=1) -> Iterator[FilterStep]:
    """Return the steps of ``depthwise_conv2d``: output channel c·M + m reads input channel c."""
    fmap, _ = as_feature_map(x)
    kernel = as_grouped_kernel(as_depthwise_kernel(w, fmap.shape[2]))
    stride, dilation, pads, out = conv_geometry(fmap, kernel, stride, padding, dilation)
    return _filter_steps(fmap, kernel, fmap.shape[2], stride, dilation, pads, out, "depthwise")


def separable_steps(x, depthwise, pointwise, stride=1, padding="valid",
                    dilation=1) -> Iterator[FilterStep]:
    """Return the depthwise stage's steps, then the pointwise (1×1) stage's, of ``separable_conv2d``.

    The pointwise steps read the depthwise output, computed when the stage begins.
    """
    fmap, _ = as_feature_map(x)
    kernel = as_depthwise_kernel(depthwise, fmap.shape[2])
    point = as_pointwise_kernel(pointwise, kernel.shape[2] * kernel.shape[3])
    grouped = as_grouped_kernel(kernel)
    geometry = conv_geometry(fmap, grouped, stride, padding, dilation)
    return _separable(fmap, kernel, point, geometry)


def _separable(fmap, kernel, point, geometry) -> Iterator[FilterStep]:
    stride, dilation, pads, out = geometry
    grouped = as_grouped_kernel(kernel)
    yield from _filter_steps(fmap, grouped, fmap.shape[2], stride, dilation, pads, out, "depthwise")
    middle = depthwise_conv2d(fmap, kernel, stride, pads, dilation)
    first = grouped.shape[3] * out[0] * out[1]
    no_pad = ((0, 0), (0, 0))
    yield from _filter_steps(middle, point, 1, (1, 1), (1, 1), no_pad, out, "pointwise", first)


def conv1d_steps(x, w, stride=1, padding="valid", dilation=1, groups=1) -> Iterator[Conv1DStep]:
    """Return the steps of ``conv1d``: filter by filter, output cells left to right."""
    groups = as_size(groups, "groups")
    seq, _ = as_sequence(x)
    kernel, _ = as_kernel_1d(w)
    fmap = seq[None]  # a 1-row image: the 2-D machinery does the rest
    grouped, _ = as_kernel(kernel[None], fmap.shape[2], groups)
    stride, dilation, pads, _ = conv1d_geometry(seq.shape[0], kernel.shape[0], stride, padding,
                                                dilation)
    geometry = conv_geometry(fmap, grouped, (1, stride), ((0, 0), pads), (1, dilation))
    steps = _filter_steps(fmap, grouped, groups, *geometry, "conv")
    return (_as_1d(step) for step in steps)


def _as_1d(step: FilterStep) -> Conv1DStep:
    cells = step.window.cols
    return Conv1DStep(step.index, step.filter, step.position[1], cells, step.window.is_padding[0],
                      step.channels, step.inputs[0], step.kernel[0], step.channel_dots,
                      step.total, step.value)


def transpose_steps(x, w, stride=1, padding="valid", output_padding=None,
                    dilation=1) -> Iterator[TransposeStep]:
    """Return the steps of ``conv2d_transpose``: filter by filter, input cells row by row."""
    geometry = transpose_geometry(x, w, stride, padding, output_padding, dilation)
    return _transpose_steps(*geometry)


def _transpose_steps(fmap, kernel, _flat, stride, dilation, out, crop) -> Iterator[TransposeStep]:
    dtype = compute_dtype(fmap, kernel)
    fmap, kernel = fmap.astype(dtype, copy=False), kernel.astype(dtype, copy=False)
    taps = [np.arange(k) * d for k, d in zip(kernel.shape[:2], dilation)]
    cells = fmap.shape[0] * fmap.shape[1]
    for index in range(kernel.shape[2] * cells):
        f, cell = divmod(index, cells)
        if cell == 0:
            running, count = np.zeros(out, dtype=dtype), np.zeros(out, dtype=np.int64)
        pos = divmod(cell, fmap.shape[1])
        rows = pos[0] * stride[0] + taps[0] - crop[0]
        cols = pos[1] * stride[1] + taps[1] - crop[1]
        grid = np.stack(np.meshgrid(rows, cols, indexing="ij"), axis=-1)
        inside = ((rows >= 0) & (rows < out[0]))[:, None] & ((cols >= 0) & (cols < out[1]))[None]
        weights = kernel[:, :, f, :]
        inputs = fmap[pos[0], pos[1]]
        products = inputs * weights
        stamp = products.sum(axis=2)
        hit = grid[inside]
        running[hit[:, 0], hit[:, 1]] += stamp[inside]
        count[hit[:, 0], hit[:, 1]] += 1
        overlaps, value = np.zeros(inside.shape, np.int64), np.zeros(inside.shape, dtype)
        overlaps[inside], value[inside] = count[hit[:, 0], hit[:, 1]], running[hit[:, 0], hit[:, 1]]
        yield TransposeStep(index, f, pos, inputs, weights, products, stamp, grid, inside,
                            overlaps, value)
