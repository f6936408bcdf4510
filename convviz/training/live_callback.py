"""``LiveCallback``: any Keras image model's ``fit`` written as a convviz run folder.

``model.fit(x, y, callbacks=[LiveCallback("runs/my-run")])`` writes what convviz's own runs
write (see ``convviz/core/runs/FORMAT.md``): the settings, every batch's and epoch's metrics
(each epoch line with all of Keras' logs), a snapshot of every convolution's kernels and every
layer's activations for one sample image every ``probe_every`` batches and at each epoch's end
(at most ``max_snapshots`` kept), the model summary and, at the end, the model as
``model.keras``. ``convviz watch`` shows the folder live, ``convviz report`` draws it.

The sample is ``sample`` if given, else the first image of the data passed to ``fit`` (a numpy
array or a ``tf.data.Dataset``); with data of another kind and no ``sample`` the run has
kernels but no activations. Under a ``tf.distribute`` cluster only the chief writes.
"""

from __future__ import annotations

import math
import sys
import time

import keras
import numpy as np

from convviz.core.runs import RunWriter, is_chief, new_run_dir
from convviz.training.events import BatchEnd, DataReady, EpochEnd, Finished, Probe
from convviz.training.probes import Prober
from convviz.training.session import model_ready_event

__all__ = ["LiveCallback"]

ACCURACY_KEYS = ("accuracy", "acc", "sparse_categorical_accuracy", "categorical_accuracy", "binary_accuracy")
PREVIEW_COUNT = 9


class LiveCallback(keras.callbacks.Callback):
    """Write the run of the ``fit`` it is passed to into the folder ``run_dir``.

    ``run_dir`` defaults to a new time-stamped folder under the user's runs folder
    (:func:`convviz.core.runs.default_runs_dir`); it must not hold a run already. ``sample``
    (one image, no batch axis) and ``sample_label`` choose the probe image.
    """

    def __init__(self, run_dir=None, *, sample=None, sample_label: int = -1, probe_every: int = 20,
                 max_snapshots: int = 120, save_model: bool = True):
        super().__init__()
        self.run_dir = run_dir
        self.sample, self.sample_label = sample, sample_label
        self.probe_every, self.max_snapshots, self.save_final_model = probe_every, max_snapshots, save_model
        self.writer: RunWriter | None = None
        self._prober: Prober | None = None

    def on_train_begin(self, logs=None):
        """Open the run folder (chief only), describe the data and the model, take the first probe."""
        if not is_chief():
            return
        if self.run_dir is None:
            self.run_dir = new_run_dir(label="keras")
        x, y, batch_size = _fit_arguments()
        self.writer = RunWriter(self.run_dir, config=self._config(batch_size), source="LiveCallback",
                                max_snapshots=self.max_snapshots)
        self._batch_size = batch_size
        first = _first_images(x, y)
        if first is not None:
            self.writer(_data_ready(x, y, *first))
        self.writer(model_ready_event(self.model))
        sample, label = self.sample, self.sample_label
        if sample is None and first is not None:
            sample, label = first[0][0], first[1][0]
        self._prober = Prober(self.model, sample, label) if sample is not None else None
        self._step, self._last_probe, self._epoch = -1, None, 0
        self._started = self._last_mark = time.perf_counter()
        self._active = 0.0
        self._accuracy_key = None
        self._probe()

    def _config(self, batch_size) -> dict:
        optimizer = getattr(self.model, "optimizer", None)
        try:
            optimizer_config = _json_safe(optimizer.get_config()) if optimizer is not None else None
        except Exception:  # an optimizer without a serialisable config: the run is still worth writing
            optimizer_config = None
        return {"model": self.model.name, "params": _json_safe(dict(self.params or {})),
                "batch_size": batch_size, "probe_every": self.probe_every, "optimizer": optimizer_config,
                "sample": "given" if self.sample is not None else "first training image"}

    def on_epoch_begin(self, epoch, logs=None):
        """Note the epoch; batch timing restarts."""
        self._epoch, self._epoch_active, self._last_mark = epoch, 0.0, time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        """Write the batch's loss and accuracy; probe every ``probe_every`` batches."""
        if self.writer is None:
            return
        logs = logs or {}
        self._step += 1
        now = time.perf_counter()
        self._epoch_active += now - self._last_mark
        self._active += now - self._last_mark
        self._last_mark = now
        steps = int((self.params or {}).get("steps") or 0)
        total = steps * int((self.params or {}).get("epochs") or 0)
        done = self._step + 1
        rate = (batch + 1) * self._batch_size / max(self._epoch_active, 1e-9) if self._batch_size else math.nan
        self.writer(BatchEnd(
            epoch=self._epoch, batch=batch, steps_per_epoch=steps, step=self._step,
            loss=_number(logs.get("loss")), accuracy=_number(logs.get(self._accuracy(logs))),
            samples_per_second=rate, eta_seconds=max(total - done, 0) * self._active / done if total else math.nan,
        ))
        if self.probe_every and done % self.probe_every == 0:
            self._probe()

    def on_epoch_end(self, epoch, logs=None):
        """Write the epoch's metrics (with all of Keras' logs) after a last probe of the epoch."""
        if self.writer is None:
            return
        logs = logs or {}
        if self._last_probe != self._step:
            self._probe()
        key = self._accuracy(logs)
        self.writer(EpochEnd(epoch=epoch, loss=_number(logs.get("loss")), accuracy=_number(logs.get(key)),
                             val_loss=_number(logs.get("val_loss")), val_accuracy=_number(logs.get(f"val_{key}")),
                             step=self._step),
                    logs={name: _number(value) for name, value in logs.items()})

    def on_train_end(self, logs=None):
        """Mark the run finished, save the model into the folder and close it."""
        if self.writer is None:
            return
        writer, self.writer = self.writer, None
        try:
            writer(Finished(stopped=bool(getattr(self.model, "stop_training", False)), test_loss=math.nan,
                            test_accuracy=math.nan, confusion=np.zeros((0, 0), dtype=np.int64),
                            seconds=time.perf_counter() - self._started))
            if self.save_final_model:
                writer.save_model(self.model)
        finally:
            writer.close()

    def _probe(self) -> None:
        self._last_probe = self._step
        if self._prober is not None:
            self.writer(self._prober.probe(epoch=self._epoch, step=self._step))
        else:
            self.writer(_kernels_only(self.model, self._epoch, self._step))

    def _accuracy(self, logs) -> str | None:
        if self._accuracy_key is None:
            names = [name for name in logs if not name.startswith("val_")]
            found = [name for name in ACCURACY_KEYS if name in names]
            found += [name for name in names if name.endswith("accuracy")]
            self._accuracy_key = found[0] if found else ""
        return self._accuracy_key or None


