"""Output sizes and padding, computed the way TensorFlow computes them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from convviz.arithmetic._validate import (
    Pair,
    as_pair,
    as_size,
    explicit_axis_padding,
    explicit_padding_2d,
    padding_keyword,
    shown,
)


def effective_kernel(kernel: int, dilation: int = 1) -> int:
    """Return the span of a dilated kernel: ``(kernel - 1) * dilation + 1`` cells."""
    return (as_size(kernel, "kernel size") - 1) * as_size(dilation, "dilation") + 1


def same_padding(n, kernel, stride=1, dilation=1) -> Pair:
    """Return the ``(before, after)`` padding TensorFlow uses for SAME on one axis.

    TensorFlow makes the output ``ceil(n / stride)`` long and pads just enough
    for that; when the total is odd the extra cell goes after (bottom/right).
    """
    n = as_size(n, "input size")
    kernel = as_size(kernel, "kernel size")
    stride = as_size(stride, "stride")
    dilation = as_size(dilation, "dilation")
    out = -(-n // stride)
    total = max((out - 1) * stride + effective_kernel(kernel, dilation) - n, 0)
    return total // 2, total - total // 2


def axis_padding(n, kernel, stride=1, padding="valid", dilation=1) -> Pair:
    """Return one axis' ``(before, after)`` padding for "valid", "same", an int or a pair."""
    keyword = padding_keyword(padding)
    if keyword == "valid":
        return 0, 0
    if keyword == "same":
        return same_padding(n, kernel, stride, dilation)
    return explicit_axis_padding(padding)


def _axis_output(n: int, span: int, stride: int, before: int, after: int) -> int:
    return (n + before + after - span) // stride + 1


def conv_output_size(n, kernel, stride=1, padding="valid", dilation=1) -> int:
    """Return the output length of a convolution along one axis.

    ``floor((n + before + after - span) / stride) + 1`` with ``span`` the dilated
    kernel; raises ValueError when the kernel does not fit.
    """
    n = as_size(n, "input size")
    kernel = as_size(kernel, "kernel size")
    stride = as_size(stride, "stride")
    dilation = as_size(dilation, "dilation")
    before, after = axis_padding(n, kernel, stride, padding, dilation)
    span = effective_kernel(kernel, dilation)
    if n + before + after < span:
        raise ValueError(
            f"kernel {_describe_kernel(kernel, dilation, span)} does not fit in an input of "
            f"size {n} with padding {_describe_axis_padding(before, after)}: "
            "the output would be empty"
        )
    return _axis_output(n, span, stride, before, after)


def padding_2d(shape, kernel, stride=1, padding="valid", dilation=1) -> tuple[Pair, Pair]:
    """Return ``((top, bottom), (left, right))`` for a 2-D input of ``shape`` (H, W, ...)."""
    height, width = _spatial(shape)
    kh, kw = as_pair(kernel, "kernel size")
    sh, sw = as_pair(stride, "stride")
    dh, dw = as_pair(dilation, "dilation")
    keyword = padding_keyword(padding)
    if keyword == "valid":
        return (0, 0), (0, 0)
    if keyword == "same":
        return same_padding(height, kh, sh, dh), same_padding(width, kw, sw, dw)
    return explicit_padding_2d(padding)


def conv_output_shape(shape, kernel, stride=1, padding="valid", dilation=1) -> Pair:
    """Return the ``(H', W')`` of a convolution over an input of ``shape`` (H, W, ...).

    Raises ValueError, in words, when the kernel does not fit the padded input.
    """
    height, width = _spatial(shape)
    kh, kw = as_pair(kernel, "kernel size")
    sh, sw = as_pair(stride, "stride")
    dh, dw = as_pair(dilation, "dilation")
    (top, bottom), (left, right) = padding_2d((height, width), (kh, kw), (sh, sw), padding, (dh, dw))
    span_h, span_w = effective_kernel(kh, dh), effective_kernel(kw, dw)
    if height + top + bottom < span_h or width + left + right < span_w:
        kernel_text = (
            _describe_kernel(kh, dh, span_h)
            if (kh, dh) == (kw, dw)
            else f"{kh}x{kw}" + (f" with dilation {dh}x{dw} (spanning {span_h}x{span_w})"
                                 if (dh, dw) != (1, 1) else "")
        )
        raise ValueError(
            f"kernel {kernel_text} does not fit in a {height}x{width} input with padding "
            f"{describe_padding(((top, bottom), (left, right)))}: the output would be empty"
        )
    return (
        _axis_output(height, span_h, sh, top, bottom),
        _axis_output(width, span_w, sw, left, right),
    )


def pool_output_shape(shape, size=2, stride=None, padding="valid") -> Pair:
    """Return the ``(H', W')`` of pooling with window ``size``; ``stride=None`` means ``size``."""
    size = as_pair(size, "pool size")
    stride = size if stride is None else as_pair(stride, "pool stride")
    _check_pool_padding(padding, size)
    try:
        return conv_output_shape(shape, size, stride, padding)
    except ValueError as exc:
        raise ValueError(str(exc).replace("kernel", "pool window", 1)) from None


def _check_pool_padding(padding, size: Pair) -> None:
    if padding_keyword(padding) is not None:
        return
    (top, bottom), (left, right) = explicit_padding_2d(padding)
    if max(top, bottom) >= size[0] or max(left, right) >= size[1]:
        raise ValueError(
            "pool padding must be smaller than the pool window, or a window would see only padding"
        )


def input_hw(shape) -> Pair:
    """Return the validated ``(H, W)`` of an input ``shape`` (H, W, ...)."""
    return _spatial(shape)


def _spatial(shape) -> Pair:
    if isinstance(shape, np.ndarray):
        shape = shape.tolist()
    if isinstance(shape, (str, bytes)) or not isinstance(shape, Sequence) or len(shape) < 2:
        raise ValueError(f"an input shape needs a height and a width, got {shown(shape)}")
    return as_size(shape[0], "input height"), as_size(shape[1], "input width")


def _describe_kernel(kernel: int, dilation: int, span: int) -> str:
    if dilation == 1:
        return str(kernel)
    return f"{kernel} with dilation {dilation} (spanning {span})"


def _describe_axis_padding(before: int, after: int) -> str:
    return str(before) if before == after else f"{before} before and {after} after"


def describe_padding(padding: tuple[Pair, Pair]) -> str:
    """Describe ``((top, bottom), (left, right))`` (or a number) in words: "0", "1" or per side."""
    (top, bottom), (left, right) = explicit_padding_2d(padding)
    if top == bottom == left == right:
        return str(top)
    return f"top {top}, bottom {bottom}, left {left}, right {right}"
