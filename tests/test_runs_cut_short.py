"""A run cut short does not stay "running" forever: the window marks the folder of a trainer it
lost (killed, or closed mid-run) as ended with the reason, and a reader takes a running run whose
process is gone and whose events stopped growing as ended, saying so in one line."""

import json
import os
import signal
import subprocess
import sys
import time

from PyQt6.QtWidgets import QFileDialog

from convviz.core.runs import CUT_SHORT, RunFollower, RunReader, RunWriter, mark_ended, writer_gone
from convviz.core.runs.liveness import QUIET_S, pid_alive
from runs_fakes import write_run

os.environ["CONVVIZ_OFFLINE"] = "1"


def _dead_pid() -> int:
    """The id of a process that has ended and been reaped."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(timeout=30)
    return child.pid


def _cut_short_run(folder, pid: int, quiet: bool = True):
    """A run folder that says running, written by ``pid``, its events last touched QUIET_S + 1 s ago."""
    writer = RunWriter(folder, config={"epochs": 2})
    write_run(writer, epochs=1, end=False)
    writer._file.flush()
    info = json.loads((folder / "run.json").read_text())
    info["pid"] = pid
    (folder / "run.json").write_text(json.dumps(info))
    if quiet:
        past = time.time() - QUIET_S - 1
        for name in ("events.jsonl", "run.json"):
            os.utime(folder / name, (past, past))
    return writer


def test_mark_ended_marks_only_a_running_run(tmp_path):
    writer = _cut_short_run(tmp_path / "run", os.getpid(), quiet=False)
    assert mark_ended(tmp_path / "run", "the training process was killed (SIGKILL)")
    info = json.loads((tmp_path / "run" / "run.json").read_text())
    assert info["status"] == "ended" and info["reason"] == "the training process was killed (SIGKILL)"
    assert info["ended"] and info["config"] == {"epochs": 2}  # the rest of run.json is kept
    assert not mark_ended(tmp_path / "run", "again")  # already ended: left as it is
    assert [p.name for p in (tmp_path / "run").iterdir() if p.name.startswith(".")] == []  # no temp left
    reader = RunReader(tmp_path / "run")
    reader.poll()
    assert reader.finished and reader.end_note == "this run stopped without finishing (the training process was killed (SIGKILL))"
    writer._file.close()
    finished = tmp_path / "finished"
    with RunWriter(finished) as done:
        write_run(done, epochs=1)
    assert not mark_ended(finished, "late") and json.loads((finished / "run.json").read_text())["status"] == "finished"
    assert not mark_ended(tmp_path / "nothing", "no run")


def test_a_running_run_whose_process_is_gone_reads_as_ended(tmp_path):
    dead = _dead_pid()
    assert not pid_alive(dead) and pid_alive(os.getpid()) and not pid_alive(None)
    _cut_short_run(tmp_path / "gone", dead)
    follower = RunFollower(tmp_path / "gone")
    assert follower.poll() and not follower.done  # the events first
    follower.poll()
    assert follower.done and follower.note == CUT_SHORT
    _cut_short_run(tmp_path / "live", os.getpid())  # its writer is alive (this process): still live
    follower = RunFollower(tmp_path / "live")
    follower.poll()
    follower.poll()
    assert not follower.done and follower.note == "" and not follower.reader.finished
    _cut_short_run(tmp_path / "fresh", dead, quiet=False)  # just written to: wait for it to stay quiet
    assert not writer_gone(tmp_path / "fresh", RunReader(tmp_path / "fresh").info)


def test_a_folder_with_a_dead_writer_opens_as_ended_with_the_message(qtbot, tmp_path, monkeypatch):
    from convviz.ui.main_window import MainWindow

    monkeypatch.setenv("CONVVIZ_TRAINER", "thread")
    folder = tmp_path / "cut"
    _cut_short_run(folder, _dead_pid())
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(folder))
    file_menu = window.menuBar().actions()[0].menu()
    next(action for action in file_menu.actions() if action.text() == "&Open run…").trigger()
    tab = window.training
    qtbot.waitUntil(lambda: not window.run_source.timer.isActive(), timeout=5000)
    assert tab.messages.level == "warning"
    assert tab.messages.text == "This run stopped without finishing (its process is gone)."
    assert not tab.view.running and tab.curves.batch_count > 0
    assert not tab.controls.save_button.isEnabled()  # no model.keras in a run cut short


def test_a_trainer_killed_mid_run_leaves_its_folder_marked_ended(tmp_path):
    from convviz.training.trainer_client import TrainerClient
    from convviz.training.training_config import TrainingConfig

    client = TrainerClient(tmp_path)
    client.start(TrainingConfig(epochs=20, limit=2000, probe_every=2))
    batches, deadline = 0, time.monotonic() + 120
    try:
        while batches < 2:
            assert time.monotonic() < deadline, "no batches from the trainer"
            client.conn.poll(0.2)  # waits for the next message (not a sleep)
            for kind, value in client.poll():
                if kind == "events":
                    batches += sum(type(event).__name__ == "BatchEnd" for event in value)
        folder = client.run_dir
        assert folder is not None
        os.kill(client.pid, signal.SIGKILL)
        died = []
        while not died:
            assert time.monotonic() < deadline, "the death was never noticed"
            client.conn.poll(0.2)
            died = [value for kind, value in client.poll() if kind == "died"]
    finally:
        client.close()
    assert "killed by SIGKILL" in died[0]
    info = json.loads((tmp_path / os.path.basename(folder) / "run.json").read_text())
    assert info["status"] == "ended" and info["reason"] == "the training process was killed (SIGKILL)"
    assert RunReader(folder).end_note == "this run stopped without finishing (the training process was killed (SIGKILL))"
