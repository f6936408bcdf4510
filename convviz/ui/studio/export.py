"""Frames and animations of the studio as files: PNG of one step, GIF of every step.

Frames are rendered by an offscreen :class:`StudioCanvas`, so they look like the
app. Files are written atomically: into a temporary file in the target folder,
then ``os.replace``; a failed or cancelled export leaves any existing file as it was.
GIFs are streamed frame by frame (one frame per step, only the changed rectangle
stored) with one palette for the whole animation, so a 64×64 map's 4096 frames
need neither much memory nor much disk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
from PIL import GifImagePlugin, Image
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QImage
from PyQt6.QtWidgets import QLabel

from convviz.atomic import atomic_write

from convviz.ui.studio.studio_canvas import StudioCanvas
from convviz.ui.studio.studio_model import StudioResult, settings_text

PNG_SIZE = (1280, 760)
GIF_SIZE = (880, 500)
EXTENSIONS = (".png", ".gif")
TRANSPARENT = 255  # palette index kept free (frames are quantized to 255 colours) for "unchanged"


class ExportCancelled(Exception):
    """The user stopped an export before it finished."""


def write_problem(exc: BaseException) -> str:
    """A failed export in a few words: an OSError's reason ("No space left on device") without
    its errno and the temporary file's name, which mean nothing to the user; else the message."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def qimage_to_pil(image: QImage) -> Image.Image:
    """Return an RGB Pillow image with the pixels of ``image``."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    data = bytes(rgb.constBits().asstring(rgb.sizeInBytes()))
    return Image.frombuffer("RGB", (rgb.width(), rgb.height()), data, "raw", "RGB", rgb.bytesPerLine(), 1).copy()


class FrameRenderer:
    """Renders steps of a :class:`StudioResult` into images with an offscreen canvas."""

    def __init__(self, result: StudioResult, size=PNG_SIZE, with_formulas: bool = True) -> None:
        self.result = result
        self.canvas = StudioCanvas(with_formulas=with_formulas)
        self.canvas.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        caption = QLabel(f"convviz · {settings_text(result.settings)}")
        caption.setStyleSheet("QLabel { color: #4b5563; font-size: 9pt; }")
        self.canvas.layout().insertWidget(0, caption)
        self.canvas.resize(*size)
        self.canvas.show()
        self.canvas.show_result(result)
        self.canvas.layout().activate()

    def render(self, index: int) -> Image.Image:
        """Return step ``index`` as an RGB image."""
        self.canvas.show_step(self.result, index)
        return qimage_to_pil(self.canvas.grab().toImage())

    def close(self) -> None:
        """Free the offscreen canvas."""
        self.canvas.close()
        self.canvas.deleteLater()


def check_extension(path, expected: str | None = None) -> str:
    """Return the lower-case extension of ``path``; ValueError if it is not .png/.gif (or ``expected``)."""
    ext = Path(path).suffix.lower()
    allowed = (expected,) if expected else EXTENSIONS
    if ext not in allowed:
        raise ValueError(f"cannot write {Path(path).name!r}: the file name must end in {' or '.join(allowed)}")
    return ext


def export_png(result: StudioResult, index: int, path, size=PNG_SIZE) -> Path:
    """Write step ``index`` of ``result`` to ``path`` as a PNG."""
    check_extension(path, ".png")
    if result.n_steps and not 0 <= index < result.n_steps:
        raise ValueError(f"step must be between 0 and {result.n_steps - 1}, got {index}")
    renderer = FrameRenderer(result, size)
    try:
        image = renderer.render(index) if result.n_steps else qimage_to_pil(renderer.canvas.grab().toImage())
    finally:
        renderer.close()
    return atomic_write(path, lambda temp: image.save(temp, format="PNG"))


def export_gif(result: StudioResult, path, fps: float = 4, size=GIF_SIZE,
               progress: Callable[[int, int], bool] | None = None) -> Path:
    """Write every step of ``result`` to ``path`` as a looping GIF, one frame per step.

    ``progress(done, total)`` is called after each frame; returning False cancels
    (ExportCancelled is raised and nothing is written).
    """
    check_extension(path, ".gif")
    total = result.n_steps
    if total == 0:
        raise ValueError(result.error or "there are no steps to animate")
    renderer = FrameRenderer(result, size, with_formulas=False)
    try:
        palette = shared_palette([renderer.render(total - 1), renderer.render(0)])
        delay = max(2, round(100 / fps))  # GIF delays are in hundredths of a second

        def write(temp: str) -> None:
            with open(temp, "wb") as fp:
                writer = GifStream(fp, palette, delay)
                for index in range(total):
                    writer.add(renderer.render(index))
                    if progress is not None and progress(index + 1, total) is False:
                        raise ExportCancelled("export cancelled")
                writer.close()

        return atomic_write(path, write)
    finally:
        renderer.close()


def shared_palette(images: list[Image.Image]) -> Image.Image:
    """One 255-colour palette for a whole animation, fitted to a few sample frames."""
    width = max(im.width for im in images)
    sheet = Image.new("RGB", (width, sum(im.height for im in images)), "white")
    y = 0
    for im in images:
        sheet.paste(im, (0, y))
        y += im.height
    return sheet.quantize(colors=255, method=Image.Quantize.MEDIANCUT)


class GifStream:
    """Writes a GIF one frame at a time: header, then each frame's changed rectangle."""

    def __init__(self, fp, palette: Image.Image, delay: int) -> None:
        self.fp, self.palette, self.delay = fp, palette, delay
        self.previous: np.ndarray | None = None

    def add(self, frame: Image.Image) -> None:
        indexed = frame.quantize(palette=self.palette, dither=Image.Dither.NONE)
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
