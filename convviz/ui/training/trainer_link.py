"""The Training tab's link to its trainer process: a QTimer reads the pipe, signals carry the news.

:class:`TrainerLink` wraps a :class:`~convviz.training.trainer_client.TrainerClient`. Every
``POLL_MS`` the GUI thread takes what the child sent (a few messages per turn, so a burst never
freezes the window) and emits it; the tab feeds the events to the path a training thread's
events take. The window's process never trains. :class:`RunFolderLabel` shows where the run is
written; a click opens the folder.
"""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import QObject, Qt, QTimer, QUrl, pyqtSignal
from PyQt6.QtGui import QDesktopServices, QPalette
from PyQt6.QtWidgets import QApplication, QLabel

from convviz.training.trainer_client import TrainerClient
from convviz.ui.zoom import relative_font

POLL_MS = 20  # a pause, resume or stop is confirmed within this plus one batch
CLOSE_TIMEOUT_S = 0.5  # closing asks the child to quit, then terminates it (its run folder is flushed every 0.2 s)


class TrainerLink(QObject):
    """Start, steer and follow runs in the trainer process; :meth:`close` ends the child."""

    events = pyqtSignal(object)  # a list of training events, in order
    state = pyqtSignal(str)  # "paused", "running", "stopping": the child took the command
    run_started = pyqtSignal(str)  # the run folder
    ended = pyqtSignal(str)  # the run is over; the saved model's path ("" if none)
    died = pyqtSignal(str)  # the child ended unexpectedly: one line in words

    def __init__(self, parent: QObject | None = None, runs_dir=None) -> None:
        super().__init__(parent)
        self.client = TrainerClient(runs_dir)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)

    @property
    def busy(self) -> bool:
        """True while a run is going in the child."""
        return self.client.running

    def warm_up(self) -> None:
        """Start a trainer now (TensorFlow loads in the child) so the next run starts at once."""
        self.client.warm_up()
        self.timer.start()

    def start(self, config) -> None:
        """Train ``config`` in the child."""
        self.client.start(config)
        self.timer.start()

    def pause(self) -> None:
        """Hold the run (``state("paused")`` once it holds)."""
        self.client.pause()

    def resume(self) -> None:
        """Continue the run."""
        self.client.resume()

    def stop(self) -> None:
        """End the run after its current batch; the model so far is kept."""
        self.client.stop()

    def poll(self) -> None:
        """Emit what the child has sent since the last turn."""
        for kind, value in self.client.poll():
            signal = {"events": self.events, "state": self.state, "run": self.run_started,
                      "ended": self.ended, "died": self.died}.get(kind)
            if signal is not None:
                signal.emit(value)
        if self.client.process is None:
            self.timer.stop()

    def close(self) -> None:
        """End the child (ask, terminate, kill) and stop listening; within 2 s."""
        self.timer.stop()
        self.client.close(CLOSE_TIMEOUT_S)


class RunFolderLabel(QLabel):
    """"Run folder: …": click to open it in the file manager; the path is also copied."""

    def __init__(self) -> None:
        super().__init__()
        self.path = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        relative_font(self, 0.95)
        self.setForegroundRole(QPalette.ColorRole.Link)  # a link colour in either theme
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Where this run is written: click to open the folder (the path is copied too)")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # a run starting must not move the controls below
        self.setSizePolicy(policy)
        self.hide()

    def show_path(self, path: str) -> None:
        """Show ``path`` as the run's folder."""
        self.path = str(path)
        self.setText(f"Run folder: {self.path}")
        self.show()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """Copy the path and open the folder."""
        super().mouseReleaseEvent(event)
        if self.path and not self.hasSelectedText():
            QApplication.clipboard().setText(self.path)
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self.path))))


class RemoteSession:
    """The tab's handle on a run in the trainer process, with a TrainingSession's controls."""

    def __init__(self, link: TrainerLink, config=None) -> None:
        self.link = link
        self.config = config  # the TrainingConfig the child was sent, as a local session has it
        self.paused = False  # a pause is requested
        self.holding = False  # the child confirmed it holds
        self.stop_requested = False
        link.state.connect(self._confirmed)

    def pause(self) -> None:
        """Hold the run after its current batch."""
        self.paused = True
        self.link.pause()

    def resume(self) -> None:
        """Continue the run."""
        self.paused = self.holding = False
        self.link.resume()

    def stop(self) -> None:
        """End the run after its current batch; its model is kept."""
        self.stop_requested, self.paused = True, False
        self.link.stop()

    def wait_until_paused(self, timeout: float | None = None) -> bool:
        """True once the child said it holds (never blocks: the answer comes through the GUI thread)."""
        return self.holding

    def _confirmed(self, state: str) -> None:
        self.holding = state == "paused" and self.paused


def follow_link(tab, link: TrainerLink) -> None:
    """Wire ``link`` into ``tab`` (a TrainingTab): events to its event path, the end to its controls."""
    link.events.connect(tab.show_event)
    link.run_started.connect(tab.run_folder.show_path)

    def ended(model_path: str) -> None:
        if tab.event_counts["Finished"] and model_path:
            # no copy loaded here: Save model… copies the file, the inspector loads its own when shown
            tab.model_path = model_path
            tab.modelFileAvailable.emit(model_path, "the model just trained in the Training tab")
        tab.end_run("train")

    def died(message: str) -> None:
        tab.messages.show_error(message)
        if tab.controls.state in ("running", "paused", "stopping"):
            tab.end_run("train")
            tab.progress.show_done("ended: its process died", complete=False)

    link.ended.connect(ended)
    link.died.connect(died)
