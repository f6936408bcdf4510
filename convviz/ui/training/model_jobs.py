"""The TensorFlow work behind Save model… and Load model…, as worker jobs (run off the GUI thread).

Every TensorFlow import happens inside the jobs, in the worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from convviz.assets import bundled_digits

Emit = Callable[[object], None]


def default_sample() -> tuple[np.ndarray, int]:
    """The digit a loaded model is probed with when no training run chose one: (28, 28, 1) in [0, 1]."""
    images, labels = bundled_digits()
    return images[0].astype(np.float32)[..., None] / 255.0, int(labels[0])


def save_job(model, path: str | Path) -> Callable[[Emit], Path]:
    """A job saving ``model`` atomically to ``path`` (ModelFileError in one line on failure)."""

    def job(emit: Emit) -> Path:
        from convviz.training.storage import save_model

        return save_model(model, path)

    return job


def load_job(path: str | Path, sample: np.ndarray, sample_label: int) -> Callable[[Emit], object]:
    """A job loading the model at ``path``; it emits ModelReady and a Probe of ``sample``, returns the model."""

    def job(emit: Emit):
        from convviz.training.probes import Prober
        from convviz.training.session import model_ready_event
        from convviz.training.storage import check_model_fits, load_model

        model = load_model(path)
        check_model_fits(model, input_shape=sample.shape, name=Path(path).name)
        emit(model_ready_event(model))
        emit(Prober(model, sample, sample_label).probe(epoch=0, step=-1))
        return model

    return job
