"""Keras Applications (``weights=None``, small inputs) built once per test process, and their
inspectors: several test files share them so the suite pays for each build once."""

from __future__ import annotations

import functools

import numpy as np

SIZE = 32


@functools.cache
def application(name: str):
    """The named Keras Application at 32×32×3 with its classifier (10 classes), seeded."""
    import keras

    keras.utils.set_random_seed(7)
    builders = {
        "ResNet50": lambda: keras.applications.ResNet50(weights=None, input_shape=(SIZE, SIZE, 3), classes=10),
        "MobileNetV2": lambda: keras.applications.MobileNetV2(weights=None, alpha=0.35,
                                                              input_shape=(SIZE, SIZE, 3), classes=10),
        "EfficientNetB0": lambda: keras.applications.EfficientNetB0(weights=None, input_shape=(SIZE, SIZE, 3),
                                                                    classes=10),
    }
    return builders[name]()


@functools.cache
def inspector(name: str):
    """A :class:`ModelInspector` of :func:`application` ``name``."""
    from convviz.training.inspection import ModelInspector

    return ModelInspector(application(name))


def random_image(seed: int = 0, shape=(SIZE, SIZE, 3)) -> np.ndarray:
    """A random float32 image in [-1, 1]."""
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype(np.float32)
