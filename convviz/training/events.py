"""What a training session reports, as plain frozen dataclasses (no Qt, no TensorFlow objects).

A :class:`~convviz.training.session.TrainingSession` calls ``emit(event)`` with
these, from whatever thread runs it; arrays are numpy copies the receiver may keep.
The order of one run: DataReady, ModelReady, then per epoch BatchEnd... (Probe
every N batches) EpochEnd, and finally exactly one of Finished or Failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class DataReady:
    """The data is loaded: where it came from, its shapes, and the first images."""

    source: str  # e.g. "MNIST offline sample: 9,000 training + 1,000 validation of the bundled ..."
    is_fallback: bool  # True when the full dataset could not be had and the sample is used
    shapes: dict[str, tuple]  # {"x_train": (N, 28, 28, 1), "y_train": (N, 10), "x_test": ..., ...}
    preview_images: np.ndarray  # (9, H, W) or (9, H, W, C) float in [0, 1]
    preview_labels: np.ndarray  # (9,) int
    class_names: tuple[str, ...] = ()  # one name per class ("0".."9" for MNIST); () if unknown
    warnings: tuple[str, ...] = ()  # one line each: data that trains, but probably not as meant


@dataclass(frozen=True)
class LayerInfo:
    """One row of the model summary, as ``model.summary()`` prints it."""

    name: str
    kind: str  # class name: "Conv2D", "MaxPooling2D", ...
    output_shape: tuple  # without the batch axis
    params: int


@dataclass(frozen=True)
class ModelReady:
    """The model is built (or loaded): its layers and parameter counts."""

    name: str
    layers: tuple[LayerInfo, ...]
    total_params: int
    trainable_params: int


@dataclass(frozen=True)
class BatchEnd:
    """One training batch is done."""

    epoch: int  # 0-based
    batch: int  # 0-based, within the epoch
    steps_per_epoch: int
    step: int  # 0-based over the whole run
    loss: float
    accuracy: float
    samples_per_second: float
    eta_seconds: float


@dataclass(frozen=True)
class EpochEnd:
    """One epoch is done, with validation metrics."""

    epoch: int
    loss: float
    accuracy: float
    val_loss: float
    val_accuracy: float
    step: int  # the global step at which the epoch ended


@dataclass(frozen=True)
class Probe:
    """A look inside the network at one moment: filters and activations for a fixed sample."""

    epoch: int
    step: int
    sample: np.ndarray  # the fixed input image, (H, W, C)
    sample_label: int
    kernels: dict[str, np.ndarray]  # Conv2D layer name -> kernel (kh, kw, Cin, Cout)
    activations: tuple[tuple[str, np.ndarray], ...]  # (layer name, output without batch axis), every layer
    probabilities: np.ndarray  # (num_classes,) softmax output for the sample


@dataclass(frozen=True)
class Finished:
    """The run ended normally or was stopped; the model is usable either way."""

    stopped: bool  # True when the user stopped it early
    test_loss: float
    test_accuracy: float
    confusion: np.ndarray  # (num_classes, num_classes): rows true label, columns predicted
    seconds: float
    # the test_predictions.npz of the scored test set (convviz.core.runs.test_predictions): its
    # path, relative to the run folder when read back from one; "" when none was written
    predictions: str = ""


@dataclass(frozen=True)
class Failed:
    """The run raised: the message for the user and the traceback for the curious."""

    message: str
    details: str = field(default="")


TrainingEvent = DataReady | ModelReady | BatchEnd | EpochEnd | Probe | Finished | Failed

EVENT_TYPES: dict[str, type] = {cls.__name__: cls for cls in (
    DataReady, LayerInfo, ModelReady, BatchEnd, EpochEnd, Probe, Finished, Failed)}
"""Every event class by name, for reading events back from a run folder (convviz.core.runs)."""
