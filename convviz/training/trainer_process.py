"""The trainer process: the child that runs every training run of the window (no Qt).

:func:`child_main` is the child's whole life: send its output to a log file, import TensorFlow,
say ``ready``, then run each ``train`` command it gets as a :class:`TrainingSession` written into
a run folder, until ``quit`` or the parent goes away. What crosses the pipe is described in
:mod:`convviz.training.trainer_wire`.

Three threads in the child: the main thread trains; a reader takes the parent's commands
(pause, resume and stop reach the session at once, between two batches); a sender is the only
one writing to the pipe. Training never waits for the window: it hands events to an
:class:`Outbox` and goes on. The outbox coalesces batches and keeps at most one probe waiting
(a newer one replaces it); a probe goes out only once the window acknowledged the previous one.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from dataclasses import asdict

from convviz.core.runs import RunWriteError, RunWriter, json_ready, new_run_dir, to_record
from convviz.core.runs.test_predictions import FILE_NAME as PREDICTIONS_FILE
from convviz.training.trainer_wire import probe_header

SEND_INTERVAL_S = 0.05  # batches go out in bundles at most this often


class Outbox:
    """Events from the training thread, sent by a thread of their own; never blocks the caller."""

    def __init__(self, link: ChildLink, interval: float = SEND_INTERVAL_S) -> None:
        self._link = link
        self._interval = interval
        self._ready = threading.Condition()
        self._ordered: list[tuple] = []  # messages that go out in this order
        self._batches: list[dict] = []
        self._probe = None  # the newest probe not yet sent
        self._probe_in_flight = False
        self.dropped_probes = 0
        self._closed = False
        self._thread = threading.Thread(target=self._send_loop, name="trainer-sender", daemon=True)
        self._thread.start()

    def __call__(self, event) -> None:
        """Take one event from the session (the training thread)."""
        kind = type(event).__name__
        with self._ready:
            if kind == "BatchEnd":
                self._batches.append(to_record(event))
                return
            if kind == "Probe":
                self.dropped_probes += self._probe is not None
                self._probe = event
                if self._probe_in_flight:  # it waits for the window's ack: nothing to wake the sender for
                    return
            else:  # a rare event: everything before it goes first, in order, the waiting probe too
                self._move_pending()
                self._ordered.append(("events", [to_record(event)]))
            self._ready.notify()

    def put(self, message: tuple) -> None:
        """Send ``message`` after everything taken so far."""
        with self._ready:
            self._move_pending()
            self._ordered.append(message)
            self._ready.notify()

    def acknowledged(self) -> None:
        """The window has taken the last probe: the next one may go."""
        with self._ready:
            self._probe_in_flight = False
            self._ready.notify()

    def close(self, timeout: float = 1.0) -> None:
        """Send what is left, then end the sender thread."""
        with self._ready:
            self._move_pending()
            self._closed = True
            self._ready.notify()
        self._thread.join(timeout)

    def _move_pending(self) -> None:
        if self._batches:
            self._ordered.append(("events", self._batches))
            self._batches = []
        if self._probe is not None:
            self._ordered.append(("probe", self._probe))
            self._probe = None

    def _take(self) -> list[tuple]:
        with self._ready:
            if not (self._ordered or self._closed):
                self._ready.wait(self._interval)
            messages, self._ordered = self._ordered, []
            if self._batches:
                messages.append(("events", self._batches))
                self._batches = []
            if self._probe is not None and not self._probe_in_flight:
                messages.append(("probe", self._probe))
                self._probe = None
            if any(message[0] == "probe" for message in messages):
                self._probe_in_flight = True
            return messages

    def _send_loop(self) -> None:
        while True:
            closing = self._closed
            for message in self._take():
                if message[0] == "probe":
                    self._link.send_probe(message[1])
                else:
                    self._link.send(message)
            if closing:
                return


class ChildLink:
    """The child's end of the pipe: one lock for writers, a reader thread for commands."""

    def __init__(self, conn) -> None:
        self.conn = conn
        self.commands: queue.Queue = queue.Queue()  # "train" and "quit", for the main thread
        self.session = None
        self.outbox: Outbox | None = None
        self._lock = threading.Lock()
        self._steering = threading.Lock()
        self._early: list[str] = []  # pause/stop for a run not started yet (still warming up, or queued)

    def send(self, message: tuple) -> None:
        """Send one message (any thread); a parent gone away is ignored (quit follows)."""
        try:
            with self._lock:
                self.conn.send(message)
        except (OSError, EOFError, BrokenPipeError):
            pass

    def send_probe(self, probe) -> None:
        """Send a probe as a header and one block of raw array bytes."""
        header, blob = probe_header(probe)
        try:
            with self._lock:
                self.conn.send(("probe", header))
                self.conn.send_bytes(blob)
        except (OSError, EOFError, BrokenPipeError):
            pass

    def read_commands(self) -> None:
        """The reader thread: steer the running session, queue the rest for the main thread."""
        while True:
            try:
                command = self.conn.recv()
            except (EOFError, OSError):
                command = ("quit",)
            name, session = command[0], self.session
            if name in ("pause", "resume", "stop"):
                with self._steering:
                    if self.session is None:
                        self._early.append(name)
                    else:
                        self._steer(self.session, name)
            elif name == "ack" and self.outbox is not None:
                self.outbox.acknowledged()
            elif name in ("train", "quit"):
                with self._steering:
                    self._early.clear()  # what came before this command belonged to no run
                if name == "quit" and session is not None:
                    session.stop()
                self.commands.put(command)
                if name == "quit":
                    return

    def attach(self, session) -> None:
        """Steer ``session`` from now on (None: no run), applying what was asked before it started."""
        with self._steering:
            self.session = session
            early, self._early = self._early, []
            for name in early if session is not None else ():
                self._steer(session, name)

    def _steer(self, session, name: str) -> None:
        getattr(session, name)()
        if name == "pause":  # say so once training really holds (after the current batch)
            def confirm():
                if session.wait_until_paused(5.0) and session.paused:
                    self.send(("state", "paused"))
            threading.Thread(target=confirm, daemon=True).start()
        else:
            self.send(("state", "running" if name == "resume" else "stopping"))


