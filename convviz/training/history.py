"""A training run's history, kept within a memory budget, for the timeline.

Batch and epoch metrics are small and all kept. Probes (filters and activations
at one moment) are large, so at most ``max_snapshots`` are kept: every
``stride``-th probe plus the newest. When the budget is full, every second kept
probe is dropped and the stride doubles, so the survivors stay evenly spread
over the whole run while memory stays flat.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np

from convviz.training.events import BatchEnd, EpochEnd, Probe

DEFAULT_MAX_SNAPSHOTS = 120


def probe_nbytes(probe: Probe) -> int:
    """Return the bytes a probe's arrays take."""
    total = probe.sample.nbytes + probe.probabilities.nbytes
    total += sum(kernel.nbytes for kernel in probe.kernels.values())
    total += sum(activation.nbytes for _, activation in probe.activations)
    return total


@dataclass
class TrainingHistory:
    """Everything a timeline needs: metric curves and a bounded list of probes, by global step."""

    max_snapshots: int = DEFAULT_MAX_SNAPSHOTS
    batch_steps: list[int] = field(default_factory=list)
    batch_loss: list[float] = field(default_factory=list)
    batch_accuracy: list[float] = field(default_factory=list)
    epochs: list[EpochEnd] = field(default_factory=list)
    _kept: list[Probe] = field(default_factory=list)
    _latest: Probe | None = None
    _seen: int = 0
    _stride: int = 1

    def __post_init__(self) -> None:
        if self.max_snapshots < 2:
            raise ValueError(f"a timeline needs room for at least 2 snapshots, got {self.max_snapshots}")

    def add(self, event) -> None:
        """Record a BatchEnd, EpochEnd or Probe; other events are ignored."""
        if isinstance(event, BatchEnd):
            self.batch_steps.append(event.step)
            self.batch_loss.append(event.loss)
            self.batch_accuracy.append(event.accuracy)
        elif isinstance(event, EpochEnd):
            self.epochs.append(event)
        elif isinstance(event, Probe):
            if self._seen % self._stride == 0:
                self._kept.append(event)
                if len(self._kept) > self.max_snapshots - 1:
                    self._kept = self._kept[::2]
                    self._stride *= 2
            self._seen += 1
            self._latest = event

    @property
    def probes(self) -> list[Probe]:
        """The kept probes, oldest first; the newest probe is always among them."""
        if self._latest is None or (self._kept and self._kept[-1] is self._latest):
            return list(self._kept)
        return self._kept + [self._latest]

    @property
    def snapshot_steps(self) -> list[int]:
        """The global steps of the kept probes, ascending."""
        return [probe.step for probe in self.probes]

    def snapshot_at(self, step: int) -> Probe | None:
        """Return the newest kept probe taken at or before ``step`` (the first one if none is)."""
        if not self.probes:
            return None
        index = bisect.bisect_right(self.snapshot_steps, step) - 1
        return self.probes[max(index, 0)]

    def curves_until(self, step: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return (steps, loss, accuracy) of the batches up to and including ``step``."""
        end = bisect.bisect_right(self.batch_steps, step)
        return (
            np.asarray(self.batch_steps[:end]),
            np.asarray(self.batch_loss[:end]),
            np.asarray(self.batch_accuracy[:end]),
        )

    def nbytes(self) -> int:
        """Return the bytes the kept probes take (metrics are negligible beside them)."""
        return sum(probe_nbytes(probe) for probe in self.probes)
