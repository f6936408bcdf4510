"""2-D convolution (cross-correlation, as ``tf.nn.conv2d`` computes it) in numpy."""

from __future__ import annotations

import numpy as np

from convviz.arithmetic._validate import as_pair
from convviz.arithmetic._windows import (
    as_feature_map,
    as_number_array,
    check_exact_integers,
    check_size,
    compute_dtype,
    pad,
    padded_cells,
    windows,
)
from convviz.arithmetic.sizes import conv_output_shape, padding_2d


def as_kernel(w, in_channels: int) -> tuple[np.ndarray, bool]:
    """Return ``w`` as (kh, kw, Cin, Cout) and whether it was a plain 2-D kernel.

    Checks that its input-channel count matches the feature map's.
    """
    kernel = as_number_array(w, "kernel")
    if kernel.ndim == 2:
        kernel, flat = kernel[:, :, None, None], True
    elif kernel.ndim == 4:
        flat = False
    else:
        raise ValueError(
            f"the kernel must be 2-D (kh, kw) or 4-D (kh, kw, Cin, Cout), got shape {kernel.shape}"
        )
    if 0 in kernel.shape:
        raise ValueError(f"the kernel must not be empty, got shape {kernel.shape}")
    if kernel.shape[2] != in_channels:
        raise ValueError(
            f"the kernel expects {kernel.shape[2]} input channel(s) but the input has {in_channels}"
        )
    return kernel, flat


def conv_geometry(fmap: np.ndarray, kernel: np.ndarray, stride, padding, dilation):
    """Validate a convolution of ``fmap`` (H, W, C) by ``kernel`` (kh, kw, Cin, Cout).

    Returns ``(stride, dilation, padding_2d, (H', W'))``; raises ValueError when the
    kernel does not fit, or when the work would not fit in memory or in int64.
    """
    size = kernel.shape[:2]
    stride = as_pair(stride, "stride")
    dilation = as_pair(dilation, "dilation")
    out_h, out_w = conv_output_shape(fmap.shape, size, stride, padding, dilation)
    pads = padding_2d(fmap.shape, size, stride, padding, dilation)
    check_size(padded_cells(fmap.shape, pads), "padded input")
    cells_per_window = int(np.prod(kernel.shape[:3]))
    check_size(out_h * out_w * cells_per_window, "set of windows")
    check_size(out_h * out_w * kernel.shape[3], "output")
    check_exact_integers(cells_per_window, fmap, kernel)
    return stride, dilation, pads, (out_h, out_w)


def conv2d(x, w, stride=1, padding="valid", dilation=1) -> np.ndarray:
    """Slide kernel ``w`` over ``x`` and return the feature map it produces.

    ``x`` is (H, W) or (H, W, Cin); ``w`` is (kh, kw) or (kh, kw, Cin, Cout), the
    layout Keras stores Conv2D kernels in. Like ``tf.nn.conv2d`` this is a
    cross-correlation (the kernel is not flipped). The result is (H', W') when
    both are 2-D, else (H', W', Cout). Integer inputs give exact integer results.
    """
    fmap, flat_input = as_feature_map(x)
    kernel, flat_kernel = as_kernel(w, fmap.shape[2])
    stride, dilation, pads, _ = conv_geometry(fmap, kernel, stride, padding, dilation)
    dtype = compute_dtype(fmap, kernel)
    padded = pad(fmap.astype(dtype, copy=False), pads)
    patches = windows(padded, kernel.shape[:2], stride, dilation)  # (H', W', Cin, kh, kw)
    out = np.tensordot(patches, kernel.astype(dtype, copy=False), axes=([3, 4, 2], [0, 1, 2]))
    if flat_input and flat_kernel:
        return out[:, :, 0]
    return out
