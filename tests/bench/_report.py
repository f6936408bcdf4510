"""Shared bench output: the machine, a table of figures, optional JSON."""

from __future__ import annotations

import json
import os
import platform
import sys
from importlib import metadata


def machine() -> dict:
    """Describe this machine and the library versions the figures depend on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    versions = {}
    for package in ("numpy", "PyQt6", "pyqtgraph", "tensorflow", "keras"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "-"
    return {"cores": os.cpu_count(), "cpu": cpu, "python": platform.python_version(), **versions}


def report(title: str, rows: list[dict], as_json: bool = False) -> None:
    """Print ``rows`` (dicts with the same keys) as a table, or everything as one JSON object."""
    if as_json:
        print(json.dumps({"bench": title, "machine": machine(), "rows": rows}, indent=2))
        return
    info = machine()
    print(f"# {title}")
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    if not rows:
        return
    keys = list(rows[0])
    cells = [[_fmt(row.get(k)) for k in keys] for row in rows]
    widths = [max(len(k), *(len(c[i]) for c in cells)) for i, k in enumerate(keys)]
    print("  ".join(k.ljust(w) for k, w in zip(keys, widths)))
    print("  ".join("-" * w for w in widths))
    for c in cells:
        print("  ".join(v.ljust(w) for v, w in zip(c, widths)))
    sys.stdout.flush()


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)
