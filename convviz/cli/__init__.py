"""Headless subcommands. Each module exposes ``register(subparsers)``.

``register`` adds the subcommand's parser and sets ``run=<function>`` as its
default; ``run(args)`` returns an exit code and raises :class:`CliError` for
anything the user got wrong, which ``convviz.app.main`` prints as one line on
stderr with exit code 2. Heavy imports (TensorFlow, Qt) happen inside ``run``.
"""

from __future__ import annotations

from convviz.training.tf_quiet import quiet_tensorflow_import, silence_tensorflow_logs

__all__ = ["CliError", "quiet_tensorflow_import", "silence_tensorflow_logs"]


class CliError(Exception):
    """A user-facing error of a headless command: printed as one line, exit code 2."""

