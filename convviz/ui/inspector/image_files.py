"""One photo read from disk for the inspector, through the same gate as image folders.

PNG, JPEG and BMP of any size up to the pixel budget; anything else, a truncated or
corrupt file, or too many pixels is a one-line ``ValueError`` naming the file.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from convviz.core.errors import first_line
from convviz.core.gate import GateError, check_image_pixels, check_path, safe_name

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")
FILE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp)"


def is_image_path(path: str | os.PathLike) -> bool:
    """True when ``path`` ends like an image convviz reads."""
    return Path(path).suffix.lower() in IMAGE_SUFFIXES


def read_image(path: str | os.PathLike) -> np.ndarray:
    """The image at ``path`` as uint8 (H, W, 3) RGB or (H, W) grey; ValueError (one line) if it cannot be."""
    from PIL import Image

    try:
        path = check_path(Path(path).expanduser())
    except GateError as exc:
        raise ValueError(str(exc)) from None
    name = safe_name(path.name)
    if not is_image_path(path):
        raise ValueError(f"{name}: not an image convviz opens; use PNG, JPEG or BMP")
    try:
        with Image.open(path) as image:
            check_image_pixels(path, image.size)
            image.load()
            grey = image.mode in ("1", "L", "I", "I;16", "F")
            converted = image.convert("L" if grey else "RGB")
            return np.asarray(converted, dtype=np.uint8).copy()
    except GateError as exc:
        raise ValueError(str(exc)) from None
    except FileNotFoundError:
        raise ValueError(f"{name}: no such file") from None
    except Exception as exc:  # UnidentifiedImageError, truncated data, decompression bombs
        raise ValueError(f"{name}: not a readable image ({safe_name(first_line(exc), 100)})") from None
