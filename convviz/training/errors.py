"""User-facing errors of the training package: each message is one line naming the file and the problem."""

from __future__ import annotations


class DataError(ValueError):
    """A dataset could not be loaded: missing, unreadable, truncated, or not MNIST-shaped."""


class ModelFileError(ValueError):
    """A model file could not be saved or loaded, or the model does not fit the data."""


class ModelFitError(ValueError):
    """A model (preset or custom layer stack) cannot be built for the data's images or classes."""
