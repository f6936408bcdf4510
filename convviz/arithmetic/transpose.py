"""Transposed 2-D convolution, as Keras' ``Conv2DTranspose`` (TensorFlow's conv2d_transpose).

Every input cell stamps the kernel, scaled by its values, onto the output at
``stride`` steps; overlapping stamps add up. The output size follows Keras' rule,
and "same" crops the cells TensorFlow crops.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from convviz.arithmetic._validate import Pair, as_pair, as_size, shown
from convviz.arithmetic._windows import (
    as_feature_map,
    check_exact_integers,
    check_size,
    compute_dtype,
)
from convviz.arithmetic.conv import kernel_4d
from convviz.arithmetic.sizes import effective_kernel, input_hw, same_padding


def transpose_padding_keyword(padding) -> str:
    """Return "valid" or "same"; a transposed convolution takes no numeric padding in Keras."""
    keyword = padding.strip().lower() if isinstance(padding, str) else None
    if keyword not in ("valid", "same"):
        raise ValueError(
            f"a transposed convolution's padding must be 'valid' or 'same', got {shown(padding)}"
        )
    return keyword


def _keras_length(n: int, span: int, stride: int, keyword: str, output_padding) -> int:
    if output_padding is None:
        return n * stride + (max(span - stride, 0) if keyword == "valid" else 0)
    crop = span // 2 if keyword == "same" else 0
    return (n - 1) * stride + span - 2 * crop + output_padding


def transpose_axis(n, kernel, stride=1, padding="valid", output_padding=None, dilation=1) -> Pair:
    """Return one axis' ``(output length, cells cropped before)`` of a transposed convolution.

    The length is Keras' rule: with ``output_padding`` None, ``n·s + max(k - s, 0)``
    for "valid" and ``n·s`` for "same"; otherwise ``s(n - 1) + k - 2p + output_padding``
    with ``p = k // 2`` for "same" and 0 for "valid" (k the dilated span).
    Raises ValueError for the combinations TensorFlow refuses.
    """
    n, kernel = as_size(n, "input size"), as_size(kernel, "kernel size")
    stride, dilation = as_size(stride, "stride"), as_size(dilation, "dilation")
    keyword = transpose_padding_keyword(padding)
    if stride > 1 and dilation > 1:
        raise ValueError("Keras refuses stride > 1 together with dilation > 1: make one of them 1")
    if output_padding is not None:
        output_padding = as_size(output_padding, "output_padding", minimum=0)
        if output_padding >= stride:
            raise ValueError(
                f"output_padding must be smaller than the stride, got {output_padding} "
                f"with stride {stride}"
            )
    span = effective_kernel(kernel, dilation)
    out = _keras_length(n, span, stride, keyword, output_padding)
    if keyword == "same":
        back, crop = -(-out // stride), same_padding(out, kernel, stride, dilation)[0] if out else 0
    else:
        back, crop = ((out - span) // stride + 1 if out >= span else 0), 0
    if out < 1 or back != n:
        raise ValueError(
            f"TensorFlow cannot compute this: an output of {out} cells does not map back to "
            f"{n} input cells (kernel span {span}, stride {stride}, '{keyword}'); "
            "change output_padding"
        )
    return out, crop


def transpose_output_shape(shape, kernel, stride=1, padding="valid", output_padding=None,
                           dilation=1) -> Pair:
    """Return the ``(H', W')`` of a transposed convolution of an input of ``shape`` (H, W, ...)."""
    return _geometry(input_hw(shape), kernel, stride, padding, output_padding, dilation)[3]


def _geometry(shape, kernel, stride, padding, output_padding, dilation):
    kernel, stride = as_pair(kernel, "kernel size"), as_pair(stride, "stride")
    dilation = as_pair(dilation, "dilation")
    extra = (None, None) if output_padding is None else as_pair(output_padding, "output_padding", 0)
    axes = [
        transpose_axis(shape[i], kernel[i], stride[i], padding, extra[i], dilation[i])
        for i in (0, 1)
    ]
    crop = (axes[0][1], axes[1][1])
    return kernel, stride, dilation, (axes[0][0], axes[1][0]), crop


def as_transpose_kernel(w, in_channels: int) -> tuple[np.ndarray, bool]:
    """Return ``w`` as Keras' (kh, kw, Cout, Cin) layout, and whether it was a plain 2-D kernel."""
    kernel, flat = kernel_4d(w, "a transposed kernel", "(kh, kw, Cout, Cin)")
    if kernel.shape[3] != in_channels:
        raise ValueError(
            f"the transposed kernel (kh, kw, Cout, Cin) expects {kernel.shape[3]} input "
            f"channel(s) but the input has {in_channels}"
        )
    return kernel, flat


