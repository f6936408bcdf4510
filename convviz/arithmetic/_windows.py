"""Shared plumbing: input arrays as (H, W, C), padding them, and the windows a kernel visits."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from convviz.arithmetic._validate import Pair

# About 1 GiB of float64: past this numpy would thrash or die with MemoryError mid-way.
MAX_CELLS = 2**27
_INT64_MAX = int(np.iinfo(np.int64).max)


def as_number_array(value, what: str) -> np.ndarray:
    """Return ``value`` as a numeric numpy array; raise ValueError naming ``what`` otherwise."""
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):  # ragged nested lists and the like
        raise ValueError(f"the {what} must be a rectangular grid of numbers") from None
    if array.dtype.kind not in "biuf":
        raise ValueError(f"the {what} must hold numbers, got values of type {array.dtype}")
    return array


def as_feature_map(x) -> tuple[np.ndarray, bool]:
    """Return ``x`` as an (H, W, C) array and whether it was 2-D."""
    array = as_number_array(x, "input")
    if array.ndim == 2:
        array, flat = array[:, :, None], True
    elif array.ndim == 3:
        flat = False
    else:
        raise ValueError(f"the input must be 2-D (H, W) or 3-D (H, W, C), got shape {array.shape}")
    if array.shape[2] == 0:
        raise ValueError(f"the input must have at least one channel, got shape {array.shape}")
    return array, flat


def compute_dtype(*arrays: np.ndarray) -> np.dtype:
    """Integers stay exact (int64); floats keep their precision, at least float32."""
    dtype = np.result_type(*arrays)
    if dtype.kind in "biu":
        return np.dtype(np.int64)
    return np.result_type(dtype, np.float32)


def _largest_magnitude(array: np.ndarray) -> int:
    return max(abs(int(array.max())), abs(int(array.min()))) if array.size else 0


def check_exact_integers(terms: int, *arrays: np.ndarray) -> None:
    """Raise ValueError if integer arrays could overflow int64 in a sum of ``terms`` products.

    Floats are never checked (they round, they do not wrap). Integer results are
    meant to be exact, so a silent wrap-around would be a wrong number on screen.
    """
    if any(array.dtype.kind == "f" for array in arrays):
        return
    if terms == 1 and len(arrays) == 1:  # a plain copy (max pooling): only uint64 can overflow
        if arrays[0].size and int(arrays[0].max()) > _INT64_MAX:
            raise ValueError(
                "the integer values are too large for 64-bit integers: convert them to floats"
            )
        return
    bound = terms
    for array in arrays:
        bound *= _largest_magnitude(array)
    if bound > _INT64_MAX:
        raise ValueError(
            "the integer values are too large to add up exactly in 64 bits: convert them to floats"
        )


def check_size(cells: int, what: str) -> None:
    """Raise ValueError when an array of ``cells`` numbers would be too big to compute."""
    if cells > MAX_CELLS:
        raise ValueError(
            f"the {what} would hold {cells:,} numbers: too big to compute "
            f"(the limit is {MAX_CELLS:,})"
        )


def padded_cells(shape, padding: tuple[Pair, Pair]) -> int:
    """Return how many numbers an (H, W, C) array holds once padded."""
    (top, bottom), (left, right) = padding
    return (shape[0] + top + bottom) * (shape[1] + left + right) * shape[2]


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
