"""The first nine training images with their labels, and the dataset shapes."""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QFont, QImage, QPixmap
from PyQt6.QtWidgets import QGridLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from convviz.training.events import DataReady
from convviz.ui.zoom import relative_font

CELL_PIXELS = 56  # MNIST's 28 pixels exactly doubled
SHAPE_LINES = 6  # x_train, y_train, x_val, y_val, x_test, y_test


def shapes_text(shapes: dict[str, tuple]) -> str:
    """One line per array, as a tutorial prints them: ``x_train shape: (60000, 28, 28, 1)``."""
    return "\n".join(f"{name} shape: {tuple(shape)}" for name, shape in shapes.items())


def grey_pixmap(image: np.ndarray, size: int = CELL_PIXELS) -> QPixmap:
    """A float image in [0, 1] (H, W) as a grey pixmap scaled to ``size`` without smoothing."""
    grey = np.ascontiguousarray(np.clip(image * 255.0, 0, 255).astype(np.uint8))
    height, width = grey.shape
    qimage = QImage(grey.data, width, height, width, QImage.Format.Format_Grayscale8).copy()
    return QPixmap.fromImage(qimage).scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                                            Qt.TransformationMode.FastTransformation)


class DataPreview(QGroupBox):
    """A 3x3 grid of the first training digits (grey levels fixed to 0..1) and the array shapes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Training data", parent)
        grid = QGridLayout()
        grid.setSpacing(4)
        self.cells: list[QLabel] = []
        self.captions: list[QLabel] = []
        for index in range(9):
            cell = QLabel()
            cell.setFixedSize(CELL_PIXELS, CELL_PIXELS)
            cell.setStyleSheet("background:#dcdcdc;")
            caption = QLabel("")
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            relative_font(caption, 0.9)
            row, col = divmod(index, 3)
            grid.addWidget(cell, 2 * row, col, Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(caption, 2 * row + 1, col)
            self.cells.append(cell)
            self.captions.append(caption)
        self.shapes = QLabel("The first nine training\nimages appear here.")
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(8.5)
        self.shapes.setFont(font)
        # Room for the six shape lines from the start, without word wrap: a wrapping label asks for
        # its height too late and squeezed the images onto their captions; the box never grows.
        self.shapes.setMinimumHeight(SHAPE_LINES * self.shapes.fontMetrics().lineSpacing() + 2)
        self.shapes.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.shapes.setToolTip("The shapes of the arrays the run trains and tests on")
        self.shapes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setFixedWidth(262)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.shapes)
        layout.addStretch(1)
        self.labels: list[int] = []

    def show_data(self, event: DataReady) -> None:
        """Show the preview images, labels and shapes of ``event``."""
        images = np.asarray(event.preview_images, dtype=np.float32)
        if images.ndim == 4:
            images = images.mean(axis=-1)
        self.labels = [int(label) for label in event.preview_labels]
        for index, (cell, caption) in enumerate(zip(self.cells, self.captions)):
            if index < len(images):
                cell.setPixmap(grey_pixmap(images[index]))
                caption.setText(f"label {self.labels[index]}")
            else:
                cell.clear()
                caption.setText("")
        self.shapes.setText(shapes_text(event.shapes))
