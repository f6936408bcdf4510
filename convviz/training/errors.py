"""User-facing errors of the training package: each message is one line naming the file and the problem.

A refusal from a gate (:class:`convviz.core.gate.GateError`) reaches the user as one of these,
with the same words; catching ``GateError`` catches them all.
"""

from __future__ import annotations

from convviz.core.gate import GateError


class DataError(GateError):
    """A dataset could not be loaded: missing, unreadable, truncated, or not MNIST-shaped."""


class ModelFileError(GateError):
    """A model file could not be saved or loaded, or the model does not fit the data."""


class ModelFitError(ValueError):
    """A model (preset or custom layer stack) cannot be built for the data's images or classes."""
