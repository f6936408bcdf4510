"""The Inspector: a trained model explained on a digit you draw or pick.

Drawing updates the prediction and every layer's maps live; clicking a cell
shows its receptive field through the layer chain and replays its arithmetic,
which the Studio can then animate on the real feature map with the learned kernel.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
from PIL import Image
from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from convviz.arithmetic import receptive_field_masks
from convviz.assets import bundled_digits
from convviz.core.gate import safe_name
from convviz.training.preprocess import mnist_style
from convviz.ui.inspector.digit_canvas import DigitCanvas
from convviz.ui.inspector.inspector_worker import InspectorJobs
from convviz.ui.inspector.layer_maps_view import LayerMapsView
from convviz.ui.inspector.probability_view import ProbabilityView
from convviz.ui.inspector.replay_panel import ReplayPanel
from convviz.ui.message_bar import MessageBar
from convviz.ui.worker import Worker, report_failures

# The bundled sample's last 1,000 digits are the lab's held-out test split: never trained on.
TEST_START = 9000
REFRESH_MS = 40  # at most 25 forward passes a second while drawing


def fit_to_input(digit: np.ndarray, input_shape: tuple) -> np.ndarray:
    """Resize a 28x28 [0, 1] digit to a model's (H, W, C) input, repeating it over the channels."""
    height, width, channels = input_shape
    if digit.shape != (height, width):
        digit = np.asarray(Image.fromarray(digit.astype(np.float32)).resize(
            (width, height), Image.Resampling.BILINEAR))
    return np.repeat(np.clip(digit, 0, 1)[:, :, None], channels, axis=2).astype(np.float32)


