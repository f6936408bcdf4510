"""A run's test predictions as one ``.npz`` file: every test image, its label and its probabilities (no Qt).

The trainer writes ``test_predictions.npz`` into the run folder (see ``FORMAT.md``) when it
scores the test set, and the ``Finished`` event names the file, so the window can list the
test images behind any cell of the confusion matrix without running the model again (and
without pushing megabytes of images through events). The file holds ``labels`` (N,) int64,
``probabilities`` (N, classes) float32 and ``images`` (N, H, W, C) uint8 (the [0, 1] images
the model saw, times 255, rounded). It is written whole or not at all and read back through
the file gate (:func:`convviz.core.gate.check_npz`): it is a file on disk like any other.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from convviz.atomic import atomic_write
from convviz.core.gate import check_npz, refuse

__all__ = ["ARRAYS", "FILE_NAME", "TestPredictions", "as_predictions", "discard_scratch", "load_predictions",
           "save_predictions", "scratch_path"]

FILE_NAME = "test_predictions.npz"
ARRAYS = ("labels", "probabilities", "images")
_SCRATCH_PREFIX = "convviz-test-predictions-"


@dataclass(frozen=True)
class TestPredictions:
    """The test set as the model saw it: labels, predicted probabilities and the images."""

    __test__ = False  # not a pytest test class, whatever its name says

    labels: np.ndarray  # (N,) int64, the true class of each image
    probabilities: np.ndarray  # (N, classes) float32, the model's softmax output
    images: np.ndarray  # (N, H, W, C) uint8

    @property
    def predicted(self) -> np.ndarray:
        """The predicted class of each image (the most probable one)."""
        return self.probabilities.argmax(axis=1)

    @property
    def num_classes(self) -> int:
        """How many classes the model scores."""
        return int(self.probabilities.shape[1])

    def pair(self, true: int, predicted: int) -> np.ndarray:
        """Indices of the images of class ``true`` predicted as ``predicted``, most confident first."""
        indices = np.flatnonzero((self.labels == true) & (self.predicted == predicted))
        confidence = self.probabilities[indices, predicted]
        return indices[np.argsort(-confidence, kind="stable")]

    def confusion(self) -> np.ndarray:
        """Counts of (true, predicted) pairs, rows true: the matrix these predictions make."""
        classes = self.num_classes
        pairs = self.labels.astype(np.int64) * classes + self.predicted
        return np.bincount(pairs, minlength=classes * classes).reshape(classes, classes)


def as_predictions(labels, probabilities, images) -> TestPredictions:
    """Checked, compact arrays: images in [0, 1] (float) become uint8; ValueError if they disagree."""
    labels = np.asarray(labels).astype(np.int64).reshape(-1)
    probabilities = np.asarray(probabilities, dtype=np.float32)
    images = np.asarray(images)
    if images.dtype != np.uint8:
        images = np.rint(np.clip(images.astype(np.float32), 0.0, 1.0) * 255).astype(np.uint8)
    if images.ndim == 3:
        images = images[..., None]
    if probabilities.ndim != 2 or images.ndim != 4 or not len(labels) == len(probabilities) == len(images):
        raise ValueError(f"test predictions do not agree: labels {labels.shape}, probabilities "
                         f"{probabilities.shape}, images {images.shape}")
    if len(labels) and (labels.min() < 0 or labels.max() >= probabilities.shape[1]):
        raise ValueError(f"test labels lie outside the {probabilities.shape[1]} classes the model scores")
    return TestPredictions(labels, probabilities, images)


def save_predictions(path: str | os.PathLike, predictions: TestPredictions) -> Path:
    """Write ``predictions`` to the ``.npz`` file ``path``, whole or not at all; returns the path."""
    path = Path(path)

    def write(temp) -> None:
        with open(temp, "wb") as handle:
            np.savez(handle, labels=predictions.labels, probabilities=predictions.probabilities,
                     images=predictions.images)

    atomic_write(path, write, suffix=".npz")
    return path


def load_predictions(path: str | os.PathLike) -> TestPredictions:
    """Read a file :func:`save_predictions` wrote, through the gate; GateError (one line) if it is not one."""
    path = Path(path)
    try:
        headers = check_npz(path, wanted=ARRAYS)
    except OSError as exc:
        raise refuse(path, f"cannot be read ({exc.strerror or exc})") from None
    missing = [name for name in ARRAYS if name not in headers]
    if missing:
        raise refuse(path, f"is not a test-predictions file: it has no {', '.join(missing)}")
    try:
        with np.load(path, allow_pickle=False) as archive:
            return as_predictions(archive["labels"], archive["probabilities"], archive["images"])
    except (OSError, ValueError) as exc:
        raise refuse(path, f"is not a readable test-predictions file ({exc})") from None


def scratch_path() -> Path:
    """A fresh temporary file for a run that has no run folder (a training thread in the window)."""
    handle, name = tempfile.mkstemp(prefix=_SCRATCH_PREFIX, suffix=".npz")
    os.close(handle)
    return Path(name)


def discard_scratch(path: str | os.PathLike) -> None:
    """Remove ``path`` if :func:`scratch_path` made it (a run folder's file stays)."""
    path = Path(path)
    if path.name.startswith(_SCRATCH_PREFIX) and path.parent == Path(tempfile.gettempdir()):
        path.unlink(missing_ok=True)

