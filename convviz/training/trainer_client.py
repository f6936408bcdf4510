"""The window's side of the trainer process: start it, steer it, read what it reports (no Qt).

``TrainerClient`` keeps one warm trainer: :meth:`warm_up` starts the child (it imports
TensorFlow and waits), and the same child trains run after run, so only the very first start
pays for TensorFlow. :meth:`poll` never blocks for long: it returns what has arrived, as
``(kind, value)`` pairs: ``("ready", None)``, ``("run", folder)``, ``("events", [event, ...])``,
``("state", "paused" | "running" | "stopping")``, ``("ended", model_path)`` and, if the child
died, ``("died", message)`` with one line saying how and its last output. A run the child could
not end itself (killed, or closed mid-run) is marked ended in its folder, with the reason.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import tempfile
from pathlib import Path

from convviz.core.runs import mark_ended
from convviz.training.trainer_wire import decode_events, probe_from_wire

__all__ = ["TrainerClient", "death_message"]

TAIL_LINES = 2
TAIL_CHARS = 100  # the message bar shows one line: the newest output that fits
# TensorFlow's C++ log prefix ("E0000 00:00:1795875577.549756    7941 cuda_platform.cc:52] "): noise here
_GLOG_PREFIX = re.compile(r"^[IWEF]\d{4} [\d:.]+\s+\d+ [\w.]+:\d+\] ")
# TensorFlow's start-up chatter on a CPU-only machine says nothing about why a run died
_STARTUP_NOISE = re.compile(r"cuInit|CUDA|cuda_|oneDNN|TF_ENABLE_ONEDNN_OPTS|cpu_feature_guard|"
                            r"TensorFlow binary|rebuild TensorFlow|All log messages before absl|"
                            r"floating-point round-off|computation placer|Unable to register")


class TrainerClient:
    """One trainer child process at a time; ``runs_dir`` is where it writes run folders (None: default)."""

    def __init__(self, runs_dir: str | os.PathLike | None = None) -> None:
        self.runs_dir = str(runs_dir) if runs_dir is not None else None
        self.process = None
        self.conn = None
        self.log_path: str | None = None
        self.ready = False
        self.running = False  # a run was sent and has not ended
        self.run_dir: str | None = None  # the folder of the run going in the child (None between runs)

    @property
    def pid(self) -> int | None:
        """The child's process id, or None without a child."""
        return self.process.pid if self.process is not None else None

    def warm_up(self) -> None:
        """Start the child now if there is none, so the next run finds TensorFlow imported."""
        if self.process is not None:
            return
        from convviz.training.trainer_process import child_main

        context = multiprocessing.get_context("spawn")
        parent_end, child_end = context.Pipe(duplex=True)
        handle, self.log_path = tempfile.mkstemp(prefix="convviz-trainer-", suffix=".log")
        os.close(handle)
        self.process = context.Process(target=child_main, args=(child_end, self.log_path, self.runs_dir),
                                       name="convviz-trainer", daemon=True)
        self.process.start()
        child_end.close()
        self.conn, self.ready = parent_end, False

    def start(self, config) -> None:
        """Train ``config`` (a TrainingConfig) in the child, starting one if needed."""
        self.warm_up()
        self.running = True
        self._send(("train", config))

    def pause(self) -> None:
        """Hold the run after its current batch (``("state", "paused")`` follows)."""
        self._send(("pause",))

    def resume(self) -> None:
        """Continue a paused run."""
        self._send(("resume",))

    def stop(self) -> None:
        """End the run after its current batch; the model trained so far is saved."""
        self._send(("stop",))

    def poll(self, budget: int = 64) -> list[tuple]:
        """What has arrived (at most ``budget`` messages), decoded; see the module docstring."""
        out: list[tuple] = []
        try:
            while self.conn is not None and len(out) < budget and self.conn.poll():
                out.append(self._receive())
        except (EOFError, OSError):
            out.append(("died", self._bury()))
        return out

    def _receive(self) -> tuple:
        message = self.conn.recv()
        kind = message[0]
        if kind == "probe":
            probe = probe_from_wire(message[1], self.conn.recv_bytes())
            self._send(("ack",))
            return "events", [probe]
        if kind == "events":
            return "events", decode_events(message[1])
        if kind == "ready":
            self.ready = True
        if kind == "run":
            self.run_dir = message[1]
        if kind == "ended":
            self.running, self.run_dir = False, None
        return kind, (message[1] if len(message) > 1 else None)

    def _send(self, message: tuple) -> None:
        try:
            if self.conn is not None:
                self.conn.send(message)
        except (OSError, EOFError):  # the child is gone: poll() reports it
            pass

    def _bury(self) -> str:
        """The child ended on its own: reap it, forget it, and say in words what happened."""
        process, log_path = self.process, self.log_path
        process.join(1.0)
        message = death_message(process.exitcode, log_path)
        if self.run_dir is not None:
            mark_ended(self.run_dir, f"the training process was {_how(process.exitcode)}")
        self._forget()
        return message

    def close(self, timeout: float = 1.5) -> None:
        """End the child: ask (while it runs), then terminate, then kill; returns within about ``timeout`` + 0.4 s.

        An idle child (warm, no run) holds nothing to save: it is terminated at once, so closing an idle
        window takes no time (asking made TensorFlow's teardown cost ~0.5 s).
        """
        process = self.process
        if process is None:
            return
        if self.running:  # let it end its run and write its folder
            self._send(("quit",))
            process.join(timeout)
        for end in (process.terminate, process.kill):
            if process.is_alive():
                end()
                process.join(0.2)
        self._drain()
        if self.run_dir is not None and not process.is_alive():  # it could not end its run: say so in the folder
            mark_ended(self.run_dir, "the window was closed while it ran")
        self._forget()

    def _drain(self) -> None:
        """Read what the child sent before it ended (its run folder may be among it)."""
        try:
            while self.conn is not None and self.conn.poll():
                self._receive()
        except (EOFError, OSError):
            pass

    def _forget(self) -> None:
        if self.conn is not None:
            self.conn.close()
        if self.log_path:
            Path(self.log_path).unlink(missing_ok=True)
        self.process = self.conn = self.log_path = self.run_dir = None
        self.ready = self.running = False


def death_message(exitcode: int | None, log_path: str | None) -> str:
    """One line: how the trainer ended and the last lines it wrote."""
    if exitcode is not None and exitcode < 0:
        try:
            how = f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"killed by signal {-exitcode}"
    else:
        how = f"exit code {exitcode}"
    tail = _tail(log_path)
    return (f"The training process ended unexpectedly ({how}); last lines of its output: "
            f"{tail or '(none)'}")


def _how(exitcode: int | None) -> str:
    """How the child ended, for its run folder: "killed (SIGKILL)", "ended with exit code 1"."""
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed ({signal.Signals(-exitcode).name})"
        except ValueError:
            return f"killed (signal {-exitcode})"
    return f"ended with exit code {exitcode}"


def _tail(log_path: str | None) -> str:
    try:
        with open(log_path, "rb") as handle:
            handle.seek(max(0, os.path.getsize(log_path) - 4096))
            text = handle.read().decode("utf-8", "replace")
    except (OSError, TypeError):
        return ""
    lines = [_GLOG_PREFIX.sub("", line.strip()) for line in text.splitlines()
             if line.strip() and not _STARTUP_NOISE.search(line)][-TAIL_LINES:]
    tail = " | ".join(lines)
    return tail if len(tail) <= TAIL_CHARS else "…" + tail[1 - TAIL_CHARS:]
