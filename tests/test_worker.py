"""The one worker shape (started / progress / done / failed / finished) on its three runners:
a task with its own thread, a queue of jobs on one persistent thread, and the GUI-thread runner."""

import threading
import time

import pytest

from convviz.ui.message_bar import MessageBar
from convviz.ui.worker import BackgroundTask, GuiTask, JobQueue, Worker, report_failures


@pytest.fixture
def tasks():
    started = []
    yield started
    for task in started:
        task.stop()
        assert task.wait(5000)


@pytest.fixture
def queue():
    jobs = JobQueue("test")
    yield jobs
    assert jobs.close(2000)


def _task(tasks, job, on_stop=None):
    task = BackgroundTask(job, on_stop)
    tasks.append(task)
    return task


def test_progress_arrives_in_order_then_done_then_finished(qtbot, tasks):
    task = _task(tasks, lambda emit: [emit(i) for i in range(50)] and "result")
    got, done = [], []
    task.worker.progress.connect(got.append)
    task.worker.done.connect(done.append)
    with qtbot.waitSignals([task.worker.started, task.worker.done, task.worker.finished, task.thread.finished],
                           order="strict", timeout=5000):
        task.start()
    assert got == list(range(50))
    assert done == ["result"] == [task.worker.result]
    assert not task.is_running()


def test_job_runs_off_the_gui_thread(qtbot, tasks):
    seen = {}
    task = _task(tasks, lambda emit: seen.setdefault("thread", threading.current_thread()))
    with qtbot.waitSignal(task.thread.finished, timeout=5000):
        task.start()
    assert seen["thread"] is not threading.main_thread()


def test_exception_becomes_failed_with_one_line_and_finished_still_fires(qtbot, tasks):
    def job(emit):
        emit("first")
        raise ValueError("bad digits\nin the second line")

    task = _task(tasks, job)
    failures, got, done = [], [], []
    task.worker.failed.connect(lambda message, exc: failures.append((message, exc)))
    task.worker.progress.connect(got.append)
    task.worker.done.connect(done.append)
    with qtbot.waitSignals([task.worker.started, task.worker.failed, task.worker.finished],
                           order="strict", timeout=5000):
        task.start()
    assert got == ["first"] and done == []
    [(message, exc)] = failures
    assert message == "bad digits" and isinstance(exc, ValueError)
    assert task.wait(5000)


def test_stop_sets_the_flag_calls_back_and_the_job_ends(qtbot, tasks):
    go_on = threading.Event()
    stopped_by_callback = threading.Event()

    def job(emit):
        emit("running")
        count = 0
        while not task.worker.stop_requested:
            go_on.wait(0.01)
            count += 1
        return count

    task = _task(tasks, job, on_stop=stopped_by_callback.set)
    with qtbot.waitSignal(task.worker.progress, timeout=5000):
        task.start()
    assert task.is_running()
    with qtbot.waitSignal(task.worker.finished, timeout=5000):
        task.stop()
    assert stopped_by_callback.is_set()
    assert task.worker.stop_requested
    assert task.wait(5000)


def test_a_stopped_generator_job_ends_at_its_next_yield_without_done(qtbot, tasks):
    def job(emit):
        step = 0
        while True:
            yield step
            step += 1

    task = _task(tasks, job)
    done = []
    task.worker.done.connect(done.append)
    with qtbot.waitSignal(task.worker.progress, timeout=5000):
        task.start()
    with qtbot.waitSignal(task.worker.finished, timeout=5000):
        task.stop()
    assert done == []


def test_queued_jobs_run_in_order_on_one_thread_off_the_gui_thread(qtbot, queue):
    threads, results = [], []
    workers = [Worker(lambda emit, i=i: threads.append(threading.current_thread()) or i * 10) for i in range(5)]
    for worker in workers:
        worker.done.connect(results.append)
    with qtbot.waitSignals([worker.finished for worker in workers], order="strict", timeout=5000):
        for worker in workers:
            assert queue.submit(worker)
    assert results == [0, 10, 20, 30, 40]
    assert len(set(threads)) == 1 and threads[0] is not threading.main_thread()


