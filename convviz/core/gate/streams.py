"""Bounded reading: decompress gzip, bzip2, xz or a zip member with a running limit.

A 2 KB file may claim, or decompress to, gigabytes. These readers never hold more than the
limit: they stop and raise :class:`GateError` as soon as the output would pass it.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import zlib
from typing import BinaryIO

from convviz.core.gate.budgets import Budgets, over_budget
from convviz.core.gate.errors import GateError, refuse

__all__ = ["CHUNK", "open_decompressed", "read_bounded", "read_exactly", "compression_of"]

CHUNK = 1 << 20
_MAGIC = {b"\x1f\x8b": "gzip", b"BZh": "bzip2", b"\xfd7zXZ\x00": "xz"}
_BROKEN = (EOFError, OSError, zlib.error, lzma.LZMAError, ValueError)


def compression_of(path: str | os.PathLike) -> str | None:
    """``"gzip"``, ``"bzip2"``, ``"xz"`` by the file's first bytes (not its name), else None."""
    with open(path, "rb") as handle:
        head = handle.read(6)
    return next((kind for magic, kind in _MAGIC.items() if head.startswith(magic)), None)


def open_decompressed(path: str | os.PathLike) -> BinaryIO:
    """A binary stream of ``path``'s content, decompressed when it is gzip, bzip2 or xz."""
    kind = compression_of(path)
    if kind == "gzip":
        return gzip.open(path, "rb")
    if kind == "bzip2":
        return bz2.open(path, "rb")
    if kind == "xz":
        return lzma.open(path, "rb")
    return open(path, "rb")


def read_bounded(stream: BinaryIO, limit: int, path, what: str, budget: Budgets) -> bytes:
    """All of ``stream``, or GateError naming ``path`` once it passes ``limit`` bytes."""
    parts, total = [], 0
    while True:
        try:
            part = stream.read(min(CHUNK, limit - total + 1))
        except _BROKEN as exc:
            raise _broken(path, exc) from None
        if not part:
            return b"".join(parts)
        total += len(part)
        if total > limit:
            raise refuse(path, over_budget(f"{what} decompressed", None, limit, budget))
        parts.append(part)


def read_exactly(stream: BinaryIO, count: int, path, what: str) -> bytearray:
    """``count`` bytes of ``stream`` (the caller has checked ``count`` against a budget)."""
    data = bytearray(count)
    view, done = memoryview(data), 0
    while done < count:
        try:
            got = stream.readinto(view[done: done + CHUNK])
        except _BROKEN as exc:
            raise _broken(path, exc) from None
        if not got:
            raise refuse(path, f"{what} is cut short: {done:,} of {count:,} bytes")
        done += got
    return data


def _broken(path, exc: BaseException) -> GateError:
    if isinstance(exc, OSError) and exc.strerror:
        return refuse(path, f"cannot be read ({exc.strerror})")
    return refuse(path, f"damaged or truncated compressed file ({type(exc).__name__}: "
                        f"{str(exc).splitlines()[0][:100] if str(exc) else 'no detail'})")