class InspectorTab(QWidget):
    """Model source, digit input and prediction on the left; every layer's maps on the right."""

    studioRequested = pyqtSignal(object)  # a convviz.core.replay_request.StudioRequest
    inspected = pyqtSignal()  # a forward pass was drawn
    replayed = pyqtSignal(object)  # a cell's convviz.training.inspection.Replay was shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.messages = MessageBar()
        self.info = None
        self.inspection = None
        self.picked = None
        self._requests = 0
        self._shut_down = False
        self._busy = False
        self._dirty = False
        self._build()
        self.jobs = InspectorJobs()  # the model lives in the jobs' thread
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._send_if_needed)
        self._timer.start()

    # ----- layout -----
    def _build(self) -> None:
        model_box = QGroupBox("Model")
        self.model_label = QLabel("No model yet: train one in the Training tab, or load a .keras file.")
        self.model_label.setWordWrap(True)
        self.load_button = QPushButton("Load .keras…")
        self.load_button.clicked.connect(self._ask_load)
        model_layout = QVBoxLayout(model_box)
        model_layout.addWidget(self.model_label)
        model_layout.addWidget(self.load_button)

        input_box = QGroupBox("Input: draw a digit, or pick a test digit")
        self.canvas = DigitCanvas()
        self.canvas.changed.connect(self._input_changed)
        self.canvas.strokeStarted.connect(lambda: self.truth.setText("Your drawing"))
        self.clear_button = QPushButton("Clear")
        self.clear_button.clicked.connect(self.canvas.clear)
        self.clear_button.clicked.connect(lambda: self.truth.setText(""))
        self.centre = QCheckBox("Centre like MNIST")
        self.centre.setChecked(True)
        self.centre.setToolTip("Fit the drawing into 20×20 and centre it by its centre of mass, "
                               "as MNIST's digits were prepared")
        self.centre.toggled.connect(self._input_changed)
        self.digit_index = QSpinBox()
        self.digit_index.setRange(0, 999)
        self.digit_index.setToolTip("One of the 1,000 held-out test digits the lab never trains on")
        self.pick_button = QPushButton("Show test digit")
        self.pick_button.clicked.connect(lambda: self.show_test_digit(self.digit_index.value()))
        self.truth = QLabel("")
        row1 = QHBoxLayout()
        row1.addWidget(self.clear_button)
        row1.addWidget(self.centre)
        row2 = QHBoxLayout()
        row2.addWidget(QLabel("Test digit #"))
        row2.addWidget(self.digit_index)
        row2.addWidget(self.pick_button)
        input_layout = QVBoxLayout(input_box)
        input_layout.addWidget(self.canvas, 1, Qt.AlignmentFlag.AlignHCenter)
        input_layout.addLayout(row1)
        input_layout.addLayout(row2)
        input_layout.addWidget(self.truth)

        prediction_box = QGroupBox("Prediction")
        self.prediction = QLabel("—")
        self.prediction.setStyleSheet("font-size:15px;")
        self.probabilities = ProbabilityView()
        self.probabilities.setMinimumHeight(150)
        prediction_layout = QVBoxLayout(prediction_box)
        prediction_layout.addWidget(self.prediction)
        prediction_layout.addWidget(self.probabilities, 1)

        left = QWidget()
        left.setMaximumWidth(360)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(model_box)
        left_layout.addWidget(input_box, 3)
        left_layout.addWidget(prediction_box, 2)

        self.maps = LayerMapsView()
        self.maps.cellClicked.connect(self.pick_cell)
        self.field_label = QLabel("Click any cell of a map: its receptive field lights up in amber "
                                  "in every earlier map.")
        self.field_label.setWordWrap(True)
        self.replay_panel = ReplayPanel()
        self.replay_panel.studioRequested.connect(self._to_studio)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.maps)
        below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.addWidget(self.field_label)
        below_layout.addWidget(self.replay_panel)
        right.addWidget(below)
        right.setStretchFactor(0, 4)
        right.setStretchFactor(1, 1)

        body = QHBoxLayout()
        body.addWidget(left)
        body.addWidget(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.messages)
        layout.addLayout(body, 1)

    # ----- model -----
    def use_model(self, model, source: str) -> None:
        """Inspect ``model`` (a Keras model, e.g. the lab's); it is only touched in the worker thread."""
        self.model_label.setText(f"Preparing {source}…")
        self._run(self.jobs.use_model(model, source), self._model_ready)

    def load_model_file(self, path: str) -> None:
        """Load and inspect a ``.keras`` file (in the worker thread)."""
        self.model_label.setText(f"Loading {_shown(Path(path).name)}…")
        self._run(self.jobs.load(str(path)), self._model_ready)

    def _ask_load(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load a Keras model", "", "Keras models (*.keras)")
        if path:
            self.load_model_file(path)

    def _model_ready(self, info) -> None:
        self.info = info
        self.picked = None
        self.messages.clear()
        self._show_model_label()
        self.probabilities.set_classes([str(i) for i in range(info.num_classes)])
        self.maps.set_layers(info.input_shape, info.layers)
        self.replay_panel.show_note("Click a cell of a convolution or pooling layer to see how it was computed.")
        if not self.canvas.ink().any():
            self.show_test_digit(self.digit_index.value())
        self._input_changed()

    # ----- input -----
    def show_test_digit(self, index: int) -> None:
        """Put held-out test digit ``index`` on the canvas and show its true label."""
        images, labels = bundled_digits()
        self.digit_index.setValue(index)
        self.truth.setText(f"True label of test digit #{index}: <b>{int(labels[TEST_START + index])}</b>")
        self.canvas.set_ink(images[TEST_START + index] / 255.0)

    def model_input(self) -> np.ndarray | None:
        """The canvas as the model will see it (MNIST-style if ticked), or None without a model."""
        if self.info is None:
            return None
        ink = self.canvas.ink()
        digit = mnist_style(ink) if self.centre.isChecked() else np.asarray(
            Image.fromarray(ink).resize((28, 28), Image.Resampling.BOX))
        return fit_to_input(digit, self.info.input_shape)

    def _input_changed(self) -> None:
        self._dirty = True

    def _send_if_needed(self) -> None:
        if not self._dirty or self._busy or self.info is None:
            return
        self._dirty = False
        self._busy = True
        self._requests += 1
        job = self.jobs.compute(self._requests, self.model_input())
        job.finished.connect(lambda: setattr(self, "_busy", False))
        self._run(job, self._computed)

    def _run(self, job: Worker, on_done) -> None:
        """Queue ``job``: its result goes to ``on_done``, a failure to the message bar (the one path)."""
        # Answers still queued when the window closes find nothing to draw on: drop them.
        job.done.connect(lambda result: self._shut_down or result is None or on_done(result))
        report_failures(job, self.messages)
        job.failed.connect(self._failed)
        self.jobs.submit(job)

    def _computed(self, inspection) -> None:
        self.inspection = inspection
        self.maps.set_activations(inspection.image, inspection.activations)
        probabilities = inspection.probabilities
        if probabilities.size == self.probabilities.probabilities.size:
            self.probabilities.set_probabilities(probabilities)
            guess = int(probabilities.argmax())
            self.prediction.setText(f"The network says <b>{guess}</b> ({probabilities[guess]:.1%})")
        if self.picked is not None:
            self.pick_cell(*self.picked)
        self.inspected.emit()

    def _show_model_label(self) -> None:
        info = self.info
        shape = "×".join(str(v) for v in info.input_shape)
        self.model_label.setText(f"<b>{_shown(info.source)}</b><br>input {shape}, {info.num_classes} classes, "
                                 f"{len(info.layers)} layers")

    def _failed(self) -> None:
        if self.info is None:
            self.model_label.setText("No model yet: train one in the Training tab, or load a .keras file.")
        else:  # a refused file leaves the model before it in place: the label says which, not "Loading…"
            self._show_model_label()

    # ----- cells -----
    def pick_cell(self, layer: int, channel: int, row: int, col: int) -> None:
        """Show the receptive field of a cell (layer -1 is the input) and replay it if possible."""
        if self.info is None or self.inspection is None:
            return
        self.picked = (layer, channel, row, col)
        if layer < 0:
            self.maps.show_field({}, self.picked)
            self.field_label.setText(f"Input pixel ({row}, {col}) = {self.inspection.image[row, col, channel]:.3f}")
            self.replay_panel.show_note("An input pixel: nothing was computed to make it.")
            return
        chain = [view.geometry for view in self.info.layers[: layer + 1]]
        masks = receptive_field_masks(chain, self.info.input_shape, layer, (row, col))
        self.maps.show_field({index - 1: mask for index, mask in enumerate(masks)}, self.picked)
        rows, cols = np.nonzero(masks[0])
        view = self.info.layers[layer]
        self.field_label.setText(
            f"{view.name} ({row}, {col}), channel {channel} depends on {int(masks[0].sum())} input "
            f"pixels, rows {rows.min()}–{rows.max()}, columns {cols.min()}–{cols.max()}."
        )
        if view.geometry.kind in ("conv", "pool"):
            self._run(self.jobs.replay(self.inspection.image, layer, (row, col), channel), self._replayed)
        else:
            self.replay_panel.show_note(f"{view.name} is a {view.kind} layer: only convolution and "
                                        "pooling cells can be replayed.")

    def _replayed(self, replay) -> None:
        self.replay_panel.show_replay(replay)
        self.replayed.emit(replay)

    def _to_studio(self, replay, channel: int) -> None:
        from convviz.core.replay_request import studio_request

        self.studioRequested.emit(studio_request(replay, channel))

    def shutdown(self) -> None:
        """Stop the jobs' thread (called when the window closes)."""
        self._shut_down = True
        self._timer.stop()
        self.jobs.shutdown()


def _shown(name: str) -> str:
    """A file or model name for a rich-text label: escape codes shown, markup not interpreted."""
    return html.escape(safe_name(name))
