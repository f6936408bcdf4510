"""One shape for every background job: ``started / progress / done / failed / finished``.

A :class:`Worker` wraps a job ``job(emit) -> result``. What the job passes to ``emit`` arrives
as ``progress(obj)``; its return value as ``done(result)``; an exception escaping it as
``failed(message, exc)``, where ``message`` is one line (:func:`convviz.core.errors.first_line`);
``finished`` fires afterwards in every case. A job may also be a generator function: each
``yield`` is a ``progress`` report and a checkpoint where :meth:`Worker.stop` is honoured
(a stopped generator ends without ``done``).

Three ways to run a worker, one signal shape (after superqt's thread workers):

* :class:`BackgroundTask`: its own QThread, for one long stoppable job (a training run);
* :class:`JobQueue`: one persistent QThread running submitted workers one at a time, in
  order, for a view whose state must stay in one thread (the inspector's model);
* :class:`GuiTask`: a generator job stepped by the GUI thread's event loop, for work that
  must touch widgets (rendering export frames) but should not freeze the window.

Connect to a worker's signals before it starts; :func:`report_failures` is the one path from
``failed`` to a tab's :class:`~convviz.ui.message_bar.MessageBar`.
"""

from __future__ import annotations

import inspect
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import Any

from PyQt6.QtCore import QObject, Qt, QThread, QTimer, pyqtSignal, pyqtSlot

from convviz.core.errors import first_line
from convviz.ui.message_bar import MessageBar

Emit = Callable[[object], None]
Job = Callable[[Emit], Any]
# Queues whose thread outlived close(): kept referenced so their QThread is never destroyed
# while it runs (that would abort the process); the thread ends when its job does.
_LEFT_RUNNING: list[JobQueue] = []


class Worker(QObject):
    """One job and its signals; :meth:`run` runs it in the calling thread (a runner decides which)."""

    started = pyqtSignal()
    progress = pyqtSignal(object)
    done = pyqtSignal(object)  # the job's return value
    failed = pyqtSignal(str, object)  # (one-line message, the exception)
    finished = pyqtSignal()  # always, last

    def __init__(self, job: Job, on_stop: Callable[[], None] | None = None, context: str = "") -> None:
        super().__init__()
        self._job = job
        self._on_stop = on_stop
        self._context = context  # prefixes the failure line, e.g. "Cannot inspect this model"
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
        """Run the whole job now, in this thread."""
        for _ in self.steps():
            pass

    def steps(self) -> Iterator[None]:
        """The job as steps (one per ``yield`` of a generator job); :class:`GuiTask` spaces them out."""
        self.started.emit()
        try:
            result = self._job(self.progress.emit)
            if inspect.isgenerator(result):
                result = yield from self._checkpoints(result)
                if self.stop_requested:
                    return
            self.result = result
            self.done.emit(result)
        except Exception as exc:  # every error goes to one place: the failed signal
            self._fail(exc)
        finally:
            self.finished.emit()

    def _checkpoints(self, generator):
        while not self.stop_requested:
            try:
                value = next(generator)
            except StopIteration as end:
                return end.value
            self.progress.emit(value)
            yield
        generator.close()
        return None

    def _fail(self, exc: Exception) -> None:
        message = first_line(exc)
        if self._context:
            message = f"{self._context}: {message}"
        if self.receivers(self.failed) == 0:
            traceback.print_exception(exc)
        self.failed.emit(message, exc)


def report_failures(worker: Worker, bar: MessageBar) -> None:
    """The one error path: each failure of ``worker`` becomes one line in ``bar``.

    A refusal in words (a ValueError such as a file the gate refused, or an OSError) is the whole
    story; anything else also leaves its traceback on stderr for a bug report.
    """
    worker.failed.connect(lambda message, exc: bar.show_failure(message, failure_details(exc)))


def failure_details(exc: BaseException) -> str:
    """The traceback worth printing for ``exc``: none for refusals in words, the full one for bugs."""
    if isinstance(exc, (ValueError, OSError)):
        return ""
    return "".join(traceback.format_exception(exc))


class BackgroundTask:
    """A :class:`Worker` moved to its own QThread; the thread quits when the worker finishes.

    Connect to ``task.worker``'s signals, then call :meth:`start`. Keep the task
    referenced until ``thread.finished``; :meth:`wait` bounds how long a caller blocks.
    """

    def __init__(self, job: Job, on_stop: Callable[[], None] | None = None, context: str = "") -> None:
        self.worker = Worker(job, on_stop, context)
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


class _Runner(QObject):
    """Lives in the queue's thread: runs each worker it is handed, in arrival order."""

    def __init__(self, queue: JobQueue) -> None:
        super().__init__()
        self._queue = queue

    @pyqtSlot(object)
    def run(self, worker: Worker) -> None:
        """Run ``worker`` here, unless the queue closed while it waited."""
        if self._queue.closed:  # still queued at close: never started, reports nothing
            return
        self._queue.current = worker
        try:
            worker.run()
        finally:
            self._queue.current = None


class JobQueue(QObject):
    """One persistent thread running submitted :class:`Worker` s one at a time, in order.

    State the jobs keep (e.g. a model) stays in that thread. :meth:`close` drops what has not
    started, stops the running job and ends the thread.
    """

    _handed = pyqtSignal(object)

    def __init__(self, name: str = "jobs", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.closed = False
        self.current: Worker | None = None
        self._pending: set[Worker] = set()  # referenced until finished: Qt does not own them
        self.thread = QThread()
        self.thread.setObjectName(name)
        self._runner = _Runner(self)
        self._runner.moveToThread(self.thread)
        self._handed.connect(self._runner.run)  # queued: the runner lives in the thread
        self.thread.start()

    def submit(self, worker: Worker) -> bool:
        """Queue ``worker`` (connect to its signals first); False once the queue is closed."""
        if self.closed:
            return False
        self._pending.add(worker)
        worker.finished.connect(lambda: self._pending.discard(worker))
        self._handed.emit(worker)
        return True

    def close(self, timeout_ms: int = 2000) -> bool:
        """Drop queued jobs, stop the running one, end the thread; True if it ended within ``timeout_ms``."""
        self.closed = True
        current = self.current
        if current is not None:
            current.stop()
        self.thread.quit()
        ended = self.thread.wait(timeout_ms)
        if not ended:
            _LEFT_RUNNING.append(self)
        return ended


class GuiTask(QObject):
    """A generator job stepped on the GUI thread, one step per event-loop turn, same signals.

    For work that must use widgets (grabbing frames to export): the window stays responsive
    between steps, and :meth:`stop` (a Cancel button) is honoured at the next ``yield``.
    """

    def __init__(self, job: Job, context: str = "", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = Worker(job, context=context)
        self._steps = self.worker.steps()
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)

    def start(self) -> None:
        """Begin; the steps then run from the event loop."""
        self._timer.start()

    def stop(self) -> None:
        """Ask the job to end at its next ``yield``."""
        self.worker.stop()

    def is_running(self) -> bool:
        """True until the job has finished."""
        return self._timer.isActive()

    def _step(self) -> None:
        try:
            next(self._steps)
        except StopIteration:
            self._timer.stop()