def test_a_failing_queued_job_reports_and_the_next_still_runs(qtbot, queue):
    def broken(emit):
        raise OSError(28, "No space left on device")

    failing = Worker(broken, context="Cannot inspect this model")
    after = Worker(lambda emit: "fine")
    with qtbot.waitSignals([failing.failed, failing.finished, after.done], order="strict", timeout=5000) as blocker:
        queue.submit(failing)
        queue.submit(after)
    assert blocker.all_signals_and_args[0].args[0] == "Cannot inspect this model: No space left on device"


def test_failures_reach_the_message_bar_as_one_line(qtbot, queue):
    bar = MessageBar()
    qtbot.addWidget(bar)
    worker = Worker(lambda emit: 1 / 0)
    report_failures(worker, bar)
    with qtbot.waitSignal(bar.shown, timeout=5000):
        queue.submit(worker)
    assert (bar.level, bar.text) == ("error", "division by zero")


def test_a_closed_queue_stops_its_job_ends_within_two_seconds_and_drops_the_rest(qtbot):
    from PyQt6.QtWidgets import QApplication

    queue = JobQueue("closing")
    running, never_set = threading.Event(), threading.Event()

    def long_job(emit):
        running.set()
        while not worker.stop_requested:
            never_set.wait(0.005)  # one step of work; the stop flag is checked between steps

    worker, never = Worker(long_job), Worker(lambda emit: "never")
    ran = []
    never.started.connect(lambda: ran.append(True))
    queue.submit(worker)
    queue.submit(never)
    qtbot.waitUntil(running.is_set, timeout=5000)
    start = time.monotonic()
    with qtbot.waitSignal(worker.finished, timeout=5000):
        assert queue.close(2000)
    assert time.monotonic() - start < 2.0
    assert not queue.thread.isRunning()
    assert not queue.submit(Worker(lambda emit: None))
    QApplication.processEvents()  # deliver anything still queued: nothing may come from the dropped job
    assert ran == []


def test_gui_task_steps_on_the_gui_thread_with_the_same_signals(qtbot):
    threads = []

    def job(emit):
        for frame in range(3):
            threads.append(threading.current_thread())
            yield frame
        return "written"

    task = GuiTask(job)
    got = []
    task.worker.progress.connect(got.append)
    with qtbot.waitSignals([task.worker.started, task.worker.done, task.worker.finished],
                           order="strict", timeout=5000) as blocker:
        task.start()
        assert got == []  # nothing ran yet: the steps come from the event loop
    assert got == [0, 1, 2] and blocker.all_signals_and_args[1].args == ("written",)
    assert set(threads) == {threading.main_thread()}
    assert not task.is_running()


def test_gui_task_stop_is_honoured_at_the_next_yield(qtbot):
    def job(emit):
        for frame in range(1000):
            yield frame

    task = GuiTask(job)
    got, done = [], []
    task.worker.progress.connect(got.append)
    task.worker.progress.connect(lambda frame: frame == 2 and task.stop())
    task.worker.done.connect(done.append)
    with qtbot.waitSignal(task.worker.finished, timeout=5000):
        task.start()
    assert got == [0, 1, 2] and done == []


def test_refusals_in_words_leave_no_traceback_but_bugs_do():
    from convviz.ui.worker import failure_details

    def raised(exc):
        try:
            raise exc
        except Exception as caught:  # noqa: BLE001
            return caught

    assert failure_details(raised(ValueError("evil.keras: layer 'x' is a Lambda layer"))) == ""
    assert failure_details(raised(OSError(28, "No space left on device"))) == ""
    details = failure_details(raised(KeyError("a bug")))
    assert "Traceback" in details and "KeyError" in details
