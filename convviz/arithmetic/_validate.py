"""Turn user-supplied sizes and padding specs into clean integers, or one readable ValueError."""

from __future__ import annotations

import math
import numbers

import numpy as np

Pair = tuple[int, int]

# Far beyond any feature map, and small enough that every message stays short.
MAX_SIZE = 10**9


def shown(value, limit: int = 60) -> str:
    """Return ``repr(value)`` on one line, shortened to about ``limit`` characters, for messages."""
    text = " ".join(repr(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _as_sequence(value):
    """Return a small numpy array as a list (so ``np.array([2, 2])`` works like ``[2, 2]``)."""
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return value.tolist()
    return value


def as_size(value, name: str, minimum: int = 1) -> int:
    """Return ``value`` as an int in ``minimum..MAX_SIZE``, or raise ValueError naming ``name``."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a whole number, got {shown(value)}")
    if isinstance(value, numbers.Integral):
        number = int(value)
    else:
        as_float = float(value)
        if not math.isfinite(as_float) or not as_float.is_integer():
            raise ValueError(f"{name} must be a whole number, got {shown(value)}")
        number = int(as_float)
    if number > MAX_SIZE:
        raise ValueError(f"{name} must be at most {MAX_SIZE:,}, got {shown(value)}")
    if number < minimum:
        if minimum == 1:
            raise ValueError(f"{name} must be at least 1, got {number}")
        raise ValueError(f"{name} must be {minimum} or more, got {number}")
    return number


def as_pair(value, name: str, minimum: int = 1) -> Pair:
    """Return an int or an ``(h, w)`` pair as an ``(h, w)`` tuple of validated ints."""
    value = _as_sequence(value)
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be a number or an (h, w) pair, got {shown(value)}")
        return as_size(value[0], name, minimum), as_size(value[1], name, minimum)
    size = as_size(value, name, minimum)
    return size, size


def padding_keyword(padding) -> str | None:
    """Return "valid" or "same" for a padding keyword (any case), None for numeric padding."""
    if isinstance(padding, str):
        word = padding.strip().lower()
        if word in ("valid", "same"):
            return word
        raise ValueError(
            f"unknown padding {shown(padding)}: use 'valid', 'same', a number of cells, "
            "or ((top, bottom), (left, right))"
        )
    return None


def explicit_axis_padding(padding) -> Pair:
    """Return explicit one-axis padding (an int or a ``(before, after)`` pair) as a pair."""
    padding = _as_sequence(padding)
    if isinstance(padding, (tuple, list)) and len(padding) != 2:
        raise ValueError(
            f"padding of one axis must be a number or a (before, after) pair, got {shown(padding)}"
        )
    return as_pair(padding, "padding", minimum=0)


def explicit_padding_2d(padding) -> tuple[Pair, Pair]:
    """Return explicit 2-D padding as ``((top, bottom), (left, right))``.

    Accepts an int (all sides), an ``(ph, pw)`` pair (symmetric per axis) or
    ``((top, bottom), (left, right))``.
    """
    padding = _as_sequence(padding)
    if isinstance(padding, (tuple, list)):
        if len(padding) != 2:
            raise ValueError(
                "padding must be a number or ((top, bottom), (left, right)), "
                f"got {shown(padding)}"
            )
        return explicit_axis_padding(padding[0]), explicit_axis_padding(padding[1])
    size = as_size(padding, "padding", minimum=0)
    return (size, size), (size, size)
