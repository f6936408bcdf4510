"""The training lab: press Train and watch a real CNN learn.

All TensorFlow work (training, building, saving, loading, probing) runs in a
:class:`~convviz.ui.worker.BackgroundTask`; its events arrive here as queued signals and
are only *stored*. One QTimer (``REFRESH_MS``) redraws what changed, and only the panels on
screen, so the GUI thread stays light and training keeps its speed.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from PyQt6.QtCore import QTimer, pyqtSignal
from PyQt6.QtWidgets import QWidget

from convviz.core.errors import first_line

from convviz.training.events import BatchEnd, DataReady, EpochEnd, Failed, Finished, ModelReady, Probe
from convviz.training.history import TrainingHistory
from convviz.ui.message_bar import MessageBar
from convviz.ui.training.activations_panel import ActivationsPanel
from convviz.ui.training.batch_coalescer import FORWARD_INTERVAL_S, BatchCoalescer
from convviz.ui.training.controls_panel import TrainingControls
from convviz.ui.training.curves_panel import CurvesPanel
from convviz.ui.training.data_preview import DataPreview
from convviz.ui.training.file_dialogs import ask_idx_folder, ask_model_path, ask_npz_path, ask_save_model_path
from convviz.ui.training.filters_panel import FiltersPanel
from convviz.ui.training.layer_editor import LayerEditor
from convviz.ui.training.layer_editor_link import LayerEditorLink
from convviz.ui.training.model_jobs import default_sample, load_job, save_job
from convviz.ui.training.progress_panel import ProgressPanel, format_seconds
from convviz.ui.training.results_panel import ResultsPanel
from convviz.ui.training.summary_table import ModelSummaryTable
from convviz.ui.training.tab_layout import arrange
from convviz.ui.training.timeline_bar import TimelineBar
from convviz.ui.worker import BackgroundTask

# The timer alternates: curves and progress on one tick, the visible panel (activations or
# filters) on the next, so each redraws at 10 Hz and no single tick paints everything.
# Measured (tests/bench/bench_training_gui.py): ~2 ms per curves redraw, ~5 ms per activations.
REFRESH_MS = 50
PANEL_HZ = 2
SHUTDOWN_WAIT_MS = 1800  # closing waits at most this long for TensorFlow to let go
# Workers still running after shutdown's wait: kept referenced so their QThread is never
# destroyed while it runs (that would abort the process); they end on their own.
_LEFT_RUNNING: list[BackgroundTask] = []


class TrainingTab(QWidget):
    """Controls on the left; data, curves and the look inside the network on the right."""

    task_finished = pyqtSignal(str)  # "train", "save" or "load": the worker is done (always fires)
    modelAvailable = pyqtSignal(object, str)  # (Keras model, where it came from): a run ended or a load

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        self.history = TrainingHistory()  # snapshots for the timeline; replaced on each run or load
        self.timeline = TimelineBar(self.history, self.filters, self.activations, self.curves, self.messages)
        self.panels = arrange(self)
        self.layer_link = LayerEditorLink(self.controls, self.layer_editor, self.panels)
        self.timeline.pages = self.panels

        self.controls.run_clicked.connect(self._run_clicked)
        self.controls.stop_clicked.connect(self.stop_training)
        for signal, ask, act in (
            (self.controls.save_clicked, ask_save_model_path, self.save_model),
            (self.controls.load_clicked, ask_model_path, self.load_model),
            (self.controls.open_npz_clicked, ask_npz_path, self.use_data),
            (self.controls.open_idx_clicked, ask_idx_folder, self.use_data),
        ):
            signal.connect(lambda ask=ask, act=act: (path := ask(self)) and act(path))
        self.panels.currentChanged.connect(lambda _: self._refresh())
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._tick)
        self._ticks = 0

        self.task: BackgroundTask | None = None
        self.task_kind = ""
        self.session = None
        self.model = None  # the trained or loaded Keras model; only jobs touch it
        self.event_counts: Counter[str] = Counter()
        self._latest_batch: BatchEnd | None = None
        self._sample = None  # (image, label) of the last probe, reused to probe a loaded model
        self._panel_drawn = 0.0
        self._shut_down = False
        self._ending: list[BackgroundTask] = []  # finished workers whose thread is still winding down

    # -- starting and steering a run -------------------------------------------------------------

    def is_busy(self) -> bool:
        """True while a worker (training, saving or loading) is running."""
        return self.task is not None

    def start_training(self) -> bool:
        """Start a run with the chosen settings; False (and a message) if it cannot start."""
        if self.is_busy():
            return False
        from convviz.training.session import TrainingConfig, TrainingSession

        try:
            config = TrainingConfig(**self.controls.settings(), limit=self.limit, probe_every=self.probe_every)
        except ValueError as exc:
            self.messages.show_error(str(exc))
            return False
        self.messages.clear()
        for panel in (self.filters, self.activations, self.results):
            panel.reset()
        self.curves.reset(config.epochs)
        self.progress.reset(config.epochs)
        self._new_history(running=True)
        self.event_counts.clear()
        self._latest_batch = None
        self.session = TrainingSession(config)
        self.controls.has_model = False
        self.model = None
        session = self.session
        self._start_task(
            "train",
            lambda emit: session.run(BatchCoalescer(
                emit, self.forward_interval, flush_now=lambda: session.paused or session.stop_requested
            )),
            on_stop=session.stop,
        )
        self.controls.set_state("running")
        self.timer.start()
        return True

    def pause_training(self) -> None:
        """Hold the run after the current batch."""
        if self.task_kind == "train" and self.session is not None and self.controls.state == "running":
            self.session.pause()
            self.controls.set_state("paused")
            self._refresh()

    def resume_training(self) -> None:
        """Continue a paused run."""
        if self.task_kind == "train" and self.session is not None and self.controls.state == "paused":
            self.session.resume()
            self.controls.set_state("running")

    def stop_training(self) -> None:
        """End the run after the current batch; the test set is still scored."""
        if self.task_kind == "train" and self.task is not None:
            self.task.stop()
            self.controls.set_state("stopping")

    def _run_clicked(self) -> None:
        {"idle": self.start_training, "running": self.pause_training, "paused": self.resume_training}.get(
            self.controls.state, lambda: None
        )()

    # -- files ----------------------------------------------------------------------------------

    def save_model(self, path: str | Path) -> bool:
        """Save the current model to ``path`` in the background; False if there is none or we are busy."""
        if self.is_busy() or self.model is None:
            return False
        self._start_task("save", save_job(self.model, path))
        self.controls.set_state("busy")
        self.messages.show_info(f"Saving {Path(path).name}…")
        return True

    def load_model(self, path: str | Path) -> bool:
        """Load the ``.keras`` model at ``path`` in the background and show it; False if busy."""
        if self.is_busy():
            return False
        image, label = self._sample if self._sample is not None else default_sample()
        self._start_task("load", load_job(path, image, label))
        self.controls.set_state("busy")
        self.messages.show_info(f"Loading {Path(path).name}…")
        return True

    def use_data(self, path: str | Path) -> None:
        """Train on the .npz file or IDX folder at ``path`` from the next run on."""
        self.controls.add_data_path(str(path))

    # -- the worker -----------------------------------------------------------------------------

    def _start_task(self, kind: str, job, on_stop=None) -> None:
        task = BackgroundTask(job, on_stop)
        task.worker.yielded.connect(self._on_event)
        task.worker.errored.connect(self._on_error)
        task.worker.finished.connect(self._on_task_finished)
        self.task, self.task_kind = task, kind
        task.start()

    def _on_event(self, event: object) -> None:
        """Store what the worker reports; drawing waits for the timer (cheap per batch)."""
        if self._shut_down:  # reports still queued when the window closed: nothing to draw on
            return
        if isinstance(event, list):  # a bundle from the training thread (see BatchCoalescer)
            for item in event:
                self._on_event(item)
            return
        self.event_counts[type(event).__name__] += 1
        if isinstance(event, (BatchEnd, EpochEnd, Probe)):
            self.timeline.record(event)
        if isinstance(event, BatchEnd):
            self.curves.add_batch(event)
            self._latest_batch = event
        elif isinstance(event, Probe):
            self.filters.set_kernels(event.kernels)
            self.activations.set_probe(event, "(loaded model)" if self.task_kind == "load" else "")
            self._sample = (event.sample, event.sample_label)
        elif isinstance(event, EpochEnd):
            self.curves.add_epoch(event)
        elif isinstance(event, DataReady):
            self.preview.show_data(event)
            self.layer_link.data_ready(event)
            show = self.messages.show_warning if event.is_fallback else self.messages.show_info
            show(f"Training on {event.source}.")
        elif isinstance(event, ModelReady):
            if self.task_kind == "load":  # a good file: what was shown belongs to the old model
                for panel in (self.filters, self.activations, self.results, self.curves):
                    panel.reset()
                self.progress.reset(1)
                self._new_history()
            self.summary.show_model(event)
        elif isinstance(event, Finished):
            self._refresh()  # the last batches first, then the end
            self.results.show_results(event)
            self.progress.show_done(("stopped after " if event.stopped else "done in ") + format_seconds(event.seconds),
                                    complete=not event.stopped)
            self.panels.setCurrentWidget(self.results)
        elif isinstance(event, Failed):
            self._show_failure(event.message, event.details)

    def _on_error(self, exc: Exception) -> None:
        self._show_failure(first_line(exc))

    def _show_failure(self, message: str, details: str = "") -> None:
        self.messages.show_error(message)
        if details:
            print(details, file=sys.stderr)

    def _on_task_finished(self) -> None:
        task, kind = self.task, self.task_kind
        if task is None:
            return
        if self._shut_down:  # the window is gone: only let go of the task
            self.task, self.task_kind = None, ""
            return
        if kind == "train" and self.session is not None and self.event_counts["Finished"]:
            self.model = self.session.model
            self.modelAvailable.emit(self.model, "the model just trained in the Training tab")
        elif kind == "load" and task.worker.result is not None:
            self.model = task.worker.result
            self.messages.show_info("Model loaded: its summary, filters and activations are shown.")
            self.modelAvailable.emit(self.model, "the model loaded in the Training tab")
        elif kind == "save" and task.worker.result is not None:
            self.messages.show_info(f"Model saved to {task.worker.result}.")
        # Keep a task referenced only while its thread still runs (shutdown waits for those).
        # The thread usually ends before this queued slot runs, so prune instead of relying on
        # thread.finished: a finished task kept here would pin its session, data and model.
        self._ending = [t for t in self._ending if t.thread.isRunning()]
        if task.thread.isRunning():
            self._ending.append(task)
        self.task, self.task_kind = None, ""
        self.timer.stop()
        self.timeline.running = False
        self._refresh()
        self.controls.has_model = self.model is not None
        self.controls.set_state("idle")
        self.task_finished.emit(kind)

    def _tick(self) -> None:
        if not self.isVisible():  # another tab or a minimised window: keep the data, skip the drawing
            return
        self._ticks += 1
        if self._ticks % 2:
            self._refresh_curves()
        else:
            self._refresh_panel()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """Catch up with what arrived while the tab was hidden."""
        super().showEvent(event)
        self._refresh()

    def _refresh(self) -> None:
        """Redraw everything that changed, on the panels that are visible."""
        self._refresh_curves()
        self._refresh_panel()

    def _refresh_curves(self) -> None:
        if self._latest_batch is not None:
            self.progress.show_batch(self._latest_batch)
            self._latest_batch = None
        self.curves.refresh()
        self.timeline.sync()

    def _new_history(self, running: bool = False) -> None:
        """Start an empty timeline (a new run or a loaded model)."""
        self.history = TrainingHistory()
        self.timeline.reset(self.history)
        self.timeline.running = running

    def _refresh_panel(self) -> None:
        current = self.panels.currentWidget()
        if current not in (self.filters, self.activations):
            return
        # While training, the feature-map pages redraw at most PANEL_HZ times a second: a
        # repaint costs the GUI thread a few ms, which it would take from TensorFlow's cores.
        now = time.monotonic()
        if self.is_busy() and now - self._panel_drawn < 1 / PANEL_HZ:
            return
        self._panel_drawn = now
        current.refresh()

    def shutdown(self) -> None:
        """Stop any work before the window closes; waits at most ``SHUTDOWN_WAIT_MS`` in total."""
        self._shut_down = True
        self.timer.stop()
        running = [task for task in [self.task, *self._ending] if task is not None]
        for task in running:
            task.stop()
        deadline = time.monotonic() + SHUTDOWN_WAIT_MS / 1000
        for task in running:
            if not task.wait(max(0, int((deadline - time.monotonic()) * 1000))):
                _LEFT_RUNNING.append(task)
                print("convviz: training is still finishing a step; leaving it behind", file=sys.stderr)
