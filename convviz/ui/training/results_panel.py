"""The end of a run: test accuracy and the confusion matrix as a heat map with counts."""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QBrush, QColor
from PyQt6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from convviz.training.events import Finished


def heat_colour(fraction: float, correct: bool) -> QColor:
    """Right answers: white to deep blue with the fraction of the row; mistakes: a red tint that
    stays visible even for a single digit."""
    fraction = float(np.clip(fraction, 0.0, 1.0))
    if correct:
        return QColor(int(255 - 225 * fraction), int(255 - 175 * fraction), int(255 - 80 * fraction))
    if fraction == 0:
        return QColor("white")
    strength = min(1.0, 0.25 + 3 * fraction)
    return QColor(255, int(255 - 150 * strength), int(255 - 150 * strength))


class ResultsPanel(QWidget):
    """Shows a :class:`Finished` event: accuracy in words, counts per (true, predicted) pair."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel("Test accuracy and the confusion matrix appear when a run ends.")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for header in (self.table.horizontalHeader(), self.table.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        caption = QLabel("Rows: true digit. Columns: predicted digit. The blue diagonal is right; red cells are mistakes.")
        caption.setStyleSheet("color:#555;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(caption)
        self.confusion: np.ndarray | None = None

    def reset(self) -> None:
        """Clear for a new run."""
        self.confusion = None
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.summary.setText("Test accuracy and the confusion matrix appear when a run ends.")

    def show_results(self, event: Finished) -> None:
        """Show the test metrics and confusion matrix of ``event``."""
        confusion = np.asarray(event.confusion, dtype=np.int64)
        self.confusion = confusion
        total = int(confusion.sum())
        how = "stopped early" if event.stopped else "finished"
        self.summary.setText(
            f"<b>Test accuracy {event.test_accuracy:.2%}</b> (loss {event.test_loss:.4f}) on {total:,} "
            f"test images; training {how} after {event.seconds:.1f} s."
        )
        classes = confusion.shape[0]
        self.table.setRowCount(classes)
        self.table.setColumnCount(classes)
        names = [str(i) for i in range(classes)]
        self.table.setHorizontalHeaderLabels(names)
        self.table.setVerticalHeaderLabels(names)
        row_totals = np.maximum(confusion.sum(axis=1), 1)
        for row in range(classes):
            for col in range(classes):
                fraction = confusion[row, col] / row_totals[row]
                item = QTableWidgetItem(str(confusion[row, col]))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setBackground(QBrush(heat_colour(fraction, row == col)))
                item.setForeground(QBrush(QColor("white" if row == col and fraction > 0.55 else "#222")))
                self.table.setItem(row, col, item)

    def shown_counts(self) -> np.ndarray:
        """The counts as displayed in the table."""
        rows, cols = self.table.rowCount(), self.table.columnCount()
        return np.array([[int(self.table.item(r, c).text()) for c in range(cols)] for r in range(rows)])
