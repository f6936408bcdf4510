"""An honest time-left estimate from a run's BatchEnd events: warm-up batches do not count.

The first batches of a Keras run trace and compile the graph and take seconds each; a mean over
all batches so far turns them into an estimate that starts far too high ("5:10", then "0:26").
Each BatchEnd carries ``eta_seconds = remaining * active / done`` (``active``: training seconds
so far, pauses and validation left out), so the active seconds at any batch can be read back.
The estimate is the time per batch *since the warm-up*, times the batches remaining; until
enough batches after the warm-up were timed there is no number ("estimating…").
"""

from __future__ import annotations

import math

WARM_UP_BATCHES = 2  # the batches that trace and compile: their time says nothing about the rest
STEADY_BATCHES = 5  # batches timed after the warm-up before a number is shown


class TimeLeft:
    """Feed it BatchEnd events (every one, or a sample: the timing is cumulative); ask :meth:`seconds`."""

    def __init__(self, epochs: int) -> None:
        self.epochs = max(1, int(epochs))
        self._start: tuple[int, float] | None = None  # (batches done, active seconds) after the warm-up
        self._latest: tuple[int, float, int] | None = None  # (done, active seconds, remaining)

    def add(self, event) -> None:
        """Take one BatchEnd."""
        done = event.step + 1
        remaining = self.epochs * event.steps_per_epoch - done
        eta = event.eta_seconds
        if remaining <= 0 or not math.isfinite(eta) or eta < 0:
            self._latest = (done, math.nan, max(remaining, 0))
            return
        active = eta * done / remaining
        self._latest = (done, active, remaining)
        if self._start is None and done >= WARM_UP_BATCHES:
            self._start = (done, active)

    def seconds(self) -> float | None:
        """Seconds left, or None while still estimating (0 once the last batch is done)."""
        if self._latest is None:
            return None
        done, active, remaining = self._latest
        if remaining == 0:
            return 0.0
        if self._start is None or done - self._start[0] < STEADY_BATCHES or not math.isfinite(active):
            return None
        per_batch = (active - self._start[1]) / (done - self._start[0])
        return max(per_batch, 0.0) * remaining
