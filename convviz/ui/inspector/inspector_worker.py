"""The inspector's TensorFlow side: load a model, run it, replay a cell, as jobs for one queue.

:class:`InspectorJobs` owns a :class:`~convviz.ui.worker.JobQueue` (one persistent thread)
and an :class:`InspectorModel` that only its jobs touch, so the model and its traced function
stay in that thread. Each call returns a :class:`~convviz.ui.worker.Worker` with the one signal
shape; the tab connects to it, then :meth:`InspectorJobs.submit` s it. The GUI thread never
runs TensorFlow and never waits for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convviz.ui.worker import JobQueue, Worker


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


class InspectorModel:
    """The model and its :class:`~convviz.training.inspection.ModelInspector`; used in the queue's thread only."""

    def __init__(self) -> None:
        self._inspector = None

    def adopt(self, model, source: str) -> ModelInfo:
        """Inspect an already built Keras model (e.g. the one the lab just trained)."""
        from convviz.training.inspection import ModelInspector

        # The lab retrains one compiled model per architecture: the same object comes back
        # with new weights, and the inspector built for it (its traced function) still fits.
        inspector = self._inspector
        if inspector is None or inspector.model is not model:
            inspector = ModelInspector(model)
        self._inspector = inspector
        return ModelInfo(source, inspector.layers, inspector.input_shape, inspector.num_classes)

    def load(self, path: str) -> ModelInfo:
        """Load a ``.keras`` file (safe mode) and inspect it."""
        from pathlib import Path

        from convviz.training.storage import load_model

        return self.adopt(load_model(path), Path(path).name)

    def compute(self, request: int, image) -> Inspection | None:
        """Run the model on one image (already shaped like its input); None without a model."""
        if self._inspector is None:
            return None
        activations = self._inspector.activations(image)
        probabilities = np.asarray(activations[-1]).ravel()
        return Inspection(request, np.asarray(image), activations, probabilities)

    def replay(self, image, layer_index: int, cell, channel: int):
        """Recompute one cell with the arithmetic engine (a ``Replay``); None without a model."""
        if self._inspector is None:
            return None
        return self._inspector.replay(image, layer_index, cell, channel)


class InspectorJobs:
    """The inspector's queue of jobs on one thread, around one :class:`InspectorModel`."""

    def __init__(self) -> None:
        self.queue = JobQueue("inspector")
        self._model = InspectorModel()

    def use_model(self, model, source: str) -> Worker:
        """A job inspecting ``model``; ``done(ModelInfo)``."""
        return Worker(lambda emit: self._model.adopt(model, source), context="Cannot inspect this model")

    def load(self, path: str) -> Worker:
        """A job loading the ``.keras`` file at ``path``; ``done(ModelInfo)``."""
        return Worker(lambda emit: self._model.load(path))

    def compute(self, request: int, image) -> Worker:
        """A job running the model on ``image``; ``done(Inspection or None)``."""
        return Worker(lambda emit: self._model.compute(request, image),
                      context="The model could not run on this input")

    def replay(self, image, layer_index: int, cell, channel: int) -> Worker:
        """A job replaying one cell; ``done(Replay or None)``."""
        return Worker(lambda emit: self._model.replay(image, layer_index, cell, channel))

    def submit(self, worker: Worker) -> bool:
        """Queue a job made above (after connecting to it); False once shut down."""
        return self.queue.submit(worker)

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        """Drop queued jobs, let the current one finish, end the thread; True if it ended in time."""
        return self.queue.close(timeout_ms)
