"""Turn a freely drawn digit into what MNIST digits look like (numpy + Pillow, no Qt, no TensorFlow).

MNIST digits were scaled to fit a 20x20 box (keeping their aspect ratio, with
anti-aliasing) and then placed in a 28x28 field so that their centre of mass
sits at the centre. A network trained on MNIST recognises a drawn digit far
better after the same treatment.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

FIELD = 28
BOX = 20
_INK = 0.05  # below this a pixel counts as background when finding the digit's extent


def center_of_mass(image: np.ndarray) -> tuple[float, float]:
    """Return the (row, col) centre of mass of a 2-D image's intensities (centre if it is empty)."""
    total = float(image.sum())
    if total <= 0:
        return (image.shape[0] - 1) / 2, (image.shape[1] - 1) / 2
    rows = np.arange(image.shape[0])
    cols = np.arange(image.shape[1])
    return float(image.sum(axis=1) @ rows) / total, float(image.sum(axis=0) @ cols) / total


def _shift(image: np.ndarray, dy: int, dx: int) -> np.ndarray:
    out = np.zeros_like(image)
    h, w = image.shape
    src_rows = slice(max(0, -dy), min(h, h - dy))
    src_cols = slice(max(0, -dx), min(w, w - dx))
    dst_rows = slice(max(0, dy), min(h, h + dy))
    dst_cols = slice(max(0, dx), min(w, w + dx))
    out[dst_rows, dst_cols] = image[src_rows, src_cols]
    return out


def mnist_style(image) -> np.ndarray:
    """Return a drawn digit as a 28x28 float32 MNIST-style image in [0, 1].

    ``image`` is 2-D, any size, ink bright (values in [0, 1] or 0-255). The ink's
    bounding box is scaled to fit 20x20, then shifted so its centre of mass is at
    (14, 14), as MNIST's digits were. A blank canvas gives a blank image.
    """
    array = np.asarray(image, dtype=np.float32)
    if array.ndim != 2 or 0 in array.shape:
        raise ValueError(f"a drawn digit must be a 2-D image, got shape {array.shape}")
    if array.max(initial=0) > 1.0:
        array = array / 255.0
    array = np.clip(np.nan_to_num(array), 0.0, 1.0)
    ink_rows = np.flatnonzero((array > _INK).any(axis=1))
    ink_cols = np.flatnonzero((array > _INK).any(axis=0))
    if ink_rows.size == 0:
        return np.zeros((FIELD, FIELD), dtype=np.float32)
    crop = array[ink_rows[0] : ink_rows[-1] + 1, ink_cols[0] : ink_cols[-1] + 1]
    scale = BOX / max(crop.shape)
    height = max(1, round(crop.shape[0] * scale))
    width = max(1, round(crop.shape[1] * scale))
    resized = Image.fromarray(crop, mode="F").resize((width, height), Image.Resampling.LANCZOS)
    digit = np.clip(np.asarray(resized, dtype=np.float32), 0.0, 1.0)

    field = np.zeros((FIELD, FIELD), dtype=np.float32)
    top, left = (FIELD - height) // 2, (FIELD - width) // 2
    field[top : top + height, left : left + width] = digit
    row, col = center_of_mass(field)
    # Keep the whole digit inside the field even when its mass is lopsided.
    dy = int(np.clip(round(FIELD / 2 - row), -top, FIELD - top - height))
    dx = int(np.clip(round(FIELD / 2 - col), -left, FIELD - left - width))
    return _shift(field, dy, dx)
