"""The studio's full weight tensors, generated from the 2-D preset kernel (no Qt).

Each (input channel, filter) slice is the preset turned a different way (rotated by
90°·f on square kernels, flipped on others) times a small integer channel weight drawn
from the seed: Sobel x becomes four edge directions, and the channels of one filter weigh
the input differently. Slice (channel 0, filter 0) is the preset itself, so one channel
and one filter show exactly the kernel the user chose. Integer presets stay integers.

Layouts are the engine's (and Keras'):

======================  ===================================================
kind                    tensor
======================  ===================================================
conv                    (kh, kw, Cin / groups, F)
depthwise               (kh, kw, Cin, M)
separable               depthwise (kh, kw, Cin, M) and pointwise (1, 1, Cin·M, F)
transposed              (kh, kw, F, Cin)
conv1d                  (k, Cin / groups, F): the preset's middle row
======================  ===================================================
"""

from __future__ import annotations

import numpy as np

CHANNEL_WEIGHTS = np.array([1, 2, -1, 1])  # drawn per (channel, filter); never 0, so no slice vanishes


def kernel_variant(base: np.ndarray, index: int) -> np.ndarray:
    """``base`` turned the ``index``-th way: rotations on a square kernel, flips otherwise."""
    if base.shape[0] == base.shape[1]:
        turned = np.rot90(base, -(index % 4))
        return turned.T.copy() if (index // 4) % 2 else turned.copy()
    flips = (base, base[::-1], base[:, ::-1], base[::-1, ::-1])
    return flips[index % 4].copy()


def _channel_weights(seed: int, cin: int, filters: int) -> np.ndarray:
    draws = np.random.default_rng(seed).integers(0, len(CHANNEL_WEIGHTS), (cin, filters))
    weights = CHANNEL_WEIGHTS[draws]
    weights[0] = np.abs(weights[0])  # a negative weight would turn a 180° turn back into filter 0
    weights[0, 0] = 1
    return weights


def _stack(base: np.ndarray, seed: int, rows: int, cols: int, random: bool) -> np.ndarray:
    """(kh, kw, rows, cols): slice (r, c) is variant c (or fresh random integers) × a channel weight."""
    scale = _channel_weights(seed, rows, cols)
    rng = np.random.default_rng(seed + 1)
    out = np.empty((*base.shape, rows, cols), dtype=np.result_type(base, np.int64))
    for r in range(rows):
        for c in range(cols):
            if random and (r, c) != (0, 0):
                out[:, :, r, c] = rng.integers(-2, 3, base.shape)
            else:
                out[:, :, r, c] = kernel_variant(base, c) * (1 if random else scale[r, c])
    return out


def layer_weights(settings, in_channels: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Return the weight tensor for ``settings.kind`` (and the pointwise kernel for separable).

    ``settings.weights`` / ``settings.pointwise`` win when given (a kernel sent from a model
    or edited by hand); otherwise they are generated from ``settings.kernel``.
    """
    s, random = settings, settings.kernel_preset == "random"
    base = np.asarray(s.kernel)
    if s.kind == "conv1d":
        base = base[base.shape[0] // 2: base.shape[0] // 2 + 1]
    if s.weights is not None and s.kind != "separable":
        return np.asarray(s.weights), None
    if s.kind == "conv":
        return _stack(base, s.random_seed, max(in_channels // s.groups, 1), s.filters, random), None
    if s.kind == "conv1d":
        return _stack(base, s.random_seed, max(in_channels // s.groups, 1), s.filters, random)[0], None
    if s.kind == "transposed":
        return _stack(base, s.random_seed, in_channels, s.filters, random).transpose(0, 1, 3, 2), None
    if s.weights is not None:
        depthwise = np.asarray(s.weights)
    else:
        flat = _stack(base, s.random_seed, 1, in_channels * s.depth_multiplier, random)
        depthwise = flat.reshape(*base.shape, in_channels, s.depth_multiplier)
    if s.kind == "depthwise":
        return depthwise, None
    if s.pointwise is not None:
        return depthwise, np.asarray(s.pointwise)
    rng = np.random.default_rng(s.random_seed + 2)
    pointwise = rng.integers(-1, 3, (1, 1, in_channels * s.depth_multiplier, s.filters))
    pointwise[0, 0, 0, :] = np.where(pointwise[0, 0, 0, :] == 0, 1, pointwise[0, 0, 0, :])
    return depthwise, pointwise
