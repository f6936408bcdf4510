"""Walking a folder of class subfolders of images without leaving it.

Every entry is resolved: a link (or a folder reached through one) that points outside the
data folder is refused, naming it; links inside are followed once (a loop is not a class).
The number of files, the pixels of each image and the bytes of all decoded images are bounded.
"""

from __future__ import annotations

import os
from pathlib import Path

from convviz.core.gate.budgets import Budgets, budgets, over_budget
from convviz.core.gate.errors import refuse
from convviz.core.gate.names import safe_name

__all__ = ["MAX_FILES", "MAX_DEPTH", "check_inside", "class_image_files", "max_pixels", "check_image_pixels",
           "check_decoded_total"]

MAX_FILES = 200_000
MAX_DEPTH = 32
CLASS_NAME_LIMIT = 120


def _inside(root: str, target: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


class _Walk:
    """One walk under ``root``: the real folders seen, the files counted so far."""

    def __init__(self, folder: Path, suffixes: frozenset[str], max_files: int):
        self.folder, self.suffixes, self.max_files = folder, suffixes, max_files
        self.root = os.path.realpath(folder)
        self.seen: set[str] = set()
        self.count = 0

    def resolve(self, path: Path) -> str:
        """The real path of ``path``, or GateError when it lies outside the data folder."""
        real = os.path.realpath(path)
        if not _inside(self.root, real):
            shown = safe_name(os.path.relpath(path, self.folder))
            raise refuse(self.folder, f"{shown} leads outside the data folder (to {safe_name(real)}); "
                                      "convviz reads only files inside it")
        return real

    def files(self, folder: Path, depth: int = 0) -> list[Path]:
        """The image files under ``folder`` (hidden names skipped), as real paths inside the root."""
        real = self.resolve(folder)
        if real in self.seen or depth > MAX_DEPTH:
            return []
        self.seen.add(real)
        found = []
        for entry in _entries(folder, self.folder):
            if entry.name.startswith("."):
                continue
            target = Path(self.resolve(entry))
            if target.is_dir():
                found += self.files(entry, depth + 1)
            elif entry.suffix.lower() in self.suffixes and target.is_file():
                self.count += 1
                if self.count > self.max_files:
                    raise refuse(self.folder, f"holds more than {self.max_files:,} image files; "
                                              "convviz reads at most that many")
                found.append(target)
        return sorted(found)


def check_inside(folder: str | os.PathLike, *paths: Path) -> None:
    """GateError naming ``folder`` when one of ``paths`` (a link, say) resolves outside it."""
    root = os.path.realpath(folder)
    for path in paths:
        real = os.path.realpath(path)
        if not _inside(root, real):
            raise refuse(folder, f"{safe_name(Path(path).name)} leads outside the data folder (to "
                                 f"{safe_name(real)}); convviz reads only files inside it")


def _entries(folder: Path, root: Path) -> list[Path]:
    try:
        return sorted(Path(entry.path) for entry in os.scandir(folder))
    except OSError as exc:
        raise refuse(root, f"cannot list {safe_name(folder.name)} ({exc.strerror or exc})") from None


def class_image_files(folder: str | os.PathLike, suffixes: frozenset[str],
                      max_files: int = MAX_FILES) -> dict[str, list[Path]]:
    """``{class name: image files}`` for each non-hidden subfolder of ``folder`` holding images.

    Files come back as real paths inside ``folder``; class names as :func:`safe_name` shows them.
    Raises GateError for a link out of the
    folder, more than ``max_files`` images, or a folder that cannot be listed.
    """
    folder = Path(folder)
    walk = _Walk(folder, frozenset(suffixes), max_files)
    walk.resolve(folder)
    classes = {}
    for entry in _entries(folder, folder):
        if entry.name.startswith("."):
            continue
        if Path(walk.resolve(entry)).is_dir():
            walk.seen.clear()  # a loop is cut within a class; two classes may share a folder
            files = walk.files(entry)
            name = safe_name(entry.name, CLASS_NAME_LIMIT)  # class names are shown in the UI
            if files and name in classes:
                raise refuse(folder, f"two class folders show as the same name {name}; rename one")
            if files:
                classes[name] = files
    return classes


def max_pixels(budget: Budgets | None = None) -> int:
    """Pixels one image may have: Pillow's own bomb limit, and a quarter of the data budget (RGBA)."""
    from PIL import Image

    budget = budget or budgets()
    pillow = Image.MAX_IMAGE_PIXELS or 89_478_485
    return max(1, min(int(pillow), budget.data_bytes // 4))


def check_image_pixels(path: Path, size: tuple[int, int], budget: Budgets | None = None) -> None:
    """GateError naming ``path`` when an image of ``size`` (width, height) has too many pixels."""
    budget = budget or budgets()
    width, height = size
    limit = max_pixels(budget)
    if width * height > limit:
        raise refuse(path, f"{width:,}x{height:,} pixels; convviz decodes images of at most "
                           f"{limit:,} pixels ({budget.source})")


def check_decoded_total(folder: Path, count: int, shape: tuple[int, int, int],
                        budget: Budgets | None = None) -> None:
    """GateError when ``count`` images of ``shape`` (H, W, C) bytes would pass the data budget."""
    budget = budget or budgets()
    needed = count * shape[0] * shape[1] * shape[2]
    if needed > budget.data_bytes:
        raise refuse(folder, over_budget(f"{count:,} images of {shape[0]}x{shape[1]}x{shape[2]}",
                                         needed, budget.data_bytes, budget))

