"""Distribution strategies for training: one device, every GPU of this machine, or several workers.

``None`` (the default) builds the model with no strategy at all, exactly as before.
``"default"`` uses TensorFlow's default strategy (one device, the same numbers as ``None``).
``"mirrored"`` uses ``tf.distribute.MirroredStrategy()``: one replica per local GPU (one replica
on the CPU when there is none); each batch is split between the replicas and their gradients
are summed, so the batch size is the global one.
``"multiworker"`` uses ``tf.distribute.MultiWorkerMirroredStrategy`` across the worker processes
``TF_CONFIG`` lists. Keras 3's ``model.fit`` fails under it (keras-team/keras#20585), so it is
trained by :class:`convviz.training.multiworker.MultiWorkerSession` (its own training step), not
by :class:`~convviz.training.session.TrainingSession`; :func:`make_strategy` refuses it.
"""

from __future__ import annotations

import json
import os

__all__ = ["STRATEGIES", "MULTIWORKER", "check_strategy", "make_strategy", "describe_strategy",
           "worker_of"]

MULTIWORKER = "multiworker"
STRATEGIES = ("default", "mirrored", MULTIWORKER)


def check_strategy(name) -> None:
    """Raise ValueError (one line) unless ``name`` is None or one of :data:`STRATEGIES`."""
    if name is not None and name not in STRATEGIES:
        raise ValueError(f"unknown strategy {name!r}; choose one of {', '.join(STRATEGIES)} (or none)")


def make_strategy(name):
    """The ``tf.distribute`` strategy called ``name``; None for None.

    Raises ValueError (one line) for "multiworker": ``model.fit`` cannot train under it.
    """
    check_strategy(name)
    if name is None:
        return None
    if name == MULTIWORKER:
        raise ValueError("the multiworker strategy trains through convviz.training.multiworker "
                         "(convviz train --strategy multiworker): Keras's model.fit fails under it "
                         "(keras-team/keras#20585)")
    import tensorflow as tf

    if name == "default":
        return tf.distribute.get_strategy()
    return tf.distribute.MirroredStrategy()


def worker_of(environ=None) -> tuple[int, int]:
    """``(this worker's index, number of workers)`` from ``TF_CONFIG``; ``(0, 1)`` without it.

    Reads only the environment (no TensorFlow), so a malformed ``TF_CONFIG`` is a one-line
    ValueError before TensorFlow starts.
    """
    text = (os.environ if environ is None else environ).get("TF_CONFIG", "").strip()
    if not text:
        return 0, 1
    try:
        config = json.loads(text)
        workers = list(config["cluster"]["worker"])
        task = config["task"]
        kind, index = task["type"], task["index"]
    except (ValueError, KeyError, TypeError):
        raise ValueError('TF_CONFIG must be JSON like {"cluster": {"worker": ["host:port", ...]}, '
                         '"task": {"type": "worker", "index": 0}}') from None
    if kind != "worker" or isinstance(index, bool) or not isinstance(index, int) \
            or not 0 <= index < len(workers):
        raise ValueError(f"TF_CONFIG's task must be a worker with an index from 0 to "
                         f"{len(workers) - 1}, not {kind!r} {index!r}")
    return index, len(workers)


def describe_strategy(strategy) -> str:
    """``"MirroredStrategy, 2 replicas"`` and the like, for logs and summaries."""
    if strategy is None:
        return "no distribution strategy"
    replicas = int(strategy.num_replicas_in_sync)
    name = type(strategy).__name__
    resolver = getattr(strategy, "cluster_resolver", None)
    if name == "CollectiveAllReduceStrategy":  # what tf.distribute.MultiWorkerMirroredStrategy() is
        name = "MultiWorkerMirroredStrategy"
    text = f"{name}, {replicas} replica{'s' if replicas != 1 else ''}"
    if resolver is not None and resolver.task_type == "worker":
        workers = len(resolver.cluster_spec().as_dict().get("worker", ())) or 1
        chief = " (chief)" if strategy.extended.should_checkpoint else ""
        text += f"; worker {resolver.task_id} of {workers}{chief}"
    return text
