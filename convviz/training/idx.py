"""Reader for the MNIST IDX format (``train-images-idx3-ubyte[.gz]`` and friends), numpy only.

An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of
dimensions), one big-endian uint32 per dimension, then the values. MNIST uses
type 0x08 (unsigned byte): images have 3 dimensions, labels 1. Images of any size are read,
and colour images as 4-dimensional ``*-images-idx4-ubyte`` files (N, H, W, C). Reading goes
through :func:`convviz.core.gate.read_idx` (bounded decompression, header checked first).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from convviz.core import gate
from convviz.core.gate import safe_name
from convviz.training.errors import DataError

_COMPRESSED = (".gz", ".bz2", ".xz")


def read_idx(path: Path, ndim: int) -> np.ndarray:
    """Return the uint8 array stored in the IDX file ``path``, which must have ``ndim`` dimensions.

    The file (plain, gzip, bzip2 or xz) goes through the IDX gate: its header is checked
    against the file's real size and the data budget before anything is allocated.
    """
    try:
        return gate.read_idx(path, ndim)
    except gate.GateError as exc:
        raise DataError(str(exc)) from None


def _kind(name: str) -> tuple[str, str] | None:
    """``("train"|"test", "images"|"labels")`` for an IDX file name, else None."""
    base = name.lower()
    for suffix in _COMPRESSED:
        base = base.removesuffix(suffix)
    if base.endswith(("idx3-ubyte", "idx4-ubyte")):
        part = "images"
    elif base.endswith("idx1-ubyte"):
        part = "labels"
    else:
        return None
    split = "test" if base.startswith(("t10k", "test")) else "train"
    return split, part


def has_idx_files(folder: Path) -> bool:
    """True when ``folder`` holds at least one file named like an MNIST IDX file."""
    try:
        return any(_kind(path.name) is not None and path.is_file() for path in folder.iterdir())
    except OSError:
        return False


def read_idx_folder(folder: Path) -> dict[str, tuple[np.ndarray, np.ndarray, str]]:
    """Read the image/label pairs in ``folder``: ``{"train": (x, y, name), "test": ...}``.

    A folder with a single pair (whatever its prefix) returns that pair under its own key.
    """
    files: dict[tuple[str, str], Path] = {}
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise DataError(f"{safe_name(folder)}: cannot list the folder ({exc.strerror or exc})") from None
    for path in entries:
        kind = _kind(path.name) if path.is_file() else None
        if kind is None:
            continue
        if kind in files:
            raise DataError(f"{safe_name(folder)}: two {kind[0]} {kind[1]} files, "
                            f"{safe_name(files[kind].name)} and {safe_name(path.name)}; keep one")
        files[kind] = path
    if not files:
        raise DataError(f"{safe_name(folder)}: no MNIST IDX files (*-images-idx3-ubyte[.gz], "
                        "*-labels-idx1-ubyte[.gz]) and no class subfolders of images")
    pairs = {}
    for split in ("train", "test"):
        images, labels = files.get((split, "images")), files.get((split, "labels"))
        if images is None and labels is None:
            continue
        if images is None or labels is None:
            present = images or labels
            missing = "labels" if labels is None else "images"
            raise DataError(f"{safe_name(folder)}: {safe_name(present.name)} has no matching {split} {missing} file")
        try:
            gate.check_inside(folder, images, labels)
        except gate.GateError as exc:
            raise DataError(str(exc)) from None
        x = read_idx(images, 4 if "idx4" in images.name.lower() else 3)
        y = read_idx(labels, 1)
        if len(x) != len(y):
            raise DataError(f"{safe_name(images.name)}: {len(x):,} images but {safe_name(labels.name)} has {len(y):,} labels")
        pairs[split] = (x, y, images.name)
    if "train" not in pairs:
        pairs = {"train": pairs["test"]}
    return pairs
