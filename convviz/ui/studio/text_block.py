"""The text under the studio's maps (step line, dot product, formulas) in a steady, bounded space.

The block is never taller than a share of the canvas, so a big zoom does not squeeze the maps
(it scrolls inside itself instead), and it does not shrink while stepping through one setting,
so the maps above it do not jump up and down between steps.
"""

from __future__ import annotations

from typing import Callable

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QPalette
from PyQt6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

SHARE = 0.42  # at most this part of the canvas's height goes to the text; the maps keep the rest


class TextBlock(QScrollArea):
    """A vertically scrolling column of wrapped labels with a reserved height (see the module)."""

    def __init__(self, widgets: list[QWidget], parent: QWidget | None = None, bounded: bool = True,
                 measure: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.bounded, self.measure = bounded, measure
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        inner = QWidget()
        inner.setBackgroundRole(QPalette.ColorRole.Base)
        self.viewport().setBackgroundRole(QPalette.ColorRole.Base)
        column = QVBoxLayout(inner)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            column.addWidget(widget)
        column.addStretch(1)
        self.setWidget(inner)
        self.cap = 1 << 20
        self._reserved = 0

    def content_height(self) -> int:
        """The height the labels need at the block's current width."""
        width = max(self.viewport().width(), 50)
        return self.widget().layout().totalHeightForWidth(width)

    def forget(self) -> None:
        """New settings (or a new width or font): the reserved height is measured afresh, over the
        texts ``measure`` shows one after the other (a sample of the steps), then the one on show."""
        self._reserved = 0
        if self.measure is not None:
            self.measure()
        self.refit()

    def set_cap(self, cap: int) -> None:
        """At most ``cap`` pixels tall (the canvas's share); unbounded blocks ignore it."""
        self.cap = max(cap, 0) if self.bounded else 1 << 20
        self.refit()

    def refit(self) -> None:
        """Grow to the current text (never shrink while the settings stay), up to the cap."""
        self._reserved = max(self._reserved, self.content_height())
        height = min(self._reserved, self.cap)
        if height != self.height() or height != self.minimumHeight():
            self.setFixedHeight(height)

    def resizeEvent(self, event) -> None:  # noqa: N802
        """A new width wraps the text differently: measure again."""
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.forget()
