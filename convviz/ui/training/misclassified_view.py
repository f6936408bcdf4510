"""The test images behind one confusion-matrix cell: thumbnails with their probabilities, and the
full probability bars of the one selected (or under the mouse).

The images and probabilities come from a :class:`~convviz.core.runs.test_predictions.TestPredictions`
(the run's scored test set, read from disk): nothing here runs a model.
"""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import QSize, Qt, pyqtSignal
from PyQt6.QtGui import QIcon, QImage, QPixmap
from PyQt6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget,
)

from convviz.core.runs.test_predictions import TestPredictions
from convviz.ui.inspector.probability_view import ProbabilityView
from convviz.ui.zoom import relative_font

THUMB_PIXELS = 44
BARS_WIDTH = 190
MAX_SHOWN = 400  # thumbnails drawn for one cell; the rest are counted in the title
HINT = ("Click a cell of the confusion matrix (or move to it with the arrow keys and press Enter) "
        "to see its test images here: a red cell shows the mistakes of that kind.")


def image_pixmap(image: np.ndarray, size: int = THUMB_PIXELS) -> QPixmap:
    """A uint8 image (H, W, C) as a pixmap scaled to ``size`` without smoothing (1 or 2 channels: grey)."""
    image = np.asarray(image, dtype=np.uint8)
    channels = image.shape[2] if image.ndim == 3 else 1
    if channels in (1, 2):
        data = np.ascontiguousarray(image[..., 0] if image.ndim == 3 else image)
        fmt, per_pixel = QImage.Format.Format_Grayscale8, 1
    else:
        data = np.ascontiguousarray(image[..., :4])
        fmt = QImage.Format.Format_RGB888 if channels == 3 else QImage.Format.Format_RGBA8888
        per_pixel = data.shape[2]
    height, width = data.shape[:2]
    qimage = QImage(data.data, width, height, per_pixel * width, fmt).copy()
    return QPixmap.fromImage(qimage).scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                                            Qt.TransformationMode.FastTransformation)


def pair_title(true_name: str, predicted_name: str, count: int, right: bool) -> str:
    """What the list shows, in words: "True 4 → predicted 9: 12 test images (mistakes)"."""
    images = f"{count:,} test image{'s' if count != 1 else ''}"
    kind = "classified right" if right else ("mistakes" if count != 1 else "a mistake")
    return f"True {true_name} → predicted {predicted_name}: {images} ({kind})"


