"""The studio's convolution in depth: channels, filters and the five kinds, computed without Qt.

:func:`compute_depth` fills a :class:`~convviz.core.studio.StudioResult` for every setting
that is not the classic single-channel convolution: the input volume, the full weights,
the engine's full output, the layer's output (bias, activation), the lazy steps in the
order "every position of filter 0, then filter 1, …" (separable: the depthwise stage, then
the pointwise stage; transposed: every input cell stamping), the numbers, and for the
transposed kind both views of it (:class:`TransposeViews`).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from convviz.arithmetic import (
    conv1d,
    conv1d_steps,
    conv2d,
    conv2d_steps,
    conv2d_transpose,
    depthwise_conv2d,
    depthwise_steps,
    padding_2d,
    separable_conv2d,
    separable_steps,
    transpose_as_convolution,
    transpose_steps,
)
from convviz.arithmetic.conv1d import padding_1d
from convviz.core.studio_numbers import studio_numbers

ACTIVATIONS = {
    "none": lambda v: v,
    "relu": lambda v: np.maximum(v, 0),
    "tanh": np.tanh,
    "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
}
KIND_STAGES = {"conv": ("conv",), "conv1d": ("conv",), "depthwise": ("depthwise",),
               "separable": ("depthwise", "pointwise"), "transposed": ("transpose",)}


class TransposeViews:
    """Both ways to see a transposed convolution, each computed when first asked for.

    Stamp view: every input cell adds its scaled kernel onto the output; ``overlaps[r, c]``
    counts the stamps landing on output cell (r, c): where the count alternates (kernel not
    a multiple of the stride) the output shows checkerboard artefacts (``uneven``).
    Convolution view: ``zero_inserted`` (H'+span−1, W'+span−1, Cin) is the input spread with
    stride − 1 zeros between cells and padded; ``is_input[r, c]`` is True where it holds a
    real input cell; ``flipped`` (kh, kw, Cin, F) is the kernel turned 180°; a stride-1
    "valid" convolution of the two (``equivalent_steps``, lazy FilterSteps) equals the output.
    """

    def __init__(self, settings, x: np.ndarray, w: np.ndarray, lazy) -> None:
        self._s, self._x, self._w, self._lazy = settings, x, w, lazy

    def _geometry(self):
        s = self._s
        return s.stride, s.padding, s.output_padding, s.dilation

    @cached_property
    def overlaps(self) -> np.ndarray:
        """(H', W') int: how many stamps land on each output cell."""
        ones_in, ones_kernel = np.ones(self._x.shape[:2], np.int64), np.ones(self._w.shape[:2], np.int64)
        return conv2d_transpose(ones_in, ones_kernel, *self._geometry())

    @property
    def uneven(self) -> bool:
        """True when cells get different numbers of stamps: the checkerboard risk."""
        return bool(self.overlaps.min() != self.overlaps.max())

    @cached_property
    def _equivalent(self):
        return transpose_as_convolution(self._x, self._w, *self._geometry())

    @property
    def zero_inserted(self) -> np.ndarray:
        """The input with stride − 1 zeros between cells, padded so a stride-1 "valid" conv fits."""
        return self._equivalent[0]

    @property
    def flipped(self) -> np.ndarray:
        """The kernel turned 180°, as (kh, kw, Cin, F)."""
        return self._equivalent[1]

    @cached_property
    def is_input(self) -> np.ndarray:
        """(rows, cols) bool of ``zero_inserted``: True where a real input cell sits."""
        ones_in, ones_kernel = np.ones(self._x.shape[:2], np.int64), np.ones(self._w.shape[:2], np.int64)
        return transpose_as_convolution(ones_in, ones_kernel, *self._geometry())[0] != 0

    @cached_property
    def equivalent_steps(self):
        """The equivalent convolution's steps (LazySteps of FilterStep), filter by filter."""
        steps = conv2d_steps(self.zero_inserted, self.flipped, 1, "valid", self._s.dilation)
        return self._lazy(steps, self.overlaps.size * self.flipped.shape[3])


def _full_output(s, x, w, point):
    """The engine's full function for the kind, without bias (the value the steps write)."""
    if s.kind == "conv":
        return conv2d(x, w, s.stride, s.padding, s.dilation, groups=s.groups)
    if s.kind == "conv1d":
        return conv1d(x, w, s.stride, s.padding, s.dilation, groups=s.groups)
    if s.kind == "depthwise":
        return depthwise_conv2d(x, w, s.stride, s.padding, s.dilation)
    if s.kind == "separable":
        return separable_conv2d(x, w, point, s.stride, s.padding, s.dilation)
    return conv2d_transpose(x, w, s.stride, s.padding, s.output_padding, s.dilation)


