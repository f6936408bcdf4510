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
    value_range: str = "[0,1]"  # what the model most likely expects (convviz.training.input_range)
    cam_layer: int = -1  # the default Grad-CAM layer (-1: none)
    output_index: int = -1  # the layer whose output is the model's output


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
        from convviz.training.input_range import expected_input_range

        # The first call traces the graph (about a second for ResNet50): pay it while "loading".
        inspector.activations(np.zeros(inspector.input_shape, np.float32))
        try:
            cam_layer = inspector.default_cam_layer()
        except ValueError:  # no conv layer with a spatial output
            cam_layer = -1
        return ModelInfo(source, inspector.layers, inspector.input_shape, inspector.num_classes,
                         expected_input_range(model), cam_layer, inspector.output_index)

    def load(self, path: str) -> ModelInfo:
        """Load a ``.keras`` file (safe mode) and inspect it."""
        from pathlib import Path

        return self.adopt(_load_in_python_thread(path), Path(path).name)

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


    def receptive_fields(self, layer_index: int, cell) -> dict | None:
        """``{layer: mask}`` of what one cell depends on, over the real graph; None without a model."""
        if self._inspector is None:
            return None
        return self._inspector.receptive_fields(layer_index, cell)

    def explain(self, image, class_index: int | None, layer_index: int | None) -> Explanation | None:
        """Grad-CAM and gradient×input for one class (None: the predicted one); None without a model."""
        if self._inspector is None:
            return None
        cam = self._inspector.grad_cam(image, class_index, layer_index)
        saliency = self._inspector.gradient_x_input(image, class_index)
        return Explanation(np.asarray(image), class_index, layer_index, cam, saliency)


@dataclass(frozen=True)
class Explanation:
    """Why the model decided: Grad-CAM (H', W') in [0, 1] and gradient×input (H, W) for one class."""

    image: np.ndarray
    class_index: int | None
    layer_index: int | None
    cam: np.ndarray
    saliency: np.ndarray


SAMPLES = None  # every test image of the lab's data, so "Test image #k" of Test results is sample #k here


def test_samples(data: str, limit: int | None = SAMPLES) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The test images of ``data`` as uint8 (MNIST: the official set), their labels, the class names."""
    from convviz.training.sample_sets import test_split_samples

    return test_split_samples(data, limit)


def _load_in_python_thread(path: str):
    """Load a ``.keras`` file in a short-lived Python thread (this job waits for it).

    A model Keras loads inside a QThread later crashes TensorFlow's eager convolution in the
    gradient (Grad-CAM) with a segmentation fault (Keras 3.15 / TF 2.21); loaded in a Python
    thread, or the GUI thread, the same model works in the QThread. Errors are re-raised here.
    """
    import threading

    from convviz.training.storage import load_model

    outcome: dict = {}

    def load() -> None:
        try:
            outcome["model"] = load_model(path)
        except Exception as exc:  # handed to the job, which reports it as usual
            outcome["error"] = exc

    thread = threading.Thread(target=load, name="inspector-load")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["model"]


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

    def receptive_fields(self, layer_index: int, cell) -> Worker:
        """A job tracing one cell's receptive field through the graph; ``done({layer: mask})``."""
        return Worker(lambda emit: self._model.receptive_fields(layer_index, cell),
                      context="Cannot trace this cell's receptive field")

    def explain(self, image, class_index: int | None = None, layer_index: int | None = None) -> Worker:
        """A job computing Grad-CAM and gradient×input; ``done(Explanation or None)``."""
        return Worker(lambda emit: self._model.explain(image, class_index, layer_index),
                      context="Cannot explain this prediction")

    def samples(self, data: str, limit: int | None = SAMPLES) -> Worker:
        """A job loading the test split of ``data`` (as the lab names it); ``done((images, labels, names))``."""
        return Worker(lambda emit: test_samples(data, limit), context="Cannot offer the lab's test samples")

    def submit(self, worker: Worker) -> bool:
        """Queue a job made above (after connecting to it); False once shut down."""
        return self.queue.submit(worker)

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        """Drop queued jobs, let the current one finish, end the thread; True if it ended in time."""
        return self.queue.close(timeout_ms)
