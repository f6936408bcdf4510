"""Argparse ``type=`` functions shared by the subcommands: every value checked where it is parsed.

Each raises :class:`argparse.ArgumentTypeError`, which argparse prints as one line naming the
option (``convviz train: error: argument --seed: must be a whole number from 0 to 4,294,967,295,
got 4294967296``) with exit code 2, before anything is loaded or written.
"""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path

__all__ = ["MAX_BATCH_SIZE", "MAX_EPOCHS", "MAX_LIMIT", "MAX_SEED", "batch_size", "data_source",
           "epochs", "existing_path", "learning_rate", "limit", "output_path", "positive_number", "seed", "whole_number"]

MAX_SEED = 2**32 - 1  # numpy's and TensorFlow's seeds are 32-bit
MAX_BATCH_SIZE = 65_536
MAX_EPOCHS = 10_000
MAX_LIMIT = 2**31 - 1
_SHOWN = 40  # characters of a rejected value quoted back


def _quoted(text: str) -> str:
    from convviz.core.gate import safe_name

    return repr(safe_name(text, _SHOWN))


def whole_number(low: int, high: int):
    """A ``type=`` accepting whole numbers from ``low`` to ``high`` (``"1e3"`` is not one)."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip().replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"must be a whole number from {low:,} to {high:,}, got {_quoted(text)}") from None
        if not low <= value <= high:
            shown = str(value) if len(str(value)) <= _SHOWN else _quoted(text)
            raise argparse.ArgumentTypeError(f"must be a whole number from {low:,} to {high:,}, got {shown}")
        return value

    return parse


def positive_number(text: str) -> float:
    """A ``type=`` accepting finite numbers above 0 (NaN and infinity would train nothing)."""
    try:
        value = float(text.strip())
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number above 0, got {_quoted(text)}")
    return value


seed = whole_number(0, MAX_SEED)
batch_size = whole_number(1, MAX_BATCH_SIZE)
epochs = whole_number(1, MAX_EPOCHS)
limit = whole_number(1, MAX_LIMIT)
learning_rate = positive_number


def data_source(text: str) -> str:
    """A ``type=`` for ``--data``: an empty value would quietly mean the current folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "is empty; give mnist, fashion_mnist, cifar10 or the path of an .npz file or folder")
    return text


def existing_path(text: str) -> str:
    """A ``type=`` for a file or folder to read: an empty value would quietly mean the current folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError("is empty; give the path of a file or folder")
    return text


def output_path(text: str) -> str:
    """A ``type=`` for ``--out``: refuses an empty value, and a path through a file (``notes.txt/x``)."""
    from convviz.core.gate import safe_name

    if not text.strip():
        raise argparse.ArgumentTypeError("is empty; give the name of the file to write")
    path = Path(text).expanduser()
    for folder in path.parents:
        try:
            if folder.exists():
                if not folder.is_dir():
                    raise argparse.ArgumentTypeError(f"{safe_name(folder)} is a file, not a folder")
                break
        except (OSError, ValueError):  # a name too long or with a NUL: the command's own check says so
            break
    return os.fspath(text)
