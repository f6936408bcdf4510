"""The TensorFlow work behind Save model… and Load model…, as worker jobs (run off the GUI thread),
and :class:`ModelFiles`, the Training tab's file actions that start them.

Every TensorFlow import happens inside the jobs, in the worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from PyQt6.QtWidgets import QMessageBox

from convviz.assets import bundled_digits
from convviz.core.runs.test_predictions import scratch_path
from convviz.training.training_config import LOADED
from convviz.ui.training.file_dialogs import connect_file_actions
from convviz.ui.training.timeline_bar import LOADED_NOTE
from convviz.ui.training.timeline_export import start_timeline_gif_export
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


@dataclass(frozen=True)
class LoadedModel:
    """What a load job hands back: the model and what the Training tab needs to offer it for training."""

    model: object
    path: str
    name: str
    params: int
    input_shape: tuple  # (H, W, C); None for a free size
    num_classes: int
    problem: str = ""  # why it cannot be trained ("" if it can)
    score: object = None  # its TestScore on the chosen data's test set (convviz.training.scored_test_set)


def fitted_sample(sample: np.ndarray, input_shape: tuple) -> np.ndarray:
    """``sample`` (H, W, C) brought to ``input_shape``: nearest-pixel resize, channels averaged and repeated."""
    height = input_shape[0] or sample.shape[0]
    width = input_shape[1] or sample.shape[1]
    channels = input_shape[2] or sample.shape[2]
    rows = np.arange(height) * sample.shape[0] // height
    cols = np.arange(width) * sample.shape[1] // width
    image = sample[rows][:, cols]
    if image.shape[2] != channels:
        image = np.repeat(image.mean(axis=2, keepdims=True), channels, axis=2)
    return image.astype(np.float32)


def load_job(path: str | Path, sample: np.ndarray, sample_label: int, data=None,
             limit: int | None = None) -> Callable[[Emit], LoadedModel]:
    """A job loading the image model at ``path``; it emits ModelReady and a Probe of ``sample``
    (brought to the model's input shape), scores it on the test set of ``data`` (if given, at most
    ``limit`` images per split) and returns a :class:`LoadedModel`."""

    def job(emit: Emit) -> LoadedModel:
        from convviz.training.errors import ModelFileError
        from convviz.training.loaded_models import model_facts
        from convviz.training.probes import Prober
        from convviz.training.scored_test_set import score_on_test_set
        from convviz.training.session import model_ready_event
        from convviz.training.storage import load_model

        name = Path(path).name
        model = load_model(path)
        input_shape, classes, problem = model_facts(model, name)
        if len(input_shape) != 3 or len(model.outputs[0].shape) != 2:
            raise ModelFileError(problem)
        emit(model_ready_event(model))
        emit(Prober(model, fitted_sample(sample, input_shape), sample_label).probe(epoch=0, step=-1))
        score = score_on_test_set(model, name, input_shape, classes, data, limit) if data is not None else None
        return LoadedModel(model, str(path), name, int(model.count_params()), input_shape, classes, problem, score)

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
        job = load_job(path, image, label, self.controls.data.currentData(), self.limit)
        self._start_task("load", job, note=f"Loading {Path(path).name} and scoring it on the test set…")
        return True

    def load_model_asking(self, path: str | Path) -> bool:
        """Load model ``path`` as File → Load model does: asks first when it would replace a run's curves."""
        if self.is_busy():
            return False
        if self.history.batch_steps and not self.confirm_replace_run(Path(path).name):
            self.messages.show_info("Nothing loaded: the run on show stays.")
            return False
        return self.load_model(path)

    def confirm_replace_run(self, name: str) -> bool:
        """Ask whether loading ``name`` may replace the curves of the run on show (default: No)."""
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self, "Replace the run on show?",
            f"Loading {name} replaces the curves, pictures and test results of the run on show "
            "(a run of the app stays in its run folder). Load it?",
            buttons.Yes | buttons.No, buttons.No)
        return answer == buttons.Yes

    def connect_model_files(self) -> None:
        """Wire the controls' file actions (loading asks first, see :meth:`load_model_asking`) and
        let the Test results page follow the run."""
        connect_file_actions(self.controls, self, self.save_model, self.load_model_asking, self.use_data)
        self.results.follow(self)

    def thread_session(self, session_class, config):
        """A session for a run in a thread of the window; it writes its test predictions to a scratch
        file the Test results page reads (and removes)."""
        session = session_class(config)
        session.predictions_path = scratch_path()
        return session

    def loaded_fits(self, config) -> bool:
        """False (and one line in the message bar) when ``config`` trains the loaded model on data
        whose images or classes it cannot take, as far as the tab knows the data's shapes."""
        from convviz.training.loaded_models import fit_problem

        loaded = self.controls.loaded
        if config.model != LOADED or loaded is None:
            return True
        problem = loaded["problem"]
        known = self.layer_link.known_inputs.get(config.data)  # (image shape, classes) of data seen
        if not problem and known is not None:
            problem = fit_problem(loaded["name"], loaded["input_shape"], loaded["num_classes"], *known)
        if problem:
            self.messages.show_error(problem)
        return not problem

    def _take_loaded(self, result: LoadedModel) -> None:
        self.model, self.model_path = result.model, ""
        self.timeline.set_empty_note(LOADED_NOTE)
        self.timeline.render(self.view)
        self.controls.offer_loaded(result.name, result.path, result.params, result.input_shape,
                                   result.num_classes, result.problem)
        self.messages.show_info(f"Model loaded{self._show_score(result.score)}: its summary, filters and activations "
                                f"are shown; choose \"loaded: {result.name}\" as the Model to train it.")
        self.modelAvailable.emit(self.model, "the model loaded in the Training tab")

    def _show_score(self, score) -> str:
        """Put a loaded model's test score on the Test results page; a few words for the message bar."""
        if score is None:
            return ""
        if score.evaluation is None:
            self.results.show_note(f"The loaded model was {score.problem}.")
            return f" ({score.problem})"
        self.results.show_evaluation(score.evaluation, score.predictions, score.where)
        return f" (test accuracy {score.evaluation.accuracy:.2%} on the Test results page)"

    def use_data(self, path: str | Path) -> None:
        """Train on the .npz file or IDX folder at ``path`` from the next run on."""
        self.controls.add_data_path(str(path))

    def export_gif_to(self, path, fps: float = DEFAULT_FPS) -> Path:
        """Write the timeline as a GIF of the Activations (if on show) or Filters page; see
        :func:`~convviz.ui.training.timeline_export.export_timeline_gif` for what it raises."""
        return self.painter.export_gif(path, self.view, fps)

    def _export_requested(self, path: str) -> None:
        self.timeline_export = start_timeline_gif_export(self, path, self.view, self.painter, self.messages)
