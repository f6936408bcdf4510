"""Write a file all at once or not at all (no Qt, no TensorFlow).

Everything convviz writes for the user (models, exports) goes through :func:`atomic_write`:
the content is written to a temporary file in the same folder and renamed over the target,
so an interrupted or failed write never leaves a half-written file and never damages the
file that was there before.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def atomic_write(path, write: Callable[[str], None], suffix: str = ".part") -> Path:
    """Call ``write(temp_path)`` and move the result to ``path``; on any error remove the temp file.

    ``suffix`` ends the temporary file's name (some writers, like Keras, insist on one).
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    temp = None
    try:
        # inside the try: a folder may refuse new files even when os.access says yes (root, /proc)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=folder)
        os.close(fd)
        write(temp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # mkstemp makes the file private; these are ordinary files
        os.replace(temp, path)
    except BaseException:
        if temp is not None and os.path.exists(temp):
            os.remove(temp)
        raise
    return path
