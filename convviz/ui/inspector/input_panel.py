"""What the model looks at: a digit drawn, a sample of the data with its true label, or a photo.

A photo (a bundled one, one opened or dropped) is resized to the model's input keeping its
aspect ratio (centre-crop or pad), converted grey↔RGB, and scaled to the value range the model
expects (detected, and selectable). Digit models (28×28×1) keep the drawing canvas.
"""

from __future__ import annotations

import numpy as np
from PIL import Image
from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QPushButton,
                             QSpinBox, QVBoxLayout, QWidget)

from convviz.assets import PHOTOS, bundled_photo
from convviz.core.gate import safe_name
from convviz.training.input_range import FITS, INPUT_RANGES, RANGE_LABELS, prepare_image, scale_to_range
from convviz.training.preprocess import mnist_style
from convviz.training.sample_sets import official_mnist_test
from convviz.ui.inspector.digit_canvas import DigitCanvas
from convviz.ui.inspector.image_files import read_image

DIGIT_SHAPE = (28, 28, 1)
FIT_LABELS = {"crop": "keep aspect: centre-crop", "pad": "keep aspect: pad"}
_DRAWING = "drawing"
RANGE_NAMES = {"[0,1]": "[0, 1]", "[0,255]": "[0, 255]", "caffe": "caffe: BGR − ImageNet mean",
               "tf": "tf: [−1, 1]", "torch": "torch: ImageNet mean / std"}


