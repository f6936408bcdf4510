"""Play / pause, step, scrub and speed: the studio's animation controls."""

from __future__ import annotations

from PyQt6.QtCore import QEvent, QSignalBlocker, QSize, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QIcon, QPainter, QPalette, QPixmap
from PyQt6.QtWidgets import (
    QApplication, QGridLayout, QLabel, QSlider, QSpinBox, QStyle, QToolButton, QWidget, QWidgetItem,
)

_ICON = QStyle.StandardPixmap

from convviz.ui.studio.studio_state import StudioState


def media_icon(kind: QStyle.StandardPixmap, palette: QPalette) -> QIcon:
    """The style's media icon recoloured in ``palette``'s button text (greyed when disabled), so
    it reads on a dark theme as on a light one (the style's own icons are dark grey)."""
    shape = QApplication.style().standardIcon(kind).pixmap(QSize(40, 40))
    icon = QIcon()
    for mode, group in ((QIcon.Mode.Normal, QPalette.ColorGroup.Active),
                        (QIcon.Mode.Disabled, QPalette.ColorGroup.Disabled)):
        tinted = QPixmap(shape.size())
        tinted.fill(Qt.GlobalColor.transparent)
        painter = QPainter(tinted)
        painter.drawPixmap(0, 0, shape)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
        painter.fillRect(tinted.rect(), palette.color(group, QPalette.ColorRole.ButtonText))
        painter.end()
        icon.addPixmap(tinted, mode)
    return icon


def _button(icon: QStyle.StandardPixmap, tip: str) -> QToolButton:
    button = QToolButton()
    button.kind = icon
    button.setIcon(media_icon(icon, button.palette()))
    button.setIconSize(QSize(20, 20))
    button.setToolTip(tip)
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # Tab reaches it; a click leaves the keys with the studio
    button.setMinimumSize(34, 30)
    return button


