"""Reads a folder of class subfolders of images (``cats/1.png``, ``dogs/7.jpg``, ...) with Pillow.

The layout is the one ``keras.utils.image_dataset_from_directory`` reads: one subfolder per
class, named after it; classes are numbered in sorted name order. All images are brought to
one size, the most common one (scaled down to at most :data:`MAX_SIDE` pixels on the longer
side), and to one channel count: 1 when every image is grey, else 3 (RGB; alpha is dropped).
The walk stays inside the folder, and files, pixels per image and decoded bytes are bounded
(:mod:`convviz.core.gate`).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np

from convviz.core import gate
from convviz.core.errors import first_line
from convviz.core.gate import safe_name
from convviz.training.errors import DataError

__all__ = ["IMAGE_SUFFIXES", "MAX_SIDE", "ImageFolder", "class_folders", "read_image_folder"]

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"})
MAX_SIDE = 256
_GREY_MODES = frozenset({"1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "F"})


class ImageFolder:
    """The images of a class-subfolder tree: uint8 ``x`` (N, H, W, C), int64 ``y``, class names."""

    def __init__(self, x: np.ndarray, y: np.ndarray, class_names: list[str], resized: int):
        self.x, self.y, self.class_names, self.resized = x, y, class_names, resized


def class_folders(folder: Path) -> dict[str, list[Path]]:
    """``{class name: image files}`` for every non-hidden subfolder of ``folder`` holding images.

    The walk never leaves ``folder`` (a link out of it is refused) and counts the files.
    """
    try:
        return gate.class_image_files(folder, IMAGE_SUFFIXES)
    except gate.GateError as exc:
        raise DataError(str(exc)) from None


def _header(path: Path) -> tuple[tuple[int, int], str]:
    from PIL import Image

    try:
        with Image.open(path) as image:
            size, mode = image.size, image.mode
    except Exception as exc:  # UnidentifiedImageError, truncated headers, permissions
        raise DataError(f"{safe_name(path.name)}: not a readable image ({safe_name(first_line(exc, 100))})") from None
    try:
        gate.check_image_pixels(path, size)
    except gate.GateError as exc:
        raise DataError(str(exc)) from None
    return size, mode


def _target_size(sizes: list[tuple[int, int]]) -> tuple[int, int]:
    """The most common (width, height), scaled down to fit MAX_SIDE."""
    width, height = Counter(sizes).most_common(1)[0][0]
    scale = min(1.0, MAX_SIDE / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def read_image_folder(folder: Path, class_names: list[str] | None = None,
                      size: tuple[int, int] | None = None, channels: int | None = None) -> ImageFolder:
    """Read every image under ``folder``'s class subfolders; see the module docstring.

    ``class_names``, ``size`` (width, height) and ``channels`` force those of another split
    (a test folder must use the training folder's classes, size and channels).
    """
    from PIL import Image

    classes = class_folders(folder)
    if not classes:
        raise DataError(f"{safe_name(folder)}: no images in class subfolders "
                        f"(expected {safe_name(folder.name)}/<class name>/<image>.png and so on)")
    if class_names is None:
        class_names = sorted(classes)
        if len(class_names) < 2:
            raise DataError(f"{safe_name(folder)}: only one class folder with images ({class_names[0]}); "
                            "need at least 2 classes")
    else:
        unknown = sorted(set(classes) - set(class_names))
        if unknown:
            raise DataError(f"{safe_name(folder)}: class folder {unknown[0]} is not among the training classes")
    files = [(path, class_names.index(name)) for name in sorted(classes) for path in classes[name]]
    headers = [_header(path) for path, _ in files]
    if size is None:
        size = _target_size([dims for dims, _ in headers])
    if channels is None:
        channels = 1 if all(mode in _GREY_MODES for _, mode in headers) else 3
    mode = "L" if channels == 1 else "RGB"
    try:
        gate.check_decoded_total(folder, len(files), (size[1], size[0], channels))
    except gate.GateError as exc:
        raise DataError(str(exc)) from None
    x = np.empty((len(files), size[1], size[0], channels), dtype=np.uint8)
    resized = 0
    for index, (path, _) in enumerate(files):
        try:
            with Image.open(path) as image:
                image = _as_mode(image, mode)
                if image.size != size:
                    image = image.resize(size, Image.Resampling.BILINEAR)
                    resized += 1
                x[index] = np.asarray(image, dtype=np.uint8).reshape(size[1], size[0], channels)
        except DataError:
            raise
        except Exception as exc:  # decoding fails only now for truncated files
            raise DataError(f"{safe_name(path.name)}: not a readable image "
                            f"({safe_name(first_line(exc, 100))})") from None
    y = np.array([label for _, label in files], dtype=np.int64)
    return ImageFolder(x, y, list(class_names), resized)


def _as_mode(image, mode: str):
    """``image`` as 8-bit grey ("L") or "RGB"; 16-bit and float grey are scaled to 0..255."""
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        values = np.asarray(image, dtype=np.float64)
        top = 65535.0 if values.max(initial=0) > 255 else 255.0
        from PIL import Image

        image = Image.fromarray(np.clip(values * (255.0 / top), 0, 255).astype(np.uint8), "L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA").convert(mode)
    return image.convert(mode)
