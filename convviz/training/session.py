"""A training run that reports everything it does as events, for the GUI and the CLI alike.

``TrainingSession(config).run(emit)`` blocks in the caller's thread and calls ``emit`` with
:mod:`convviz.training.events` objects in this order::

    DataReady, ModelReady, Probe (before training),
    per epoch: BatchEnd ... (a Probe after every ``probe_every``-th batch) ... Probe, EpochEnd
    then exactly one Finished or Failed

``run`` never raises: an exception anywhere (data, model, Keras, even ``emit``) becomes
``Failed(message, details=traceback)``. ``pause``, ``resume`` and ``stop`` may be called from
any thread; they take effect between batches. After a stop the epoch is closed (validation
runs, EpochEnd is emitted), the test set is scored and ``Finished(stopped=True)`` follows;
a stop requested before the first batch skips training (Probe, then Finished directly).

Steps: ``BatchEnd.step`` counts batches over the whole run from 0; ``EpochEnd.step`` and
``Probe.step`` are the step of the last batch done before them (-1 for the probe taken
before the first batch).

The data may be any :func:`~convviz.training.data.load_dataset` source (any image size, 1-4
channels, any number of classes); the model is a preset built for its shape, or
``model="custom"`` with ``layers`` (LayerSpecs; see :func:`~convviz.training.models.custom_specs`
for the head it gets), or ``model="loaded"``: the ``.keras`` file at ``model_path``, checked
against the data's images and classes (see :mod:`convviz.training.loaded_models`).
``predictions_path`` (optional) is where the scored test set is written, for the window's error
analysis (see :mod:`convviz.core.runs.test_predictions`); ``Finished.predictions`` names it.
``strategy`` ("default", "mirrored"; None: none) builds and compiles the model under that
``tf.distribute`` strategy (see :mod:`convviz.training.strategies`).

Training uses ``model.fit`` on a ``tf.data`` pipeline with ``repeat()``, ``steps_per_epoch`` and
``prefetch(2)`` (autotuning off), which on this kind of machine avoids the stalls Keras shows at
some epoch starts with numpy input.
"""

from __future__ import annotations

import math
import threading
import time
import traceback
from typing import Callable

import numpy as np

from convviz.core.errors import first_line
from convviz.core.runs.test_predictions import as_predictions, save_predictions
from convviz.training import compiled_models, loaded_models
from convviz.training.data import Dataset, load_dataset
from convviz.training.errors import DataError, ModelFileError, ModelFitError
from convviz.training.evaluation import evaluate_model
from convviz.training.events import (
    BatchEnd, DataReady, EpochEnd, Failed, Finished, LayerInfo, ModelReady, TrainingEvent,
)
from convviz.training.models import CUSTOM, build_custom_model, build_model
from convviz.training.probes import Prober, probed_rows
from convviz.training.strategies import make_strategy
from convviz.training.training_config import LOADED, TrainingConfig

__all__ = ["TrainingConfig", "TrainingSession", "model_ready_event"]

Emit = Callable[[TrainingEvent], None]
VALIDATION_BATCH_SIZE = 256


def model_ready_event(model) -> ModelReady:
    """Describe ``model`` as a ModelReady event (the rows ``model.summary()`` prints)."""
    layers = tuple(
        LayerInfo(
            name=layer.name,
            kind=type(layer).__name__,
            output_shape=shape,
            params=int(layer.count_params()),
        )
        for layer, shape in probed_rows(model)
    )
    trainable = sum(int(np.prod(weight.shape)) for weight in model.trainable_weights)
    return ModelReady(name=model.name, layers=layers, total_params=int(model.count_params()),
                      trainable_params=trainable)


def user_message(exc: BaseException) -> str:
    """One line for the user: our own errors speak for themselves, others get their type."""
    if isinstance(exc, (DataError, ModelFileError, ModelFitError)):
        return first_line(exc, limit=2000)
    text = first_line(exc)
    if text == type(exc).__name__:
        return text
    text = f"{type(exc).__name__}: {text}"
    return text if len(text) <= 200 else text[:197] + "..."