class TransposePlan(NamedTuple):
    """A validated transposed convolution: arrays, geometry, and what "same" crops."""

    fmap: np.ndarray  # (H, W, Cin)
    kernel: np.ndarray  # (kh, kw, Cout, Cin)
    flat: bool  # both were plain 2-D: return a 2-D result
    stride: Pair
    dilation: Pair
    out: Pair  # (H', W'), Keras' output size
    crop: Pair  # (top, left) cells cropped before the output starts

    @property
    def canvas(self) -> Pair:
        """Rows and columns of the uncropped canvas every stamp fits on, output included."""
        return tuple(
            max((n - 1) * s + (k - 1) * d + 1, o + c)
            for n, s, k, d, o, c in zip(
                self.fmap.shape, self.stride, self.kernel.shape, self.dilation, self.out, self.crop
            )
        )


def transpose_geometry(x, w, stride, padding, output_padding, dilation) -> TransposePlan:
    """Validate a transposed convolution of ``x`` by ``w`` and return its :class:`TransposePlan`."""
    fmap, flat_input = as_feature_map(x)
    kernel, flat_kernel = as_transpose_kernel(w, fmap.shape[2])
    _, stride, dilation, out, crop = _geometry(
        fmap.shape, kernel.shape[:2], stride, padding, output_padding, dilation
    )
    plan = TransposePlan(fmap, kernel, flat_input and flat_kernel, stride, dilation, out, crop)
    check_size(plan.canvas[0] * plan.canvas[1] * kernel.shape[2], "output")
    check_exact_integers(int(np.prod(kernel.shape[:2])) * fmap.shape[2], fmap, kernel)
    return plan


def conv2d_transpose(x, w, stride=1, padding="valid", output_padding=None, dilation=1) -> np.ndarray:
    """Return the transposed convolution of ``x`` by ``w``, as Keras' ``Conv2DTranspose``.

    ``x`` is (H, W) or (H, W, Cin); ``w`` is (kh, kw) or (kh, kw, Cout, Cin), Keras'
    layout. Input cell (r, c) adds ``x[r, c] · w[a, b]`` to output cell
    ``(r·s + a·d - top, c·s + b·d - left)``, where (top, left) is what "same" crops.
    The result is (H', W') when both are 2-D, else (H', W', Cout).
    """
    plan = transpose_geometry(x, w, stride, padding, output_padding, dilation)
    dtype = compute_dtype(plan.fmap, plan.kernel)
    fmap, kernel = plan.fmap.astype(dtype, copy=False), plan.kernel.astype(dtype, copy=False)
    (h, wd), (sh, sw), (dh, dw) = fmap.shape[:2], plan.stride, plan.dilation
    canvas = np.zeros((*plan.canvas, kernel.shape[2]), dtype=dtype)
    for a in range(kernel.shape[0]):
        for b in range(kernel.shape[1]):
            rows = slice(a * dh, a * dh + (h - 1) * sh + 1, sh)
            cols = slice(b * dw, b * dw + (wd - 1) * sw + 1, sw)
            canvas[rows, cols] += np.tensordot(fmap, kernel[a, b], axes=([2], [1]))
    (top, left), (out_h, out_w) = plan.crop, plan.out
    result = canvas[top : top + out_h, left : left + out_w]
    return result[:, :, 0] if plan.flat else result


def transpose_as_convolution(x, w, stride=1, padding="valid", output_padding=None, dilation=1):
    """Return ``(z, k)``: the transposed convolution as a stride-1 "valid" convolution.

    ``z`` is ``x`` with ``stride - 1`` zeros inserted between its cells and padded
    by ``span - 1 - crop`` cells before (the rest after, to reach Keras' size);
    ``k`` is the kernel flipped in both directions, as (kh, kw, Cin, Cout).
    ``conv2d(z, k, dilation=dilation)`` equals ``conv2d_transpose(x, w, ...)``.
    """
    fmap, kernel, flat, stride, dilation, out, crop = transpose_geometry(
        x, w, stride, padding, output_padding, dilation
    )
    spans = [(k - 1) * d + 1 for k, d in zip(kernel.shape[:2], dilation)]
    spread = [(n - 1) * s + 1 for n, s in zip(fmap.shape[:2], stride)]
    size = (out[0] + spans[0] - 1, out[1] + spans[1] - 1, fmap.shape[2])
    check_size(size[0] * size[1] * size[2], "zero-inserted input")
    z = np.zeros(size, dtype=compute_dtype(fmap))
    top, left = spans[0] - 1 - crop[0], spans[1] - 1 - crop[1]
    z[top : top + spread[0] : stride[0], left : left + spread[1] : stride[1]] = fmap
    flipped = kernel[::-1, ::-1].transpose(0, 1, 3, 2)
    if flat:
        return z[:, :, 0], flipped[:, :, 0, 0]
    return z, flipped
