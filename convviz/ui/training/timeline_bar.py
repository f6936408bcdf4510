"""The timeline: scrub and play back the snapshots a run kept, and ask for a GIF of them.

A slider spans the kept snapshots of the tab's :class:`~convviz.core.training_view.TrainingView`.
Moving it emits :attr:`TimelineBar.scrubbed`; the tab sets the view's cursor (its right end is
live) and the panels render from the view. :meth:`TimelineBar.render` shows the view's position.
Scrubbed back during a run, the view stays where the user put it and the label says how to follow
the run again: End on the slider, or the Live button (Resume does it too, see the view).
Memory is bounded by the history's snapshot budget (older snapshots are thinned evenly), which
the tooltip states.
"""

from __future__ import annotations

from PyQt6.QtCore import QEvent, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QFontMetrics
from PyQt6.QtWidgets import QComboBox, QFileDialog, QGridLayout, QLabel, QPushButton, QSlider, QWidget

from convviz.core.training_view import LIVE, TrainingView
from convviz.ui.training.progress_panel import PAUSED_STYLE as HINT_STYLE  # one attention colour

PLAY_PER_SECOND = 8  # snapshots shown per second when playing back at 1×
SPEEDS = (0.5, 1.0, 2.0, 4.0)
LOADED_NOTE = "a loaded model has no run to scrub"
NO_RUN_NOTE = "No run yet:\nthe timeline fills as a run goes"  # no counters before there is anything
FILLING_NOTE = "The timeline fills\nas the run goes"
WIDEST_LINES = ("end · epoch 99, batch 9999", "viewing epoch 99, batch 9999", "press End or click Live to follow",
                LOADED_NOTE, "the timeline fills as a run goes")


