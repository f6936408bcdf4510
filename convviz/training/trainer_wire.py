"""What crosses the pipe between the window and its trainer process, and how (no Qt).

Child to parent, each a pickled tuple on the connection:

* ``("ready",)``: TensorFlow is imported; the trainer waits for a run.
* ``("run", folder)``: a run started; it is written to the run folder ``folder``.
* ``("events", [record, ...])``: events as :func:`~convviz.core.runs.to_record` dicts, batches
  coalesced into one message.
* ``("probe", header)`` then, as raw bytes (``send_bytes``), every array of the probe one after
  the other: see :func:`probe_header`. The parent answers ``("ack",)``; until then the child
  sends no other probe (it keeps only the newest).
* ``("state", "paused" | "running" | "stopping")``: a pause is holding, a resume or stop was taken.
* ``("ended", model_path)``: the run is over; ``model_path`` is its saved ``.keras`` ("" if none).

Parent to child: ``("train", TrainingConfig)``, ``("pause",)``, ``("resume",)``, ``("stop",)``,
``("ack",)``, ``("quit",)``.
"""

from __future__ import annotations

import numpy as np

from convviz.core.runs import from_record
from convviz.training.events import EVENT_TYPES, Probe

__all__ = ["decode_events", "probe_header", "probe_from_wire"]


def _spec(array: np.ndarray) -> tuple[str, tuple]:
    return array.dtype.str, tuple(array.shape)


def probe_header(probe: Probe) -> tuple[dict, bytes]:
    """The probe's small fields and array layout, and all its arrays as one block of raw bytes."""
    arrays = [probe.sample, probe.probabilities, *probe.kernels.values(),
              *(value for _, value in probe.activations)]
    arrays = [np.ascontiguousarray(array) for array in arrays]
    header = {"epoch": int(probe.epoch), "step": int(probe.step), "sample_label": int(probe.sample_label),
              "kernels": list(probe.kernels), "activations": [name for name, _ in probe.activations],
              "specs": [_spec(array) for array in arrays]}
    return header, b"".join(array.tobytes() for array in arrays)


def probe_from_wire(header: dict, blob: bytes) -> Probe:
    """Rebuild the Probe :func:`probe_header` took apart (arrays are fresh copies)."""
    arrays, offset = [], 0
    for dtype, shape in header["specs"]:
        count = int(np.prod(shape, dtype=np.int64))
        array = np.frombuffer(blob, dtype=np.dtype(dtype), count=count, offset=offset).reshape(shape).copy()
        offset += array.nbytes
        arrays.append(array)
    kernel_count = len(header["kernels"])
    kernels = dict(zip(header["kernels"], arrays[2:2 + kernel_count]))
    activations = tuple(zip(header["activations"], arrays[2 + kernel_count:]))
    return Probe(epoch=header["epoch"], step=header["step"], sample=arrays[0],
                 sample_label=header["sample_label"], kernels=kernels, activations=activations,
                 probabilities=arrays[1])


def decode_events(records: list) -> list:
    """The events ``records`` (to_record dicts) describe."""
    return [from_record(record, EVENT_TYPES) for record in records]
