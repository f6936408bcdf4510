"""The timeline: scrub, play back and export the snapshots a run kept.

A slider spans the snapshots of a :class:`~convviz.training.history.TrainingHistory`. At its right
end the panels are live; anywhere else the filters and activations panels are pinned to that
snapshot and both curves show a cursor at its step. Memory is bounded by the history's snapshot
budget (older snapshots are thinned evenly), which the tooltip states.
"""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtWidgets import QApplication, QFileDialog, QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from convviz.training.events import BatchEnd, Probe
from convviz.training.history import TrainingHistory
from convviz.ui.studio.export import write_problem
from convviz.ui.training.timeline_gif import DEFAULT_FPS, captioned, write_frames_gif

PLAY_PER_SECOND = 8  # snapshots shown per second when playing back


class TimelineBar(QWidget):
    """Play/pause, a slider over the kept snapshots, what is on show, and "Export GIF…".

    ``filters``, ``activations`` and ``curves`` are the tab's panels it pins and marks; set
    ``pages`` (the tab's page widget) so it redraws only the visible page and knows what to export.
    """

    snapshotChosen = pyqtSignal(object)  # the Probe now on show, or None when back to live

    def __init__(self, history: TrainingHistory, filters, activations, curves, messages=None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filters, self.activations, self.curves, self.messages = filters, activations, curves, messages
        self.pages = None
        self._running = False
        self.steps_per_epoch = 0
        self.history = history
        self.probes: list[Probe] = []  # the history's kept snapshots as of the last sync
        self.shown: Probe | None = None  # the pinned snapshot; None: live
        self.play_button = QPushButton("▶ Play")
        self.play_button.setToolTip("Play the kept snapshots back as an animation")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setPageStep(4)
        self.label = QLabel()
        # wide enough for the longest text, so the slider does not jump as the text changes
        widest = "end · epoch 99, batch 9999   120/120 (max 120)"
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance(widest))
        self.label.setStyleSheet("color:#333;")
        self.export_button = QPushButton("Export GIF…")
        self.export_button.setToolTip("One frame per kept snapshot, of the Filters or Activations page")
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        row.addWidget(QLabel("Timeline"))
        row.addWidget(self.play_button)
        row.addWidget(self.slider, 1)
        row.addWidget(self.label)
        row.addWidget(self.export_button)
        self.player = QTimer(self)
        self.player.setInterval(1000 // PLAY_PER_SECOND)
        self.player.timeout.connect(self._advance)
        self.play_button.clicked.connect(self.toggle_play)
        self.slider.valueChanged.connect(self._moved)
        self.export_button.clicked.connect(self._export_clicked)
        self.reset(history)

    # -- feeding ---------------------------------------------------------------------------------

    def reset(self, history: TrainingHistory) -> None:
        """Follow a new, empty history (a new run or model): back to live, nothing to scrub."""
        self.player.stop()
        self.history = history
        self.probes, self.shown = [], None
        self.steps_per_epoch = 0
        self.slider.blockSignals(True)
        self.slider.setRange(0, 0)
        self.slider.blockSignals(False)
        self._apply(None)
        self.sync()
        self._update_label()

    def record(self, event) -> None:
        """Add a BatchEnd, EpochEnd or Probe to the history (cheap; the slider follows at :meth:`sync`)."""
        if isinstance(event, BatchEnd):
            self.steps_per_epoch = event.steps_per_epoch
        self.history.add(event)

    def sync(self) -> None:
        """Bring the slider up to date with the history; a pinned snapshot stays on show."""
        probes = self.history.probes
        if len(probes) != len(self.probes) or (probes and probes[-1] is not self.probes[-1]):
            self.probes = probes
            index = len(probes) - 1
            if self.shown is not None:
                index = next((i for i, probe in enumerate(probes) if probe is self.shown), None)
                if index is None:  # thinned out: show the nearest older snapshot still kept
                    nearest = self.history.snapshot_at(self.shown.step)
                    index = next(i for i, probe in enumerate(probes) if probe is nearest)
                    self.shown = probes[index]
                    self._apply(self.shown)
            self.slider.blockSignals(True)
            self.slider.setRange(0, max(0, len(probes) - 1))
            self.slider.setValue(max(0, index))
            self.slider.blockSignals(False)
            self._update_label()

    @property
    def running(self) -> bool:
        """True while a run feeds the history: the right end is "live" and follows it."""
        return self._running

    @running.setter
    def running(self, running: bool) -> None:
        self._running = running
        self._update_label()

    # -- showing a moment ------------------------------------------------------------------------

    @property
    def is_live(self) -> bool:
        """True when the panels show the newest data (the slider at its right end)."""
        return self.shown is None

    def show_index(self, index: int) -> None:
        """Move to snapshot ``index`` (the last one means live), as dragging the slider does."""
        self.slider.setValue(index)

    def x_of(self, probe: Probe) -> float:
        """Where ``probe`` sits on the curves' x axis (epochs)."""
        if self.steps_per_epoch <= 0:
            return float(max(probe.epoch, 0))
        return (probe.step + 1) / self.steps_per_epoch

    def moment_text(self, probe: Probe) -> str:
        """``"epoch e, batch b"`` (1-based) of a snapshot, or ``"before training"``."""
        if probe.step < 0:
            return "before training"
        if self.steps_per_epoch <= 0:
            return f"epoch {probe.epoch + 1}, step {probe.step + 1}"
        return f"epoch {probe.epoch + 1}, batch {probe.step - probe.epoch * self.steps_per_epoch + 1}"

    def caption(self, probe: Probe) -> str:
        """``"epoch e · batch b · loss … · acc …"``: a GIF frame's caption (metrics of that batch)."""
        parts = [self.moment_text(probe).replace(", ", " · ")]
        _, loss, accuracy = self.history.curves_until(probe.step)
        if len(loss):
            parts += [f"loss {loss[-1]:.3f}", f"acc {accuracy[-1]:.1%}"]
        return " · ".join(parts)

    def _moved(self, index: int) -> None:
        if not self.probes:
            return
        probe = None if index >= len(self.probes) - 1 else self.probes[index]
        self.shown = probe
        self._apply(probe)
        self._update_label()
        self.snapshotChosen.emit(probe)

    def _apply(self, probe: Probe | None) -> None:
        """Pin (or unpin, with None) the panels to ``probe`` and redraw the visible one."""
        self.filters.show_kernels(None if probe is None else probe.kernels)
        self.activations.show_snapshot(probe)
        self.curves.set_cursor(None if probe is None else self.x_of(probe))
        current = self.pages.currentWidget() if self.pages is not None else None
        if current in (self.filters, self.activations):
            current.refresh()

    def _update_label(self) -> None:
        count, budget = len(self.probes), self.history.max_snapshots
        for widget in (self.slider, self.play_button, self.export_button):
            widget.setEnabled(count > 1)
        if count < 2:
            text = "nothing to scrub yet"
        elif self.shown is None:
            text = "live" if self.running else f"end · {self.moment_text(self.probes[-1])}"
        else:
            text = self.moment_text(self.shown)
        self.label.setText(f"{text}   {self.slider.value() + 1 if count else 0}/{count} (max {budget})")
        per = self.history.nbytes() / count if count else 0
        tip = (f"{count} snapshots kept, {budget} max; older ones thinned evenly "
               f"(about {per / 1e6:.2f} MB each, {count * per / 1e6:.1f} MB now)")
        self.slider.setToolTip(tip)
        self.label.setToolTip(tip)

    # -- playing back ----------------------------------------------------------------------------

    def toggle_play(self) -> None:
        """Start playing from here (from the start if at the end), or pause."""
        if self.player.isActive():
            self.player.stop()
        elif len(self.probes) > 1:
            if self.slider.value() >= self.slider.maximum():
                self.slider.setValue(0)
            self.player.start()
        self.play_button.setText("❚❚ Pause" if self.player.isActive() else "▶ Play")

    def _advance(self) -> None:
        if self.slider.value() < self.slider.maximum():
            self.slider.setValue(self.slider.value() + 1)
        if self.slider.value() >= self.slider.maximum():
            self.toggle_play()

    # -- exporting -------------------------------------------------------------------------------

    def export_page(self):
        """The page a GIF shows: Activations if on show, otherwise Filters."""
        current = self.pages.currentWidget() if self.pages is not None else None
        return current if current is self.activations else self.filters

    def export_gif_to(self, path, fps: float = DEFAULT_FPS) -> Path:
        """Write one captioned frame per kept snapshot of the export page to ``path`` (atomically).

        Raises ValueError for a wrong name or no snapshots, OSError if the file cannot be written.
        """
        self.sync()
        probes = list(self.probes)
        page = self.export_page()
        previous_page = self.pages.currentWidget() if self.pages is not None else None
        if self.pages is not None:
            self.pages.setCurrentWidget(page)  # a hidden page has no layout to grab
        try:
            for probe in probes:  # first grow the colour levels over the whole run: steady colours
                self._apply(probe)
                page.refresh()

            def render(index: int):
                self._apply(probes[index])
                page.refresh()
                return captioned(page.grab(), self.caption(probes[index]))

            return write_frames_gif(path, render, len(probes), fps)
        finally:
            if self.pages is not None and previous_page is not None:
                self.pages.setCurrentWidget(previous_page)
            self._apply(self.shown)

    def _export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the timeline as GIF", "timeline.gif", "GIF (*.gif)")
        if not path:
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            written = self.export_gif_to(path)
        except (OSError, ValueError) as exc:
            if self.messages is not None:
                self.messages.show_error(f"Could not export the timeline: {write_problem(exc)}")
            return
        finally:
            QApplication.restoreOverrideCursor()
        if self.messages is not None:
            self.messages.show_info(f"Timeline saved to {written} ({len(self.probes)} frames).")
