"""Animations as GIF files from Pillow frames (no Qt): streamed, one palette, written atomically.

Frames are added one at a time; only each frame's changed rectangle is stored, unchanged
pixels inside it are transparent, and one palette serves the whole animation. So a studio
animation of 4096 steps or a training timeline needs neither much memory nor much disk.
Whoever renders the frames (the Qt canvas, a panel grab, a test) passes them as RGB images.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

import numpy as np
from PIL import GifImagePlugin, Image

from convviz.atomic import atomic_write

TRANSPARENT = 255  # palette index kept free (frames are quantized to 255 colours) for "unchanged"


class ExportCancelled(Exception):
    """The user stopped an export before it finished."""


def check_extension(path, allowed: str | tuple[str, ...]) -> str:
    """Return the lower-case extension of ``path``; ValueError if it is not one of ``allowed``."""
    allowed = (allowed,) if isinstance(allowed, str) else tuple(allowed)
    ext = Path(path).suffix.lower()
    if ext not in allowed:
        raise ValueError(f"cannot write {Path(path).name!r}: the file name must end in {' or '.join(allowed)}")
    return ext


def shared_palette(images: list[Image.Image]) -> Image.Image:
    """One 255-colour palette for a whole animation, fitted to a few sample frames."""
    width = max(im.width for im in images)
    sheet = Image.new("RGB", (width, sum(im.height for im in images)), "white")
    y = 0
    for im in images:
        sheet.paste(im, (0, y))
        y += im.height
    return sheet.quantize(colors=255, method=Image.Quantize.MEDIANCUT)


def quantize(frame: Image.Image, palette: Image.Image) -> Image.Image:
    """``frame`` in the colours of ``palette``, without dithering: what the GIF stores for it."""
    return frame.convert("RGB").quantize(palette=palette, dither=Image.Dither.NONE)


class GifStream:
    """Writes a GIF one frame at a time to ``fp``: header, then each frame's changed rectangle."""

    def __init__(self, fp, palette: Image.Image, delay: int) -> None:
        self.fp, self.palette, self.delay = fp, palette, delay
        self.previous: np.ndarray | None = None

    def add(self, frame: Image.Image) -> None:
        """Append ``frame`` (RGB, the size of the first frame)."""
        indexed = quantize(frame, self.palette)
        pixels = np.asarray(indexed)
        transparency = None
        if self.previous is None:
            self._header(indexed.size)
            box, part = (0, 0, *indexed.size), indexed
        else:
            changed = pixels != self.previous
            rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
            # a frame identical to the last still gets written (as one pixel): one frame per step
            box = (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1) if len(rows) else (0, 0, 1, 1)
            x0, y0, x1, y1 = box
            # unchanged pixels become transparent: long runs of one index compress to almost nothing
            delta = np.where(changed[y0:y1, x0:x1], pixels[y0:y1, x0:x1], TRANSPARENT).astype(np.uint8)
            part = Image.fromarray(delta, mode="P")
            part.putpalette(self.palette.getpalette())
            transparency = TRANSPARENT
        self.previous = pixels
        params = {"duration": self.delay * 10, "disposal": 1}
        if transparency is not None:
            params["transparency"] = transparency
        for chunk in GifImagePlugin.getdata(part, offset=box[:2], **params):
            self.fp.write(chunk)

    def _header(self, size: tuple[int, int]) -> None:
        width, height = size
        colours = (self.palette.getpalette() or [])[:768]
        colours += [0] * (768 - len(colours))
        self.fp.write(b"GIF89a" + width.to_bytes(2, "little") + height.to_bytes(2, "little")
                      + bytes([0xF7, 0, 0]) + bytes(colours))
        self.fp.write(b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00")  # loop forever

    def close(self) -> None:
        """Write the GIF trailer."""
        self.fp.write(b";")


def gif_frames_steps(path, render: Callable[[int], Image.Image], count: int, fps: float):
    """Write ``render(0) .. render(count - 1)`` to ``path`` as a looping GIF, one frame per step.

    A generator: after each frame it yields ``(done, count)``; it returns ``path`` once the
    temporary file beside the target has been moved into place. Closed early (``close()``,
    GeneratorExit) or on any error it removes its temporary file: an existing file stays as
    it was and no partial file is left. Frames must all have the same size; the palette is
    fitted to the last and the first frame.
    """
    check_extension(path, ".gif")
    if count < 1:
        raise ValueError("there are no frames to animate")
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    palette = shared_palette([render(count - 1), render(0)])
    delay = max(2, round(100 / fps))  # GIF delays are in hundredths of a second
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fp:
            writer = GifStream(fp, palette, delay)
            for index in range(count):
                writer.add(render(index))
                yield index + 1, count
            writer.close()
        atomic_write(path, lambda target: os.replace(temp, target))
    finally:
        if os.path.exists(temp):
            os.remove(temp)
    return path


def write_frames_gif(path, render: Callable[[int], Image.Image], count: int, fps: float,
                     progress: Callable[[int, int], bool] | None = None) -> Path:
    """Write ``render(0) .. render(count - 1)`` to ``path`` as a looping GIF, one frame each.

    Runs :func:`gif_frames_steps` to the end. ``progress(done, count)`` is called after each
    frame; returning False cancels with :class:`ExportCancelled` (nothing is written).
    """
    return run_steps(gif_frames_steps(path, render, count, fps), progress)


def run_steps(steps, progress: Callable[[int, int], bool] | None = None):
    """Run a step-wise writer (a generator yielding ``(done, total)``) to the end; return its value.

    ``progress(done, total)`` is called after each step; returning False closes the writer
    (it writes nothing) and raises :class:`ExportCancelled`.
    """
    try:
        while True:
            done, total = next(steps)
            if progress is not None and progress(done, total) is False:
                raise ExportCancelled("export cancelled")
    except StopIteration as end:
        return end.value
    finally:
        steps.close()
