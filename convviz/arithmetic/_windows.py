"""Shared plumbing: input arrays as (H, W, C), padding them, and the windows a kernel visits."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from convviz.arithmetic._validate import Pair


def as_feature_map(x) -> tuple[np.ndarray, bool]:
    """Return ``x`` as an (H, W, C) array and whether it was 2-D."""
    array = np.asarray(x)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"the input must hold numbers, got values of type {array.dtype}")
    if array.ndim == 2:
        return array[:, :, None], True
    if array.ndim == 3:
        return array, False
    raise ValueError(f"the input must be 2-D (H, W) or 3-D (H, W, C), got shape {array.shape}")


def compute_dtype(*arrays: np.ndarray) -> np.dtype:
    """Integers stay exact (int64); floats keep their precision, at least float32."""
    dtype = np.result_type(*arrays)
    if dtype.kind in "biu":
        return np.dtype(np.int64)
    return np.result_type(dtype, np.float32)


def pad(x: np.ndarray, padding: tuple[Pair, Pair], value=0) -> np.ndarray:
    """Pad the spatial axes of an (H, W, C) array with ``value``."""
    (top, bottom), (left, right) = padding
    return np.pad(x, ((top, bottom), (left, right), (0, 0)), constant_values=value)


def windows(xp: np.ndarray, kernel: Pair, stride: Pair, dilation: Pair) -> np.ndarray:
    """Return a view (H', W', C, kh, kw) of every window of a padded (H, W, C) array."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    span = ((kh - 1) * dh + 1, (kw - 1) * dw + 1)
    view = sliding_window_view(xp, span, axis=(0, 1))
    return view[::sh, ::sw, :, ::dh, ::dw]


def real_cell_mask(shape: Pair, padding: tuple[Pair, Pair]) -> np.ndarray:
    """Return an (H + pads, W + pads, 1) array: 1 on real cells, 0 on padding."""
    ones = np.ones((shape[0], shape[1], 1), dtype=np.int64)
    return pad(ones, padding, 0)
