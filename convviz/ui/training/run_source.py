"""A run folder as the Training tab's source of events: ``convviz watch`` (live while it grows).

A QTimer polls a :class:`~convviz.core.runs.RunFollower` every ``interval_ms`` on the GUI thread
and hands the new events to :meth:`TrainingTab.show_event`, the way a training worker's
events arrive; the tab's own timer draws them. Polling stops once the run has ended, or when
the tab starts a run of its own. A run whose process is gone without saying it ended (killed)
stops being live once its events stop growing, and the message bar says so in one line.
"""

from __future__ import annotations

import sys

from PyQt6.QtCore import QObject, QTimer, pyqtSignal

import numpy as np

from convviz.core.runs import RunFollower, RunReader
from convviz.training.events import EVENT_TYPES
from convviz.training.history import TrainingHistory

POLL_MS = 200  # a new batch is on screen within this plus one redraw (REFRESH_MS) of being flushed


class RunSource(QObject):
    """Feed the run folder ``run_dir`` into ``tab`` (a TrainingTab); :meth:`start` begins."""

    ended = pyqtSignal()  # the run has ended (or the tab moved on to a run of its own)

    def __init__(self, tab, run_dir, interval_ms: int = POLL_MS, parent: QObject | None = None):
        super().__init__(parent or tab)
        self.tab = tab
        self.follower = RunFollower(run_dir, EVENT_TYPES)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)

    def start(self) -> None:
        """Show an empty timeline for the run, read what is there already, then follow it."""
        epochs = _epochs(self.follower.reader.config)
        self.tab.painter.clear(epochs)
        self.tab.view.reset(TrainingHistory(), running=True)
        self.tab.progress.reset(epochs)
        self.tab.results.reset()  # what was on show belongs to another run
        self.tab.messages.clear()
        self.tab.panels.setCurrentWidget(self.tab.activations)
        self.tab.timer.start()
        self.timer.start()
        self.poll()

    def poll(self) -> None:
        """Hand the events written since the last poll to the tab; stop when the run has ended."""
        if self.tab.is_busy():  # the user trained or loaded something: that is on show now
            self.stop()
            return
        events = self.follower.poll()
        if events:
            self.tab.show_event(events)
        if self.follower.done:
            self.stop()
            self.tab.view.set_running(False)
            self.tab.redraw(force=True)
            note = self.follower.note
            if note:
                self.tab.messages.show_warning(note[:1].upper() + note[1:] + ".")
                self.tab.progress.show_done("ended without finishing", complete=False)

    def stop(self) -> None:
        """Stop following (the events shown so far stay)."""
        if self.timer.isActive():
            self.timer.stop()
            self.ended.emit()


def run_curves(run_dir) -> tuple[str, np.ndarray, np.ndarray, np.ndarray]:
    """A run folder's name and its loss and accuracy trend lines against epochs, for comparing runs.

    Raises :class:`~convviz.core.runs.RunFormatError` (one line) if ``run_dir`` is not a run.
    """
    from pathlib import Path

    from convviz.ui.training.curves_panel import trend_line

    batches = RunReader(run_dir, EVENT_TYPES).read_all()
    batches = [event for event in batches if type(event).__name__ == "BatchEnd"]
    per_epoch = batches[0].steps_per_epoch if batches else 1
    steps = [event.step for event in batches]
    x = (np.asarray(steps, dtype=np.float64) + 1) / max(1, per_epoch)
    loss = trend_line([event.loss for event in batches], steps, per_epoch)
    accuracy = trend_line([event.accuracy for event in batches], steps, per_epoch)
    return Path(run_dir).name, x, loss, accuracy


def _epochs(config: dict) -> int:
    epochs = config.get("epochs") or (config.get("params") or {}).get("epochs") or 1
    return max(int(epochs), 1)


def watch_run_in_window(run_dir) -> int:
    """Open the app's window on the Training tab following ``run_dir``; return the event loop's exit code."""
    from pathlib import Path

    from PyQt6.QtWidgets import QApplication

    from convviz.ui.launch import configure_pyqtgraph
    from convviz.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("convviz")
    configure_pyqtgraph()
    window = MainWindow()
    window.setWindowTitle(f"convviz: watching {Path(run_dir).name}")
    window.tabs.setCurrentWidget(window.training)
    source = RunSource(window.training, run_dir)
    window.show()
    source.start()
    return app.exec()
