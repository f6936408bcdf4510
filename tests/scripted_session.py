"""A stand-in for TrainingSession (no TensorFlow) that emits a scripted run from the worker thread.

Tests subclass it to choose the script (batches per epoch, how often to probe, which probes),
and install it with ``monkeypatch.setattr(convviz.training.session, "TrainingSession", Cls)``.
"""

import threading

import numpy as np

from convviz.training.events import BatchEnd, DataReady, EpochEnd, Failed, Finished, ModelReady


class ScriptedSession:
    """Same surface as TrainingSession: run(emit), pause/resume/stop, paused, stop_requested."""

    steps_per_epoch = 4
    probe_every = 3  # probe after batches whose step is a multiple of this
    batches = 0  # 0: config.epochs * steps_per_epoch; None: until stopped
    fail_with: str | None = None  # emit Failed(...) after the first batch
    raise_in_run: Exception | None = None
    batch_seconds = 0.002  # stands in for the work of one batch
    layers: tuple = ()
    confusion = np.eye(10, dtype=int)
    instances: list = []

    def __init__(self, config, dataset=None):
        self.config, self.model = config, object()
        self._resume, self._stop, self.holding = threading.Event(), threading.Event(), threading.Event()
        self._resume.set()
        type(self).instances.append(self)

    def probe(self, step: int):
        """The Probe event for ``step`` (subclasses define it)."""
        raise NotImplementedError

    def accuracy(self, step: int) -> float:
        """The batch accuracy the script reports at ``step``."""
        return step / (step + 4)

    def pause(self):
        self._resume.clear()

    def resume(self):
        self._resume.set()

    def stop(self):
        self._stop.set()
        self._resume.set()

    @property
    def paused(self):
        return not self._resume.is_set()

    @property
    def stop_requested(self):
        return self._stop.is_set()

    def run(self, emit):
        if self.raise_in_run is not None:
            raise self.raise_in_run
        shapes = {"x_train": (96, 28, 28, 1), "y_train": (96, 10)}
        rng = np.random.default_rng(0)
        emit(DataReady("fake digits", True, shapes, rng.random((9, 28, 28)), np.arange(9)))
        emit(ModelReady("fake", self.layers, 54170, 54170))
        emit(self.probe(-1))
        steps = self.steps_per_epoch
        total = self.batches if self.batches != 0 else self.config.epochs * steps
        step = 0
        while total is None or step < total:
            epoch, batch = divmod(step, steps)
            emit(BatchEnd(epoch, batch, steps, step, 2.0 / (step + 1), self.accuracy(step), 100.0, 1.0))
            if self.fail_with:
                emit(Failed(self.fail_with, "Traceback: injected"))
                return
            if batch == steps - 1:
                emit(EpochEnd(epoch, 1.0, 0.6, 1.1, 0.55, step))
            if step % self.probe_every == 0:
                emit(self.probe(step))
            if not self._resume.is_set():
                self.holding.set()
                self._resume.wait()
                self.holding.clear()
            if self._stop.is_set():
                break
            self._stop.wait(self.batch_seconds)
            step += 1
        emit(Finished(self._stop.is_set(), 0.3, 0.9, self.confusion, 1.5))
