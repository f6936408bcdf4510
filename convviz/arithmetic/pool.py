"""2-D pooling (max, average, sum) in numpy, with TensorFlow's treatment of padding."""

from __future__ import annotations

import numpy as np

from convviz.arithmetic._validate import as_pair, shown
from convviz.arithmetic._windows import (
    as_feature_map,
    check_exact_integers,
    check_size,
    compute_dtype,
    pad,
    padded_cells,
    real_cell_mask,
    windows,
)
from convviz.arithmetic.sizes import padding_2d, pool_output_shape

POOL_MODES = ("max", "avg", "sum")
_ALIASES = {"max": "max", "avg": "avg", "average": "avg", "mean": "avg", "sum": "sum"}


def pool_mode(mode) -> str:
    """Return the canonical pooling mode ("max", "avg" or "sum") for ``mode`` or its aliases."""
    canonical = _ALIASES.get(str(mode).strip().lower()) if isinstance(mode, str) else None
    if canonical is None:
        raise ValueError(f"unknown pooling mode {shown(mode)}: choose max, avg or sum")
    return canonical


def pool_geometry(shape, size=2, stride=None, padding="valid"):
    """Return validated ``(size, stride, padding_2d)`` for pooling an input of ``shape``."""
    size = as_pair(size, "pool size")
    stride = size if stride is None else as_pair(stride, "pool stride")
    out_h, out_w = pool_output_shape(shape, size, stride, padding)  # raises if it cannot fit
    pads = padding_2d(shape, size, stride, padding)
    shape = (*shape[:2], shape[2] if len(shape) > 2 else 1)
    check_size(padded_cells(shape, pads), "padded input")
    check_size(out_h * out_w * shape[2], "output")
    return size, stride, pads


def check_pool_values(fmap: np.ndarray, size, mode: str) -> None:
    """Raise ValueError if pooling integer ``fmap`` in ``mode`` could overflow int64."""
    check_exact_integers(1 if mode == "max" else size[0] * size[1], fmap)


def padding_fill(dtype: np.dtype, mode: str):
    """The value that stands in for padding so that it never wins or adds: -inf/min for max, 0 else."""
    if mode != "max":
        return 0
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def pool2d(x, size=2, stride=None, padding="valid", mode="max") -> np.ndarray:
    """Pool each channel of ``x`` ((H, W) or (H, W, C)) with a ``size`` window.

    ``stride=None`` means stride = size (the Keras default). Padding cells never
    count: max ignores them and average divides by the number of real cells in
    the window, as ``tf.nn.pool`` does. Sum is average times that count.
    """
    mode = pool_mode(mode)
    fmap, flat = as_feature_map(x)
    size, stride, pads = pool_geometry(fmap.shape, size, stride, padding)
    check_pool_values(fmap, size, mode)
    dtype = compute_dtype(fmap)
    padded = pad(fmap.astype(dtype, copy=False), pads, padding_fill(dtype, mode))
    patches = windows(padded, size, stride, (1, 1))
    if mode == "max":
        out = patches.max(axis=(3, 4))
    else:
        out = patches.sum(axis=(3, 4))
        if mode == "avg":
            counts = windows(real_cell_mask(fmap.shape[:2], pads), size, stride, (1, 1))
            out = out / counts.sum(axis=(3, 4))
            if dtype.kind != "f":
                out = out.astype(np.float64)
            else:
                out = out.astype(dtype, copy=False)
    return out[:, :, 0] if flat else out
