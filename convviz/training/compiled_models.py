"""Compiled models kept between training runs of the same architecture, seed and data shape.

Keras keeps every traced training function alive for the life of the process
(keras-team/keras#21090): a fresh model per run costs ~6.5 MB that never comes back.
Reusing the compiled model reuses its traces; putting every model and optimizer variable
back to its value at build time makes the next run exactly the run a fresh model gives.

``take(key, build)`` hands out a kept model (reset) or builds one; ``release`` when the run
is over. ``clear()`` forgets every kept model and ``count()`` says how many are kept.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from convviz.training.probes import Prober

__all__ = ["CompiledModel", "take", "release", "clear", "count"]


class CompiledModel:
    """A built, compiled model, its build-time variable values and the prober of its last sample."""

    def __init__(self, model):
        self.model = model
        self.in_use = False
        self._initial = [variable.numpy() for variable in model.variables]
        self._prober: Prober | None = None
        self._sample: np.ndarray | None = None

    def reset(self) -> None:
        """Put the weights, the random-seed state and the optimizer back as they were built."""
        for variable, value in zip(self.model.variables, self._initial):
            variable.assign(value)
        optimizer = self.model.optimizer
        if optimizer is not None:
            # Slots (RMSprop's averages, momenta) and the step counter all start at zero;
            # the learning rate is compiled in and never changes during fit.
            for variable in optimizer.variables:
                if "learning_rate" not in variable.path:
                    variable.assign(np.zeros(variable.shape, dtype=variable.dtype))
        self.model.stop_training = False

    def prober_for(self, sample: np.ndarray, label: int) -> Prober:
        """The prober for ``sample``, kept (with its traced function) while the sample is the same."""
        if self._prober is None or self._sample is None or not np.array_equal(self._sample, sample):
            self._prober = Prober(self.model, sample, label)
            self._sample = np.array(sample)
        return self._prober


_KEPT: dict[tuple, CompiledModel] = {}


def take(key: tuple, build: Callable[[], object]) -> CompiledModel:
    """The kept model for ``key``, reset, or a newly built one (kept for next time); now in use."""
    entry = _KEPT.get(key)
    if entry is None or entry.in_use:
        entry = CompiledModel(build())
        _KEPT[key] = entry
    else:
        entry.reset()
    entry.in_use = True
    return entry


def release(entry: CompiledModel | None) -> None:
    """Mark ``entry`` free for the next run of its key."""
    if entry is not None:
        entry.in_use = False


def clear() -> None:
    """Forget every kept model: the next run of any architecture builds a fresh one."""
    _KEPT.clear()


def count() -> int:
    """How many compiled models are kept."""
    return len(_KEPT)
