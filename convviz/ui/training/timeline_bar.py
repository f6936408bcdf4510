"""The timeline: scrub and play back the snapshots a run kept, and ask for a GIF of them.

A slider spans the kept snapshots of the tab's :class:`~convviz.core.training_view.TrainingView`.
Moving it emits :attr:`TimelineBar.scrubbed`; the tab sets the view's cursor (its right end is
live) and the panels render from the view. :meth:`TimelineBar.render` shows the view's position.
Memory is bounded by the history's snapshot budget (older snapshots are thinned evenly), which
the tooltip states.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from convviz.core.training_view import TrainingView

PLAY_PER_SECOND = 8  # snapshots shown per second when playing back


class TimelineBar(QWidget):
    """Play/pause, a slider over the kept snapshots, what is on show, and "Export GIF…"."""

    scrubbed = pyqtSignal(int)  # the snapshot index chosen (the last one: live)
    exportRequested = pyqtSignal(str)  # a GIF path the user chose

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.play_button = QPushButton("▶ Play")
        self.play_button.setToolTip("Play the kept snapshots back as an animation")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setPageStep(4)
        self.slider.setRange(0, 0)
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
        self.slider.valueChanged.connect(self.scrubbed)
        self.export_button.clicked.connect(self._export_clicked)

    def render(self, view: TrainingView) -> None:
        """Show the view's snapshots and position (the slider moves without emitting :attr:`scrubbed`)."""
        count = len(view.snapshots)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, count - 1))
        self.slider.setValue(view.index)
        self.slider.blockSignals(False)
        for widget in (self.slider, self.play_button, self.export_button):
            widget.setEnabled(count > 1)
        self.label.setText(view.position_text())
        per = view.history.nbytes() / count if count else 0
        tip = (f"{count} snapshots kept, {view.history.max_snapshots} max; older ones thinned evenly "
               f"(about {per / 1e6:.2f} MB each, {count * per / 1e6:.1f} MB now)")
        self.slider.setToolTip(tip)
        self.label.setToolTip(tip)

    def stop_playing(self) -> None:
        """Stop a playback (a new run or model)."""
        if self.player.isActive():
            self.toggle_play()

    def toggle_play(self) -> None:
        """Start playing from here (from the start if at the end), or pause."""
        if self.player.isActive():
            self.player.stop()
        elif self.slider.maximum() > 0:
            if self.slider.value() >= self.slider.maximum():
                self.slider.setValue(0)
            self.player.start()
        self.play_button.setText("❚❚ Pause" if self.player.isActive() else "▶ Play")

    def _advance(self) -> None:
        if self.slider.value() < self.slider.maximum():
            self.slider.setValue(self.slider.value() + 1)
        if self.slider.value() >= self.slider.maximum():
            self.toggle_play()

    def _export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the timeline as GIF", "timeline.gif", "GIF (*.gif)")
        if path:
            self.exportRequested.emit(path)
