"""How much a file from someone else may cost this machine, and the words for sizes.

The memory budget is half the memory available when convviz starts (``MemAvailable`` on
Linux), or what ``CONVVIZ_MEMORY_BUDGET`` says (``2G``, ``512M``, ``1.5GB``, plain bytes).
Every other limit follows from it:

- data: the decompressed bytes of a dataset's arrays may take a fifth of the budget, because
  uint8 pixels become float32 (4 bytes each) beside the raw copy;
- weights: a model's parameters may take a quarter (Keras holds the weights file, the
  variables and the optimizer's slots at once);
- disk: what a model's assets may write to the temporary folder: a tenth of the free space
  there, at most the memory budget and at most :data:`ASSET_CAP`.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass

from convviz.core.gate.errors import GateError

__all__ = ["ENV_VAR", "Budgets", "budgets", "human_size", "parse_size", "over_budget"]

ENV_VAR = "CONVVIZ_MEMORY_BUDGET"
ASSET_CAP = 64 * 2**20  # built-in layers keep only vocabularies in assets
_FALLBACK_AVAILABLE = 4 * 2**30
_UNITS = {"": 1, "B": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


@dataclass(frozen=True)
class Budgets:
    """Byte limits for one file; ``source`` says where ``memory`` came from, for messages."""

    memory: int
    free_disk: int
    source: str

    @property
    def data_bytes(self) -> int:
        """Decompressed bytes a dataset's arrays may hold."""
        return self.memory // 5

    @property
    def weight_bytes(self) -> int:
        """Bytes a model's parameters may hold."""
        return self.memory // 4

    @property
    def asset_bytes(self) -> int:
        """Bytes a model's assets may write to the temporary folder."""
        return max(0, min(self.free_disk // 10, self.memory, ASSET_CAP))


def parse_size(text: str) -> int:
    """Bytes in ``"2G"``, ``"512M"``, ``"1.5GB"``, ``"300000000"`` (binary units); ValueError otherwise."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*", text, flags=re.IGNORECASE)
    if not match:
        raise ValueError(f"not a size: {text!r}")
    value = float(match.group(1)) * _UNITS[match.group(2).upper()]
    if value < 1 or value > 2**50:
        raise ValueError(f"not a sensible size: {text!r}")
    return int(value)


def human_size(count: int | float) -> str:
    """``3.9 GB``, ``512 MB``, ``2 KB``, ``17 bytes`` (binary units, the way budgets are written)."""
    count = float(count)
    for unit, scale in (("TB", 2**40), ("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if count >= scale:
            value = count / scale
            return f"{value:.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"
    return f"{int(count):,} bytes"


def _available_memory() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return _FALLBACK_AVAILABLE


def budgets() -> Budgets:
    """The limits for this machine now (the env var wins); GateError for an unreadable env var."""
    try:
        free_disk = shutil.disk_usage(tempfile.gettempdir()).free
    except OSError:
        free_disk = 0
    setting = os.environ.get(ENV_VAR, "").strip()
    if setting:
        try:
            return Budgets(parse_size(setting), free_disk, f"set by {ENV_VAR}")
        except ValueError:
            raise GateError(f"{ENV_VAR}={setting[:40]!r}: not a size; write it like 2G or 512M") from None
    return Budgets(_available_memory() // 2, free_disk, f"half the available memory; set {ENV_VAR} to change")


def over_budget(what: str, needed: int | None, limit: int, budget: Budgets) -> str:
    """The words of a refusal for size: ``"... would need 3.9 GB; the limit here is 2.4 GB (...)"``.

    ``needed=None`` when only "more than the limit" is known (a stream cut off at the limit).
    """
    need = f"more than {human_size(limit)}" if needed is None else human_size(needed)
    return f"{what} would need {need}; the limit here is {human_size(limit)} ({budget.source})"
