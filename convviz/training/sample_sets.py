"""The test images the Inspector offers as samples, numbered as the Training tab's Test results number them.

For MNIST that is the official 10,000-image test set shipped in ``assets/`` (index = official
index), whichever way the lab got MNIST (Keras' copy is the same set in the same order); for other
data it is the test split :func:`~convviz.training.data.load_dataset` makes, whole and in order.
"""

from __future__ import annotations

import os

import numpy as np

from convviz.assets import bundled_test_digits
from convviz.training.keras_datasets import NAMED_DATASETS, named_dataset

__all__ = ["official_mnist_test", "test_split_samples"]


def official_mnist_test() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The official MNIST test set: uint8 (10000, 28, 28) images, their labels, the class names."""
    images, labels = bundled_test_digits()
    return images, labels, list(NAMED_DATASETS["mnist"].class_names)


def test_split_samples(data: str | os.PathLike, limit: int | None = None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The test images of ``data`` (as the lab names it) as uint8, their labels and the class names.

    ``limit`` keeps the first ones; indices are those of the test split (for MNIST the official ones).
    """
    if isinstance(data, str) and named_dataset(data) is NAMED_DATASETS["mnist"]:
        images, labels, names = official_mnist_test()
        return images[:limit], labels[:limit], names
    from convviz.training.data import load_dataset

    dataset = load_dataset(data, limit=limit)
    images = np.clip(np.rint(dataset.x_test * 255.0), 0, 255).astype(np.uint8)
    return images, np.asarray(dataset.labels_test), list(dataset.class_names)
