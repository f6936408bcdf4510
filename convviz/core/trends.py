"""Per-batch values and their smoothed trend, from the running means Keras logs (pure numpy).

Keras reports, for each batch, the mean of a metric since the epoch began. The curves panel, the
timeline GIF's curves and its captions all show the same numbers, computed here: each batch's own
value recovered from the running means, and an exponential mean over about ``TREND_BATCHES`` of them.
"""

from __future__ import annotations

import numpy as np

TREND_BATCHES = 10  # the smoothed line is an exponential mean over about this many batches


def batch_value(running_mean: float, previous_mean: float, batch: int) -> float:
    """One batch's own value from Keras' running means over the epoch (equal-size batches).

    Keras logs the mean since the epoch began: m_b = (b * m_{b-1} + v_b) / (b + 1).
    """
    if batch == 0:
        return running_mean
    return (batch + 1) * running_mean - batch * previous_mean


class Trend:
    """Feed running means one batch at a time; each :meth:`add` returns (batch value, trend value)."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        """Start again (a new run)."""
        self._running = 0.0
        self._mean, self._weight = 0.0, 0.0  # bias-corrected exponential mean (no pull towards 0 at the start)

    def add(self, running_mean: float, batch: int) -> tuple[float, float]:
        """Take batch ``batch`` (0-based within its epoch)'s running mean; return its own value and the trend."""
        value = batch_value(running_mean, self._running, batch)
        self._running = running_mean
        keep = 1.0 - 1.0 / TREND_BATCHES
        self._mean = keep * self._mean + (1.0 - keep) * value
        self._weight = keep * self._weight + (1.0 - keep)
        return value, self._mean / self._weight


def trend_line(running_means, steps, steps_per_epoch: int) -> np.ndarray:
    """The smoothed per-batch line of a metric Keras logged as running means (as the live plot draws it)."""
    trend, per_epoch = Trend(), max(1, steps_per_epoch)
    return np.asarray([trend.add(value, step % per_epoch)[1] for value, step in zip(running_means, steps)],
                      dtype=np.float64)
