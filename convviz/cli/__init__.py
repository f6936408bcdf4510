"""Headless subcommands. Each module exposes ``register(subparsers)``.

``register`` adds the subcommand's parser and sets ``run=<function>`` as its
default; ``run(args)`` returns an exit code and raises :class:`CliError` for
anything the user got wrong, which ``convviz.app.main`` prints as one line on
stderr with exit code 2. Heavy imports (TensorFlow, Qt) happen inside ``run``.
"""

from __future__ import annotations


class CliError(Exception):
    """A user-facing error of a headless command: printed as one line, exit code 2."""


def quiet_tensorflow_import() -> None:
    """Import TensorFlow now, with its start-up chatter on stderr hidden.

    TensorFlow prints oneDNN, CUDA and CPU-instruction notes straight to file descriptor 2
    while it loads, before ``TF_CPP_MIN_LOG_LEVEL`` takes effect, so a one-line error would
    reach the user under half a dozen lines of noise. Does nothing when TensorFlow is already
    imported or when the user set ``TF_CPP_MIN_LOG_LEVEL`` themselves (they want the logs).
    """
    import os
    import sys

    if "tensorflow" in sys.modules or "TF_CPP_MIN_LOG_LEVEL" in os.environ:
        return
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
    sys.stderr.flush()
    saved, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        import keras  # noqa: F401  (loads TensorFlow's libraries a second time: more chatter)
        import tensorflow as tf

        tf.config.list_physical_devices()  # the CUDA probe logs its failure here
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)
