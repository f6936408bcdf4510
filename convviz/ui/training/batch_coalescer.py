"""Fewer, bigger messages from the training thread: BatchEnd events travel in bundles.

Each Qt signal crossing threads wakes the GUI thread, which then competes with training
for Python's GIL. :class:`BatchCoalescer` wraps the worker's emit in the training thread: batch
events are held and sent together at most every ``interval`` seconds; any other event first
sends the held batches, so the order of events never changes.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from convviz.training.events import BatchEnd

FORWARD_INTERVAL_S = 0.05


class BatchCoalescer:
    """Call it with events (in the training thread); ``forward(list_of_events)`` gets them in order.

    ``flush_now()`` (checked at every batch) sends immediately, e.g. while a pause or stop is
    requested, so the last batch before a pause is on screen during the pause.
    """

    def __init__(self, forward: Callable[[list], None], interval: float = FORWARD_INTERVAL_S,
                 flush_now: Callable[[], bool] = lambda: False) -> None:
        self._forward = forward
        self._interval = interval
        self._flush_now = flush_now
        self._held: list[BatchEnd] = []
        self._last = time.perf_counter()

    def __call__(self, event: object) -> None:
        """Take one event from the session."""
        if isinstance(event, BatchEnd):
            self._held.append(event)
            if time.perf_counter() - self._last >= self._interval or self._flush_now():
                self._send([])
        else:
            self._send([event])

    def _send(self, extra: list) -> None:
        bundle, self._held = self._held + extra, []
        self._last = time.perf_counter()
        if bundle:
            self._forward(bundle)