class TrainingSession:
    """One training run of ``config``; see the module docstring for the events it emits.

    ``dataset`` skips loading when the caller already has one (the CLI loads it first so bad
    files fail before TensorFlow starts). A session runs once.
    """

    def __init__(self, config: TrainingConfig, dataset: Dataset | None = None, predictions_path=None):
        self.config = config
        self.predictions_path = predictions_path  # where to write the test predictions (None: nowhere)
        self.model = None
        self.dataset = dataset
        self._resume = threading.Event()
        self._resume.set()
        self._paused_now = threading.Event()
        self._stop = threading.Event()
        self._started = False
        self._emit: Emit | None = None
        self._prober: Prober | None = None
        self._compiled: compiled_models.CompiledModel | None = None
        self.strategy = None  # the tf.distribute strategy the model was built under, if any

    # -- control, from any thread -------------------------------------------------------------

    def pause(self) -> None:
        """Hold training after the current batch until :meth:`resume` or :meth:`stop`."""
        self._resume.clear()

    def resume(self) -> None:
        """Continue a paused run."""
        self._resume.set()

    def stop(self) -> None:
        """End the run after the current batch (also when paused); the model stays usable."""
        self._stop.set()
        self._resume.set()

    @property
    def paused(self) -> bool:
        """True while a pause is requested (training may still be finishing its batch)."""
        return not self._resume.is_set()

    @property
    def stop_requested(self) -> bool:
        """True once :meth:`stop` was called."""
        return self._stop.is_set()

    def wait_until_paused(self, timeout: float | None = None) -> bool:
        """Block until the training thread is actually holding for a pause; False on timeout."""
        return self._paused_now.wait(timeout)

    # -- the run ------------------------------------------------------------------------------

    def run(self, emit: Emit) -> None:
        """Train, calling ``emit(event)`` along the way; never raises."""
        if self._started:
            emit(Failed("this training session has already run; start a new one"))
            return
        self._started = True
        self._emit = emit
        try:
            self._run()
        except Exception as exc:
            try:
                emit(Failed(message=user_message(exc), details=traceback.format_exc()))
            except Exception:  # emit itself is broken: nobody left to tell
                pass
        finally:
            self._paused_now.clear()
            compiled_models.release(getattr(self, "_compiled", None))

    def _run(self) -> None:
        import keras

        config, emit = self.config, self._emit
        started = time.perf_counter()
        self.strategy = make_strategy(config.strategy)
        keras.utils.set_random_seed(config.seed)
        if self.dataset is None:
            self.dataset = load_dataset(config.data, config.limit)
        data = self.dataset
        preview = data.x_train[:9]
        if preview.shape[-1] == 1:
            preview = preview[..., 0]
        emit(DataReady(source=data.source, is_fallback=data.is_fallback, shapes=data.shapes,
                       preview_images=preview.copy(), preview_labels=data.labels_train[:9].copy(),
                       class_names=tuple(data.class_names), warnings=tuple(data.warnings)))
        self._compiled = compiled_models.take(self._reuse_key(), self._build_in_scope)
        self.model = self._compiled.model
        emit(model_ready_event(self.model))
        self._prober = self._compiled.prober_for(data.x_val[0], data.labels_val[0])
        self._steps_per_epoch = math.ceil(len(data.x_train) / config.batch_size)
        self._step = -1
        self._last_probe_step = -1
        self._active_seconds = 0.0
        emit(self._prober.probe(epoch=0, step=-1))
        if not self._stop.is_set():  # stopped while loading: no batch to wait for
            self._fit()
        result = evaluate_model(self.model, data.x_test, data.labels_test)
        emit(Finished(stopped=self._stop.is_set(), test_loss=result.loss,
                      test_accuracy=result.accuracy, confusion=result.confusion,
                      seconds=time.perf_counter() - started, predictions=self._save_predictions(result)))

    def _save_predictions(self, result) -> str:
        """Write the scored test set to ``predictions_path``; its path, or "" if not asked or it failed."""
        if self.predictions_path is None:
            return ""
        data = self.dataset
        try:
            predictions = as_predictions(data.labels_test, result.probabilities, data.x_test)
            return str(save_predictions(self.predictions_path, predictions))
        except (OSError, ValueError):  # a full disk costs the error analysis, not the run
            return ""

    def _reuse_key(self) -> tuple:
        config, data = self.config, self.dataset
        loaded = loaded_models.reuse_key(config) if config.model == LOADED else ()
        return (config.model, tuple(config.layers), tuple(data.input_shape), data.num_classes,
                config.learning_rate, config.seed, config.strategy, loaded)

    def _build_in_scope(self):
        if self.strategy is None:
            return self._build_model()
        with self.strategy.scope():
            return self._build_model()

    def _build_model(self):
        config, data = self.config, self.dataset
        if config.model == LOADED:
            return loaded_models.build_loaded(config, data.input_shape, data.num_classes)
        if config.model == CUSTOM:
            return build_custom_model(config.layers, input_shape=data.input_shape,
                                      num_classes=data.num_classes, learning_rate=config.learning_rate)
        return build_model(config.model, input_shape=data.input_shape,
                           num_classes=data.num_classes, learning_rate=config.learning_rate)

    def _fit(self) -> None:
        data, config = self.dataset, self.config
        self.model.fit(
            self._training_pipeline(),
            epochs=config.epochs,
            steps_per_epoch=self._steps_per_epoch,
            validation_data=self._pipeline(data.x_val, data.y_val, VALIDATION_BATCH_SIZE),
            callbacks=[_bridge_callback(self)],
            shuffle=False,  # the pipeline shuffles
            verbose=0,
        )

    def _training_pipeline(self):
        """Shuffled, endlessly repeated batches: fit cuts epochs with ``steps_per_epoch``."""
        import tensorflow as tf

        data = self.dataset
        pipeline = (
            tf.data.Dataset.from_tensor_slices((data.x_train, data.y_train))
            .shuffle(len(data.x_train), seed=self.config.seed, reshuffle_each_iteration=True)
            .repeat()
            .batch(self.config.batch_size)
            .prefetch(2)
        )
        return pipeline.with_options(_fixed_options())

    def _pipeline(self, x: np.ndarray, y: np.ndarray, batch_size: int):
        """Batches of ``(x, y)`` in order, for validation."""
        import tensorflow as tf

        pipeline = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size).prefetch(2)
        return pipeline.with_options(_fixed_options())

    # -- called by the Keras callback, in the training thread ---------------------------------

    def _on_epoch_begin(self, epoch: int) -> None:
        # _last_mark: when the previous batch (or the epoch) ended; time between marks is training
        self._epoch = epoch
        self._last_mark = time.perf_counter()
        self._epoch_active = 0.0

    def _on_batch(self, batch: int, logs: dict) -> None:
        self._step += 1
        now = time.perf_counter()
        elapsed = now - self._last_mark
        self._last_mark = now
        self._epoch_active += elapsed
        self._active_seconds += elapsed
        done = self._step + 1
        remaining = self.config.epochs * self._steps_per_epoch - done
        self._emit(BatchEnd(
            epoch=self._epoch, batch=batch, steps_per_epoch=self._steps_per_epoch, step=self._step,
            loss=float(logs.get("loss", math.nan)), accuracy=float(logs.get("accuracy", math.nan)),
            samples_per_second=(batch + 1) * self.config.batch_size / max(self._epoch_active, 1e-9),
            eta_seconds=max(remaining, 0) * self._active_seconds / done,
        ))
        if self.config.probe_every and done % self.config.probe_every == 0:
            self._probe()
        self._hold_while_paused()
        if self._stop.is_set():
            self.model.stop_training = True

    def _on_epoch_end(self, epoch: int, logs: dict) -> None:
        if self._last_probe_step != self._step:
            self._probe()
        self._emit(EpochEnd(
            epoch=epoch, loss=float(logs.get("loss", math.nan)),
            accuracy=float(logs.get("accuracy", math.nan)),
            val_loss=float(logs.get("val_loss", math.nan)),
            val_accuracy=float(logs.get("val_accuracy", math.nan)), step=self._step,
        ))

    def _probe(self) -> None:
        self._last_probe_step = self._step
        self._emit(self._prober.probe(epoch=self._epoch, step=self._step))

    def _hold_while_paused(self) -> None:
        if self._resume.is_set():
            return
        self._paused_now.set()
        self._resume.wait()
        self._paused_now.clear()
        self._last_mark = time.perf_counter()  # time spent paused is not training time


def _fixed_options():
    """tf.data options with autotuning off (autotune causes the epoch-start stalls)."""
    import tensorflow as tf

    options = tf.data.Options()
    options.autotune.enabled = False
    return options


def _bridge_callback(session: TrainingSession):
    """A Keras callback forwarding batch and epoch ends to ``session``."""
    import keras

    class SessionBridge(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            session._on_epoch_begin(epoch)

        def on_train_batch_end(self, batch, logs=None):
            session._on_batch(batch, logs or {})

        def on_epoch_end(self, epoch, logs=None):
            session._on_epoch_end(epoch, logs or {})

    return SessionBridge()
