"""Write a training run into a folder as it happens (see ``FORMAT.md`` beside this module).

Metrics go to ``events.jsonl``, one JSON line per event, handed to the operating system at
least every ``flush_interval`` seconds (and at once for every event that is not a batch), so
a run killed at any moment, even by SIGKILL, loses at most that fraction of a second. The
file is also fsynced every ``sync_interval`` seconds and at the end, for power cuts.
Snapshots, ``run.json``, ``summary.json`` and ``model.keras`` are each written whole or not
at all (temporary file, then rename).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from convviz.atomic import atomic_write
from convviz.core.runs.records import to_record
from convviz.core.runs.snapshots import DEFAULT_MAX_SNAPSHOTS, SnapshotBudget, save_snapshot

__all__ = ["FORMAT_VERSION", "RunWriter", "RunWriteError"]

FORMAT_VERSION = 1
FLUSH_INTERVAL_S = 0.2
SYNC_INTERVAL_S = 2.0


class RunWriteError(Exception):
    """The run folder cannot be written (one line for the user)."""


class RunWriter:
    """Append a run's events to the folder ``path``; call it with each event (it is an ``emit``).

    ``config`` (JSON-ready) is stored in ``run.json``; ``source`` says who wrote the run
    ("convviz train", "LiveCallback", "convviz app"). The folder may exist but must not hold a run.
    """

    def __init__(self, path, config: dict | None = None, source: str = "", *,
                 max_snapshots: int = DEFAULT_MAX_SNAPSHOTS, flush_interval: float = FLUSH_INTERVAL_S,
                 sync_interval: float = SYNC_INTERVAL_S):
        self.path = Path(path)
        self._budget = SnapshotBudget(max_snapshots)
        self._flush_interval, self._sync_interval = flush_interval, sync_interval
        try:
            if (self.path / "run.json").exists():
                raise RunWriteError(f"{self.path}: already holds a run; choose a new folder")
            (self.path / "snapshots").mkdir(parents=True, exist_ok=True)
            self.info = {"format": FORMAT_VERSION, "kind": "convviz-run", "source": source,
                         "created": _now(), "ended": None, "status": "running", "pid": os.getpid(),
                         "config": config or {}, "model": None, "max_snapshots": max_snapshots}
            self._write_json("run.json", self.info)
            self._file = open(self.path / "events.jsonl", "a", encoding="utf-8")
        except OSError as exc:
            raise RunWriteError(f"{self.path}: cannot write the run ({exc.strerror or exc})") from None
        self._probes = 0
        self._last_flush = self._last_sync = time.monotonic()
        self._status = "ended"
        self.closed = False

    def __call__(self, event, **extra) -> None:
        """Record ``event``; ``extra`` JSON-ready keys go into its line (e.g. all of Keras' logs)."""
        kind = type(event).__name__
        if kind == "Probe":
            record = self._snapshot(event)
        else:
            record = to_record(event, **extra)
        if kind == "Finished" and getattr(event, "predictions", ""):
            record["predictions"] = self._inside(event.predictions)
        if kind == "ModelReady":
            self._write_json("summary.json", record)
        elif kind == "Finished":
            self._status = "stopped" if event.stopped else "finished"
        elif kind == "Failed":
            self._status = "failed"
        self._file.write(json.dumps(record) + "\n")
        now = time.monotonic()
        if kind != "BatchEnd" or now - self._last_flush >= self._flush_interval:
            self._file.flush()
            self._last_flush = now
            if now - self._last_sync >= self._sync_interval:
                os.fsync(self._file.fileno())
                self._last_sync = now

    def _snapshot(self, probe) -> dict:
        number, self._probes = self._probes, self._probes + 1
        name = _snapshot_name(number)
        save_snapshot(self.path / name, probe)
        for gone in self._budget.add(number):
            try:
                os.remove(self.path / _snapshot_name(gone))
            except OSError:  # a reader holding it open (Windows), or already gone: harmless
                pass
        return {"type": "Probe", "epoch": int(probe.epoch), "step": int(probe.step),
                "sample_label": int(probe.sample_label), "snapshot": name}

    def _inside(self, path: str) -> str:
        """``path`` relative to the run folder when it lies in it (the folder may move), else as it is."""
        try:
            return Path(path).resolve().relative_to(self.path.resolve()).as_posix()
        except ValueError:
            return str(path)

    def save_model(self, model) -> Path:
        """Save the Keras ``model`` as ``model.keras`` in the run folder (whole or not at all)."""
        target = self.path / "model.keras"
        atomic_write(target, model.save, suffix=".keras")
        self.info["model"] = target.name
        self._write_json("run.json", self.info)
        return target

    def close(self, status: str | None = None) -> None:
        """Flush everything to disk and mark the run ended ("finished", "stopped", "failed" or ``status``)."""
        if self.closed:
            return
        self.closed = True
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self.info.update(status=status or self._status, ended=_now())
        self._write_json("run.json", self.info)

    def __enter__(self) -> RunWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        self.close("failed" if exc_type is not None else None)
        return False

    def _write_json(self, name: str, data: dict) -> None:
        text = json.dumps(data, indent=1)
        atomic_write(self.path / name, lambda temp: Path(temp).write_text(text, encoding="utf-8"), suffix=".json")


def _snapshot_name(number: int) -> str:
    return f"snapshots/probe-{number:06d}.npz"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")
