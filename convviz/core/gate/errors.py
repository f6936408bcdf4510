"""The one error every gate raises: a single line that names the file and says what is wrong."""

from __future__ import annotations

import os

from convviz.core.gate.names import safe_name


class GateError(ValueError):
    """A file was refused before anything read it in full: one line, naming the file."""


def refuse(path: str | os.PathLike, problem: str) -> GateError:
    """A GateError whose message is ``"<file name shown safely>: <problem>"`` (return it, then raise)."""
    name = os.path.basename(os.fspath(path)) or os.fspath(path)
    return GateError(f"{safe_name(name)}: {safe_name(problem, limit=400)}")
