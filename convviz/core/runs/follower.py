"""Follow a run folder while it grows: poll for new events, know when it is over (no Qt)."""

from __future__ import annotations

import time
from collections.abc import Mapping

from convviz.core.runs.reader import RunReader

__all__ = ["RunFollower"]


class RunFollower:
    """Wraps a :class:`RunReader`: :meth:`poll` returns new events; :attr:`done` once the run ended.

    A run whose process is gone without marking the end (killed) is done too, once its events
    stopped growing for a few seconds; :attr:`note` then says so in one line.

    A GUI calls :meth:`poll` from a timer; a script may call :meth:`wait` to block until the
    next events (polling every ``interval`` seconds, up to ``timeout``).
    """

    def __init__(self, path, types: Mapping[str, type] | None = None):
        self.reader = RunReader(path, types)
        self.done = False

    def poll(self) -> list:
        """The events written since the last poll; sets :attr:`done` when the run has ended."""
        events = self.reader.poll()
        if not events and self.reader.finished:
            # the writer marks the end after its last line: read once more, in case both came
            # between our read of the events and our look at run.json
            events = self.reader.poll()
            self.done = True
        if any(type(event).__name__ in ("Finished", "Failed") for event in events):
            self.done = True
        return events

    @property
    def note(self) -> str:
        """One line if the run ended without finishing (cut short, its process gone), else ""."""
        return self.reader.end_note if self.done else ""

    def wait(self, timeout: float, interval: float = 0.05) -> list:
        """Poll until there are new events or ``timeout`` seconds passed; return them (maybe [])."""
        deadline = time.monotonic() + timeout
        while True:
            events = self.poll()
            if events or self.done or time.monotonic() >= deadline:
                return events
            time.sleep(interval)
