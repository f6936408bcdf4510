"""Play / pause, step, scrub and speed: the studio's animation controls."""

from __future__ import annotations

from PyQt6.QtCore import QSignalBlocker, QSize, Qt, QTimer, pyqtSignal
from PyQt6.QtWidgets import (
    QApplication, QHBoxLayout, QLabel, QSlider, QSpinBox, QStyle, QToolButton, QWidget,
)

_ICON = QStyle.StandardPixmap

from convviz.ui.studio.studio_state import StudioState


def _button(icon: QStyle.StandardPixmap, tip: str) -> QToolButton:
    button = QToolButton()
    button.setIcon(QApplication.style().standardIcon(icon))
    button.setIconSize(QSize(20, 20))
    button.setToolTip(tip)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # space and arrows stay with the studio
    button.setMinimumSize(34, 30)
    return button


class TransportBar(QWidget):
    """Buttons, a scrubber over all steps and a speed box, driving :class:`StudioState`."""

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
        self.scrubber.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scrubber.setMinimumWidth(120)
        self.speed = QSpinBox()
        self.speed.setRange(1, 60)
        self.speed.setValue(4)
        self.speed.setSuffix(" steps/s")
        self.position = QLabel()
        self.position.setMinimumWidth(80)
        self.speed.setToolTip("Playing speed")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        for button in (self.start_button, self.back_button, self.play_button, self.forward_button,
                       self.end_button):
            layout.addWidget(button)
        layout.addWidget(self.scrubber, 1)
        layout.addWidget(self.position)
        layout.addWidget(self.speed)
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
        self.play_button.setIcon(QApplication.style().standardIcon(_ICON.SP_MediaPause))
        self.playingChanged.emit(True)

    def pause(self) -> None:
        """Stop playing, keeping the current step."""
        self.timer.stop()
        self.play_button.setIcon(QApplication.style().standardIcon(_ICON.SP_MediaPlay))
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
