"""Progress of a long frame export on stderr: a bar redrawn in place on a terminal, a line per
tenth otherwise (so a log file gets eleven lines, not thousands)."""

from __future__ import annotations

import sys
import time

from convviz.cli.progress import BAR_WIDTH, REDRAW_SECONDS

SHOW_FROM = 100  # frames; shorter exports finish before a bar would mean anything


class FrameProgress:
    """Callable ``progress(done, total)`` for :func:`~convviz.core.gif_stream.write_frames_gif`."""

    def __init__(self, total: int, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.total = total
        self.interactive = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last_draw, self._last_tenth = 0.0, -1

    def _line(self, done: int) -> str:
        filled = BAR_WIDTH * done // self.total
        bar = ("=" * filled + (">" if done < self.total else ""))[:BAR_WIDTH].ljust(BAR_WIDTH, ".")
        return f"frames {done:>{len(str(self.total))}}/{self.total} [{bar}]"

    def __call__(self, done: int, total: int) -> bool:
        """Show ``done`` of ``total`` frames; always lets the export go on."""
        if self.total < SHOW_FROM:
            return True
        if self.interactive:
            now = time.perf_counter()
            if now - self._last_draw >= REDRAW_SECONDS or done == total:
                self._last_draw = now
                self.stream.write("\r" + self._line(done) + ("\n" if done == total else ""))
                self.stream.flush()
            return True
        tenth = 10 * done // total
        if tenth != self._last_tenth:
            self._last_tenth = tenth
            print(self._line(done), file=self.stream, flush=True)
        return True
