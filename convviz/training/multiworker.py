"""Training across worker processes with ``tf.distribute.MultiWorkerMirroredStrategy``.

Every worker runs the same program with a ``TF_CONFIG`` naming all workers and itself (see
:func:`~convviz.training.strategies.worker_of`); without ``TF_CONFIG`` it is one worker alone.
Keras 3's ``model.fit`` fails under this strategy (keras-team/keras#20585), so
:class:`MultiWorkerSession` runs its own step: ``strategy.run`` of a ``GradientTape`` step whose
per-replica loss is divided by the global batch size, the optimizer summing the gradients of all
replicas, and one ``strategy.reduce`` per batch for loss, correct answers and stop requests.

Every worker holds the same arrays, so the data is sharded by DATA: all build the same shuffled
batches of ``batch_size`` (the global batch) and each replica trains on its own slice of each.
Validation and test scores are computed by each worker on the whole split (the weights are the
same everywhere), so every worker reports the same numbers.

``run(emit)`` emits what :class:`~convviz.training.session.TrainingSession` emits — DataReady,
ModelReady, Probe, BatchEnd..., Probe, EpochEnd, then one Finished or Failed — except that probes
are taken only before training and at epoch ends, and there is no pause. ``stop()`` on any worker
stops all of them after the same batch. Only the chief (worker 0) should save the model:
:attr:`MultiWorkerSession.should_save` says so, or every worker when ``CONVVIZ_WORKER_SAVES=1``
(for checking that the workers agree).

The strategy must exist before any other TensorFlow work in the process, so ``run`` creates it
first; a process that already ran TensorFlow gets a one-line error.
"""

from __future__ import annotations

import math
import os
import threading
import time
import traceback

import numpy as np

from convviz.training.data import Dataset, load_dataset
from convviz.training.evaluation import Evaluation, confusion_matrix
from convviz.training.events import BatchEnd, DataReady, EpochEnd, Failed, Finished
from convviz.training.models import CUSTOM, build_custom_model, build_model
from convviz.training.probes import Prober
from convviz.training.session import VALIDATION_BATCH_SIZE, model_ready_event, user_message
from convviz.training.strategies import MULTIWORKER
from convviz.training.training_config import TrainingConfig

__all__ = ["MultiWorkerSession", "make_multiworker_strategy", "WORKER_SAVES"]

WORKER_SAVES = "CONVVIZ_WORKER_SAVES"


def make_multiworker_strategy():
    """A ``MultiWorkerMirroredStrategy`` from ``TF_CONFIG``; RuntimeError (one line) when too late."""
    import tensorflow as tf

    try:
        return tf.distribute.MultiWorkerMirroredStrategy()
    except RuntimeError as exc:
        raise RuntimeError("the multiworker strategy must be created before any other TensorFlow "
                           f"work in this process ({str(exc).strip().splitlines()[0]})") from None


class MultiWorkerSession:
    """One training run of ``config`` (strategy "multiworker") on this worker; see the module docstring."""

    def __init__(self, config: TrainingConfig, dataset: Dataset | None = None):
        if config.strategy != MULTIWORKER:
            raise ValueError(f"a multiworker session needs strategy='{MULTIWORKER}', not {config.strategy!r}")
        self.config = config
        self.dataset = dataset
        self.model = self.strategy = None
        self._stop = threading.Event()
        self._started = False

    def stop(self) -> None:
        """End the run after the current batch on every worker; the model stays usable."""
        self._stop.set()

    @property
    def stop_requested(self) -> bool:
        """True once :meth:`stop` was called on this worker."""
        return self._stop.is_set()

    @property
    def should_save(self) -> bool:
        """True on the chief (worker 0), or on every worker with ``CONVVIZ_WORKER_SAVES=1``."""
        if os.environ.get(WORKER_SAVES, "").strip() == "1":
            return True
        return self.strategy is None or bool(self.strategy.extended.should_checkpoint)

    def run(self, emit) -> None:
        """Train, calling ``emit(event)`` along the way; never raises."""
        if self._started:
            emit(Failed("this training session has already run; start a new one"))
            return
        self._started = True
        try:
            self._run(emit)
        except Exception as exc:
            try:
                emit(Failed(message=user_message(exc), details=traceback.format_exc()))
            except Exception:  # emit itself is broken: nobody left to tell
                pass

    def _run(self, emit) -> None:
        self.strategy = make_multiworker_strategy()
        import keras

        config, started = self.config, time.perf_counter()
        keras.utils.set_random_seed(config.seed)
        if self.dataset is None:
            self.dataset = load_dataset(config.data, config.limit)
        data = self.dataset
        emit(_data_ready(data))
        with self.strategy.scope():
            self.model = self._build_model()
            self.model.optimizer.build(self.model.trainable_variables)
        emit(model_ready_event(self.model))
        prober = Prober(self.model, data.x_val[0], data.labels_val[0])
        emit(prober.probe(epoch=0, step=-1))
        trainer = _Trainer(self, emit, prober)
        if not self._stop.is_set():
            trainer.train()
        result = _evaluate(self.model, data.x_test, data.labels_test)
        emit(Finished(stopped=trainer.stopped or self._stop.is_set(), test_loss=result.loss,
                      test_accuracy=result.accuracy, confusion=result.confusion,
                      seconds=time.perf_counter() - started))

    def _build_model(self):
        config, data = self.config, self.dataset
        if config.model == CUSTOM:
            return build_custom_model(config.layers, input_shape=data.input_shape,
                                      num_classes=data.num_classes, learning_rate=config.learning_rate)
        return build_model(config.model, input_shape=data.input_shape,
                           num_classes=data.num_classes, learning_rate=config.learning_rate)


