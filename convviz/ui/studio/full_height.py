"""Word-wrapping labels that are never cut off: as tall as their lines at their current width."""

from __future__ import annotations

from PyQt6.QtCore import QSize
from PyQt6.QtWidgets import QLabel


class FullHeight:
    """Mix into a word-wrapping ``QLabel`` (before it in the bases): its minimum height is the height of its wrapped
    text at its current width (and ``min_lines`` lines at least), so a narrow window or a big
    zoom makes the page scroll down rather than cutting lines off."""

    min_lines = 0

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """The wrapped text's height at the current width, at least ``min_lines`` lines."""
        hint = super().minimumSizeHint()
        wrapped = self.heightForWidth(self.width()) if self.isVisible() and self.wordWrap() else 0
        lines = self.min_lines * self.fontMetrics().lineSpacing() + 6 if self.min_lines else 0
        return QSize(hint.width(), max(hint.height(), lines, wrapped))

    def resizeEvent(self, event) -> None:  # noqa: N802
        """A new width may wrap the text into more (or fewer) lines: ask the layout again."""
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()


class WrappedLabel(FullHeight, QLabel):
    """A word-wrapping label that is never cut off (see :class:`FullHeight`)."""

    def __init__(self, text: str = "", parent=None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
