"""The Inspector: any image CNN explained on a digit you draw, a photo, or a test sample.

The model overview lists every layer by block; only the chosen block's maps are drawn.
The prediction, Grad-CAM and gradient×input follow the input; clicking a cell shows its
receptive field through the real graph and replays its arithmetic, which the Studio can
animate for convolution and pooling cells. TensorFlow runs only in the jobs' thread.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QDragEnterEvent, QDropEvent
from PyQt6.QtWidgets import (QFileDialog, QLabel, QPushButton, QScrollArea, QSplitter, QTabWidget,
                             QVBoxLayout, QWidget)

from convviz.core.gate import safe_name
from convviz.core.replay_request import studio_request
from convviz.ui.inspector.cam_view import CamView, display_image
from convviz.ui.inspector.cell_picker import CellPicker
from convviz.ui.inspector.image_files import FILE_FILTER, is_image_path
from convviz.ui.inspector.input_panel import InputPanel, fit_to_input  # noqa: F401 (re-exported)
from convviz.ui.inspector.inspector_worker import InspectorJobs
from convviz.ui.inspector.layer_maps_view import ROW_HEIGHT, LayerMapsView
from convviz.ui.inspector.model_overview import ModelOverview
from convviz.ui.inspector.panels import boxed, dropped_paths, prediction_text, scrolled_column, shown
from convviz.ui.inspector.probability_view import ProbabilityView
from convviz.ui.inspector.replay_panel import ReplayPanel
from convviz.ui.message_bar import MessageBar
from convviz.ui.worker import Worker, report_failures
from convviz.ui.zoom import relative_font

REFRESH_MS = 40  # at most 25 forward passes a second while drawing
NO_MODEL = "No model yet: train one in the Training tab, or load a .keras file (or drop one here)."


class InspectorTab(QWidget):
    """Model, input and prediction on the left; the overview, maps, cell and reasons on the right."""

    studioRequested = pyqtSignal(object)  # a convviz.core.replay_request.StudioRequest
    modelReady = pyqtSignal(object)  # ModelInfo: the overview is filled, the first pass is on its way
    inspected = pyqtSignal()  # a forward pass was drawn
    explained = pyqtSignal(object)  # an Explanation (Grad-CAM, gradient×input) was drawn

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.messages = MessageBar()
        self.info = None
        self.inspection = None
        self.class_names: list[str] = []
        self._requests = 0
        self._shut_down = False
        self._busy = False
        self._dirty = False
        self._explain_due = False
        self._build()
        self.setAcceptDrops(True)
        self.jobs = InspectorJobs()  # the model lives in the jobs' thread
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._send_if_needed)
        self._timer.start()

    # ----- layout -----
    def _build(self) -> None:
        self.model_label = QLabel(NO_MODEL)
        self.model_label.setWordWrap(True)
        self.load_button = QPushButton("Load .keras…", toolTip="Open a trained Keras model (.keras) to look inside")
        self.load_button.clicked.connect(self._ask_load)
        self.input = InputPanel()
        self.input.changed.connect(self._input_changed)
        self.input.open_button.clicked.connect(self._ask_image)
        self.canvas, self.truth = self.input.canvas, self.input.truth
        self.prediction = QLabel("—")
        self.prediction.setWordWrap(True)
        relative_font(self.prediction, 1.4)
        self.probabilities = ProbabilityView()
        self.probabilities.setMinimumHeight(110)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(boxed("Model", self.model_label, self.load_button))
        left_layout.addWidget(boxed("Input", self.input), 3)
        left_layout.addWidget(boxed("Prediction", self.prediction, self.probabilities), 2)

        self.overview = ModelOverview()
        self.maps = LayerMapsView()
        self.overview.layersChosen.connect(self.maps.show_layers)
        self.maps.cellClicked.connect(self.pick_cell)
        self.field_label = QLabel("Click any cell of a map: its receptive field lights up in amber "
                                  "in every map on show, the input included.")
        self.field_label.setWordWrap(True)
        self.replay_panel = ReplayPanel()
        self.replay_panel.studioRequested.connect(lambda replay, channel: self.studioRequested.emit(
            studio_request(replay, channel)))
        self.picker = CellPicker(self, self.field_label)
        self.replayed = self.picker.replayed
        self.cam = CamView()
        self.cam.requested.connect(lambda *_: setattr(self, "_explain_due", True))
        self.details = QTabWidget()
        self.details.addTab(boxed("", self.field_label, self.replay_panel), "Clicked cell")
        self.details.addTab(self.cam, "Why it decided")
        right = QSplitter(Qt.Orientation.Vertical)
        self.maps_area = QScrollArea()
        self.maps_area.setWidget(self.maps)
        self.maps_area.setWidgetResizable(True)
        right.addWidget(self.maps_area)
        right.addWidget(self.details)
        right.setSizes([500, 270])
        body = QSplitter(Qt.Orientation.Horizontal)
        for widget in (scrolled_column(left, 350), self.overview, right):
            body.addWidget(widget)
        body.setStretchFactor(2, 1)
        body.setSizes([300, 270, 710])
        layout = QVBoxLayout(self)
        layout.addWidget(self.messages)
        layout.addWidget(body, 1)

    # ----- model -----
    def use_model(self, model, source: str, class_names: list[str] | None = None) -> None:
        """Inspect ``model`` (a Keras model, e.g. the lab's); it is only touched in the worker thread."""
        self.model_label.setText(f"Preparing {shown(source)}…")
        self.run(self.jobs.use_model(model, source), lambda info: self._model_ready(info, class_names))

    def load_model_file(self, path: str) -> None:
        """Load and inspect a ``.keras`` file (in the worker thread), with its class names if stored."""
        from convviz.training.storage import read_class_names

        self.model_label.setText(f"Loading {shown(Path(path).name)}…")
        names = read_class_names(path)
        self.run(self.jobs.load(str(path)), lambda info: self._model_ready(info, names))

    def use_samples(self, images, labels, class_names: list[str]) -> None:
        """Offer the data's test split (uint8 images, true labels) as samples, with its class names."""
        self.input.set_samples(images, labels, class_names)
        if self.info is not None and len(class_names) == self.info.num_classes:
            self._name_classes(class_names)
            self._dirty = True

    def use_data(self, data: str) -> None:
        """Offer the test split of the lab's ``data`` ("mnist", a file...), loaded in the worker thread."""
        self.run(self.jobs.samples(str(data)), lambda found: self.use_samples(*found))

    def _ask_load(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load a Keras model", "", "Keras models (*.keras)")
        if path:
            self.load_model_file(path)

    def _model_ready(self, info, class_names) -> None:
        self.info, self.inspection = info, None
        self.picker.picked = None
        self.messages.clear()
        self._show_model_label()
        self._name_classes(class_names or self.input.samples[2])  # stored with the model, else the data's
        self.input.configure(info.input_shape, info.value_range)
        self.maps.set_layers(info.input_shape, info.layers)
        self.overview.set_layers(info.layers)
        self.replay_panel.show_note("Click a cell of any map to see how it was computed.")
        if self.input.is_digit_model() and self.input.photo is None and not self.canvas.ink().any():
            self.input.show_test_sample(self.input.digit_index.value())
        self._input_changed()
        self.modelReady.emit(info)

    def _name_classes(self, names) -> None:
        count = self.info.num_classes
        self.class_names = list(names) if len(names or ()) == count else [str(i) for i in range(count)]
        self.probabilities.set_classes(self.class_names)
        self.cam.set_model(self.class_names, self.info.layers, self.info.cam_layer)

    def class_name(self, index: int) -> str:
        """The name of class ``index`` (its number when the model's classes are not named)."""
        return self.class_names[index] if 0 <= index < len(self.class_names) else str(index)

    # ----- input -----
    def open_image(self, path: str) -> bool:
        """Use the image at ``path`` as input; a bad file is one line in the message bar (input kept)."""
        try:
            self.input.open_file(path)
        except ValueError as exc:
            self.messages.show_error(str(exc))
            return False
        self.messages.clear()
        return True

    def open_paths(self, paths: list[str]) -> bool:
        """Open the first dropped file: a ``.keras`` model or an image; False if none fits."""
        for path in paths:
            if path.lower().endswith(".keras"):
                self.load_model_file(path)
                return True
            if is_image_path(path):
                return self.open_image(path)
        if paths:
            self.messages.show_error(f"{safe_name(Path(paths[0]).name)}: drop a PNG, JPEG or BMP image or a model")
        return False

    def _ask_image(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open an image", "", FILE_FILTER)
        if path:
            self.open_image(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt naming)
        """Accept files (images, models)."""
        if dropped_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt naming)
        """Open a dropped image or model."""
        if dropped_paths(event):
            event.acceptProposedAction()
            self.open_paths(dropped_paths(event))

    def model_input(self) -> np.ndarray | None:
        """The input as the model will see it, or None without a model."""
        return None if self.info is None else self.input.model_input()

    def _input_changed(self) -> None:
        self._dirty = True

    # ----- jobs -----
    def _send_if_needed(self) -> None:
        if self._busy or self.info is None or not (self._dirty or self._explain_due):
            return
        self._busy = True
        if self._dirty:
            self._dirty, self._explain_due = False, True
            self._requests += 1
            job = self.jobs.compute(self._requests, self.model_input())
            on_done = self._computed
        else:
            self._explain_due = False
            image = self.inspection.image
            job = self.jobs.explain(image, *self.cam.choice())
            on_done = self._explained
        job.finished.connect(lambda: setattr(self, "_busy", False))
        self.run(job, on_done)

    def run(self, job: Worker, on_done) -> None:
        """Queue ``job``: its result goes to ``on_done``, a failure to the message bar (the one path)."""
        # Answers still queued when the window closes find nothing to draw on: drop them.
        job.done.connect(lambda result: self._shut_down or result is None or on_done(result))
        report_failures(job, self.messages)
        job.failed.connect(self._failed)
        self.jobs.submit(job)

    def _computed(self, inspection) -> None:
        self.inspection = inspection
        self.maps.set_activations(inspection.image, inspection.activations,
                                  display_image(inspection.image, self.input.value_range.currentData()))
        probabilities = inspection.probabilities
        if probabilities.size == self.probabilities.probabilities.size:
            self.probabilities.set_probabilities(probabilities)
            self.prediction.setText(prediction_text(probabilities, self.class_name))
        self.picker.replay()
        self.inspected.emit()

    def _explained(self, explanation) -> None:
        if self.inspection is None or explanation.image is not self.inspection.image:
            return  # the input changed meanwhile: a newer explanation is on its way
        klass = explanation.class_index
        if klass is None:
            klass = int(np.argmax(self.inspection.probabilities))
        self.cam.show_explanation(explanation, display_image(explanation.image, self.input.value_range.currentData()),
                                  shown(self.class_name(klass)))
        self.explained.emit(explanation)

    def _show_model_label(self) -> None:
        info = self.info
        shape = "×".join(str(v) for v in info.input_shape)
        self.model_label.setText(f"<b>{shown(info.source)}</b><br>input {shape}, {info.num_classes} classes, "
                                 f"{len(info.layers)} layers")

    def _failed(self) -> None:
        if self.info is None:
            self.model_label.setText(NO_MODEL)
        else:  # a refused file leaves the model before it in place: the label says which, not "Loading…"
            self._show_model_label()

    # ----- cells -----
    @property
    def picked(self):
        """The picked cell as (layer, channel, row, col), or None."""
        return self.picker.picked

    def pick_cell(self, layer: int, channel: int, row: int, col: int) -> None:
        """Show the receptive field of a cell (layer -1 is the input) and replay or describe it."""
        if self.info is not None and self.inspection is not None:
            self.details.setCurrentIndex(0)
            self.picker.pick(layer, channel, row, col)
            top = self.maps.top_of(layer)
            if top is not None:  # the picked layer's maps in view, its marker with them
                self.maps_area.ensureVisible(0, top + ROW_HEIGHT // 2, 0, ROW_HEIGHT // 2)

    def shutdown(self) -> None:
        """Stop the jobs' thread (called when the window closes)."""
        self._shut_down = True
        self._timer.stop()
        self.jobs.shutdown()
