"""Checking an .npz file before numpy loads it: only the arrays convviz uses, each within budget.

Each used member's ``.npy`` header (shape, dtype) is read from the zip without reading its
data; the bytes it announces must fit in the member and, all together, in the data budget.
Members convviz does not use are never decompressed.
"""

from __future__ import annotations

import math
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from convviz.core.gate.budgets import Budgets, budgets, over_budget
from convviz.core.gate.errors import GateError, refuse
from convviz.core.gate.names import safe_name
from convviz.core.gate.zips import open_zip

__all__ = ["NPZ_ARRAYS", "MAX_MEMBERS", "NpyHeader", "check_npz"]

NPZ_ARRAYS = ("x", "y", "x_train", "y_train", "x_test", "y_test", "class_names")
MAX_MEMBERS = 1000
_MAX_HEADER = 10_000  # numpy's own default for untrusted headers
_NOT_NPZ = "not a readable .npz file: it is not the zip archive of numpy arrays numpy.savez writes"


@dataclass(frozen=True)
class NpyHeader:
    """What one member's header announces: its shape, dtype and the bytes its values need."""

    name: str
    shape: tuple[int, ...]
    dtype: np.dtype
    nbytes: int


def check_npz(path: str | os.PathLike, wanted=NPZ_ARRAYS, max_lengths: dict[str, int] | None = None,
              budget: Budgets | None = None) -> dict[str, NpyHeader]:
    """The headers of the ``wanted`` arrays present in the .npz ``path``, after checking them.

    ``max_lengths`` bounds the first dimension of named arrays (``{"class_names": 1000}``).
    Raises GateError (one line) for a file that is not an .npz, a damaged archive, a header
    that does not fit its member, or arrays that would need more than the data budget.
    Arrays of Python objects are left to numpy, which refuses them without unpickling.
    """
    path, budget = Path(path), budget or budgets()
    with open(path, "rb") as handle:
        magic = handle.read(6)
    if magic == b"\x93NUMPY":
        raise refuse(path, "holds a single array, not an .npz archive of x and y")
    if magic[:2] != b"PK":
        raise refuse(path, _NOT_NPZ)
    headers, total = {}, 0
    with open_zip(path, MAX_MEMBERS, "a readable .npz file") as archive:
        members = {info.filename.removesuffix(".npy"): info for info in archive.infolist()}
        for name in wanted:
            if name not in members:
                continue
            header = _member_header(archive, members[name], name, path, budget)
            limit = (max_lengths or {}).get(name)
            if limit is not None and header.shape and header.shape[0] > limit:
                raise refuse(path, f"{name} holds {header.shape[0]:,} entries; convviz handles at "
                                   f"most {limit:,}")
            total += header.nbytes
            if total > budget.data_bytes:
                names = safe_name(", ".join([*headers, name]))
                raise refuse(path, over_budget(f"the arrays {names}", total, budget.data_bytes, budget))
            headers[name] = header
    return headers


def _member_header(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, path: Path,
                   budget: Budgets) -> NpyHeader:
    """The checked header of one member (its data stays compressed)."""
    shown = safe_name(name, 40)
    if info.file_size > budget.data_bytes:
        raise refuse(path, over_budget(f"array {shown} ({info.file_size:,} bytes once decompressed)",
                                       info.file_size, budget.data_bytes, budget))
    try:
        with archive.open(info) as member:
            version = np.lib.format.read_magic(member)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(member, max_header_size=_MAX_HEADER)
            elif version == (2, 0):
                shape, _, dtype = np.lib.format.read_array_header_2_0(member, max_header_size=_MAX_HEADER)
            else:
                raise refuse(path, f"array {shown} uses .npy format {version}, which convviz does not read")
            header_size = member.tell()
    except GateError:
        raise
    except Exception as exc:  # ValueError for a bad header, BadZipFile, zlib and CRC errors
        if isinstance(exc, ValueError) and "is large" in str(exc):  # numpy's max_header_size refusal
            raise refuse(path, f"not a readable .npz file: the .npy header of array {shown} is too large "
                               f"(over {_MAX_HEADER:,} bytes) to be read safely") from None
        raise refuse(path, f"not a readable .npz file: the .npy header of array {shown} cannot be read "
                           f"(malformed or damaged: {type(exc).__name__})") from None
    nbytes = 0 if dtype.hasobject else math.prod(shape) * dtype.itemsize
    if nbytes > budget.data_bytes:
        raise refuse(path, over_budget(f"array {shown} of shape {shape}", nbytes, budget.data_bytes, budget))
    if nbytes > info.file_size - header_size:
        raise refuse(path, f"not a readable .npz file: array {shown} announces shape {shape} "
                           f"({nbytes:,} bytes) but holds {max(0, info.file_size - header_size):,}; "
                           "it is damaged or cut short")
    return NpyHeader(name, tuple(shape), dtype, nbytes)
