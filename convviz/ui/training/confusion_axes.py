"""The confusion matrix's axis names: "predicted digit →" above its columns and "true digit →" beside
its rows, written downwards (so its arrow points down the rows): nobody has to guess which way the table reads."""

from __future__ import annotations

from PyQt6.QtCore import QSize, Qt
from PyQt6.QtGui import QPainter
from PyQt6.QtWidgets import QGridLayout, QLabel, QTableWidget, QWidget

from convviz.ui.zoom import relative_font

COLUMNS_TEXT = "predicted digit →"
ROWS_TEXT = "true digit →"  # drawn turned a quarter right: the arrow points down


class DownwardLabel(QWidget):
    """One line of text turned a quarter right (read top to bottom), centred: a narrow label beside rows."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = text
        self.setAccessibleName(text.replace("→", "down the rows"))

    def text(self) -> str:
        """The text drawn."""
        return self._text

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        """As wide as a line is tall, as tall as the text is long."""
        metrics = self.fontMetrics()
        return QSize(metrics.height() + 2, metrics.horizontalAdvance(self._text) + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        """Narrow; it may be shorter than its text (the table's rows come first)."""
        return QSize(self.fontMetrics().height() + 2, 0)

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt naming)
        """Draw the text reading top to bottom."""
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.translate(self.width(), 0)
        painter.rotate(90)
        painter.drawText(0, 0, self.height(), self.width(), Qt.AlignmentFlag.AlignCenter, self._text)
        painter.end()


def with_axis_names(table: QTableWidget) -> QWidget:
    """``table`` with "predicted digit →" above it and "true digit" (arrow down) to its left; the labels are
    ``.columns_label`` and ``.rows_label`` of the returned widget."""
    box = QWidget()
    grid = QGridLayout(box)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setSpacing(1)
    box.columns_label = relative_font(QLabel(COLUMNS_TEXT), 0.9, bold=True)
    box.columns_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    box.columns_label.setToolTip("Each column is the digit the network predicted")
    box.rows_label = relative_font(DownwardLabel(ROWS_TEXT), 0.9, bold=True)
    box.rows_label.setToolTip("Each row is the true digit of the test images")
    grid.addWidget(box.columns_label, 0, 1)
    grid.addWidget(box.rows_label, 1, 0)
    grid.addWidget(table, 1, 1)
    grid.setRowStretch(1, 1)
    grid.setColumnStretch(1, 1)
    return box
