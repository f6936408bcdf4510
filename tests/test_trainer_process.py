"""The Training tab trains in a child process: batches arrive, the controls answer within 0.3 s, a
killed trainer is reported in words and replaced, closing ends it. One window (and so one warm
trainer) serves the whole module; every child is gone at the end (checked in /proc)."""

import json
import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest

os.environ["CONVVIZ_OFFLINE"] = "1"

RUN_TIMEOUT_MS = 60_000
STEERING_S = 0.3


def _alive(pid: int) -> bool:
    """True while ``pid`` is in the process table and not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory):
    from convviz.ui.main_window import MainWindow

    runs = tmp_path_factory.mktemp("runs")
    os.environ["CONVVIZ_RUNS_DIR"] = str(runs)
    os.environ["CONVVIZ_TRAINER"] = "process"
    pids = []
    window = MainWindow()
    window.pids = pids
    window.show()
    try:
        yield window
    finally:
        window.close()
        os.environ.pop("CONVVIZ_RUNS_DIR", None)
        os.environ.pop("CONVVIZ_TRAINER", None)
        for pid in pids:  # whatever a test did, no trainer outlives the module
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        assert not [pid for pid in pids if _alive(pid)]
        assert multiprocessing.active_children() == []


def _start(qtbot, window, epochs=1, limit=300):
    tab = window.training
    tab.limit, tab.probe_every = limit, 2
    tab.controls.epochs.setValue(epochs)
    tab.controls.run_button.click()
    assert tab.controls.state == "running"
    qtbot.waitUntil(lambda: tab.link.client.pid is not None, timeout=5000)
    window.pids.append(tab.link.client.pid)
    return tab


def _elapsed_until(qtbot, condition, started: float) -> float:
    qtbot.waitUntil(condition, timeout=5000)
    return time.perf_counter() - started


def test_a_run_trains_in_the_child_and_the_inspector_gets_its_own_copy(qtbot, window):
    tab = _start(qtbot, window)
    assert tab.link.client.pid != os.getpid()
    qtbot.waitUntil(lambda: tab.controls.state == "idle", timeout=RUN_TIMEOUT_MS)
    assert tab.messages.level != "error", tab.messages.text
    assert window.inspector.info is None  # the inspector loads nothing until it is shown
    assert tab.controls.save_button.isEnabled()  # Save model… copies the run's model.keras
    assert tab.event_counts["BatchEnd"] == 5 and tab.event_counts["Finished"] == 1  # ceil(300 / 64)
    assert tab.curves.batch_count == 5 and len(tab.view.snapshots) >= 3
    folder = Path(tab.run_folder.text().removeprefix("Run folder: "))
    assert folder.parent == Path(os.environ["CONVVIZ_RUNS_DIR"]) and (folder / "model.keras").is_file()
    assert tab.model_path == str(folder / "model.keras") and tab.model is None  # the window loaded nothing
    with qtbot.waitSignal(window.inspector.inspected, timeout=RUN_TIMEOUT_MS):  # shown: it loads its own copy
        window.tabs.setCurrentWidget(window.inspector)
    assert window.inspector.jobs._model._inspector.model is not None  # the inspector's model, in its own thread
    assert tab.link.client.process.is_alive()  # the trainer stays warm for the next run
    window.tabs.setCurrentWidget(tab)


def test_pause_resume_and_stop_each_within_0_3_s(qtbot, window):
    tab = _start(qtbot, window, epochs=20, limit=2000)
    qtbot.waitUntil(lambda: tab.event_counts["BatchEnd"] >= 3, timeout=RUN_TIMEOUT_MS)
    started = time.perf_counter()
    tab.controls.run_button.click()  # Pause
    assert _elapsed_until(qtbot, lambda: tab.session.wait_until_paused(0), started) <= STEERING_S
    held = tab.event_counts["BatchEnd"]
    qtbot.wait(300)  # nothing may arrive while it holds (beyond the batch that was in flight)
    assert tab.event_counts["BatchEnd"] <= held + 1
    held = tab.event_counts["BatchEnd"]
    started = time.perf_counter()
    tab.controls.run_button.click()  # Resume
    assert _elapsed_until(qtbot, lambda: tab.event_counts["BatchEnd"] > held, started) <= STEERING_S
    started = time.perf_counter()
    tab.controls.stop_button.click()
    # the child takes the stop (training ends after the batch in progress), then scores the test set
    assert _elapsed_until(qtbot, lambda: tab.event_counts["EpochEnd"] >= 1, started) <= STEERING_S
    qtbot.waitUntil(lambda: tab.controls.state == "idle", timeout=RUN_TIMEOUT_MS)
    assert tab.event_counts["EpochEnd"] == 1 and "stopped early" in tab.results.summary.text()
    assert tab.model_path.endswith("model.keras") and Path(tab.model_path).is_file()  # stop keeps the model so far


def test_a_killed_trainer_is_reported_in_words_and_train_works_again(qtbot, window):
    tab = _start(qtbot, window, epochs=20, limit=2000)
    qtbot.waitUntil(lambda: tab.event_counts["BatchEnd"] >= 2, timeout=RUN_TIMEOUT_MS)
    os.kill(tab.link.client.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: tab.messages.level == "error", timeout=5000)
    text = tab.messages.text
    assert text.startswith("The training process ended unexpectedly (killed by SIGKILL); last lines of its output:")
    assert "\n" not in text and window.isVisible() and tab.controls.state == "idle"
    info = json.loads((Path(tab.run_folder.path) / "run.json").read_text())  # the folder says it was cut short
    assert info["status"] == "ended" and info["reason"] == "the training process was killed (SIGKILL)"
    tab = _start(qtbot, window)
    qtbot.waitUntil(lambda: tab.controls.state == "idle", timeout=RUN_TIMEOUT_MS)
    assert tab.event_counts["Finished"] == 1 and tab.messages.level != "error"


def test_closing_the_window_ends_the_trainer_within_2_s(qtbot, window):
    tab = _start(qtbot, window, epochs=20, limit=2000)
    qtbot.waitUntil(lambda: tab.event_counts["BatchEnd"] >= 2, timeout=RUN_TIMEOUT_MS)
    pid = tab.link.client.pid
    started = time.perf_counter()
    window.close()
    assert time.perf_counter() - started <= 2.0
    assert not _alive(pid) and multiprocessing.active_children() == []
    info = json.loads((Path(tab.run_folder.path) / "run.json").read_text())
    assert info["status"] in ("stopped", "ended"), info  # saved and ended by the child, or marked by the window
    assert info["status"] == "stopped" or info["reason"] == "the window was closed while it ran"


def test_the_outbox_keeps_one_probe_in_flight_and_coalesces_batches():
    """Back-pressure without a window: the training thread never waits, and what waits is bounded."""
    import threading

    from runs_fakes import batch, epoch, probe

    from convviz.training.trainer_process import Outbox
    from convviz.training.trainer_wire import probe_from_wire, probe_header

    sent, arrived = [], threading.Event()

    class Link:
        def send(self, message):
            sent.append(message)
            arrived.set()

        def send_probe(self, event):
            sent.append(("probe", event.step))
            arrived.set()

    outbox = Outbox(Link(), interval=0.01)
    outbox(probe(0))
    assert arrived.wait(2)
    for step in range(1, 200):  # the window has not acknowledged probe 0: later probes replace each other
        outbox(batch(step))
        outbox(probe(step))
    outbox(epoch(0, 199))  # a rare event sends the newest waiting probe before it, in order
    outbox.close()
    probes = [message[1] for message in sent if message[0] == "probe"]
    assert probes == [0, 199] and outbox.dropped_probes == 198
    batches = [record for message in sent if message[0] == "events" for record in message[1]
               if record["type"] == "BatchEnd"]
    assert [record["step"] for record in batches] == list(range(1, 200))
    assert len([message for message in sent if message[0] == "events"]) < 100  # bundled, not one by one
    assert sent[-1][0] == "events" and sent[-1][1][0]["type"] == "EpochEnd"
    header, blob = probe_header(probe(7))
    again = probe_from_wire(header, blob)
    assert len(blob) == sum(array.nbytes for array in (again.sample, again.probabilities,
                                                       *again.kernels.values(), *(a for _, a in again.activations)))
    assert again.step == 7 and (again.activations[0][1] == probe(7).activations[0][1]).all()


def test_the_death_message_skips_tensorflows_start_up_chatter(tmp_path):
    from convviz.training.trainer_client import death_message

    log = tmp_path / "trainer.log"
    log.write_text(
        "E0000 00:00:1795875577.549756    7941 cuda_executor.cc:1309] failed call to cuInit: "
        "INTERNAL: CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)\n"
        "MemoryError: Unable to allocate 3.9 GiB for an array\n"
        "I0000 00:00:1795875577.6 7941 cpu_feature_guard.cc:210] This TensorFlow binary is optimized\n")
    message = death_message(-9, str(log))
    assert message.startswith("The training process ended unexpectedly (killed by SIGKILL)")
    assert "MemoryError: Unable to allocate 3.9 GiB" in message
    assert "cuInit" not in message and "TensorFlow binary" not in message
    assert "\n" not in message