class TransportBar(QWidget):
    """Buttons, a scrubber over all steps and a speed box, driving :class:`StudioState`.

    One row when it fits; in a narrow window (a projector, a big zoom) the scrubber takes a
    second row of its own, so nothing is squeezed or clipped.
    """

    playingChanged = pyqtSignal(bool)

    def __init__(self, state: StudioState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.start_button = _button(_ICON.SP_MediaSkipBackward, "Jump to the first step (Home)")
        self.back_button = _button(_ICON.SP_MediaSeekBackward, "Step back (←)")
        self.play_button = _button(_ICON.SP_MediaPlay, "Play / pause (space)")
        self.forward_button = _button(_ICON.SP_MediaSeekForward, "Step forward (→)")
        self.end_button = _button(_ICON.SP_MediaSkipForward, "Jump to the last step (End)")
        self.scrubber = QSlider(Qt.Orientation.Horizontal)
        self.scrubber.setToolTip("Drag to go to any step of the animation.")
        self.scrubber.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # arrows scrub once Tab is on it; clicks don't take the keys
        self.scrubber.setMinimumWidth(120)
        self.speed = QSpinBox()
        self.speed.setRange(1, 60)
        self.speed.setValue(4)
        self.speed.setSuffix(" steps/s")
        self.position = QLabel()
        self.position.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.speed.setToolTip("Playing speed")
        self.two_rows = False
        layout = QGridLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setHorizontalSpacing(6)
        self.row = (self.start_button, self.back_button, self.play_button, self.forward_button,
                    self.end_button, self.scrubber, self.position, self.speed)
        for column, widget in enumerate(self.row):
            layout.addWidget(widget, 0, column)
        layout.setColumnStretch(5, 1)
        self._fit_position()
        self.start_button.clicked.connect(lambda: state.set_step(0))
        self.back_button.clicked.connect(lambda: state.step_by(-1))
        self.forward_button.clicked.connect(lambda: state.step_by(1))
        self.end_button.clicked.connect(lambda: state.set_step(state.n_steps - 1))
        self.play_button.clicked.connect(self.toggle_play)
        self.scrubber.valueChanged.connect(state.set_step)
        self.speed.valueChanged.connect(self._set_interval)
        state.changed.connect(self._sync_range)
        state.stepChanged.connect(self._sync_step)
        self._set_interval(self.speed.value())
        self._sync_range()

    def _fit_position(self) -> None:
        """The step counter is as wide as its widest count in the current font: counting never jiggles the bar."""
        digits = "8" * len(str(max(self.state.n_steps, 1)))
        self.position.setMinimumWidth(self.position.fontMetrics().horizontalAdvance(f"{digits} / {digits}") + 8)

    def _one_row_width(self) -> int:
        """The least width that holds every control in one row."""
        layout = self.layout()
        margins = layout.contentsMargins()
        widths = [QWidgetItem(widget).minimumSize().width() for widget in self.row]
        return sum(widths) + layout.horizontalSpacing() * (len(widths) - 1) + margins.left() + margins.right()

    def set_two_rows(self, two_rows: bool) -> None:
        """Put the scrubber on a row of its own (``True``) or between the buttons and the counter."""
        if two_rows == self.two_rows:
            return
        self.two_rows = two_rows
        layout = self.layout()
        layout.removeWidget(self.scrubber)
        layout.addWidget(self.scrubber, *((1, 0, 1, len(self.row)) if two_rows else (0, 5)))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """The two-row size: a narrow window may ask for it (the bar then takes two rows)."""
        hint = super().minimumSizeHint()
        one_row_scrubber = 0 if self.two_rows else QWidgetItem(self.scrubber).minimumSize().width()
        spacing = 0 if self.two_rows else self.layout().horizontalSpacing()
        return QSize(max(hint.width() - one_row_scrubber - spacing, self.scrubber.minimumWidth()), hint.height())

    def resizeEvent(self, event) -> None:  # noqa: N802
        """One row when the width holds it, else two."""
        super().resizeEvent(event)
        self.set_two_rows(self.width() < self._one_row_width())

    def changeEvent(self, event) -> None:  # noqa: N802
        """A new font (the zoom): the counter's width and the rows are chosen again."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_position()
            self.set_two_rows(self.width() < self._one_row_width())
        elif event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._recolour_icons()

    def _recolour_icons(self) -> None:
        """The theme changed: the media icons take its button text colour."""
        for button in (self.start_button, self.back_button, self.play_button, self.forward_button, self.end_button):
            button.setIcon(media_icon(button.kind, self.palette()))

    @property
    def playing(self) -> bool:
        """True while the animation plays."""
        return self.timer.isActive()

    def toggle_play(self) -> None:
        """Start or pause playing; playing from the last step starts over."""
        if self.playing:
            self.pause()
        else:
            self.play()

    def play(self) -> None:
        """Start playing (from the beginning when at the end)."""
        if self.state.n_steps == 0:
            return
        if self.state.at_end:
            self.state.set_step(0)
        self.timer.start()
        self.play_button.kind = _ICON.SP_MediaPause
        self.play_button.setIcon(media_icon(_ICON.SP_MediaPause, self.palette()))
        self.playingChanged.emit(True)

    def pause(self) -> None:
        """Stop playing, keeping the current step."""
        self.timer.stop()
        self.play_button.kind = _ICON.SP_MediaPlay
        self.play_button.setIcon(media_icon(_ICON.SP_MediaPlay, self.palette()))
        self.playingChanged.emit(False)

    def _tick(self) -> None:
        if self.state.at_end:
            self.pause()
            return
        self.state.step_by(1)

    def _set_interval(self, steps_per_second: int) -> None:
        self.timer.setInterval(max(1, round(1000 / steps_per_second)))

    def _sync_range(self) -> None:
        with QSignalBlocker(self.scrubber):
            self.scrubber.setRange(0, max(self.state.n_steps - 1, 0))
        self._fit_position()
        enabled = self.state.n_steps > 0
        for widget in (self.start_button, self.back_button, self.play_button, self.forward_button,
                       self.end_button, self.scrubber):
            widget.setEnabled(enabled)
        if not enabled and self.playing:
            self.pause()
        self._sync_step(self.state.index)

    def _sync_step(self, index: int) -> None:
        with QSignalBlocker(self.scrubber):
            self.scrubber.setValue(index)
        total = self.state.n_steps
        self.position.setText(f"{index + 1} / {total}" if total else "0 / 0")
