"""A user's ``.npz`` file as a :class:`~convviz.training.dataset.Dataset` (numpy only).

The file holds arrays ``x`` and ``y`` (split here) or ``x_train``, ``y_train``, ``x_test`` and
``y_test``, and optionally ``class_names`` (strings, one per class). :func:`read_npz` is the one
place the file's bytes are read; every problem is a :class:`DataError` of one line naming the
file. Nothing is ever unpickled.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from convviz.core.errors import first_line
from convviz.core.gate import GateError, check_npz, safe_name
from convviz.training.dataset import MAX_CLASSES, Dataset, split_single, split_train_test
from convviz.training.errors import DataError

__all__ = ["load_npz", "read_npz"]


def load_npz(path: Path) -> Dataset:
    """The Dataset in the ``.npz`` file at ``path``."""
    arrays = read_npz(path)
    shown = safe_name(path.name)
    names = _npz_class_names(arrays, shown)
    if {"x_train", "y_train", "x_test", "y_test"} <= arrays.keys():
        source = (f"{shown} ({len(arrays['x_train']):,} training + "
                  f"{len(arrays['x_test']):,} test images)")
        return split_train_test(arrays["x_train"], arrays["y_train"], arrays["x_test"],
                                arrays["y_test"], shown, source, class_names=names)
    if {"x", "y"} <= arrays.keys():
        return split_single(arrays["x"], arrays["y"], shown,
                            f"{shown} ({len(arrays['x']):,} images)", class_names=names)
    raise DataError(f"{shown}: has {_listed(sorted(arrays))}; expected arrays x and y, "
                    "or x_train, y_train, x_test and y_test")


def read_npz(path: Path) -> dict[str, np.ndarray]:
    """Every array of an .npz file, read fully now so truncation shows up here."""
    if path.stat().st_size == 0:
        raise DataError(f"{path.name}: the file is empty")
    try:
        # the gate reads the used arrays' headers and checks their sizes; the rest stay unread
        wanted = check_npz(path, max_lengths={"class_names": MAX_CLASSES})
        archive = np.load(path, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise DataError(f"{path.name}: holds a single array, not an .npz archive of x and y")
        with archive:
            if not wanted:  # none of the arrays convviz uses: say what the file holds instead
                found = _listed(sorted(archive.files))
                raise DataError(f"{safe_name(path.name)}: has {found}; expected arrays x and y, "
                                "or x_train, y_train, x_test and y_test")
            return {name: np.asarray(archive[name]) for name in archive.files if name in wanted}
    except DataError:
        raise
    except GateError as exc:
        raise DataError(str(exc)) from None
    except PermissionError:
        raise DataError(f"{path.name}: permission denied") from None
    except Exception as exc:  # BadZipFile, CRC errors, EOFError, pickled objects, ...
        raise DataError(f"{path.name}: {_npz_problem(path, exc)}") from None


def _npz_problem(path: Path, exc: Exception) -> str:
    """What is wrong with an .npz numpy could not read, in a student's words (numpy's speak of pickles)."""
    import zipfile

    with open(path, "rb") as handle:
        magic = handle.read(6)
    if magic[:2] != b"PK" and magic != b"\x93NUMPY":
        return "not a readable .npz file: it is not the zip archive of numpy arrays numpy.savez writes"
    if "allow_pickle" in str(exc) or "pickled" in str(exc):
        return ("not a readable .npz file: it holds Python objects, not plain numbers (convviz never "
                "unpickles data); save numeric arrays, e.g. np.savez(file, x=images, y=labels)")
    if isinstance(exc, (zipfile.BadZipFile, EOFError)) or "zip" in str(exc).lower() or "CRC" in str(exc):
        return "not a readable .npz file: it is damaged or cut short (its zip archive cannot be read)"
    detail = first_line(exc, 100)
    return f"not a readable .npz file ({detail})"


def _listed(names: list[str], shown: int = 5) -> str:
    """At most ``shown`` names, then how many more: a file may hold a thousand arrays."""
    if not names:
        return "no arrays"
    listed = ", ".join(safe_name(name, 30) for name in names[:shown])
    return listed + (f" … and {len(names) - shown:,} more" if len(names) > shown else "")


def _npz_class_names(arrays: dict[str, np.ndarray], name: str) -> list[str] | None:
    """The optional ``class_names`` array of an .npz (strings, one per class), escaped for showing;
    ``name`` is the file's name, already escaped."""
    if "class_names" not in arrays:
        return None
    names = arrays["class_names"]
    if names.ndim != 1 or names.dtype.kind not in "US" or len(names) < 2:
        raise DataError(f"{name}: class_names must be a list of at least 2 strings")
    shown = []
    for index, value in enumerate(names.tolist()):
        if isinstance(value, bytes):
            try:
                value = value.decode("utf-8")
            except UnicodeDecodeError:
                raise DataError(f"{name}: class_names[{index}] is not UTF-8 text "
                                f"({safe_name(value, 40)}); save the names as str") from None
        shown.append(safe_name(value))  # names reach terminals and the window: escape codes shown, not run
    return shown
