"""A path typed or chosen by a person, checked before the operating system sees it.

A component over 255 bytes or a NUL byte makes ``os.stat`` raise (``File name too long``)
where a one-line answer is promised; a newline would split that line. Checked here first.
"""

from __future__ import annotations

import os
from pathlib import Path

from convviz.core.gate.errors import refuse
from convviz.core.gate.names import safe_name

__all__ = ["MAX_COMPONENT_BYTES", "MAX_PATH_BYTES", "check_path"]

MAX_COMPONENT_BYTES = 255
MAX_PATH_BYTES = 4096


def check_path(path: str | os.PathLike) -> Path:
    """``path`` as a Path, or GateError (one line, the name shortened) when no system could open it."""
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    encoded = os.fsencode(text)
    if b"\0" in encoded:
        raise refuse(text.replace("\0", "\\x00"), "a path cannot contain a NUL character")
    if len(encoded) > MAX_PATH_BYTES:
        raise refuse(text, f"the path is {len(encoded):,} bytes long; systems allow {MAX_PATH_BYTES:,}")
    for part in Path(text).parts:
        size = len(os.fsencode(part))
        if size > MAX_COMPONENT_BYTES:
            where = f" (in {safe_name(text)})" if part != text else ""
            raise refuse(part, f"a file or folder name of {size:,} bytes; systems allow "
                               f"{MAX_COMPONENT_BYTES}{where}")
    return Path(text)
