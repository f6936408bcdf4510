"""Read a run folder, all at once or a little at a time while it is still being written.

:meth:`RunReader.poll` returns the events added since the last call. A last line without its
newline is a write in progress (or the end of a killed run) and waits for the next poll; a
complete line that is not JSON is skipped and counted. A Probe line whose snapshot file the
writer has since thinned away is skipped too: what is on disk is what the run kept. A run that
says ``running`` but whose process is gone (and whose events stopped growing) has ended too:
:attr:`RunReader.end_note` says so in one line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from convviz.core.runs.liveness import CUT_SHORT, writer_gone
from convviz.core.runs.records import RunRecord, from_record
from convviz.core.runs.snapshots import load_snapshot
from convviz.core.runs.writer import FORMAT_VERSION

__all__ = ["RunFormatError", "RunReader"]

ENDED = ("finished", "stopped", "failed", "ended")


class RunFormatError(Exception):
    """The folder is not a readable convviz run (one line for the user)."""


class RunReader:
    """A run folder's configuration, events, snapshots, summary and final model.

    ``types`` maps event names to classes (``convviz.training.events.EVENT_TYPES``); without it
    events come back as :class:`~convviz.core.runs.records.RunRecord` objects with the same fields.
    """

    def __init__(self, path, types: Mapping[str, type] | None = None):
        self.path = Path(path)
        self.types = types
        if not self.path.is_dir():
            raise RunFormatError(f"{self.path}: no such folder")
        self.info = self._read_info()
        self.events: list = []  # every event read so far, in order
        self.skipped_lines = 0
        self._offset = 0
        self._pending = b""
        self._epoch_logs: list = []  # per EpochEnd: the full Keras logs if the writer stored them

    def _read_info(self) -> dict:
        try:
            info = json.loads((self.path / "run.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise RunFormatError(f"{self.path}: not a convviz run (no run.json)") from None
        except (OSError, ValueError) as exc:
            raise RunFormatError(f"{self.path}: run.json is unreadable ({exc})") from None
        if not isinstance(info, dict) or info.get("kind") != "convviz-run":
            raise RunFormatError(f"{self.path}: run.json does not describe a convviz run")
        if info.get("format") != FORMAT_VERSION:
            raise RunFormatError(f"{self.path}: run format {info.get('format')!r} is not supported "
                                 f"(this convviz reads format {FORMAT_VERSION})")
        return info

    @property
    def config(self) -> dict:
        """The configuration the writer stored."""
        return self.info.get("config") or {}

    def poll(self) -> list:
        """Return the events written since the last poll (all of them the first time)."""
        try:
            with open(self.path / "events.jsonl", "rb") as handle:
                handle.seek(self._offset)
                chunk = handle.read()
        except FileNotFoundError:
            return []
        self._offset += len(chunk)
        lines = (self._pending + chunk).split(b"\n")
        self._pending = lines.pop()  # b"" after a complete last line, else the torn rest
        new = [event for event in map(self._event, lines) if event is not None]
        self.events.extend(new)
        if any(type(event).__name__ in ("Finished", "Failed") for event in new) or not new:
            self._refresh_info()
        return new

    def read_all(self) -> list:
        """Poll once and return every event read so far."""
        self.poll()
        return list(self.events)

    def _event(self, line: bytes):
        if not line.strip():
            return None
        try:
            record = json.loads(line)
        except ValueError:
            self.skipped_lines += 1
            return None
        if isinstance(record, dict) and record.get("type") == "Probe" and "snapshot" in record:
            try:
                record = {"type": "Probe", **load_snapshot(self.path / record["snapshot"])}
            except (OSError, ValueError, KeyError):  # thinned away since, or unreadable
                return None
            return _probe(record, self.types)
        if not isinstance(record, dict):
            return None
        if record.get("type") == "EpochEnd":
            self._epoch_logs.append(record.get("logs"))
        if record.get("type") == "Finished" and isinstance(record.get("predictions"), str) and record["predictions"]:
            record["predictions"] = str(self.path / record["predictions"])  # relative to the run folder
        return from_record(record, self.types)

    def _refresh_info(self) -> None:
        try:
            self.info = self._read_info()
        except RunFormatError:  # being replaced right now: keep what we had
            pass

    # -- what the run holds -----------------------------------------------------------------------

    def of_type(self, name: str) -> list:
        """The events read so far whose class is called ``name`` ("BatchEnd", "EpochEnd", ...)."""
        return [event for event in self.events if type(event).__name__ == name
                or getattr(event, "type", None) == name]

    @property
    def summary(self):
        """The ModelReady event (layers, parameter counts), or None if not written yet."""
        found = self.of_type("ModelReady")
        return found[-1] if found else None

    @property
    def finished(self) -> bool:
        """True when the run ended (normally, stopped, failed, or cut short: its process is gone), False while running."""
        return (self.info.get("status") in ENDED or bool(self.of_type("Finished") or self.of_type("Failed"))
                or self.cut_short)

    @property
    def cut_short(self) -> bool:
        """True when run.json still says running but the writer's process is gone and the events stopped growing."""
        return writer_gone(self.path, self.info)

    @property
    def end_note(self) -> str:
        """One line if the run ended without finishing (marked ended, or its process gone), else ""."""
        if self.of_type("Finished") or self.of_type("Failed"):
            return ""
        if self.info.get("status") == "ended":
            reason = self.info.get("reason")
            return f"this run stopped without finishing ({reason})" if reason else "this run stopped without finishing"
        return CUT_SHORT if self.cut_short else ""

    @property
    def model_path(self) -> Path | None:
        """The final ``.keras`` model, if the writer saved one."""
        name = self.info.get("model")
        path = self.path / name if name else None
        return path if path is not None and path.is_file() else None

    def snapshot_paths(self) -> list[Path]:
        """The snapshot files on disk now, oldest first."""
        return sorted((self.path / "snapshots").glob("probe-*.npz"))

    def epoch_logs(self) -> list[dict]:
        """Every epoch's full Keras logs when the writer stored them (LiveCallback does), else the EpochEnd fields."""
        fields = ("loss", "accuracy", "val_loss", "val_accuracy")
        return [dict(extra) if extra else {key: getattr(event, key) for key in fields}
                for event, extra in zip(self.of_type("EpochEnd"), self._epoch_logs)]


def _probe(fields: dict, types):
    fields = dict(fields)
    fields.pop("type", None)
    cls = (types or {}).get("Probe")
    return cls(**fields) if cls is not None else RunRecord(type="Probe", **fields)
