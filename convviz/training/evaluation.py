"""Test-set metrics for a trained classifier: loss, accuracy and the confusion matrix in one pass."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Evaluation", "evaluate_model", "confusion_matrix"]


@dataclass(frozen=True)
class Evaluation:
    """Metrics of a model on labelled images."""

    loss: float  # mean categorical cross-entropy, as Keras computes it
    accuracy: float
    confusion: np.ndarray  # (classes, classes) int64: rows true label, columns predicted
    count: int
    probabilities: np.ndarray | None = field(default=None, repr=False, compare=False)  # (N, classes) float32


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, num_classes: int) -> np.ndarray:
    """Counts of (true label, predicted label) pairs as a ``(num_classes, num_classes)`` array."""
    pairs = np.asarray(labels, dtype=np.int64) * num_classes + np.asarray(predicted, dtype=np.int64)
    return np.bincount(pairs, minlength=num_classes * num_classes).reshape(num_classes, num_classes)


def evaluate_model(model, images: np.ndarray, labels: np.ndarray, batch_size: int = 256) -> Evaluation:
    """Run ``model`` on ``images`` (N, H, W, C) and score its softmax output against int ``labels``."""
    import keras

    probabilities = np.asarray(model.predict(images, batch_size=batch_size, verbose=0))
    num_classes = probabilities.shape[-1]
    one_hot = np.eye(num_classes, dtype=np.float32)[np.asarray(labels, dtype=np.int64)]
    losses = keras.losses.categorical_crossentropy(one_hot, probabilities)
    predicted = probabilities.argmax(axis=-1)
    return Evaluation(
        loss=float(np.mean(np.asarray(losses))),
        accuracy=float(np.mean(predicted == labels)),
        confusion=confusion_matrix(labels, predicted, num_classes),
        count=len(labels),
        probabilities=probabilities.astype(np.float32, copy=False),
    )
