"""Write a file all at once or not at all (no Qt, no TensorFlow).

Everything convviz writes for the user (models, exports) goes through :func:`atomic_write`:
the content is written to a temporary file in the same folder, flushed to disk, and renamed
over the target, so an interrupted or failed write never leaves a half-written file and never
damages the file that was there before. Ctrl+C (SIGINT) or SIGTERM during the write removes
the temporary file too, then acts as it would have (when the write runs on the main thread,
the only one Python delivers signals to).
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _Signalled(BaseException):
    """Raised inside the write by a signal, so the clean-up below runs before the signal acts."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _raise_signalled(signum, frame):
    raise _Signalled(signum)


@contextmanager
def _signals_raise():
    """SIGINT and SIGTERM raise :class:`_Signalled` inside the block (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.getsignal(signum) for signum in _SIGNALS}
    for signum in _SIGNALS:
        signal.signal(signum, _raise_signalled)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


def _fsync(path, directory: bool = False) -> None:
    """Flush ``path`` to disk; a folder that cannot be opened for it (some systems) is skipped."""
    try:
        fd = os.open(path, os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0))
    except OSError:
        if directory:
            return
        raise
    try:
        os.fsync(fd)
    except OSError:
        if not directory:
            raise
    finally:
        os.close(fd)


def atomic_write(path, write: Callable[[str], None], suffix: str = ".part") -> Path:
    """Call ``write(temp_path)`` and move the result to ``path``; on any error remove the temp file.

    ``suffix`` ends the temporary file's name (some writers, like Keras, insist on one). A
    SIGINT or SIGTERM during the write removes the temporary file, then takes its usual effect.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    temp = None
    try:
        with _signals_raise():
            # inside the try: a folder may refuse new files even when os.access says yes (root, /proc)
            fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=folder)
            os.close(fd)
            write(temp)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)  # mkstemp makes the file private; these are ordinary files
            _fsync(temp)  # else a crash soon after the rename can leave an empty file in its place
            os.replace(temp, path)
            temp = None
        _fsync(folder, directory=True)
    except _Signalled as signalled:
        _remove(temp)
        signal.raise_signal(signalled.signum)  # the handler in place again acts: exit or KeyboardInterrupt
        raise KeyboardInterrupt from None  # a handler that ignores the signal: still no file
    except BaseException:
        _remove(temp)
        raise
    return path


def _remove(temp: str | None) -> None:
    if temp is not None and os.path.exists(temp):
        os.remove(temp)
