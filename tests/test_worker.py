"""The generic QThread worker: signals in order, errors reported, stop honoured, finished always."""

import threading

import pytest

from convviz.ui.worker import BackgroundTask


@pytest.fixture
def tasks():
    started = []
    yield started
    for task in started:
        task.stop()
        assert task.wait(5000)


def _task(tasks, job, on_stop=None):
    task = BackgroundTask(job, on_stop)
    tasks.append(task)
    return task


def test_yielded_values_arrive_in_order_then_finished(qtbot, tasks):
    task = _task(tasks, lambda emit: [emit(i) for i in range(50)] and "done")
    got = []
    task.worker.yielded.connect(got.append)
    with qtbot.waitSignals(
        [task.worker.started, task.worker.finished, task.thread.finished], order="strict", timeout=5000
    ):
        task.start()
    assert got == list(range(50))
    assert task.worker.result == "done"
    assert not task.is_running()


def test_job_runs_off_the_gui_thread(qtbot, tasks):
    seen = {}
    task = _task(tasks, lambda emit: seen.setdefault("thread", threading.current_thread()))
    with qtbot.waitSignal(task.thread.finished, timeout=5000):
        task.start()
    assert seen["thread"] is not threading.main_thread()


def test_exception_becomes_errored_and_finished_still_fires(qtbot, tasks):
    def job(emit):
        emit("first")
        raise ValueError("bad digits")

    task = _task(tasks, job)
    errors, got = [], []
    task.worker.errored.connect(errors.append)
    task.worker.yielded.connect(got.append)
    with qtbot.waitSignals([task.worker.errored, task.worker.finished], order="strict", timeout=5000):
        task.start()
    assert got == ["first"]
    assert len(errors) == 1 and isinstance(errors[0], ValueError)
    assert str(errors[0]) == "bad digits"
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
    with qtbot.waitSignal(task.worker.yielded, timeout=5000):
        task.start()
    assert task.is_running()
    with qtbot.waitSignal(task.worker.finished, timeout=5000):
        task.stop()
    assert stopped_by_callback.is_set()
    assert task.worker.stop_requested
    assert task.wait(5000)
