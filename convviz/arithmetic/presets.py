"""Ready-made kernels and input feature maps for the studio (pure numpy).

Kernels that only exist at some sizes (Sobel, Laplacian, sharpen, the
conv-arithmetic example) say so through :func:`preset_sizes`; the others
(identity, box blur, Gaussian, random) are built at any ``(kh, kw)``.
"""

from __future__ import annotations

from math import comb

import numpy as np

#: The 5x5 input and 3x3 kernel of the classic conv-arithmetic illustration.
SEED_INPUT = np.array(
    [[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]],
    dtype=np.int64,
)
SEED_KERNEL = np.array([[0, 1, 2], [2, 2, 0], [0, 1, 2]], dtype=np.int64)

_SOBEL_SMOOTH = {3: np.array([1, 2, 1]), 5: np.array([1, 4, 6, 4, 1])}
_SOBEL_DERIV = {3: np.array([-1, 0, 1]), 5: np.array([-1, -2, 0, 2, 1])}
_LAPLACIAN = {
    3: np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]]),
    5: np.array(
        [[2, 4, 4, 4, 2], [4, 0, -8, 0, 4], [4, -8, -24, -8, 4], [4, 0, -8, 0, 4], [2, 4, 4, 4, 2]]
    ),
}
_SHARPEN = {
    3: np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=np.float64),
    5: np.array(
        [[-1, -1, -1, -1, -1], [-1, 2, 2, 2, -1], [-1, 2, 8, 2, -1], [-1, 2, 2, 2, -1],
         [-1, -1, -1, -1, -1]],
        dtype=np.float64,
    ) / 8,
}

#: Preset names in the order a menu shows them, with a human label.
KERNEL_PRESETS = {
    "seed": "Conv-arithmetic example (3×3)",
    "identity": "Identity",
    "box": "Box blur",
    "gaussian": "Gaussian",
    "sharpen": "Sharpen",
    "sobel-x": "Sobel x",
    "sobel-y": "Sobel y",
    "laplacian": "Laplacian",
    "random": "Random integers",
}
_FIXED_SIZES = {"seed": (3,), "sharpen": (3, 5), "sobel-x": (3, 5), "sobel-y": (3, 5), "laplacian": (3, 5)}


def preset_sizes(name: str) -> tuple[int, ...] | None:
    """Return the square sizes a preset exists at, or None when it exists at any size."""
    _check_name(name)
    return _FIXED_SIZES.get(name)


def _check_name(name: str) -> None:
    if name not in KERNEL_PRESETS:
        raise ValueError(f"unknown kernel preset {name!r}: choose one of {', '.join(KERNEL_PRESETS)}")


def _binomial(n: int) -> np.ndarray:
    return np.array([comb(n - 1, i) for i in range(n)], dtype=np.float64)


def kernel_preset(name: str, size=3, seed: int = 0) -> np.ndarray:
    """Return the preset kernel ``name`` at ``size`` (int or (kh, kw)).

    Raises ValueError for an unknown name or a size the preset does not exist at.
    """
    _check_name(name)
    kh, kw = (size, size) if isinstance(size, (int, np.integer)) else tuple(size)
    if kh < 1 or kw < 1:
        raise ValueError(f"kernel size must be at least 1, got {kh}x{kw}")
    fixed = _FIXED_SIZES.get(name)
    if fixed is not None and (kh != kw or kh not in fixed):
        sizes = " and ".join(f"{s}×{s}" for s in fixed)
        raise ValueError(f"the {KERNEL_PRESETS[name]} kernel exists at {sizes} only, not {kh}×{kw}")
    if name == "seed":
        return SEED_KERNEL.copy()
    if name == "identity":
        kernel = np.zeros((kh, kw), dtype=np.int64)
        kernel[(kh - 1) // 2, (kw - 1) // 2] = 1  # the centre TF's SAME padding aligns with
        return kernel
    if name == "box":
        return np.full((kh, kw), 1.0 / (kh * kw))
    if name == "gaussian":
        kernel = np.outer(_binomial(kh), _binomial(kw))
        return kernel / kernel.sum()
    if name == "sharpen":
        return _SHARPEN[kh].copy()
    if name == "sobel-x":
        return np.outer(_SOBEL_SMOOTH[kh], _SOBEL_DERIV[kh]).astype(np.int64)
    if name == "sobel-y":
        return np.outer(_SOBEL_DERIV[kh], _SOBEL_SMOOTH[kh]).astype(np.int64)
    if name == "laplacian":
        return _LAPLACIAN[kh].astype(np.int64)
    return np.random.default_rng(seed).integers(-2, 3, size=(kh, kw)).astype(np.int64)


def resize_kernel(kernel: np.ndarray, size) -> np.ndarray:
    """Return ``kernel`` cropped or zero-padded around its centre to ``size`` ((kh, kw))."""
    kh, kw = size
    out = np.zeros((kh, kw), dtype=np.asarray(kernel).dtype)
    src = np.asarray(kernel)
    rows, cols = min(kh, src.shape[0]), min(kw, src.shape[1])
    sr, sc = (src.shape[0] - rows) // 2, (src.shape[1] - cols) // 2
    dr, dc = (kh - rows) // 2, (kw - cols) // 2
    out[dr:dr + rows, dc:dc + cols] = src[sr:sr + rows, sc:sc + cols]
    return out


def random_input(size: int, seed: int = 0, high: int = 9) -> np.ndarray:
    """Return a ``size``x``size`` map of random integers 0..``high`` (reproducible by ``seed``)."""
    return np.random.default_rng(seed).integers(0, high + 1, size=(size, size)).astype(np.int64)


def checker_input(size: int) -> np.ndarray:
    """Return a ``size``x``size`` checkerboard of 0 and 1 in blocks of about a quarter of the side."""
    block = max(1, size // 4)
    rows, cols = np.indices((size, size)) // block
    return ((rows + cols) % 2).astype(np.int64)


def resize_map(values: np.ndarray, size: int) -> np.ndarray:
    """Return ``values`` cropped or zero-padded (top-left anchored) to ``size``x``size``."""
    out = np.zeros((size, size), dtype=np.asarray(values).dtype)
    rows, cols = min(size, values.shape[0]), min(size, values.shape[1])
    out[:rows, :cols] = values[:rows, :cols]
    return out
