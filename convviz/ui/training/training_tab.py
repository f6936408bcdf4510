"""The training lab: press Train and watch a real CNN learn.

Training runs in a trainer process (:class:`~convviz.ui.training.trainer_link.TrainerLink`;
``trainer="thread"``, or a TrainingSession stand-in a test installed, trains in a
:class:`~convviz.ui.worker.BackgroundTask` instead); saving and loading run in a BackgroundTask.
Either way the events go into one :class:`~convviz.core.training_view.TrainingView`. One QTimer (``REFRESH_MS``) asks
the view what changed and the panels render that from it, only the visible page, so the GUI
thread stays light and training keeps its speed. The timeline moves the view's cursor.
"""

from __future__ import annotations

import os
import time
from collections import Counter

from PyQt6.QtCore import QTimer, pyqtSignal
from PyQt6.QtWidgets import QWidget

from convviz.core.errors import first_line
from convviz.core.training_view import TrainingView
from convviz.training.events import BatchEnd, DataReady, EpochEnd, Failed, Finished, ModelReady, Probe
from convviz.training.history import TrainingHistory
from convviz.ui.message_bar import MessageBar
from convviz.ui.training.activations_panel import ActivationsPanel
from convviz.ui.training.batch_coalescer import FORWARD_INTERVAL_S, BatchCoalescer
from convviz.ui.training.controls_panel import TrainingControls
from convviz.ui.training.curves_panel import CurvesPanel
from convviz.ui.training.data_preview import DataPreview
from convviz.ui.training.filters_panel import FiltersPanel
from convviz.ui.training.layer_editor import LayerEditor
from convviz.ui.training.layer_editor_link import LayerEditorLink
from convviz.ui.training.model_jobs import ModelFiles
from convviz.ui.training.progress_panel import ProgressPanel, format_seconds
from convviz.ui.training.results_panel import ResultsPanel
from convviz.ui.training.summary_table import ModelSummaryTable
from convviz.ui.training.tab_layout import arrange
from convviz.ui.training.view_painter import ViewPainter
from convviz.ui.training.timeline_bar import TimelineBar
from convviz.ui.training.task_slot import TaskSlot
from convviz.ui.training.trainer_link import RemoteSession, RunFolderLabel, TrainerLink, follow_link

# Curves, progress and timeline redraw at 10 Hz, the visible feature page at most every
# TrainingView.page_interval_s while training. Measured (tests/bench/bench_training_gui.py):
# ~2 ms per curves redraw, ~5 ms per activations.
REFRESH_MS = 100
SHUTDOWN_WAIT_MS = 1800  # closing waits at most this long for TensorFlow to let go


