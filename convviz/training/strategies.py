"""Distribution strategies for training: one device, or every GPU of this machine.

``None`` (the default) builds the model with no strategy at all, exactly as before.
``"default"`` uses TensorFlow's default strategy (one device, the same numbers as ``None``).
``"mirrored"`` uses ``tf.distribute.MirroredStrategy()``: one replica per local GPU (one replica
on the CPU when there is none); each batch is split between the replicas and their gradients
are summed, so the batch size is the global one.

Several machines (``MultiWorkerMirroredStrategy`` with ``TF_CONFIG``) are not offered: with
Keras 3 (checked with 3.15 / TensorFlow 2.21) ``model.fit`` fails as soon as a second worker
joins (keras-team/keras#20585), while a single worker gains nothing over "mirrored".
"""

from __future__ import annotations

__all__ = ["STRATEGIES", "check_strategy", "make_strategy", "describe_strategy"]

STRATEGIES = ("default", "mirrored")


def check_strategy(name) -> None:
    """Raise ValueError (one line) unless ``name`` is None or one of :data:`STRATEGIES`."""
    if name is not None and name not in STRATEGIES:
        raise ValueError(f"unknown strategy {name!r}; choose one of {', '.join(STRATEGIES)} (or none)")


def make_strategy(name):
    """The ``tf.distribute`` strategy called ``name``; None for None."""
    check_strategy(name)
    if name is None:
        return None
    import tensorflow as tf

    if name == "default":
        return tf.distribute.get_strategy()
    return tf.distribute.MirroredStrategy()


def describe_strategy(strategy) -> str:
    """``"MirroredStrategy, 2 replicas"`` and the like, for logs and summaries."""
    if strategy is None:
        return "no distribution strategy"
    replicas = int(strategy.num_replicas_in_sync)
    return f"{type(strategy).__name__}, {replicas} replica{'s' if replicas != 1 else ''}"