def kind_steps(s, x, w, point):
    """The engine's step generator for the kind (bad settings raise here, not at ``next()``)."""
    if s.kind == "conv":
        return conv2d_steps(x, w, s.stride, s.padding, s.dilation, s.groups)
    if s.kind == "conv1d":
        return conv1d_steps(x, w, s.stride, s.padding, s.dilation, s.groups)
    if s.kind == "depthwise":
        return depthwise_steps(x, w, s.stride, s.padding, s.dilation)
    if s.kind == "separable":
        return separable_steps(x, w, point, s.stride, s.padding, s.dilation)
    return transpose_steps(x, w, s.stride, s.padding, s.output_padding, s.dilation)


def stage_counts(s, x, output, middle) -> tuple[tuple[str, int], ...]:
    """Each stage with its number of steps, in play order."""
    if s.kind == "transposed":
        return (("transpose", x.shape[0] * x.shape[1] * output.shape[2]),)
    if s.kind == "separable":
        return (("depthwise", middle.size), ("pointwise", output.size))
    return ((KIND_STAGES[s.kind][0], output.size),)


def middle_output(s, x, w):
    """The depthwise stage's output of a separable layer (what the pointwise steps read)."""
    return depthwise_conv2d(x, w, s.stride, s.padding, s.dilation)


def check_kind(s, channels: int) -> None:
    """Raise ValueError (one sentence) for settings no layer of ``s.kind`` accepts."""
    if s.kind not in KIND_STAGES:
        raise ValueError(f"unknown kind {s.kind!r}: use {', '.join(KIND_STAGES)}")
    if s.activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {s.activation!r}: use {', '.join(ACTIVATIONS)}")
    if s.groups != 1 and s.kind not in ("conv", "conv1d"):
        raise ValueError(f"groups apply to 'conv' and 'conv1d', not {s.kind!r}")
    if s.depth_multiplier != 1 and s.kind not in ("depthwise", "separable"):
        raise ValueError(f"a depth multiplier applies to 'depthwise' and 'separable', not {s.kind!r}")
    if s.output_padding is not None and s.kind != "transposed":
        raise ValueError("output padding applies to the transposed convolution only")
    if s.kind in ("conv", "conv1d") and (channels % s.groups or s.filters % s.groups):
        raise ValueError(f"groups must divide the input channels ({channels}) and the filters "
                         f"({s.filters}): {s.groups} does not")


def layer_output(s, output, bias: np.ndarray) -> np.ndarray:
    """What the layer gives: the convolution's output plus the bias, through the activation."""
    return ACTIVATIONS[s.activation](output + bias if s.use_bias else output * 1.0)


def out_channels(s, channels: int) -> int:
    """The layer's output channels: Cin × M for depthwise, the filters otherwise."""
    return channels * s.depth_multiplier if s.kind == "depthwise" else s.filters


def compute_depth(result, lazy) -> None:
    """Fill ``result`` (its ``x`` already the input volume) for its settings; ValueError if refused.

    ``lazy(generator, length)`` wraps a step generator (the studio's :class:`LazySteps`).
    """
    from convviz.core.studio_weights import layer_weights

    s, x = result.settings, result.x
    channels = x.shape[-1]
    check_kind(s, channels)
    w, point = layer_weights(s, channels)
    result.weights, result.pointwise = w, point
    output = np.asarray(_full_output(s, x, w, point))
    result.output = output
    steps = kind_steps(s, x, w, point)
    result.middle = middle_output(s, x, w) if s.kind == "separable" else None
    result.stages = stage_counts(s, x, output, result.middle)
    result.conv_steps = lazy(steps, sum(count for _, count in result.stages))
    cout = out_channels(s, channels)
    result.bias = _bias(s, cout)
    result.activated = layer_output(s, output, result.bias)
    result.numbers = studio_numbers(s, x.shape, w.shape, channels, cout)
    result.pads = _pads(s, x, w)
    if s.kind == "transposed":
        result.transposed = TransposeViews(s, x, w, lazy)


def _pads(s, x, w):
    """((top, bottom), (left, right)) padding of the sliding kinds; conv1d pads (left, right) only."""
    if s.kind == "transposed":
        return ((0, 0), (0, 0))
    if s.kind == "conv1d":
        return ((0, 0), padding_1d(x.shape[0], w.shape[0], s.stride, s.padding, s.dilation))
    return padding_2d(x.shape, w.shape[:2], s.stride, s.padding, s.dilation)


def _bias(s, cout: int) -> np.ndarray:
    if not s.use_bias or s.bias is None:
        return np.zeros(cout)
    bias = np.asarray(s.bias, dtype=np.float64).reshape(-1)
    if bias.size != cout:
        raise ValueError(f"the bias needs one value per output channel: {cout}, got {bias.size}")
    return bias
