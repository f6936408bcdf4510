"""The training timeline as a GIF: one captioned frame per kept snapshot, streamed and written atomically.

Frames are grabbed from the real panels (Qt renders them offscreen), so they look like the app.
The GIF writing itself is the studio's: one shared palette, only changed rectangles stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PIL import Image
from PyQt6.QtCore import QRect, Qt
from PyQt6.QtGui import QColor, QFont, QImage, QPainter, QPixmap

from convviz.atomic import atomic_write
from convviz.ui.studio.export import GifStream, check_extension, qimage_to_pil, shared_palette

CAPTION_HEIGHT = 28
DEFAULT_FPS = 8


def captioned(pixmap: QPixmap, text: str) -> Image.Image:
    """Return ``pixmap`` with a one-line caption band above it, as an RGB Pillow image."""
    pixmap.setDevicePixelRatio(1.0)  # frames keep the pixel size they were grabbed at
    image = QImage(pixmap.width(), pixmap.height() + CAPTION_HEIGHT, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        painter.drawPixmap(0, CAPTION_HEIGHT, pixmap)
        font = QFont()
        font.setPointSize(11)
        painter.setFont(font)
        painter.setPen(QColor("#222222"))
        painter.drawText(QRect(10, 0, image.width() - 20, CAPTION_HEIGHT),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
    finally:
        painter.end()
    return qimage_to_pil(image)


def write_frames_gif(path, render: Callable[[int], Image.Image], count: int, fps: float = DEFAULT_FPS) -> Path:
    """Write ``render(0) .. render(count - 1)`` to ``path`` as a looping GIF, one frame each.

    Frames must all have the same size. Written to a temporary file in the same folder, then
    moved into place: on any error no file (and no partial file) is left behind.
    """
    check_extension(path, ".gif")
    if count < 1:
        raise ValueError("there are no snapshots to animate yet: train first")
    palette = shared_palette([render(count - 1), render(0)])
    delay = max(2, round(100 / fps))  # GIF delays are in hundredths of a second

    def write(temp: str) -> None:
        with open(temp, "wb") as fp:
            writer = GifStream(fp, palette, delay)
            for index in range(count):
                writer.add(render(index))
            writer.close()

    return atomic_write(path, write)
