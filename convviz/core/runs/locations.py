"""Where runs go, and whether this process is the one that writes them."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

__all__ = ["default_runs_dir", "is_chief", "new_run_dir"]


RUNS_DIR_ENV = "CONVVIZ_RUNS_DIR"  # overrides the default (tests point it at a temporary folder)


def default_runs_dir() -> Path:
    """``$CONVVIZ_RUNS_DIR`` if set, else the ``runs`` folder under the user's data folder
    (e.g. ``~/.local/share/convviz/runs``)."""
    if os.environ.get(RUNS_DIR_ENV):
        return Path(os.environ[RUNS_DIR_ENV])
    import platformdirs

    return platformdirs.user_data_path("convviz", appauthor=False) / "runs"


def new_run_dir(base: str | os.PathLike | None = None, label: str = "run") -> Path:
    """A path for a new run under ``base`` (default: :func:`default_runs_dir`), named by the time.

    The folder is not created; the name is unique among the folders already there.
    """
    base = Path(base) if base is not None else default_runs_dir()
    stamp = time.strftime("%Y-%m-%d_%H-%M-%S")
    path, number = base / f"{stamp}_{label}", 1
    while path.exists():
        number += 1
        path = base / f"{stamp}_{label}-{number}"
    return path


def is_chief(tf_config: str | None = None) -> bool:
    """True unless ``TF_CONFIG`` (or ``tf_config``) names this task as a non-chief worker.

    The chief is the task of type ``chief``, or ``worker`` 0 when the cluster has no chief; a
    missing or unreadable TF_CONFIG means a single process, which is its own chief.
    """
    text = os.environ.get("TF_CONFIG") if tf_config is None else tf_config
    try:
        config = json.loads(text) if text else {}
        task = config.get("task") or {}
        kind, index = task.get("type"), int(task.get("index", 0))
        cluster = config.get("cluster") or {}
    except (ValueError, TypeError, AttributeError):
        return True
    if not kind:
        return True
    if kind == "chief":
        return True
    return kind == "worker" and index == 0 and "chief" not in cluster
