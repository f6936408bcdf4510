"""Probe snapshots as ``.npz`` files, and the budget that keeps at most ``max_snapshots`` of them.

A snapshot file holds one probe: ``sample``, ``probabilities``, ``kernel_<i>`` and
``activation_<i>`` arrays (float32, uncompressed: writing must cost training next to nothing)
and ``meta``, a JSON string with ``epoch``, ``step``, ``sample_label`` and the layer names in
order (``kernels``, ``activations``). Each file is written under a temporary name and renamed,
so a reader never sees half a snapshot.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

__all__ = ["SnapshotBudget", "load_snapshot", "save_snapshot"]

DEFAULT_MAX_SNAPSHOTS = 120  # as the app's timeline keeps (convviz.training.history)


def save_snapshot(path: Path, probe) -> None:
    """Write ``probe`` (a Probe-like object) to the ``.npz`` file ``path`` all at once."""
    kernels = list(probe.kernels.items())
    arrays = {"sample": np.asarray(probe.sample), "probabilities": np.asarray(probe.probabilities)}
    arrays.update({f"kernel_{i}": np.asarray(kernel) for i, (_, kernel) in enumerate(kernels)})
    arrays.update({f"activation_{i}": np.asarray(out) for i, (_, out) in enumerate(probe.activations)})
    meta = {"epoch": int(probe.epoch), "step": int(probe.step), "sample_label": int(probe.sample_label),
            "kernels": [name for name, _ in kernels], "activations": [name for name, _ in probe.activations]}
    temp = path.with_name(f".{path.name}.part")
    with open(temp, "wb") as handle:
        np.savez(handle, meta=np.array(json.dumps(meta)), **arrays)
    os.replace(temp, path)


def load_snapshot(path: Path) -> dict:
    """Read a snapshot file: a dict of the Probe fields (``kernels`` a dict, ``activations`` pairs)."""
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        return {
            "epoch": meta["epoch"], "step": meta["step"], "sample_label": meta["sample_label"],
            "sample": data["sample"], "probabilities": data["probabilities"],
            "kernels": {name: data[f"kernel_{i}"] for i, name in enumerate(meta["kernels"])},
            "activations": tuple((name, data[f"activation_{i}"]) for i, name in enumerate(meta["activations"])),
        }


class SnapshotBudget:
    """Which snapshots to keep: every ``stride``-th plus the newest, thinned evenly when full.

    The same policy as :class:`convviz.training.history.TrainingHistory`: when more than
    ``max_snapshots - 1`` are kept, every second one goes and the stride doubles.
    :meth:`add` takes the number of a new snapshot and returns the numbers no longer kept.
    """

    def __init__(self, max_snapshots: int = DEFAULT_MAX_SNAPSHOTS):
        if max_snapshots < 2:
            raise ValueError(f"a run needs room for at least 2 snapshots, got {max_snapshots}")
        self.max_snapshots = max_snapshots
        self._kept: list[int] = []
        self._latest: int | None = None
        self._seen = 0
        self._stride = 1

    def add(self, number: int) -> list[int]:
        """Account for snapshot ``number`` (the newest); return the numbers to delete."""
        dropped: list[int] = []
        if self._seen % self._stride == 0:
            self._kept.append(number)
            if len(self._kept) > self.max_snapshots - 1:
                dropped = self._kept[1::2]
                self._kept = self._kept[::2]
                self._stride *= 2
        self._seen += 1
        previous, self._latest = self._latest, number
        if previous is not None and previous not in self._kept and previous not in dropped:
            dropped.append(previous)
        return [gone for gone in dropped if gone != number]

    @property
    def kept(self) -> list[int]:
        """The numbers of the snapshots on disk, oldest first."""
        if self._latest is None or (self._kept and self._kept[-1] == self._latest):
            return list(self._kept)
        return self._kept + [self._latest]
