"""The Training tab's background work: one job at a time, and the threads still winding down.

Each job is a :class:`~convviz.ui.worker.BackgroundTask` (training, saving or loading) with the
one worker signal shape; failures go to the tab's message bar through
:func:`~convviz.ui.worker.report_failures`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from convviz.ui.message_bar import MessageBar
from convviz.ui.worker import BackgroundTask, Job, report_failures

# Workers still running after shutdown's wait: kept referenced so their QThread is never
# destroyed while it runs (that would abort the process); they end on their own.
_LEFT_RUNNING: list[BackgroundTask] = []


class TaskSlot:
    """Holds the running task and its kind ("train", "save", "load"); "" and None when idle."""

    def __init__(self, bar: MessageBar) -> None:
        self.bar = bar
        self.task: BackgroundTask | None = None
        self.kind = ""
        self._ending: list[BackgroundTask] = []  # finished workers whose thread is still winding down

    def start(self, kind: str, job: Job, on_stop: Callable[[], None] | None, *, progress, done, finished) -> None:
        """Run ``job`` in a new thread; ``progress``, ``done`` and ``finished`` get the worker's signals."""
        task = BackgroundTask(job, on_stop)
        task.worker.progress.connect(progress)
        task.worker.done.connect(done)
        report_failures(task.worker, self.bar)
        task.worker.finished.connect(finished)
        self.task, self.kind = task, kind
        task.start()

    def release(self) -> tuple[BackgroundTask | None, str]:
        """Let go of the finished task (kept only while its thread still runs); returns it and its kind."""
        task, kind = self.task, self.kind
        self.task, self.kind = None, ""
        # The thread usually ends before the queued finished slot runs, so prune instead of relying
        # on thread.finished: a finished task kept here would pin its session, data and model.
        self._ending = [t for t in self._ending if t.thread.isRunning()]
        if task is not None and task.thread.isRunning():
            self._ending.append(task)
        return task, kind

    def shutdown(self, wait_ms: int) -> None:
        """Stop every task; wait at most ``wait_ms`` in total, then leave the stragglers running."""
        running = [task for task in [self.task, *self._ending] if task is not None]
        for task in running:
            task.stop()
        deadline = time.monotonic() + wait_ms / 1000
        for task in running:
            if not task.wait(max(0, int((deadline - time.monotonic()) * 1000))):
                _LEFT_RUNNING.append(task)
                print("convviz: training is still finishing a step; leaving it behind", file=sys.stderr)
