"""Why the model decided: Grad-CAM over the input (adjustable opacity) and gradient×input beside it.

The view only draws; the tab computes both maps in the inspector's worker thread when the
input, the class or the layer changes (``requested(class_index or -1, layer_index)``).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QPalette
from PyQt6.QtWidgets import QComboBox, QGridLayout, QLabel, QSlider, QVBoxLayout, QWidget

from convviz.ui.inspector.model_overview import shape_text

PREDICTED = -1
OPACITY_MIN_WIDTH = 120  # px: a slider you can aim at, whatever the zoom
_DISPLAY_CAM_MAP = "inferno"
_SALIENCY_MAP = "CET-D1"  # diverging: blue negative, red positive, white zero


def display_image(image: np.ndarray, value_range: str) -> np.ndarray:
    """A model input in any range as an (H, W, 3) image in [0, 1] for the screen (caffe back to RGB)."""
    x = np.asarray(image, np.float32)
    if value_range == "caffe" and x.shape[2] == 3:
        x = x[:, :, ::-1]
    if x.shape[2] == 1:
        x = np.repeat(x, 3, axis=2)
    low, high = float(x.min()), float(x.max())
    return (x - low) / (high - low) if high > low else np.zeros_like(x)


class CamView(QWidget):
    """Controls (class, layer, opacity) over two images: Grad-CAM on the input, gradient×input."""

    requested = pyqtSignal(int, int)  # (class index or PREDICTED, layer index)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cam: np.ndarray | None = None
        self.saliency: np.ndarray | None = None
        self.class_box = QComboBox()
        self.class_box.setToolTip("Explain the predicted class, or any other")
        self.layer_box = QComboBox()
        self.layer_box.setToolTip("The convolution layer whose maps Grad-CAM weighs (default: the last one)")
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setValue(55)
        self.opacity.setToolTip("Opacity of the Grad-CAM colours over the input")
        self.opacity.valueChanged.connect(lambda value: self._heat.setOpacity(value / 100))
        for box in (self.class_box, self.layer_box):
            box.activated.connect(self._request)
        self.caption = QLabel("Grad-CAM (left): where the chosen layer's evidence for the class lies. "
                              "Gradient × input (right): red pixels raise the score, blue lower it.")
        self.caption.setWordWrap(True)
        self.caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # muted, and readable in the dark theme too
        self.images = pg.GraphicsLayoutWidget()
        self.images.setBackground("w")
        self._input, self._heat, self._saliency = pg.ImageItem(), pg.ImageItem(), pg.ImageItem()
        self._heat.setColorMap(pg.colormap.get(_DISPLAY_CAM_MAP))
        self._heat.setOpacity(self.opacity.value() / 100)
        self._saliency.setColorMap(pg.colormap.get(_SALIENCY_MAP))
        for col, items in enumerate(((self._input, self._heat), (self._saliency,))):
            box = self.images.addViewBox(row=0, col=col, lockAspect=True, enableMouse=False, invertY=True)
            for item in items:
                box.addItem(item)
        self._lay_out()

    def _lay_out(self) -> None:
        # The slider has a row of its own: beside two combo boxes it was squeezed to a checkbox's width.
        self.opacity.setMinimumWidth(OPACITY_MIN_WIDTH)
        self.opacity.setMaximumWidth(3 * OPACITY_MIN_WIDTH)
        controls = QGridLayout()
        controls.addWidget(QLabel("Class"), 0, 0)
        controls.addWidget(self.class_box, 0, 1)
        controls.addWidget(QLabel("Layer"), 0, 2)
        controls.addWidget(self.layer_box, 0, 3)
        controls.addWidget(QLabel("Opacity"), 1, 0)
        controls.addWidget(self.opacity, 1, 1)
        controls.setColumnStretch(1, 1)
        controls.setColumnStretch(3, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(controls)
        layout.addWidget(self.images, 1)
        layout.addWidget(self.caption)

    def set_model(self, class_names: list[str], layers, cam_layer: int) -> None:
        """Offer the classes and the layers with a spatial output; choose the default CAM layer."""
        self.class_box.clear()
        self.class_box.addItem("the predicted class", PREDICTED)
        for index, name in enumerate(class_names):
            self.class_box.addItem(f"{index}: {name}", index)
        self.layer_box.clear()
        for index, view in enumerate(layers):
            if len(view.output_shape) == 3 and ("Conv" in view.kind or index == cam_layer):
                self.layer_box.addItem(f"{view.name} ({shape_text(view.output_shape)})", index)
        self.layer_box.setCurrentIndex(max(0, self.layer_box.findData(cam_layer)))
        self.cam = self.saliency = None
        self.setEnabled(self.layer_box.count() > 0)

    def choice(self) -> tuple[int | None, int | None]:
        """(class index or None for the predicted one, layer index or None) as chosen."""
        klass, layer = self.class_box.currentData(), self.layer_box.currentData()
        return (None if klass in (None, PREDICTED) else int(klass)), (None if layer is None else int(layer))

    def show_explanation(self, explanation, shown_input: np.ndarray, class_name: str) -> None:
        """Draw an ``Explanation`` over ``shown_input`` ((H, W, 3) in [0, 1])."""
        self.cam, self.saliency = explanation.cam, explanation.saliency
        self._input.setImage(shown_input, levels=(0, 1))
        self._heat.setImage(np.asarray(self.cam, np.float32), levels=(0, 1))
        top = float(np.abs(self.saliency).max()) or 1.0
        self._saliency.setImage(np.asarray(self.saliency, np.float32), levels=(-top, top))
        self.caption.setText(f"Why <b>{class_name}</b>: Grad-CAM on {self.layer_box.currentText()} (left); "
                             "gradient × input (right: red raises the score, blue lowers it).")

    def _request(self) -> None:
        klass, layer = self.choice()
        self.requested.emit(PREDICTED if klass is None else klass, -1 if layer is None else layer)
