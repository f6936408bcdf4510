"""Explains one picked cell: the arithmetic that made it, and a button to animate it in the studio."""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

TOP_CONTRIBUTIONS = 4


def _num(value: float) -> str:
    return f"{value:+.4g}" if value else "0"


def replay_text(replay) -> str:
    """The replay of one cell in words and numbers (rich text)."""
    r, c = replay.cell
    head = f"<b>{replay.layer}</b> · cell ({r}, {c}) · channel {replay.channel}"
    match = abs(replay.value - replay.model_value) <= 1e-4 * max(1.0, abs(replay.model_value))
    check = ("<span style='color:#1a7f37'>✓ the same</span>" if match
             else "<span style='color:#b42318'>✗ differs</span>")
    if replay.kind == "pool":
        window = "×".join(str(v) for v in replay.stride)
        body = (f"{replay.pool_mode} of its window in channel {replay.channel} of the layer's input "
                f"(stride {window}, padding {replay.padding}) = <b>{replay.value:.6g}</b>")
    else:
        order = np.argsort(-np.abs(replay.contributions))
        top = ", ".join(f"ch {i}: {_num(replay.contributions[i])}" for i in order[:TOP_CONTRIBUTIONS])
        more = len(order) - TOP_CONTRIBUTIONS
        body = (
            f"Σ over {len(replay.contributions)} input channel(s) of window ⋆ kernel "
            f"(largest: {top}{f', … {more} more' if more > 0 else ''})"
            f"<br>= {replay.contributions.sum():.6g} + bias {replay.bias:.4g} = {replay.pre_activation:.6g}"
            f" → {replay.activation} → <b>{replay.value:.6g}</b>"
        )
    return f"{head}<br>{body}<br>The model produced {replay.model_value:.6g}: {check}"


class ReplayPanel(QWidget):
    """Shows a :class:`~convviz.training.inspection.Replay`; ``studioRequested(replay, channel)``."""

    studioRequested = pyqtSignal(object, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QLabel("Click a cell of a convolution or pooling layer to see how it was computed.")
        self.text.setWordWrap(True)
        self.text.setStyleSheet("color:#333;")
        self.channel = QComboBox()
        self.channel.setToolTip("Which input channel to animate (sorted by contribution)")
        self.to_studio = QPushButton("Replay in Studio")
        self.to_studio.setToolTip("Animate this computation on the real feature map with the learned kernel")
        self.to_studio.clicked.connect(self._request)
        row = QHBoxLayout()
        row.addWidget(QLabel("Input channel"))
        row.addWidget(self.channel, 1)
        row.addWidget(self.to_studio)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.text)
        layout.addLayout(row)
        self.replay = None
        self._set_enabled(False)

    def _set_enabled(self, enabled: bool) -> None:
        self.channel.setEnabled(enabled)
        self.to_studio.setEnabled(enabled)

    def show_replay(self, replay) -> None:
        """Explain ``replay`` and offer its input channels, biggest contribution first."""
        self.replay = replay
        self.text.setText(replay_text(replay))
        self.channel.clear()
        if replay.kind == "conv":
            for index in np.argsort(-np.abs(replay.contributions)):
                self.channel.addItem(f"{index}  ({_num(replay.contributions[index])})", int(index))
        else:
            self.channel.addItem(f"{replay.channel}", replay.channel)
        self._set_enabled(True)

    def show_note(self, text: str) -> None:
        """Explain why there is nothing to replay (e.g. a dense layer was clicked)."""
        self.replay = None
        self.text.setText(text)
        self.channel.clear()
        self._set_enabled(False)

    def _request(self) -> None:
        if self.replay is not None:
            self.studioRequested.emit(self.replay, int(self.channel.currentData()))