class TimelineBar(QWidget):
    """Play/pause, a slider over the kept snapshots, what is on show, and "Export GIF…"."""

    scrubbed = pyqtSignal(int)  # the snapshot index chosen (LIVE: the live end)
    exportRequested = pyqtSignal(str)  # a GIF path the user chose

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.play_button = QPushButton("▶ Play")
        self.play_button.setToolTip("Play the kept snapshots back as an animation")
        self.speed = QComboBox()
        for speed in SPEEDS:
            self.speed.addItem(f"{speed:g}×", speed)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.setToolTip(f"Playback speed of Play (1× shows {PLAY_PER_SECOND} snapshots a second)")
        self.live_button = QPushButton("Live")
        self.live_button.setToolTip("Jump to the newest snapshot and follow the run as it trains (End key)")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setPageStep(4)
        self.slider.setRange(0, 0)
        self.slider.setToolTip("Scrub through the kept snapshots; End follows the run live")
        self.slider.setMinimumWidth(100)  # a slider, not a stub, however big the zoomed texts beside it
        self.label = QLabel()
        self.export_button = QPushButton("Export GIF…")
        self.empty_note = ""  # why there is nothing to scrub (a loaded model), instead of the plain "no run yet" note
        self.set_gif_page("Filters")
        self.row = QGridLayout(self)
        self.row.setContentsMargins(4, 0, 4, 0)
        self.row.setVerticalSpacing(0)
        for column, widget in enumerate((QLabel("Timeline"), self.play_button, self.speed, self.slider, self.label,
                                         self.live_button, self.export_button)):
            self.row.addWidget(widget, 0, column)
        self.row.setColumnStretch(3, 1)
        self._fit_label()
        self.player = QTimer(self)
        self._set_speed()
        self.player.timeout.connect(self._advance)
        self.play_button.clicked.connect(self.toggle_play)
        self.speed.currentIndexChanged.connect(self._set_speed)
        self.slider.valueChanged.connect(self._slid)
        self.live_button.clicked.connect(lambda: self.scrubbed.emit(LIVE))
        self.export_button.clicked.connect(self._export_clicked)

    def render(self, view: TrainingView) -> None:
        """Show the view's snapshots and position (the slider moves without emitting :attr:`scrubbed`)."""
        count = len(view.snapshots)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, count - 1))
        self.slider.setValue(view.index)
        self.slider.blockSignals(False)
        for widget in (self.slider, self.play_button, self.speed, self.export_button):
            widget.setEnabled(count > 1)
        self.live_button.setEnabled(count > 1 and not view.is_live)
        hint = view.hint_text()
        # line one: where; line two: how many are kept, or how to follow the run again
        self.label.setText(hint.replace(" · ", "\n", 1) if hint else view.position_text().replace("   ", "\n", 1))
        if count < 2:
            self.label.setText(self.empty_note or (FILLING_NOTE if view.running or count else NO_RUN_NOTE))
        self._explain_export(count)
        sheet = HINT_STYLE if hint else ""
        if self.label.styleSheet() != sheet:  # re-setting a style sheet re-polishes: not at 10 Hz
            self.label.setStyleSheet(sheet)
        per = view.history.nbytes() / count if count else 0
        tip = (f"{count} snapshots kept, {view.history.max_snapshots} max; older ones thinned evenly "
               f"(about {per / 1e6:.2f} MB each, {count * per / 1e6:.1f} MB now)")
        self.slider.setToolTip(f"Scrub through the kept snapshots; End follows the run live. {tip}")
        self.label.setToolTip(tip)

    def _fit_label(self) -> None:
        """Size the label for its widest line in the current font; if the row has no room for it, put it below."""
        bold = self.label.font()
        bold.setBold(True)
        # as wide as the widest line in bold, so the slider does not jump as the text changes
        self.label.setFixedWidth(max(QFontMetrics(bold).horizontalAdvance(text) for text in WIDEST_LINES) + 4)
        others = sum(self.row.itemAt(i).widget().sizeHint().width() for i in range(self.row.count())
                     if self.row.itemAt(i).widget() not in (self.slider, self.label))
        needed = others + self.slider.minimumWidth() + self.label.width() + 7 * self.row.horizontalSpacing() + 8
        below = self.width() < needed
        if below != (self.row.getItemPosition(self.row.indexOf(self.label))[0] == 1):
            self.row.removeWidget(self.label)
            self.row.addWidget(self.label, *((1, 0, 1, 7) if below else (0, 4)))

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """Zoomed in or out: measure the label again."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # once the children have the new font too
            QTimer.singleShot(0, self._fit_label)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """Narrow: the label goes below the slider, which keeps its room."""
        super().resizeEvent(event)
        self._fit_label()

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

    def _set_speed(self) -> None:
        self.player.setInterval(round(1000 / (PLAY_PER_SECOND * self.speed.currentData())))

    def _slid(self, value: int) -> None:
        # the right end means live even if more snapshots came since the slider was last drawn
        self.scrubbed.emit(LIVE if value >= self.slider.maximum() else value)

    def set_empty_note(self, note: str) -> None:
        """Say ``note`` instead of the plain "no run yet" note while there is nothing to scrub ("" for the default)."""
        self.empty_note = note

    def set_gif_page(self, page: str) -> None:
        """Name the page "Export GIF…" animates ("Activations" or "Filters") in its tooltip and dialog."""
        if page == getattr(self, "gif_page", None):
            return
        self.gif_page = page
        self._explain_export(self.slider.maximum() + 1 if self.export_button.isEnabled() else 0)

    def _explain_export(self, count: int) -> None:
        """The export button's tooltip: what it saves, or why it is off."""
        if count > 1:
            tip = (f"Save a GIF of the {self.gif_page} page: one frame per kept snapshot, "
                   "with the curves up to that moment (show Activations to animate those)")
        elif self.empty_note:
            tip = f"Nothing to export: {self.empty_note}; train it to record a timeline"
        else:
            tip = "Nothing to export yet: a run keeps the snapshots a GIF is made of"
        self.export_button.setToolTip(tip)

    def _export_clicked(self) -> None:
        page = self.gif_page
        path, _ = QFileDialog.getSaveFileName(self, f"Export the timeline of the {page} page as GIF",
                                              f"timeline-{page.lower()}.gif", "GIF (*.gif)")
        if path:
            self.exportRequested.emit(path)