class TrainingTab(ModelFiles, QWidget):
    """Controls on the left; data, curves and the look inside the network on the right."""

    task_finished = pyqtSignal(str)  # "train", "save" or "load": the worker is done (always fires)
    modelAvailable = pyqtSignal(object, str)  # (Keras model, where it came from): a run ended or a load
    modelFileAvailable = pyqtSignal(str, str)  # (.keras path, where it came from): a trainer process' run ended

    def __init__(self, parent: QWidget | None = None, trainer: str | None = None) -> None:
        super().__init__(parent)
        self.trainer = trainer or os.environ.get("CONVVIZ_TRAINER", "process")  # "process" or "thread"
        self.limit: int | None = None  # samples per split (None: all); tests use small runs
        self.probe_every = 20
        self.forward_interval = FORWARD_INTERVAL_S  # seconds between bundles of batch events (0: each alone)
        self.messages = MessageBar()
        self.controls = TrainingControls()
        self.progress = ProgressPanel()
        self.preview = DataPreview()
        self.curves = CurvesPanel()
        self.activations = ActivationsPanel()
        self.filters = FiltersPanel()
        self.summary = ModelSummaryTable()
        self.results = ResultsPanel()
        self.layer_editor = LayerEditor()  # the stack trained when the model is "custom"
        self.view = TrainingView(TrainingHistory())  # what is on show; replaced history on each run or load
        self.timeline = TimelineBar()
        self.panels = arrange(self)
        self.run_folder = RunFolderLabel()
        self.layout().insertWidget(1, self.run_folder)
        self.layer_link = LayerEditorLink(self.controls, self.layer_editor, self.panels)
        self.painter = ViewPainter(self.progress, self.curves, self.timeline, self.activations, self.filters,
                                   self.panels)
        self._handlers = {BatchEnd: self.view.add_batch, EpochEnd: self.view.add_epoch, Probe: self._on_probe,
                          DataReady: self._on_data, ModelReady: self._on_model, Finished: self._on_finished,
                          Failed: lambda event: self.messages.show_failure(event.message, event.details)}

        self.controls.run_clicked.connect(self._run_clicked)
        self.controls.stop_clicked.connect(self.stop_training)
        self.connect_model_files()  # the file actions; the Test results page follows the run
        self.panels.currentChanged.connect(self._page_changed)
        self.timeline.scrubbed.connect(self._scrub)
        self.controls.state_changed.connect(self.view.follow_state)  # "Paused" on show; Resume goes live
        self.timeline.exportRequested.connect(self._export_requested)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(lambda: self.isVisible() and self.redraw())  # hidden: keep, draw on show

        self.jobs = TaskSlot(self.messages)
        self.session = None
        self.model = None  # the trained or loaded Keras model; only jobs touch it
        self.model_path = ""  # the model a trainer process saved (its run folder's model.keras)
        self.link = TrainerLink(self)
        follow_link(self, self.link)
        self.event_counts: Counter[str] = Counter()
        self._sample = None  # (image, label) of the last probe, reused to probe a loaded model
        self._shut_down = False
        self._page_changed()

    @property
    def history(self) -> TrainingHistory:
        """The snapshots and metrics of the current run (or loaded model)."""
        return self.view.history

    @property
    def task(self):
        """The running :class:`~convviz.ui.worker.BackgroundTask`, or None."""
        return self.jobs.task

    # -- starting and steering a run -------------------------------------------------------------

    def is_busy(self) -> bool:
        """True while a worker (training, saving or loading) or a run in the trainer process is going."""
        return self.task is not None or self.link.busy

    def training_now(self) -> bool:
        """True while a run is going (in the trainer process or a thread)."""
        return self.link.busy or (self.jobs.kind == "train" and self.session is not None)

    def warm_up(self) -> None:
        """Start the trainer process ahead of the first run (TensorFlow loads there meanwhile)."""
        if self.trainer == "process" and not self._shut_down:
            self.link.warm_up()

    def start_training(self) -> bool:
        """Start a run with the chosen settings; False (and a message) if it cannot start."""
        if self.is_busy():
            return False
        from convviz.training import session as sessions
        from convviz.training.session import TrainingConfig, TrainingSession

        try:
            config = TrainingConfig(**self.controls.settings(), limit=self.limit, probe_every=self.probe_every)
        except ValueError as exc:
            self.messages.show_error(first_line(exc))
            return False
        if not self.loaded_fits(config):  # refused before anything shown changes
            return False
        self.messages.clear()
        self.results.reset()
        self.progress.reset(config.epochs)
        self._new_history(config.epochs, running=True)
        self.event_counts.clear()
        self.controls.has_model = False
        if self.trainer == "process" and TrainingSession.__module__ == sessions.__name__:  # not a test's stand-in
            self.session = RemoteSession(self.link, config)
            self.link.start(config)
        else:
            self.session = session = self.thread_session(TrainingSession, config)
            flush_now = lambda: session.paused or session.stop_requested  # noqa: E731
            self._start_task("train", lambda emit: session.run(BatchCoalescer(emit, self.forward_interval, flush_now)),
                             on_stop=session.stop)
        self.controls.set_state("running")
        self.timer.start()
        return True

    def pause_training(self) -> None:
        """Hold the run after the current batch."""
        if self.training_now() and self.controls.state == "running":
            self.session.pause()
            self.controls.set_state("paused")
            self.redraw(force=True)

    def resume_training(self) -> None:
        """Continue a paused run."""
        if self.training_now() and self.controls.state == "paused":
            self.session.resume()
            self.controls.set_state("running")

    def stop_training(self) -> None:
        """End the run after the current batch; the test set is still scored."""
        if self.training_now():
            (self.task or self.session).stop()
            self.controls.set_state("stopping")

    def _run_clicked(self) -> None:
        actions = {"idle": self.start_training, "running": self.pause_training, "paused": self.resume_training}
        actions.get(self.controls.state, lambda: None)()

    def _new_history(self, epochs: int = 1, running: bool = False) -> None:
        """Start an empty timeline and empty pictures (a new run or a loaded model)."""
        self.painter.clear(epochs)
        self.view.reset(TrainingHistory(), running)

    def _start_task(self, kind: str, job, on_stop=None, note: str = "") -> None:
        self.jobs.start(kind, job, on_stop, progress=self._on_event, done=self._on_done,
                        finished=self._on_task_finished)
        if note:  # saving or loading: the controls wait, the bar says what is happening
            self.controls.set_state("busy")
            self.messages.show_info(note)

    def _on_event(self, event: object) -> None:
        """Put what the worker reports into the view; drawing waits for the timer (cheap per batch)."""
        if self._shut_down:  # reports still queued when the window closed: nothing to draw on
            return
        if isinstance(event, list):  # a bundle from the training thread (see BatchCoalescer)
            for item in event:
                self._on_event(item)
            return
        self.event_counts[type(event).__name__] += 1
        handler = self._handlers.get(type(event))
        if handler is not None:
            handler(event)

    show_event = _on_event  # the public way in for events from elsewhere (a watched run folder)

    def _on_probe(self, probe: Probe) -> None:
        self.view.add_probe(probe, "(loaded model)" if self.jobs.kind == "load" else "")
        self._sample = (probe.sample, probe.sample_label)

    def _on_data(self, event: DataReady) -> None:
        if self.training_now():  # the data passed: only now does the run replace the model before it
            self.model, self.model_path = None, ""
        self.preview.show_data(event)
        self.layer_link.data_ready(event)
        text = " ".join([f"Training on {event.source}.", *event.warnings])
        (self.messages.show_warning if event.is_fallback or event.warnings else self.messages.show_info)(text)

    def _on_model(self, event: ModelReady) -> None:
        if self.jobs.kind == "load":  # a good file: what was shown belongs to the old model
            self.results.reset()
            self.progress.reset(1)
            self._new_history()
        self.summary.show_model(event)

    def _on_finished(self, event: Finished) -> None:
        self.redraw(force=True)  # the last batches first, then the end
        self.results.show_results(event)
        self.progress.show_done(("stopped after " if event.stopped else "done in ") + format_seconds(event.seconds),
                                complete=not event.stopped)
        self.panels.setCurrentWidget(self.results)

    def _on_done(self, result) -> None:
        if self._shut_down:
            return
        if self.jobs.kind == "train" and self.session is not None and self.event_counts["Finished"]:
            self.model = self.session.model
            self.modelAvailable.emit(self.model, "the model just trained in the Training tab")
        elif self.jobs.kind == "load" and result is not None:
            self._take_loaded(result)  # offered as "loaded: <name>" in the Model choice
        elif self.jobs.kind == "save" and result is not None:
            self.messages.show_info(f"Model saved to {result}.")

    def _on_task_finished(self) -> None:
        if self.jobs.task is None:
            return
        _, kind = self.jobs.release()
        if self._shut_down:  # the window is gone: only let go of the task
            return
        self.end_run(kind)

    def end_run(self, kind: str) -> None:
        """A task or a run in the trainer process is over: back to idle, say so with ``task_finished``."""
        self.timer.stop()
        self.view.set_running(False)
        self.redraw(force=True)
        self.controls.has_model = self.model is not None or bool(self.model_path)
        self.controls.set_state("idle")
        self.task_finished.emit(kind)

    # -- drawing from the view ------------------------------------------------------------------

    def redraw(self, force: bool = False) -> None:
        """Draw what the view says changed; ``force`` skips the feature page's pause between redraws."""
        self.painter.paint(self.view, self.view.take_redraws(time.monotonic(), force))

    def _page_changed(self, _index: int = 0) -> None:
        self.view.show_page(self.painter.page_name())
        self.redraw(force=True)

    def _scrub(self, index: int) -> None:
        self.view.scrub(index)
        self.redraw(force=True)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """Catch up with what arrived while the tab was hidden."""
        super().showEvent(event)
        self.view.mark_all()
        self.redraw(force=True)

    def shutdown(self) -> None:
        """Stop any work before the window closes; waits at most ``SHUTDOWN_WAIT_MS`` in total."""
        self._shut_down = True
        self.timer.stop()
        self.link.close()
        self.jobs.shutdown(SHUTDOWN_WAIT_MS)
