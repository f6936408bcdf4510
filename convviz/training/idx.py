"""Reader for the MNIST IDX format (``train-images-idx3-ubyte[.gz]`` and friends), numpy only.

An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of
dimensions), one big-endian uint32 per dimension, then the values. MNIST uses
type 0x08 (unsigned byte): images have 3 dimensions, labels 1. Images of any size are read,
and colour images as 4-dimensional ``*-images-idx4-ubyte`` files (N, H, W, C).
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np

from convviz.training.errors import DataError

_UBYTE = 0x08


def read_idx(path: Path, ndim: int) -> np.ndarray:
    """Return the uint8 array stored in the IDX file ``path``, which must have ``ndim`` dimensions."""
    raw = _read_bytes(path)
    if len(raw) < 4:
        raise DataError(f"{path.name}: too short to be an IDX file ({len(raw)} bytes)")
    if raw[0] != 0 or raw[1] != 0 or raw[2] != _UBYTE or raw[3] != ndim:
        magic = int.from_bytes(raw[:4], "big")
        expected = (_UBYTE << 8) | ndim
        raise DataError(f"{path.name}: wrong IDX magic number 0x{magic:08x}; expected 0x{expected:08x}")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(f"{path.name}: the IDX header is cut short")
    dims = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    expected_size = header + int(np.prod(dims, dtype=np.int64))
    if len(raw) != expected_size:
        raise DataError(f"{path.name}: holds {len(raw) - header:,} values but its header "
                        f"announces {expected_size - header:,} for shape {dims}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def _read_bytes(path: Path) -> bytes:
    """The (decompressed) bytes of ``path``, or DataError for an unreadable or truncated file."""
    try:
        if path.stat().st_size == 0:
            raise DataError(f"{path.name}: the file is empty")
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as stream:
                return stream.read()
        return path.read_bytes()
    except DataError:
        raise
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise DataError(f"{path.name}: damaged or truncated gzip file ({exc})") from None
    except OSError as exc:
        raise DataError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None


def _kind(name: str) -> tuple[str, str] | None:
    """``("train"|"test", "images"|"labels")`` for an IDX file name, else None."""
    base = name.lower().removesuffix(".gz")
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
        raise DataError(f"{folder}: cannot list the folder ({exc.strerror or exc})") from None
    for path in entries:
        kind = _kind(path.name) if path.is_file() else None
        if kind is None:
            continue
        if kind in files:
            raise DataError(f"{folder}: two {kind[0]} {kind[1]} files, "
                            f"{files[kind].name} and {path.name}; keep one")
        files[kind] = path
    if not files:
        raise DataError(f"{folder}: no MNIST IDX files (*-images-idx3-ubyte[.gz], "
                        "*-labels-idx1-ubyte[.gz]) and no class subfolders of images")
    pairs = {}
    for split in ("train", "test"):
        images, labels = files.get((split, "images")), files.get((split, "labels"))
        if images is None and labels is None:
            continue
        if images is None or labels is None:
            present = images or labels
            missing = "labels" if labels is None else "images"
            raise DataError(f"{folder}: {present.name} has no matching {split} {missing} file")
        x = read_idx(images, 4 if "idx4" in images.name.lower() else 3)
        y = read_idx(labels, 1)
        if len(x) != len(y):
            raise DataError(f"{images.name}: {len(x):,} images but {labels.name} has {len(y):,} labels")
        pairs[split] = (x, y, images.name)
    if "train" not in pairs:
        pairs = {"train": pairs["test"]}
    return pairs
