"""The TensorFlow work behind Save model… and Load model…, as worker jobs (run off the GUI thread),
and :class:`ModelFiles`, the Training tab's file actions that start them.

Every TensorFlow import happens inside the jobs, in the worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication

from convviz.assets import bundled_digits
from convviz.core.errors import first_line
from convviz.ui.training.timeline_gif import DEFAULT_FPS

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


class ModelFiles:
    """The Training tab's model and timeline files (a mixin: it uses the tab's jobs, controls and messages)."""

    def save_model(self, path: str | Path) -> bool:
        """Save the current model to ``path`` in the background; False if there is none or we are busy."""
        if self.is_busy() or (self.model is None and not self.model_path):
            return False
        job = save_job(self.model, path) if self.model is not None else copy_job(self.model_path, path)
        self._start_task("save", job, note=f"Saving {Path(path).name}…")
        return True

    def load_model(self, path: str | Path) -> bool:
        """Load the ``.keras`` model at ``path`` in the background and show it; False if busy."""
        if self.is_busy():
            return False
        image, label = self._sample if self._sample is not None else default_sample()
        self._start_task("load", load_job(path, image, label), note=f"Loading {Path(path).name}…")
        return True

    def use_data(self, path: str | Path) -> None:
        """Train on the .npz file or IDX folder at ``path`` from the next run on."""
        self.controls.add_data_path(str(path))

    def export_gif_to(self, path, fps: float = DEFAULT_FPS) -> Path:
        """Write the timeline as a GIF of the Activations (if on show) or Filters page; see
        :func:`~convviz.ui.training.timeline_export.export_timeline_gif` for what it raises."""
        return self.painter.export_gif(path, self.view, fps)

    def _export_requested(self, path: str) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            written = self.export_gif_to(path)
        except (OSError, ValueError) as exc:
            self.messages.show_error(f"Could not export the timeline: {first_line(exc)}")
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.messages.show_info(f"Timeline saved to {written} ({len(self.view.snapshots)} frames).")
