"""The studio's input as a volume: (H, W, C) for the 2-D kinds, (L, C) for ``conv1d`` (no Qt).

Every input kind gives ``in_channels`` channels, and says what each one is:

- ``photo``: a bundled colour photo, centre-cropped to a square and resized with Pillow.
  One channel is its grey (luma) version; two are R, G; three are R, G, B; beyond three
  come grey, then the inverted colours 255 − R, 255 − G, 255 − B, 255 − grey.
- ``digit``: channel c is bundled MNIST digit ``digit_index + c``.
- ``seed``: the conv-arithmetic map, rotated by 90° per channel.
- ``random``: independent integers 0–9 per channel (one seed).
- ``checker``: the checkerboard, shifted one cell right per channel.
- ``draw``: the drawing; a 2-D drawing is repeated on every channel.
- ``model``: the inspector's feature map, with its own channels.

``conv1d`` reads the middle row of that volume: a real sequence of ``input_size`` samples.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from convviz.arithmetic.presets import SEED_INPUT, checker_input

MAX_CHANNELS = 64  # the core's limit: the tutorial network's layers have 32 and 64 channels
UI_MAX_CHANNELS = 8  # what the studio's controls and ``convviz animate`` offer
PHOTO_EXTRAS = ("grey", "255−R", "255−G", "255−B", "255−grey")


@lru_cache(maxsize=32)  # a settings change must not resize the photo again (~1 ms each)
def photo_volume(name: str, size: int, channels: int) -> tuple[np.ndarray, tuple[str, ...]]:
    """Photo ``name`` as a read-only int64 (size, size, channels) volume and each channel's name."""
    volume, names = _photo_volume(name, size, channels)
    volume.setflags(write=False)
    return volume, names


def _photo_volume(name: str, size: int, channels: int) -> tuple[np.ndarray, tuple[str, ...]]:
    from PIL import Image

    from convviz.assets import bundled_photo

    pixels = bundled_photo(name)
    height, width = pixels.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    square = Image.fromarray(np.ascontiguousarray(pixels[top:top + side, left:left + side]))
    rgb = square.resize((size, size), Image.Resampling.LANCZOS)
    grey = np.asarray(rgb.convert("L"), dtype=np.int64)
    colour = np.asarray(rgb, dtype=np.int64)
    if channels == 1:
        return grey[:, :, None], ("grey",)
    planes = [colour[:, :, 0], colour[:, :, 1], colour[:, :, 2], grey]
    planes += [255 - plane for plane in planes]
    names = ("R", "G", "B", *PHOTO_EXTRAS)
    return np.stack(planes[:channels], axis=-1), names[:channels]


def _repeat_kind(base: np.ndarray, channels: int, how) -> np.ndarray:
    return np.stack([how(base, c) for c in range(channels)], axis=-1)


def generated_volume(settings, base_2d: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """The (H, W, C) volume for a non-photo kind whose channel 0 is ``base_2d``."""
    kind, channels = settings.input_kind, settings.in_channels
    if kind == "model":
        volume = base_2d if base_2d.ndim == 3 else base_2d[:, :, None]
        return volume, tuple(f"channel {c}" for c in range(volume.shape[2]))
    if kind == "random":
        rng = np.random.default_rng(settings.random_seed)
        size = base_2d.shape[0]
        volume = base_2d[:, :, None] if channels == 1 else rng.integers(0, 10, (size, size, channels))
        return volume.astype(np.int64), tuple(f"random {c}" for c in range(channels))
    if kind == "digit":
        from convviz.assets import bundled_digits

        images = bundled_digits()[0]
        picks = [(settings.digit_index + c) % len(images) for c in range(channels)]
        return images[picks].transpose(1, 2, 0).astype(np.int64), tuple(f"digit #{i}" for i in picks)
    if kind == "seed":
        base = SEED_INPUT if base_2d.shape == SEED_INPUT.shape else base_2d
        return _repeat_kind(base, channels, lambda b, c: np.rot90(b, -c)), tuple(
            f"rotated {90 * c}°" for c in range(channels))
    if kind == "checker":
        base = checker_input(base_2d.shape[0])
        return _repeat_kind(base, channels, lambda b, c: np.roll(b, c, axis=1)), tuple(
            f"shifted {c}" for c in range(channels))
    if base_2d.ndim == 3:  # a multi-channel drawing
        return base_2d, tuple(f"drawing {c}" for c in range(base_2d.shape[2]))
    return _repeat_kind(base_2d, channels, lambda b, c: b), ("drawing",) * channels


def as_sequence(volume: np.ndarray) -> tuple[np.ndarray, int]:
    """The middle row of an (H, W, C) volume as an (L, C) sequence, and that row's index."""
    row = volume.shape[0] // 2
    return np.ascontiguousarray(volume[row]), row
