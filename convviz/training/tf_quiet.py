"""TensorFlow without its start-up chatter: for the commands, the window's warm-up and the trainer.

No Qt; TensorFlow is imported only when :func:`quiet_tensorflow_import` is called.
"""

from __future__ import annotations

__all__ = ["QUIET_LOG_LEVEL", "quiet_tensorflow_import", "silence_tensorflow_logs"]

QUIET_LOG_LEVEL = 2  # TensorFlow's C++ logs: 0 all, 1 no INFO, 2 no WARNING, 3 no ERROR


def silence_tensorflow_logs() -> None:
    """Ask TensorFlow (before it is imported) to keep its INFO and WARNING logs to itself.

    Sets ``TF_CPP_MIN_LOG_LEVEL`` to 2, or keeps the user's own value when it is higher.
    ``CONVVIZ_TF_LOGS=1`` leaves TensorFlow's logging alone, for debugging TensorFlow itself.
    """
    import os

    if _tensorflow_logs_wanted():
        return
    try:
        users = int(os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0"))
    except ValueError:
        users = 0
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = str(max(users, QUIET_LOG_LEVEL))


def _tensorflow_logs_wanted() -> bool:
    import os

    return os.environ.get("CONVVIZ_TF_LOGS", "").strip().lower() in ("1", "true", "yes", "on")


def quiet_tensorflow_import() -> None:
    """Import TensorFlow and Keras now, with their start-up chatter hidden.

    TensorFlow writes oneDNN, CUDA and CPU-instruction notes straight to file descriptor 2
    while it loads, whatever ``TF_CPP_MIN_LOG_LEVEL`` says (absl is not initialised yet), so a
    one-line error or a ``--json`` run would reach the user under half a dozen lines of noise.
    File descriptor 2 points at /dev/null during the import; afterwards TensorFlow's and absl's
    Python loggers show errors only and Keras never prints progress bars. Does nothing with
    ``CONVVIZ_TF_LOGS=1``.
    """
    import os
    import sys

    if _tensorflow_logs_wanted():
        return
    silence_tensorflow_logs()
    if "tensorflow" not in sys.modules:
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
    _quiet_python_loggers()


def _quiet_python_loggers() -> None:
    import absl.logging
    import keras
    import tensorflow as tf

    absl.logging.set_verbosity(absl.logging.ERROR)
    tf.get_logger().setLevel("ERROR")
    keras.utils.disable_interactive_logging()
