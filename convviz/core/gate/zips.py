"""Opening a zip archive (.npz, .keras) without trusting its directory.

The member count is read from the end record before :mod:`zipfile` builds one object per
member (a crafted directory of millions of entries costs gigabytes); every member's
compressed size must fit inside the file.
"""

from __future__ import annotations

import os
import zipfile

from convviz.core.gate.errors import GateError, refuse

__all__ = ["open_zip", "declared_members"]


def declared_members(path: str | os.PathLike) -> int | None:
    """The member count the zip's end record declares, or None when there is no end record."""
    with open(path, "rb") as handle:
        # zipfile's own end-record reader: stable since Python 2, and it reads at most 64 KB
        record = zipfile._EndRecData(handle)  # noqa: SLF001
    return None if record is None else int(record[zipfile._ECD_ENTRIES_TOTAL])  # noqa: SLF001


def open_zip(path: str | os.PathLike, max_members: int, what: str) -> zipfile.ZipFile:
    """``path`` as an open ZipFile, or GateError when it is not one, is damaged, or holds too much.

    ``what`` names the kind of file in messages ("a Keras .keras model file", "a readable .npz file").
    """
    size = os.path.getsize(path)
    try:
        count = declared_members(path)
        if count is None:
            raise refuse(path, f"not {what}: its zip archive is damaged or cut short")
        if count > max_members:
            raise refuse(path, f"its zip archive lists {count:,} members; convviz reads at most "
                               f"{max_members:,} from {what}")
        archive = zipfile.ZipFile(path)
    except GateError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise refuse(path, f"not {what}: its zip archive is damaged or cut short") from None
    infos = archive.infolist()
    if len(infos) > max_members:
        archive.close()
        raise refuse(path, f"its zip archive lists {len(infos):,} members; convviz reads at most "
                           f"{max_members:,} from {what}")
    if sum(info.compress_size for info in infos) > size:
        archive.close()
        raise refuse(path, "its zip directory claims more compressed data than the file holds")
    return archive
