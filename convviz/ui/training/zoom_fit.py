"""Sizes in the training controls that follow the zoom both ways: measured again after each font change.

A minimum size set from a font (a wrapped note's height, a combo's width) would otherwise keep
the zoomed-in value after Reset zoom, and the 100% layout would no longer fit a projector.
"""

from __future__ import annotations

from PyQt6.QtCore import QEvent, QObject, QTimer
from PyQt6.QtWidgets import QComboBox, QLabel, QWidget


class ZoomFit(QObject):
    """Keeps ``note`` (a word-wrapped label) as tall as its text at its width, and ``combo`` as wide as ``text``.

    Watches ``box`` (font changes, resizes) and the note (resizes); measures once the children
    have their new fonts (the next event-loop turn).
    """

    def __init__(self, box: QWidget, note: QLabel, combo: QComboBox, text: str) -> None:
        super().__init__(box)
        self.note, self.combo, self.text = note, combo, text
        box.installEventFilter(self)
        note.installEventFilter(self)
        self.fit_combo()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt naming)
        """A resize or a font change: measure again."""
        if event.type() == QEvent.Type.FontChange:
            self.fit_combo()
            QTimer.singleShot(0, self.fit_note)
        elif event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, self.fit_note)
        return False

    def fit_combo(self) -> None:
        """Never clip the combo's text: zoomed in, its form row goes below the label instead."""
        self.combo.setMinimumWidth(self.combo.fontMetrics().horizontalAdvance(self.text) + 36)

    def fit_note(self) -> None:
        """The whole note readable at its current width, in its current font."""
        self.note.setMinimumHeight(0)  # a QLabel's height for a width is never below its minimum: measure afresh
        self.note.setMinimumHeight(self.note.heightForWidth(max(self.note.width(), 1)))
