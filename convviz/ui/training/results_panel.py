"""The end of a run (or a loaded model scored on the test set): test accuracy and the confusion
matrix as a heat map with counts; a cell, clicked or chosen with the arrow keys and Enter, lists
its test images beside it (:class:`~convviz.ui.training.misclassified_view.MisclassifiedView`).

While a run goes the page says in words what will appear and when. A run's test images come
from the ``test_predictions.npz`` its ``Finished`` event names, read through the file gate: the
GUI thread never runs the model.
"""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtGui import QBrush, QColor
from PyQt6.QtWidgets import (
    QAbstractItemView, QHeaderView, QLabel, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from convviz.core.gate import GateError
from convviz.core.runs.test_predictions import TestPredictions, discard_scratch, load_predictions
from convviz.training.events import Finished
from convviz.ui.training.cell_font import CellSizedFont
from convviz.ui.training.confusion_axes import with_axis_names
from convviz.ui.training.misclassified_view import MisclassifiedView
from convviz.ui.zoom import relative_font

IDLE_TEXT = "Test accuracy and the confusion matrix appear when a run ends, or when a model is loaded."
STATUS_MS = 200  # how often the waiting text follows the run's epoch


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


def waiting_text(state: str, epochs: int, epoch: int | None, epochs_done: int) -> str:
    """What the page says while a run goes: ``epoch`` is the 0-based epoch of the newest batch
    (None before the first), ``state`` the controls' "running", "paused" or "stopping"."""
    head = "Test accuracy and the confusion matrix appear when this run ends"
    if state == "stopping" or epochs_done >= epochs:
        return f"{head}: the test set is being scored now."
    if epoch is None:
        return f"{head} (the data and the model are being prepared; {epochs} epoch{'s' if epochs != 1 else ''} to train)."
    how = "paused" if state == "paused" else "running"
    return f"{head} (epoch {epoch + 1} of {epochs} {how})."


class ResultsPanel(QWidget):
    """Shows a :class:`Finished` event or a loaded model's score: accuracy in words, counts per
    (true, predicted) pair, and the test images of the chosen pair."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel(IDLE_TEXT)
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)  # "1,000" a little clipped beats "1…"
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; the arrow keys move inside it
        self.cell_font = CellSizedFont(self.table)  # 0.9 to 1.8 times the app font, as the cells allow
        self.table.setStyleSheet("QTableWidget::item { padding: 0px; } "
                                 "QTableWidget::item:selected { background: #ffd54a; color: #000; }")
        self.table.setToolTip("Counts of test images per true digit (row) and predicted digit (column); blue: "
                              "right, red: mistakes. Click a cell, or press Enter on it, to see its images.")
        for header in (self.table.horizontalHeader(), self.table.verticalHeader()):
            header.setMinimumSectionSize(12)  # ten rows fit a projector's short page without scrolling
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            relative_font(header, 0.9)
        self.images = MisclassifiedView()
        self.split = split = QSplitter(Qt.Orientation.Horizontal)
        self.table_box = with_axis_names(self.table)  # "predicted digit →" above, "true digit" down the side
        split.addWidget(self.table_box)
        split.addWidget(self.images)
        split.setChildrenCollapsible(False)
        split.setSizes([360, 440])
        split.hide()  # until there are results: the words above say what will come
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        layout.addStretch(0)
        self.table.cellClicked.connect(self.open_cell)
        self.table.activated.connect(lambda index: self.open_cell(index.row(), index.column()))
        self.confusion: np.ndarray | None = None
        self.predictions: TestPredictions | None = None
        self._tab = None
        self.note = ""  # said instead of IDLE_TEXT until the next reset (a loaded model left unscored)
        self.status_timer = QTimer(self)
        self.status_timer.setInterval(STATUS_MS)
        self.status_timer.timeout.connect(self.show_status)

    def follow(self, tab) -> None:
        """Say what ``tab``'s run is doing while there are no results (reads its view, progress
        and controls: ``view.running``, ``view.latest_batch``, ``view.history.epochs``,
        ``progress.epochs``, ``controls.state``, ``jobs.kind``)."""
        self._tab = tab

    def reset(self) -> None:
        """Clear for a new run (or a model being loaded)."""
        self.confusion = self.predictions = None
        self.note = ""
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.images.set_predictions(None)
        self.images.clear("")
        self.split.hide()
        self.show_status()
        if self.isVisible():
            self.status_timer.start()

    def show_status(self) -> None:
        """Until there are results: say in words what will appear here and when."""
        if self.confusion is not None:
            self.status_timer.stop()
            return
        self.summary.setText(self.status_text())

    def status_text(self) -> str:
        """The waiting text for the followed tab's state."""
        tab = self._tab
        if tab is None or self.note:
            return self.note or IDLE_TEXT
        if tab.jobs.kind == "load":
            return "The loaded model is being scored on the test set; its accuracy and confusion matrix appear here."
        view = tab.view
        if not view.running:
            return IDLE_TEXT
        batch = view.latest_batch
        return waiting_text(tab.controls.state, max(1, tab.progress.epochs), None if batch is None else batch.epoch,
                            len(view.history.epochs))

    def show_note(self, text: str) -> None:
        """Say ``text`` where the results would be (why there are none)."""
        self.note = text
        self.show_status()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """Follow the run while on show."""
        super().showEvent(event)
        self.show_status()
        if self.confusion is None:
            self.status_timer.start()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """Nothing to follow while hidden."""
        super().hideEvent(event)
        self.status_timer.stop()

    def show_results(self, event: Finished) -> None:
        """Show the test metrics and confusion matrix of ``event`` (and its test images, if written)."""
        total = int(np.asarray(event.confusion).sum())
        how = "stopped early" if event.stopped else "finished"
        self.show_scores(event.confusion,
                         f"<b>Test accuracy {event.test_accuracy:.2%}</b> (loss {event.test_loss:.4f}) on {total:,} "
                         f"test images; training {how} after {event.seconds:.1f} s.")
        self.take_predictions_file(getattr(event, "predictions", ""))

    def show_evaluation(self, evaluation, predictions: TestPredictions | None, where: str) -> None:
        """Show a loaded model's ``evaluation`` (loss, accuracy, confusion) on the test set of ``where``
        (the data in words; only its name, before any colon, is shown: the Training data box says the rest)."""
        where = where.split(":", 1)[0].strip() or "the chosen data"
        self.show_scores(evaluation.confusion,
                         f"<b>Test accuracy {evaluation.accuracy:.2%}</b> (loss {evaluation.loss:.4f}) of the "
                         f"loaded model on {evaluation.count:,} test images of {where}.")
        self.take_predictions(predictions)

    def show_scores(self, confusion, headline: str) -> None:
        """Show ``headline`` and the ``confusion`` matrix as a heat map with counts."""
        confusion = np.asarray(confusion, dtype=np.int64)
        self.confusion = confusion
        self.status_timer.stop()
        self.summary.setText(headline)
        self.split.show()
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
                item.setToolTip(f"{confusion[row, col]:,} test images of {row} predicted as {col}: "
                                "click or press Enter to see them")
                self.table.setItem(row, col, item)
        self.cell_font.apply()

    def take_predictions_file(self, path: str) -> None:
        """Read the test predictions at ``path`` ("" : none) through the gate, for the cells' images."""
        if not path:
            self.take_predictions(None, "This run wrote no test images to look at; the counts are all there is.")
            return
        try:
            predictions = load_predictions(path)
        except GateError as exc:
            self.take_predictions(None, f"The test images cannot be shown: {exc}")
            return
        finally:
            discard_scratch(path)
        if self.confusion is not None and not np.array_equal(predictions.confusion(), self.confusion):
            self.take_predictions(None, "The test images cannot be shown: the saved predictions do not match "
                                        "this confusion matrix.")
            return
        self.take_predictions(predictions)

    def take_predictions(self, predictions: TestPredictions | None, why: str = "") -> None:
        """Use ``predictions`` for the cells' images (None: say ``why`` there are none)."""
        self.predictions = predictions
        self.images.set_predictions(predictions)
        if predictions is None:
            self.images.clear(why)

    def open_cell(self, row: int, col: int) -> None:
        """List the test images of true class ``row`` predicted as ``col``."""
        if self.predictions is None or self.confusion is None:
            return
        self.table.setCurrentCell(row, col)
        self.images.show_pair(row, col)

    def shown_counts(self) -> np.ndarray:
        """The counts as displayed in the table."""
        rows, cols = self.table.rowCount(), self.table.columnCount()
        return np.array([[int(self.table.item(r, c).text()) for c in range(cols)] for r in range(rows)])
