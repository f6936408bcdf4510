"""2-D convolution (cross-correlation, as ``tf.nn.conv2d`` computes it) in numpy."""

from __future__ import annotations

import numpy as np

from convviz.arithmetic._validate import as_pair, as_size
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


def kernel_4d(w, what: str, layout: str) -> tuple[np.ndarray, bool]:
    """Return ``w`` as a non-empty 4-D kernel (a 2-D one gains two unit axes) and whether it was 2-D.

    ``what`` names the kernel and ``layout`` its four axes in the refusal, e.g. "the kernel",
    "(kh, kw, Cin, Cout)".
    """
    kernel = as_number_array(w, "kernel")
    if kernel.ndim == 2:
        kernel, flat = kernel[:, :, None, None], True
    elif kernel.ndim == 4:
        flat = False
    else:
        raise ValueError(f"{what} must be 2-D (kh, kw) or 4-D {layout}, got shape {kernel.shape}")
    if 0 in kernel.shape:
        raise ValueError(f"the kernel must not be empty, got shape {kernel.shape}")
    return kernel, flat


def as_kernel(w, in_channels: int, groups: int = 1) -> tuple[np.ndarray, bool]:
    """Return ``w`` as (kh, kw, Cin / groups, Cout) and whether it was a plain 2-D kernel.

    Checks that its input-channel count matches the feature map's, split into ``groups``.
    """
    kernel, flat = kernel_4d(w, "the kernel", "(kh, kw, Cin, Cout)")
    if groups == 1 and kernel.shape[2] != in_channels:
        raise ValueError(
            f"the kernel expects {kernel.shape[2]} input channel(s) but the input has {in_channels}"
        )
    if groups > 1:
        check_groups(in_channels, kernel.shape[3], groups)
        if kernel.shape[2] * groups != in_channels:
            raise ValueError(
                f"the kernel expects {kernel.shape[2]} input channel(s) per group but the input's "
                f"{in_channels} channels in {groups} groups give {in_channels // groups} per group"
            )
    return kernel, flat


def check_groups(in_channels: int, filters: int, groups: int) -> None:
    """Raise ValueError unless ``groups`` divides both the input channels and the filters."""
    if in_channels % groups:
        raise ValueError(
            f"groups must divide the input channels: {in_channels} channel(s) "
            f"cannot be split into {groups} groups"
        )
    if filters % groups:
        raise ValueError(
            f"groups must divide the filters: {filters} filter(s) cannot be split into {groups} groups"
        )


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


def conv2d(x, w, stride=1, padding="valid", dilation=1, groups=1) -> np.ndarray:
    """Slide kernel ``w`` over ``x`` and return the feature map it produces.

    ``x`` is (H, W) or (H, W, Cin); ``w`` is (kh, kw) or (kh, kw, Cin / groups, Cout),
    the layout Keras stores Conv2D kernels in. Like ``tf.nn.conv2d`` this is a
    cross-correlation (the kernel is not flipped). With ``groups`` g, as Keras'
    ``Conv2D(groups=g)``, filter f sees only input channels of group
    ``f // (Cout / g)``. The result is (H', W') when both are 2-D, else
    (H', W', Cout). Integer inputs give exact integer results.
    """
    groups = as_size(groups, "groups")
    fmap, flat_input = as_feature_map(x)
    kernel, flat_kernel = as_kernel(w, fmap.shape[2], groups)
    stride, dilation, pads, _ = conv_geometry(fmap, kernel, stride, padding, dilation)
    dtype = compute_dtype(fmap, kernel)
    padded = pad(fmap.astype(dtype, copy=False), pads)
    patches = windows(padded, kernel.shape[:2], stride, dilation)  # (H', W', Cin, kh, kw)
    kernel = kernel.astype(dtype, copy=False)
    per_group, out_per_group = kernel.shape[2], kernel.shape[3] // groups
    parts = [
        np.tensordot(
            patches[:, :, g * per_group : (g + 1) * per_group],
            kernel[:, :, :, g * out_per_group : (g + 1) * out_per_group],
            axes=([3, 4, 2], [0, 1, 2]),
        )
        for g in range(groups)
    ]
    out = parts[0] if groups == 1 else np.concatenate(parts, axis=2)
    if flat_input and flat_kernel:
        return out[:, :, 0]
    return out