def _fit_arguments():
    """The ``x``, ``y`` and ``batch_size`` of the ``model.fit`` call running now (None if not found).

    Keras hands callbacks no data, so the sample image is taken from the arguments of the
    ``fit`` frame calling us; that is the one way to see "the first training image" without the
    user passing it.
    """
    frame = sys._getframe(1)
    while frame is not None:
        names = frame.f_locals
        if frame.f_code.co_name == "fit" and "x" in names and "epoch_iterator" in names:
            return names.get("x"), names.get("y"), names.get("batch_size")
        frame = frame.f_back
    return None, None, None


def _first_images(x, y):
    """Up to nine images (and labels, -1 unknown) from the start of ``x``, or None."""
    try:
        if isinstance(x, np.ndarray) and x.ndim >= 3:
            images = np.asarray(x[:PREVIEW_COUNT], dtype=np.float32)
            labels = _labels(y[:PREVIEW_COUNT] if y is not None else None, len(images))
            return images, labels
        import tensorflow as tf

        if isinstance(x, tf.data.Dataset):
            element = next(iter(x.take(1)))
            images, labels = (element[0], element[1]) if isinstance(element, tuple) else (element, None)
            images = np.asarray(images, dtype=np.float32)[:PREVIEW_COUNT]
            return images, _labels(None if labels is None else np.asarray(labels)[:PREVIEW_COUNT], len(images))
    except Exception:  # data we cannot peek at: the run goes on without a sample
        return None
    return None


def _labels(y, count: int) -> np.ndarray:
    if y is None:
        return np.full(count, -1)
    y = np.asarray(y)
    return (y.argmax(axis=-1) if y.ndim == 2 and y.shape[1] > 1 else y.reshape(count, -1)[:, 0]).astype(int)


def _data_ready(x, y, images, labels) -> DataReady:
    span = float(images.max() - images.min()) or 1.0
    preview = (images - images.min()) / span  # DataReady previews are in [0, 1]
    if preview.shape[-1] == 1:
        preview = preview[..., 0]
    shapes = {"x_train": tuple(getattr(x, "shape", images.shape))}
    if y is not None and hasattr(y, "shape"):
        shapes["y_train"] = tuple(y.shape)
    return DataReady(source="model.fit with LiveCallback", is_fallback=False, shapes=shapes,
                     preview_images=preview, preview_labels=labels)


def _kernels_only(model, epoch: int, step: int) -> Probe:
    kernels = {layer.name: np.array(layer.kernel.numpy()) for layer in model.layers
               if type(layer).__name__ == "Conv2D"}
    empty = np.zeros((0,), dtype=np.float32)
    return Probe(epoch=epoch, step=step, sample=empty, sample_label=-1, kernels=kernels,
                 activations=(), probabilities=empty)


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _json_safe(value):
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(item) for item in value]
    if isinstance(value, (str, bool, int)) or value is None:
        return value
    return _number(value) if isinstance(value, (float, np.floating, np.integer)) else str(value)