class MisclassifiedView(QWidget):
    """Thumbnails of one (true, predicted) pair of the test set, most confident first."""

    openRequested = pyqtSignal(int, object, str)  # (test-image index, uint8 image, true class name)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(HINT)
        self.title.setWordWrap(True)
        self.list = QListWidget()
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(QSize(THUMB_PIXELS, THUMB_PIXELS))
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setMovement(QListWidget.Movement.Static)
        self.list.setUniformItemSizes(True)
        self.list.setGridSize(QSize(THUMB_PIXELS + 32, THUMB_PIXELS + 34))
        relative_font(self.list, 0.9)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setMouseTracking(True)
        self.list.setToolTip("The test images of the chosen cell, most confident first; select one "
                             "(or point at it) to see all its class probabilities below.")
        self.bars = ProbabilityView()
        self.bars.getAxis("left").showLabel(False)
        self.bars.setFixedWidth(BARS_WIDTH)
        self.bars.setToolTip("The model's probability for every class, for the selected test image.")
        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        self.open_button = QPushButton("Open in Inspector")
        self.open_button.setToolTip("Show the selected test image in the Inspector as its input, "
                                    "to see what every layer made of it")
        self.open_button.clicked.connect(self._open_selected)
        self.open_button.setEnabled(False)
        self.body = QWidget()  # the thumbnails and the bars, hidden until a cell is chosen
        row = QHBoxLayout(self.body)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.list, 1)
        row.addWidget(self.bars)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.body, 1)
        detail_row = QHBoxLayout()
        detail_row.addWidget(self.detail, 1)
        detail_row.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(detail_row)
        layout.addStretch(0)
        self.body.hide()
        self.list.currentRowChanged.connect(self.show_image)
        self.list.currentRowChanged.connect(self._selected)
        self.list.itemEntered.connect(lambda item: self.show_image(self.list.row(item)))
        self.predictions: TestPredictions | None = None
        self.class_names: list[str] = []
        self.indices = np.zeros(0, dtype=np.int64)  # the test images of the pair on show, in list order
        self.pair: tuple[int, int] | None = None

    def clear(self, text: str = HINT) -> None:
        """Show nothing but ``text``."""
        self.list.clear()
        self.indices = np.zeros(0, dtype=np.int64)
        self.pair = None
        self.title.setText(text)
        self.detail.setText("")
        self._selected(-1)
        self.body.hide()

    def set_predictions(self, predictions: TestPredictions | None, class_names=()) -> None:
        """Take the scored test set the cells are looked up in (None: none to show)."""
        self.predictions = predictions
        count = predictions.num_classes if predictions is not None else 0
        self.class_names = list(class_names)[:count] if len(class_names) >= count else []
        self.class_names = self.class_names or [str(i) for i in range(count)]
        if predictions is not None and self.bars.probabilities.size != count:
            self.bars.set_classes(self.class_names)
        self.clear()

    def show_pair(self, true: int, predicted: int) -> None:
        """List the test images of class ``true`` the model predicted as ``predicted``."""
        if self.predictions is None:
            return
        names = self.class_names
        self.pair = (true, predicted)
        self.indices = self.predictions.pair(true, predicted)
        title = pair_title(names[true], names[predicted], len(self.indices), true == predicted)
        if len(self.indices) > MAX_SHOWN:
            title += f"; the {MAX_SHOWN:,} most confident are shown"
        self.title.setText(title + ("." if len(self.indices) else ". None in this test set."))
        self.list.clear()
        self.detail.setText("")
        for index in self.indices[:MAX_SHOWN]:
            self.list.addItem(self._item(int(index), true, predicted))
        self.body.setVisible(self.list.count() > 0)
        if self.list.count():
            self.list.setCurrentRow(0)

    def _item(self, index: int, true: int, predicted: int) -> QListWidgetItem:
        probabilities = self.predictions.probabilities[index]
        names = self.class_names
        text = f"{names[predicted]}: {probabilities[predicted]:.2f}"
        if true != predicted:
            text += f"\n{names[true]}: {probabilities[true]:.2f}"
        item = QListWidgetItem(QIcon(image_pixmap(self.predictions.images[index])), text)
        item.setData(Qt.ItemDataRole.UserRole, index)
        item.setToolTip(self._describe(index))
        return item

    def _describe(self, index: int) -> str:
        probabilities = self.predictions.probabilities[index]
        true, predicted = int(self.predictions.labels[index]), int(probabilities.argmax())
        names = self.class_names
        text = f"Test image #{index}: true {names[true]} → predicted {names[predicted]} ({probabilities[predicted]:.2f})"
        return text if true == predicted else f"{text}; {names[true]}: {probabilities[true]:.2f}"

    def show_image(self, row: int) -> None:
        """Show the probability bars of the thumbnail at ``row``."""
        item = self.list.item(row)
        if item is None or self.predictions is None:
            return
        index = int(item.data(Qt.ItemDataRole.UserRole))
        self.bars.set_probabilities(self.predictions.probabilities[index])
        self.detail.setText(self._describe(index))

    def shown_indices(self) -> list[int]:
        """The test-image indices of the thumbnails on show, in order."""
        return [int(self.list.item(row).data(Qt.ItemDataRole.UserRole)) for row in range(self.list.count())]

    def _selected(self, row: int) -> None:
        """The button names the selected image (the text above may follow the mouse instead)."""
        item = self.list.item(row)
        self.open_button.setEnabled(item is not None)
        index = None if item is None else int(item.data(Qt.ItemDataRole.UserRole))
        self.open_button.setText("Open in Inspector" if index is None else f"Open #{index} in Inspector")

    def _open_selected(self) -> None:
        """Ask for the selected thumbnail's test image in the Inspector (``openRequested``)."""
        item = self.list.currentItem()
        if item is None or self.predictions is None:
            return
        index = int(item.data(Qt.ItemDataRole.UserRole))
        true = int(self.predictions.labels[index])
        self.openRequested.emit(index, self.predictions.images[index], self.class_names[true])
