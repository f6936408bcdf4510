"""How the studio writes numbers: integers as integers, other values short but exact enough."""

from __future__ import annotations

import numpy as np


def format_value(value) -> str:
    """Return ``value`` as short text: ``7``, ``-0.25``, ``0.111``, ``12.5``, ``1234``."""
    number = float(value)
    if not np.isfinite(number):
        return "−∞" if number < 0 else ("∞" if number > 0 else "nan")
    if number.is_integer():
        return str(int(number)).replace("-", "−")
    size = abs(number)
    digits = 0 if size >= 1000 else 1 if size >= 100 else 2 if size >= 10 else 3
    text = f"{number:.{digits}f}".rstrip("0").rstrip(".")
    return ("0" if text in ("-0", "") else text).replace("-", "−")


def axis_value(value, axis: int) -> int:
    """One axis of a setting given as an int or an (h, w) pair."""
    return int(value[axis]) if isinstance(value, (tuple, list)) else int(value)


def axes_text(value) -> str:
    """An int or an (h, w) pair as text: ``2`` or ``2×1``."""
    h, w = axis_value(value, 0), axis_value(value, 1)
    return str(h) if h == w else f"{h}×{w}"
