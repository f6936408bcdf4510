"""Reading an IDX file (MNIST's format) without trusting its header.

An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of dimensions),
one big-endian uint32 per dimension, then the values. The header alone says how many bytes
the values need: that is checked against the budget (and, for an uncompressed file, against
the file's real size) before anything is allocated; a compressed file is decompressed with a
running limit and must end exactly where its header says.
"""

from __future__ import annotations

import lzma
import math
import os
import zlib
from pathlib import Path

import numpy as np

from convviz.core.gate.budgets import Budgets, budgets, over_budget
from convviz.core.gate.errors import refuse
from convviz.core.gate.streams import compression_of, open_decompressed, read_exactly

__all__ = ["UBYTE", "read_idx"]

UBYTE = 0x08


def read_idx(path: str | os.PathLike, ndim: int, budget: Budgets | None = None) -> np.ndarray:
    """The uint8 array of the IDX file ``path`` (plain, gzip, bzip2 or xz), with ``ndim`` dimensions.

    Raises GateError (one line naming the file) for a wrong header, a size that does not match
    the header, a damaged stream, or values that would need more than the data budget.
    """
    path = Path(path)
    budget = budget or budgets()
    try:
        size = path.stat().st_size
        if size == 0:
            raise refuse(path, "the file is empty")
        compressed = compression_of(path) is not None
        with open_decompressed(path) as stream:
            dims, header = _read_header(stream, path, ndim)
            count = math.prod(dims)
            if not compressed and size != header + count:
                raise refuse(path, f"holds {size - header:,} values but its header announces "
                                   f"{count:,} for shape {dims}")
            if count > budget.data_bytes:
                raise refuse(path, over_budget(f"shape {dims}", count, budget.data_bytes, budget))
            values = read_exactly(stream, count, path, "the image data")
            if compressed and stream.read(1):
                raise refuse(path, f"holds more values than its header announces ({count:,} "
                                   f"for shape {dims})")
    except OSError as exc:
        if exc.strerror:
            raise refuse(path, f"cannot be read ({exc.strerror})") from None
        raise refuse(path, f"damaged or truncated compressed file ({type(exc).__name__})") from None
    except (EOFError, zlib.error, lzma.LZMAError) as exc:
        raise refuse(path, f"damaged or truncated compressed file ({type(exc).__name__})") from None
    return np.frombuffer(values, dtype=np.uint8).reshape(dims)


def _read_header(stream, path: Path, ndim: int) -> tuple[tuple[int, ...], int]:
    """The dimensions and the header's length in bytes; GateError for a wrong magic number."""
    magic = stream.read(4)
    if len(magic) < 4:
        raise refuse(path, f"too short to be an IDX file ({len(magic)} bytes)")
    if magic[0] != 0 or magic[1] != 0 or magic[2] != UBYTE or magic[3] != ndim:
        expected = (UBYTE << 8) | ndim
        raise refuse(path, f"wrong IDX magic number 0x{int.from_bytes(magic, 'big'):08x}; "
                           f"expected 0x{expected:08x}")
    raw = stream.read(4 * ndim)
    if len(raw) < 4 * ndim:
        raise refuse(path, "the IDX header is cut short")
    dims = tuple(int.from_bytes(raw[4 * i: 4 * i + 4], "big") for i in range(ndim))
    return dims, 4 + 4 * ndim
