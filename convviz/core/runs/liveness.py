"""Whether a run's writer is still there, and marking a run that was cut short (no Qt).

A run whose process was killed keeps ``status: "running"`` in its ``run.json`` (nobody was left
to write the end). The parent that started the process knows better: :func:`mark_ended` writes
``status: "ended"`` with a reason, whole or not at all. A reader that finds nobody to ask uses
:func:`writer_gone`: the ``pid`` in ``run.json`` is no longer alive and ``events.jsonl`` has not
grown for ``QUIET_S`` seconds.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from convviz.atomic import atomic_write

__all__ = ["CUT_SHORT", "QUIET_S", "mark_ended", "pid_alive", "writer_gone"]

QUIET_S = 3.0  # a running run's events.jsonl is flushed every 0.2 s; this long without growth is quiet
CUT_SHORT = "this run stopped without finishing (its process is gone)"


def mark_ended(path, reason: str) -> bool:
    """Mark the run folder ``path`` ended with ``reason`` if its ``run.json`` still says running.

    Returns True if it was marked; False if there is no run, it had already ended, or the
    folder cannot be written (the reader's own check still sees it ended).
    """
    target = Path(path) / "run.json"
    try:
        info = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(info, dict) or info.get("status") != "running":
        return False
    info.update(status="ended", ended=time.strftime("%Y-%m-%dT%H:%M:%S%z"), reason=reason)
    text = json.dumps(info, indent=1)
    try:
        atomic_write(target, lambda temp: Path(temp).write_text(text, encoding="utf-8"), suffix=".json")
    except OSError:
        return False
    return True


def pid_alive(pid) -> bool:
    """True while the process ``pid`` exists on this machine and is not a zombie."""
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    stat = Path(f"/proc/{pid}/stat")
    if Path("/proc/self/stat").exists():  # Linux: a zombie (killed, not reaped yet) is gone too
        try:
            return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except (OSError, IndexError):
            return False
    try:
        os.kill(pid, 0)
    except PermissionError:  # someone else's process: it exists
        return True
    except (OSError, ValueError):
        return False
    return True


def writer_gone(path, info: dict, quiet_s: float = QUIET_S) -> bool:
    """True if the run at ``path`` says running but its writer's process is gone and it stopped growing."""
    if info.get("status") != "running" or pid_alive(info.get("pid")):
        return False
    try:
        changed = os.stat(Path(path) / "events.jsonl").st_mtime
    except FileNotFoundError:
        try:
            changed = os.stat(Path(path) / "run.json").st_mtime
        except OSError:
            return True
    except OSError:
        return False
    return time.time() - changed >= quiet_s