class InputPanel(QWidget):
    """Chooses and prepares the model's input; ``changed`` whenever it changes."""

    changed = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.photo: np.ndarray | None = None  # uint8 (H, W[, 3]) when the input is a photo
        self.exact: np.ndarray | None = None  # a test image on the canvas, as the model must see it
        self.input_shape = DIGIT_SHAPE
        self.samples = official_mnist_test()  # until the lab's data says otherwise
        self._build()

    def _build(self) -> None:
        self.source = QComboBox()
        self.source.setToolTip("What the model looks at: your drawing or a bundled photo")
        self.source.addItem("Your drawing", _DRAWING)
        for name in PHOTOS:
            self.source.addItem(f"Photo: {name}", name)
        self.source.setPlaceholderText("an opened image")
        self.source.activated.connect(self._source_chosen)
        self.open_button = QPushButton("Open image…")
        self.open_button.setToolTip("A PNG, JPEG or BMP of any size; you can also drop one on the window")
        self.canvas = DigitCanvas()
        self.canvas.changed.connect(self._drawn)
        self.canvas.strokeStarted.connect(self._drawing_started)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Wipe the drawing to start a new digit")
        self.clear_button.clicked.connect(self._clear)
        self.centre = QCheckBox("Centre like MNIST")
        self.centre.setChecked(True)
        self.centre.setToolTip("Fit the drawing into 20×20 and centre it by its centre of mass, "
                               "as MNIST's digits were prepared")
        self.centre.toggled.connect(self.changed)
        self.fit = QComboBox()
        for fit in FITS:
            self.fit.addItem(FIT_LABELS[fit], fit)
        self.fit.setToolTip("How a photo of another shape is fitted to the model's input")
        self.fit.currentIndexChanged.connect(self.changed)
        self.value_range = QComboBox()
        for index, value_range in enumerate(INPUT_RANGES):
            self.value_range.addItem(RANGE_NAMES[value_range], value_range)
            self.value_range.setItemData(index, RANGE_LABELS[value_range], Qt.ItemDataRole.ToolTipRole)
        self.value_range.setToolTip("The pixel scaling the model expects (detected from the model)")
        self.value_range.currentIndexChanged.connect(self.changed)
        self.digit_index = QSpinBox()
        self.digit_index.setToolTip("A test image the lab never trains on, numbered as in the Training tab's "
                                    "Test results (MNIST: the official 10,000-image test set)")
        self.pick_button = QPushButton("Show test image")
        self.pick_button.setToolTip("Put test image # into the canvas and show its true label")
        self.pick_button.clicked.connect(lambda: self.show_test_sample(self.digit_index.value()))
        self.truth = QLabel("")
        self.truth.setWordWrap(True)
        self._lay_out()
        self.set_samples(*self.samples)

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.source, 1)
        top.addWidget(self.open_button)
        draw_row = QHBoxLayout()
        draw_row.addWidget(self.clear_button)
        draw_row.addWidget(self.centre)
        sample_row = QHBoxLayout()
        sample_row.addWidget(QLabel("Test image #"))
        sample_row.addWidget(self.digit_index)
        sample_row.addWidget(self.pick_button)
        form = QFormLayout()
        form.addRow("Fit", self.fit)
        form.addRow("Range", self.value_range)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.canvas, 1, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(draw_row)
        layout.addLayout(form)
        layout.addLayout(sample_row)
        layout.addWidget(self.truth)

    # ----- configuration -----
    def configure(self, input_shape: tuple, value_range: str) -> None:
        """Adapt to a model: its input shape and the value range it most likely expects."""
        self.input_shape = tuple(int(v) for v in input_shape)
        self.value_range.blockSignals(True)
        self.value_range.setCurrentIndex(max(0, self.value_range.findData(value_range)))
        self.value_range.blockSignals(False)
        digits = self.is_digit_model()
        self.canvas.setVisible(digits)
        for widget in (self.clear_button, self.centre):
            widget.setVisible(digits)
        if self.photo is None and not digits:
            self.show_photo(PHOTOS[0])

    def set_samples(self, images: np.ndarray, labels: np.ndarray, class_names: list[str]) -> None:
        """Offer ``images`` (uint8, the data's test split) with their true ``labels`` as samples."""
        self.samples = (np.asarray(images), np.asarray(labels).ravel(), list(class_names))
        self.digit_index.setRange(0, max(0, len(images) - 1))

    def is_digit_model(self) -> bool:
        """True for a 28×28×1 model: the input is drawn on the canvas."""
        return self.input_shape == DIGIT_SHAPE

    # ----- inputs -----
    def show_test_sample(self, index: int) -> None:
        """Show test sample ``index`` and its true label."""
        images, labels, names = self.samples
        self.digit_index.setValue(index)
        label = int(labels[index])
        self.show_test_image(index, images[index], names[label] if 0 <= label < len(names) else str(label))

    def show_test_image(self, index: int, image: np.ndarray, true_name: str) -> None:
        """Show ``image`` (uint8), test image #``index`` whose true class is ``true_name``."""
        images = self.samples[0]
        image = np.asarray(image)
        if 0 <= index < len(images) and images[index].size == image.size and np.array_equal(
                images[index], image.reshape(images[index].shape)):
            self.digit_index.setValue(index)  # the same test set: the spin box follows
        self.truth.setText(f"True label of test image #{index}: <b>{safe_name(true_name)}</b>")
        if self.is_digit_model() and (image.ndim == 2 or image.shape[2] == 1):
            exact = (image.reshape(image.shape[:2]) / 255.0).astype(np.float32)
            self._to_canvas(exact)
            self.exact = exact  # the model sees exactly this (not the canvas re-centred) until the canvas changes
            self.source.setItemText(0, f"Test image #{index}")
        else:
            self.source.setPlaceholderText(f"Test image #{index}")
            self._set_photo(image, None)

    def show_photo(self, name: str) -> None:
        """Show the bundled photo ``name``."""
        self._set_photo(bundled_photo(name), name)
        self.truth.setText(f"Bundled photo <b>{name}</b>")

    def open_file(self, path: str) -> None:
        """Read an image file and show it; ValueError (one line) leaves the input as it was."""
        image = read_image(path)
        self.source.setPlaceholderText("an opened image")
        self._set_photo(image, None)
        from pathlib import Path

        self.truth.setText(f"Image <b>{safe_name(Path(path).name)}</b> ({image.shape[1]}×{image.shape[0]})")

    def _set_photo(self, image: np.ndarray, source) -> None:
        self.photo = np.asarray(image)
        index = self.source.findData(source) if source is not None else -1
        self.source.setCurrentIndex(index if index > 0 else -1)
        self.changed.emit()

    def _to_canvas(self, ink: np.ndarray) -> None:
        self.photo = None
        self.source.setCurrentIndex(0)
        self.canvas.set_ink(ink)

    def _source_chosen(self, index: int) -> None:
        data = self.source.itemData(index)
        if data == _DRAWING:
            self.photo = self.exact = None
            self.truth.setText("Your drawing")
            self.changed.emit()
        else:
            self.show_photo(data)

    def _drawing_started(self) -> None:
        self.photo = self.exact = None
        self.source.setCurrentIndex(0)
        self.truth.setText("Your drawing")

    def _drawn(self) -> None:
        self.exact = None  # drawn on, cleared or replaced: the canvas is the input now
        self.source.setItemText(0, "Your drawing")
        if self.photo is None:
            self.changed.emit()

    def _clear(self) -> None:
        self.truth.setText("")
        self.photo = self.exact = None
        self.source.setCurrentIndex(0)
        self.canvas.clear()

    # ----- the model's input -----
    def model_input(self) -> np.ndarray:
        """The input as the model will see it: shaped like its input, in the chosen range."""
        shape, value_range = self.input_shape, self.value_range.currentData()
        if self.photo is not None:
            return prepare_image(self.photo, shape, value_range, self.fit.currentData())
        ink = self.canvas.ink()
        if self.exact is not None:
            digit = self.exact
        elif self.centre.isChecked():
            digit = mnist_style(ink)
        else:
            digit = np.asarray(Image.fromarray(ink).resize((28, 28), Image.Resampling.BOX))
        drawn = fit_to_input(digit, shape)
        return drawn if value_range == "[0,1]" else scale_to_range(drawn * 255.0, value_range).astype(np.float32)


def fit_to_input(digit: np.ndarray, input_shape: tuple) -> np.ndarray:
    """Resize a 28x28 [0, 1] digit to a model's (H, W, C) input, repeating it over the channels."""
    height, width, channels = input_shape
    if digit.shape != (height, width):
        digit = np.asarray(Image.fromarray(digit.astype(np.float32)).resize(
            (width, height), Image.Resampling.BILINEAR))
    return np.repeat(np.clip(digit, 0, 1)[:, :, None], channels, axis=2).astype(np.float32)