class _Trainer:
    """The epochs of one run: distributed steps, running metrics, events."""

    def __init__(self, session: MultiWorkerSession, emit, prober: Prober):
        self.session, self.emit, self.prober = session, emit, prober
        self.config, self.data = session.config, session.dataset
        self.steps_per_epoch = math.ceil(len(self.data.x_train) / self.config.batch_size)
        self.stopped = False
        self.step = -1

    def train(self) -> None:
        """Run every epoch (or until a worker asks to stop), emitting BatchEnd and EpochEnd."""
        session = self.session
        step_function = _step_function(session.strategy, session.model, self.config.batch_size)
        iterator = iter(session.strategy.experimental_distribute_dataset(self._pipeline()))
        active = 0.0
        for epoch in range(self.config.epochs):
            loss_sum = correct = 0.0
            epoch_active, mark = 0.0, time.perf_counter()
            for batch in range(self.steps_per_epoch):
                flag = np.float32(1.0 if session.stop_requested else 0.0)
                totals = step_function(iterator, flag).numpy()
                self.step += 1
                now = time.perf_counter()
                epoch_active, active, mark = epoch_active + now - mark, active + now - mark, now
                loss_sum, correct = loss_sum + float(totals[0]), correct + float(totals[1])
                samples = (batch + 1) * self.config.batch_size
                remaining = self.config.epochs * self.steps_per_epoch - self.step - 1
                self.emit(BatchEnd(
                    epoch=epoch, batch=batch, steps_per_epoch=self.steps_per_epoch, step=self.step,
                    loss=loss_sum / (batch + 1), accuracy=correct / samples,
                    samples_per_second=samples / max(epoch_active, 1e-9),
                    eta_seconds=max(remaining, 0) * active / (self.step + 1)))
                if totals[2] > 0:  # some worker was asked to stop: all stop after this batch
                    self.stopped = True
                    break
            self._end_epoch(epoch, loss_sum / (batch + 1), correct / samples)
            if self.stopped:
                return

    def _end_epoch(self, epoch: int, loss: float, accuracy: float) -> None:
        self.emit(self.prober.probe(epoch=epoch, step=self.step))
        validation = _evaluate(self.session.model, self.data.x_val, self.data.labels_val)
        self.emit(EpochEnd(epoch=epoch, loss=loss, accuracy=accuracy, val_loss=validation.loss,
                           val_accuracy=validation.accuracy, step=self.step))

    def _pipeline(self):
        """The same shuffled, endlessly repeated global batches on every worker, sharded by DATA."""
        import tensorflow as tf

        data, config = self.data, self.config
        options = tf.data.Options()
        options.autotune.enabled = False  # autotune causes epoch-start stalls (see session.py)
        options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
        return (
            tf.data.Dataset.from_tensor_slices((data.x_train, data.y_train))
            .shuffle(len(data.x_train), seed=config.seed, reshuffle_each_iteration=True)
            .repeat()
            .batch(config.batch_size)
            .prefetch(2)
            .with_options(options)
        )


def _step_function(strategy, model, global_batch: int):
    """A ``tf.function(iterator, stop_flag)`` training one global batch; returns the summed
    ``[mean loss, correct answers, workers asking to stop]`` over all replicas."""
    import keras
    import tensorflow as tf

    optimizer = model.optimizer

    def replica_step(images, labels, stop_flag):
        with tf.GradientTape() as tape:
            probabilities = model(images, training=True)
            per_sample = keras.losses.categorical_crossentropy(labels, probabilities)
            loss = tf.nn.compute_average_loss(per_sample, global_batch_size=global_batch)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        hits = tf.equal(tf.argmax(probabilities, axis=-1), tf.argmax(labels, axis=-1))
        return tf.stack([loss, tf.reduce_sum(tf.cast(hits, tf.float32)), stop_flag])

    @tf.function
    def step(iterator, stop_flag):
        images, labels = next(iterator)
        totals = strategy.run(replica_step, args=(images, labels, stop_flag))
        return strategy.reduce(tf.distribute.ReduceOp.SUM, totals, axis=None)

    return step


def _evaluate(model, images: np.ndarray, labels: np.ndarray) -> Evaluation:
    """Score ``model`` on the whole split locally (``model.predict`` would shard it across workers)."""
    import keras

    chunks = [np.asarray(model(images[start:start + VALIDATION_BATCH_SIZE], training=False))
              for start in range(0, len(images), VALIDATION_BATCH_SIZE)]
    probabilities = np.concatenate(chunks)
    num_classes = probabilities.shape[-1]
    one_hot = np.eye(num_classes, dtype=np.float32)[np.asarray(labels, dtype=np.int64)]
    losses = keras.losses.categorical_crossentropy(one_hot, probabilities)
    predicted = probabilities.argmax(axis=-1)
    return Evaluation(loss=float(np.mean(np.asarray(losses))), accuracy=float(np.mean(predicted == labels)),
                      confusion=confusion_matrix(labels, predicted, num_classes), count=len(labels))


def _data_ready(data: Dataset) -> DataReady:
    preview = data.x_train[:9]
    if preview.shape[-1] == 1:
        preview = preview[..., 0]
    return DataReady(source=data.source, is_fallback=data.is_fallback, shapes=data.shapes,
                     preview_images=preview.copy(), preview_labels=data.labels_train[:9].copy(),
                     class_names=tuple(data.class_names), warnings=tuple(data.warnings))
