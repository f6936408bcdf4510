"""Run long work (TensorFlow) in a QThread and report back through signals.

The pattern follows superqt's thread workers: a fixed signal set
(``started / yielded / errored / finished``), ``finished`` always fires, and
stopping only sets a flag (plus an optional callback) that the job checks
between its steps. The GUI connects to the signals before :meth:`BackgroundTask.start`
and never touches the job's objects while it runs.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QObject, Qt, QThread, pyqtSignal, pyqtSlot

Emit = Callable[[object], None]
Job = Callable[[Emit], Any]


class Worker(QObject):
    """Runs ``job(emit)`` once; everything ``job`` emits arrives as ``yielded(obj)``.

    An exception escaping ``job`` becomes ``errored(exc)`` (printed if nobody listens);
    ``finished`` is emitted afterwards in every case. ``result`` holds the job's return value.
    """

    started = pyqtSignal()
    yielded = pyqtSignal(object)
    errored = pyqtSignal(object)
    finished = pyqtSignal()

    def __init__(self, job: Job, on_stop: Callable[[], None] | None = None) -> None:
        super().__init__()
        self._job = job
        self._on_stop = on_stop
        self._stop = threading.Event()
        self.result: Any = None

    @property
    def stop_requested(self) -> bool:
        """True once :meth:`stop` was called (jobs may poll it between steps)."""
        return self._stop.is_set()

    def stop(self) -> None:
        """Ask the job to end at its next checkpoint; safe from any thread, never blocks."""
        self._stop.set()
        if self._on_stop is not None:
            self._on_stop()

    @pyqtSlot()
    def run(self) -> None:
        """Run the job (called in the worker thread when the thread starts)."""
        self.started.emit()
        try:
            self.result = self._job(self.yielded.emit)
        except Exception as exc:  # every error goes to one place: the errored signal
            if self.receivers(self.errored) == 0:
                traceback.print_exception(exc)
            self.errored.emit(exc)
        finally:
            self.finished.emit()


class BackgroundTask:
    """A :class:`Worker` moved to its own QThread; the thread quits when the worker finishes.

    Connect to ``task.worker``'s signals, then call :meth:`start`. Keep the task
    referenced until ``thread.finished``; :meth:`wait` bounds how long a caller blocks.
    """

    def __init__(self, job: Job, on_stop: Callable[[], None] | None = None) -> None:
        self.worker = Worker(job, on_stop)
        self.thread = QThread()
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        # Direct: quit() is thread-safe, and a queued call would wait for a GUI thread that
        # may itself be blocked in wait() (closing the window).
        self.worker.finished.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)

    def start(self) -> None:
        """Start the thread (and so the job)."""
        self.thread.start()

    def stop(self) -> None:
        """Ask the job to stop (see :meth:`Worker.stop`)."""
        self.worker.stop()

    def is_running(self) -> bool:
        """True while the thread runs."""
        return self.thread.isRunning()

    def wait(self, timeout_ms: int) -> bool:
        """Block at most ``timeout_ms`` for the thread to end; True if it has ended."""
        return self.thread.wait(timeout_ms)
