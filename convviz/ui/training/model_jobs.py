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


def copy_job(source: str | Path, path: str | Path) -> Callable[[Emit], Path]:
    """A job copying the saved model ``source`` (a run folder's model.keras) atomically to ``path``."""

    def job(emit: Emit) -> Path:
        import shutil

        from convviz.atomic import atomic_write

        atomic_write(Path(path), lambda temp: shutil.copyfile(source, temp), suffix=".keras")
        return Path(path)

    return job


def fetch_job(path: str | Path) -> Callable[[Emit], object]:
    """A job loading the model a trainer process saved at ``path`` (the tab's own copy), nothing shown."""

    def job(emit: Emit):
        from convviz.training.storage import load_model

        return load_model(path)

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
