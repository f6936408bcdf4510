"""Files shipped with convviz in the top-level ``assets/`` folder (numpy only, no Qt, no TensorFlow)."""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

import numpy as np

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
BUNDLED_MNIST = "mnist_train_10k.npz"
MNIST_TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
MNIST_TEST_LABELS = "t10k-labels-idx1-ubyte.gz"


def asset_path(name: str) -> Path:
    """Return the path of the shipped asset ``name``; FileNotFoundError in words if it is missing."""
    path = ASSETS_DIR / name
    if not path.is_file():
        raise FileNotFoundError(
            f"convviz's bundled file {name} is missing from {ASSETS_DIR}: reinstall convviz "
            "from a complete checkout (pip install -e .)"
        )
    return path


@lru_cache(maxsize=1)
def bundled_digits() -> tuple[np.ndarray, np.ndarray]:
    """Return the bundled MNIST sample as ``(x, y)``: uint8 (10000, 28, 28) and uint8 labels.

    The arrays are read-only; copy before changing them.
    """
    with np.load(asset_path(BUNDLED_MNIST), allow_pickle=False) as data:
        x, y = data["x"], data["y"]
    x.setflags(write=False)
    y.setflags(write=False)
    return x, y


@lru_cache(maxsize=1)
def bundled_test_digits() -> tuple[np.ndarray, np.ndarray]:
    """Return the official MNIST test set as ``(x, y)``: uint8 (10000, 28, 28) and uint8 labels.

    Read from the unchanged ``t10k-*-ubyte.gz`` IDX files in ``assets/``; read-only arrays.
    """
    x = _read_shipped_idx(MNIST_TEST_IMAGES, ndim=3)
    y = _read_shipped_idx(MNIST_TEST_LABELS, ndim=1)
    if len(x) != len(y):
        raise ValueError(f"convviz's bundled MNIST test set is damaged: {len(x):,} images but {len(y):,} labels")
    return x, y


def _read_shipped_idx(name: str, ndim: int) -> np.ndarray:
    """The uint8 array in the shipped gzipped IDX file ``name`` (magic 0x0000 08 ``ndim``)."""
    path = asset_path(name)
    with gzip.open(path, "rb") as stream:
        raw = stream.read()
    header = 4 + 4 * ndim
    if len(raw) < header or raw[:4] != bytes((0, 0, 0x08, ndim)):
        raise ValueError(f"convviz's bundled file {name} is damaged (not an IDX file of unsigned bytes)")
    dims = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    if len(raw) != header + int(np.prod(dims)):
        raise ValueError(f"convviz's bundled file {name} is damaged (cut short or padded)")
    array = np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)
    array.setflags(write=False)
    return array


PHOTOS = ("chelsea", "coffee", "astronaut")  # assets/photos/<name>.png, credited in ATTRIBUTION.md


@lru_cache(maxsize=len(PHOTOS))
def bundled_photo(name: str) -> np.ndarray:
    """Return the bundled colour photo ``name`` (one of :data:`PHOTOS`) as read-only uint8 (H, W, 3)."""
    from PIL import Image

    if name not in PHOTOS:
        raise ValueError(f"unknown photo {name!r}: choose one of {', '.join(PHOTOS)}")
    with Image.open(asset_path(f"photos/{name}.png")) as image:
        pixels = np.asarray(image.convert("RGB"))
    pixels.setflags(write=False)
    return pixels