def child_main(conn, log_path: str, runs_dir: str | None) -> None:
    """The trainer process: warm up, then train every run it is sent until told to quit."""
    _redirect_output(log_path)
    import tensorflow  # noqa: F401  (imported now, so a run starts without waiting for it)

    link = ChildLink(conn)
    threading.Thread(target=link.read_commands, name="trainer-commands", daemon=True).start()
    warm_model()
    link.send(("ready",))
    while True:
        command = link.commands.get()
        if command[0] == "quit":
            break
        run_one(link, command[1], runs_dir)
    conn.close()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # TensorFlow's thread pools can hold a normal exit for seconds; the run is on disk


def warm_model() -> None:
    """Build, compile and trace the tutorial's model on a few bundled digits, sending nothing: a first
    run of it then reuses it (see :mod:`convviz.training.compiled_models`) and starts at once."""
    from convviz.assets import bundled_digits, bundled_test_digits
    from convviz.training.dataset import limited, split_train_test
    from convviz.training.session import TrainingConfig, TrainingSession

    (x, y), (x_test, y_test) = bundled_digits(), bundled_test_digits()
    data = limited(split_train_test(x, y, x_test, y_test, "bundled MNIST", "warm-up", validation=100), 128)
    session = TrainingSession(TrainingConfig(epochs=1, probe_every=0), dataset=data)
    session.run(lambda event: session.stop() if type(event).__name__ == "BatchEnd" else None)


def run_one(link: ChildLink, config, runs_dir: str | None) -> None:
    """Train ``config`` once, into a new run folder, reporting through ``link``."""
    from convviz.training.events import Failed
    from convviz.training.session import TrainingSession

    session = TrainingSession(config)
    outbox = link.outbox = Outbox(link)
    link.attach(session)
    ended = {"finished": False}
    try:
        writer = RunWriter(new_run_dir(runs_dir, label=config.model), config=json_ready(asdict(config)),
                           source="convviz app")
    except RunWriteError as exc:
        outbox(Failed(str(exc)))
        writer = None
    model_path = ""
    if writer is not None:
        outbox.put(("run", str(writer.path)))
        session.predictions_path = writer.path / PREDICTIONS_FILE  # the window reads it for its error analysis

        def emit(event) -> None:
            writer(event)
            ended["finished"] |= type(event).__name__ == "Finished"
            outbox(event)

        session.run(emit)
        model_path = _save(writer, session.model if ended["finished"] else None, outbox)
    outbox.put(("ended", model_path))
    outbox.close()
    link.attach(None)
    link.outbox = None


def _save(writer: RunWriter, model, outbox: Outbox) -> str:
    from convviz.training.events import Failed

    try:
        return str(writer.save_model(model)) if model is not None else ""
    except Exception as exc:  # a full disk: the run stays, without its model
        outbox(Failed(f"Could not save the model into the run folder: {exc}"))
        return ""
    finally:
        writer.close()


def _redirect_output(log_path: str) -> None:
    """Send this process's stdout and stderr (Python's and TensorFlow's C++ logs) to ``log_path``."""
    handle = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(handle, 1)
    os.dup2(handle, 2)
    os.close(handle)
    sys.stdout = open(1, "w", buffering=1, closefd=False)
    sys.stderr = open(2, "w", buffering=1, closefd=False)


__all__ = ["ChildLink", "Outbox", "child_main", "run_one"]
