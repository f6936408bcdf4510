"""Headless subcommands. Each module exposes ``register(subparsers)``.

``register`` adds the subcommand's parser and sets ``run=<function>`` as its
default; ``run(args)`` returns an exit code and raises :class:`CliError` for
anything the user got wrong, which ``convviz.app.main`` prints as one line on
stderr with exit code 2. Heavy imports (TensorFlow, Qt) happen inside ``run``.
"""

from __future__ import annotations


class CliError(Exception):
    """A user-facing error of a headless command: printed as one line, exit code 2."""
