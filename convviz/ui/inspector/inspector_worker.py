"""The inspector's TensorFlow side, living in its own thread: load a model, run it, replay a cell.

The tab talks to it only through queued signals, so the GUI thread never runs
TensorFlow and never waits for it; every failure arrives as ``failed(message)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PyQt6.QtCore import QObject, QThread, pyqtSignal, pyqtSlot

from convviz.core.errors import first_line


@dataclass(frozen=True)
class ModelInfo:
    """What the view needs to know about the model on show."""

    source: str  # where it came from, in words
    layers: tuple  # convviz.training.inspection.LayerView per layer
    input_shape: tuple  # (H, W, C)
    num_classes: int


@dataclass(frozen=True)
class Inspection:
    """One forward pass: the input as the model saw it, every layer's output, the class probabilities."""

    request: int
    image: np.ndarray
    activations: list
    probabilities: np.ndarray


class InspectorWorker(QObject):
    """Holds the model and its :class:`~convviz.training.inspection.ModelInspector` (worker thread only)."""

    modelReady = pyqtSignal(object)  # ModelInfo
    computed = pyqtSignal(object)  # Inspection
    replayed = pyqtSignal(object)  # convviz.training.inspection.Replay
    failed = pyqtSignal(str)

    def __init__(self) -> None:
        super().__init__()
        self._inspector = None

    def _adopt(self, model, source: str) -> None:
        from convviz.training.inspection import ModelInspector

        # The lab retrains one compiled model per architecture: the same object comes back
        # with new weights, and the inspector built for it (its traced function) still fits.
        inspector = self._inspector
        if inspector is None or inspector.model is not model:
            inspector = ModelInspector(model)
        self._inspector = inspector
        self.modelReady.emit(ModelInfo(source, inspector.layers, inspector.input_shape,
                                       inspector.num_classes))

    @pyqtSlot(object, str)
    def use_model(self, model, source: str) -> None:
        """Inspect an already built Keras model (e.g. the one the lab just trained)."""
        try:
            self._adopt(model, source)
        except Exception as exc:  # one path for every error: the tab's message bar
            self.failed.emit(f"Cannot inspect this model: {first_line(exc)}")

    @pyqtSlot(str)
    def load(self, path: str) -> None:
        """Load a ``.keras`` file (safe mode) and inspect it."""
        try:
            from pathlib import Path

            from convviz.training.storage import load_model

            self._adopt(load_model(path), Path(path).name)
        except Exception as exc:
            self.failed.emit(first_line(exc))

    @pyqtSlot(int, object)
    def compute(self, request: int, image) -> None:
        """Run the model on one image (already shaped like its input)."""
        if self._inspector is None:
            return
        try:
            activations = self._inspector.activations(image)
            probabilities = np.asarray(activations[-1]).ravel()
            self.computed.emit(Inspection(request, np.asarray(image), activations, probabilities))
        except Exception as exc:
            self.failed.emit(f"The model could not run on this input: {first_line(exc)}")

    @pyqtSlot(object, int, object, int)
    def replay(self, image, layer_index: int, cell, channel: int) -> None:
        """Recompute one cell with the arithmetic engine."""
        if self._inspector is None:
            return
        try:
            self.replayed.emit(self._inspector.replay(image, layer_index, cell, channel))
        except Exception as exc:
            self.failed.emit(first_line(exc))


class InspectorThread:
    """An :class:`InspectorWorker` in its own QThread, started at once, stopped by :meth:`shutdown`."""

    def __init__(self) -> None:
        self.worker = InspectorWorker()
        self.thread = QThread()
        self.thread.setObjectName("inspector")
        self.worker.moveToThread(self.thread)
        self.thread.start()

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        """Let the current call finish, stop the thread; True if it ended within ``timeout_ms``."""
        self.thread.quit()
        return self.thread.wait(timeout_ms)
