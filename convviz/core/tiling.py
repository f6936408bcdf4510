"""Arrange many small maps into one image (numpy only): one image item per layer is cheap to draw."""

from __future__ import annotations

import math

import numpy as np


def grid_shape(count: int, aspect: float = 1.0) -> tuple[int, int]:
    """Rows and columns for ``count`` tiles, about ``aspect`` times wider than tall."""
    if count <= 0:
        return (0, 0)
    cols = max(1, min(count, math.ceil(math.sqrt(count * aspect))))
    return (math.ceil(count / cols), cols)


def tile_maps(maps: np.ndarray, cols: int | None = None, gap: int = 1, fill: float = np.nan) -> np.ndarray:
    """Tile ``maps`` of shape (H, W, N) into one 2-D image, row by row, ``gap`` pixels apart.

    Gaps and unused tiles hold ``fill`` (NaN draws transparent in pyqtgraph).
    """
    maps = np.asarray(maps, dtype=np.float32)
    if maps.ndim != 3:
        raise ValueError(f"tile_maps needs (height, width, count) maps, got shape {maps.shape}")
    height, width, count = maps.shape
    if cols is None:
        rows, cols = grid_shape(count)
    else:
        rows = math.ceil(count / cols) if count else 0
    image = np.full((rows * (height + gap) - gap, cols * (width + gap) - gap), fill, np.float32)
    for index in range(count):
        top, left = divmod(index, cols)
        top *= height + gap
        left *= width + gap
        image[top : top + height, left : left + width] = maps[:, :, index]
    return image


def strip(values: np.ndarray, width: int = 32, fill: float = np.nan) -> np.ndarray:
    """Wrap a 1-D vector into rows of ``width`` cells (a dense layer drawn as a strip)."""
    values = np.asarray(values, dtype=np.float32).ravel()
    width = max(1, min(width, values.size))
    rows = math.ceil(values.size / width)
    image = np.full(rows * width, fill, np.float32)
    image[: values.size] = values
    return image.reshape(rows, width)


def as_maps(activation: np.ndarray) -> np.ndarray:
    """A layer output without batch axis as (H, W, N) maps; 1-D outputs give a strip with N=1."""
    activation = np.asarray(activation)
    if activation.ndim == 3:
        return activation
    if activation.ndim == 2:
        return activation[:, :, None]
    return strip(activation)[:, :, None]
