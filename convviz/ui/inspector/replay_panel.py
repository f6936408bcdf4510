"""Explains one picked cell: the arithmetic that made it, and a button to animate it in the studio."""

from __future__ import annotations

import html

import numpy as np
from PyQt6.QtCore import QEvent, Qt, pyqtSignal
from PyQt6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from convviz.ui.theme import VERDICT_COLOURS, look

TOP_CONTRIBUTIONS = 4
STUDIO_KINDS = ("conv", "pool")


def _num(value: float) -> str:
    return f"{value:+.4g}" if value else "0"


def _check(replay) -> str:
    same, differs = VERDICT_COLOURS[look()]  # read on the palette on show; redone when it changes
    return (f"<span style='color:{same}'>✓ the same</span>" if replay.matches
            else f"<span style='color:{differs}'>✗ differs</span>")


def _conv_body(replay) -> str:
    order = np.argsort(-np.abs(replay.contributions))
    top = ", ".join(f"ch {i}: {_num(replay.contributions[i])}" for i in order[:TOP_CONTRIBUTIONS])
    more = len(order) - TOP_CONTRIBUTIONS
    return (
        f"Σ over {len(replay.contributions)} input channel(s) of window ⋆ kernel "
        f"(largest: {top}{f', … {more} more' if more > 0 else ''})"
        f"<br>= {replay.contributions.sum():.6g} + bias {replay.bias:.4g} = {replay.pre_activation:.6g}"
        f" → {replay.activation} → <b>{replay.value:.6g}</b>"
    )


def _pool_body(replay) -> str:
    window = "×".join(str(v) for v in replay.window)
    stride = "×".join(str(v) for v in replay.stride)
    return (f"{replay.pool_mode} of its {window} window in channel {replay.channel} of the layer's input "
            f"(stride {stride}, padding {replay.padding}) = <b>{replay.value:.6g}</b>")


def _other_body(replay) -> str:
    """Norm, activation, merge, pad, rescale, identity: the formula, then what fed it."""
    lines = [html.escape(replay.formula) if replay.formula else f"<b>{replay.value:.6g}</b>"]
    norm = replay.batch_norm
    if norm is not None:
        lines.append(f"γ {norm.gamma:.4g}, β {norm.beta:.4g}, moving mean μ {norm.mean:.4g}, "
                     f"moving variance σ² {norm.variance:.4g}, ε {norm.epsilon:.2g}")
    if replay.branches:
        inputs = ", ".join(f"{html.escape(name)} = {_num(value)}"
                           for name, value in zip(replay.branches, replay.branch_values))
        lines.append(f"inputs at this cell: {inputs}")
    return "<br>".join(lines)


def replay_text(replay) -> str:
    """The replay of one cell in words and numbers (rich text)."""
    r, c = replay.cell
    spatial = not replay.layer_kind.startswith("Global")
    where = f"cell ({r}, {c}) · channel {replay.channel}" if spatial else f"value {replay.channel} (one per channel)"
    kind = replay.layer_kind or replay.kind
    head = f"<b>{html.escape(replay.layer)}</b> ({html.escape(kind)}) · {where}"
    body = {"conv": _conv_body, "pool": _pool_body}.get(replay.kind, _other_body)(replay)
    return f"{head}<br>{body}<br>The model produced {replay.model_value:.6g}: {_check(replay)}"


class ReplayPanel(QWidget):
    """Shows a :class:`~convviz.training.inspection.Replay`; ``studioRequested(replay, channel)``."""

    studioRequested = pyqtSignal(object, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QLabel("Click a cell of a convolution or pooling layer to see how it was computed.")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
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
        layout.addWidget(self.text, 1, Qt.AlignmentFlag.AlignTop)
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
        if replay.kind not in STUDIO_KINDS:  # the studio animates windows sliding: conv and pool
            self._set_enabled(False)
            return
        if replay.kind == "conv":
            for index in np.argsort(-np.abs(replay.contributions)):
                self.channel.addItem(f"{index}  ({_num(replay.contributions[index])})", int(index))
        else:
            self.channel.addItem(f"{replay.channel}", replay.channel)
        self._set_enabled(True)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """A theme switch: colour the verdict for the new palette."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.replay is not None:
            self.text.setText(replay_text(self.replay))

    def show_note(self, text: str) -> None:
        """Explain why there is nothing to replay (e.g. a dense layer was clicked)."""
        self.replay = None
        self.text.setText(text)
        self.channel.clear()
        self._set_enabled(False)

    def _request(self) -> None:
        if self.replay is not None:
            self.studioRequested.emit(self.replay, int(self.channel.currentData()))
