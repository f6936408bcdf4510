"""Where the run is: its state, epoch, batch, speed, time left and a progress bar."""

from __future__ import annotations

from PyQt6.QtWidgets import QFormLayout, QGroupBox, QLabel, QProgressBar, QWidget

from convviz.core.time_left import TimeLeft
from convviz.training.events import BatchEnd

ESTIMATING = "estimating…"
PAUSED_STYLE = "color:#b35c00; font-weight:bold;"


def format_seconds(seconds: float) -> str:
    """``75`` -> ``"1:15"``; unknown or negative -> ``"–"``."""
    if seconds is None or not seconds >= 0 or seconds == float("inf"):
        return "–"
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class ProgressPanel(QGroupBox):
    """Shows the latest :class:`BatchEnd` (updated from the tab's redraw timer, not per batch)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Progress", parent)
        self.state = QLabel("–")
        self.state.setToolTip("Whether the run is training, paused or over")
        self.epoch = QLabel("–")
        self.batch = QLabel("–")
        self.speed = QLabel("–")
        self.eta = QLabel("–")
        self.eta.setToolTip("Time left, from the speed since the first (slow, compiling) batches; "
                            "pauses do not count")
        self.bar = QProgressBar()
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        layout = QFormLayout(self)
        layout.addRow("State", self.state)
        layout.addRow("Epoch", self.epoch)
        layout.addRow("Batch", self.batch)
        layout.addRow("Speed", self.speed)
        layout.addRow("Time left", self.eta)
        layout.addRow(self.bar)
        self.epochs = 1
        self.paused = False
        self.ended = ""  # what show_done said: a later redraw of the last batch keeps it
        self.time_left = TimeLeft(1)

    def reset(self, epochs: int) -> None:
        """Clear for a new run of ``epochs`` epochs."""
        self.epochs = epochs
        self.time_left = TimeLeft(epochs)
        self.paused, self.ended = False, ""
        for label in (self.state, self.epoch, self.batch, self.speed, self.eta):
            label.setText("–")
        self.state.setStyleSheet("")
        self.bar.setRange(0, 1)
        self.bar.setValue(0)

    def show_batch(self, event: BatchEnd) -> None:
        """Show where ``event`` is in the run."""
        self.time_left.add(event)
        if not self.paused and not self.ended:
            self.state.setText("Training")
        self.epoch.setText(f"{event.epoch + 1} / {self.epochs}")
        self.batch.setText(f"{event.batch + 1} / {event.steps_per_epoch}")
        self.speed.setText(f"{event.samples_per_second:,.0f} samples/s")
        self._show_time_left()
        if not self.ended:  # an ended run's bar stays where show_done put it
            self.bar.setRange(0, max(1, event.steps_per_epoch * self.epochs))
            self.bar.setValue(event.step + 1)

    def set_paused(self, paused: bool) -> None:
        """Say "Paused" (and hold the time left still) while the run is paused."""
        if paused == self.paused:
            return
        self.paused = paused
        self.state.setText("Paused" if paused else "Training")
        self.state.setStyleSheet(PAUSED_STYLE if paused else "")
        self.setTitle("Progress · Paused" if paused else "Progress")
        self._show_time_left()

    def _show_time_left(self) -> None:
        if self.ended:
            self.eta.setText(self.ended)
            return
        seconds = self.time_left.seconds()
        text = ESTIMATING if seconds is None else format_seconds(seconds)
        self.eta.setText(f"{text} (paused)" if self.paused and seconds is not None else text)

    def show_done(self, text: str, complete: bool = True) -> None:
        """Show the run's end (``text`` e.g. "done in 0:41"); a stopped run keeps its bar where it was."""
        self.set_paused(False)
        self.ended = text
        self.state.setText("Done" if complete else "Ended early")
        self.eta.setText(text)
        if complete:
            self.bar.setValue(self.bar.maximum())
