"""The training timeline as a GIF: one captioned frame per kept snapshot, streamed and written atomically.

Frames are grabbed from the real panels (Qt renders them offscreen), so they look like the app.
The GIF writing itself is :func:`convviz.core.gif_stream.gif_frames_steps`, the studio's too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PIL import Image
from PyQt6.QtCore import QRect, Qt
from PyQt6.QtGui import QColor, QFont, QImage, QPainter, QPixmap

from convviz.core.gif_stream import check_extension, gif_frames_steps, run_steps
from convviz.ui.studio.export import qimage_to_pil

CAPTION_HEIGHT = 28
DEFAULT_FPS = 8


def captioned(pixmap: QPixmap, text: str, beside: Image.Image | None = None) -> Image.Image:
    """Return ``pixmap`` with a one-line caption band above it, as an RGB Pillow image.

    ``beside`` (an RGB Pillow image, e.g. the curves at that moment) is drawn right of the pixmap.
    """
    pixmap.setDevicePixelRatio(1.0)  # frames keep the pixel size they were grabbed at
    extra = beside.convert("RGB") if beside is not None else None
    width = pixmap.width() + (extra.width if extra is not None else 0)
    height = max(pixmap.height(), extra.height if extra is not None else 0)
    image = QImage(width, height + CAPTION_HEIGHT, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        painter.drawPixmap(0, CAPTION_HEIGHT, pixmap)
        if extra is not None:
            data = extra.tobytes()
            side = QImage(data, extra.width, extra.height, 3 * extra.width, QImage.Format.Format_RGB888)
            painter.drawImage(pixmap.width(), CAPTION_HEIGHT, side)
        font = QFont()
        font.setPointSize(11)
        painter.setFont(font)
        painter.setPen(QColor("#222222"))
        painter.drawText(QRect(10, 0, image.width() - 20, CAPTION_HEIGHT),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
    finally:
        painter.end()
    return qimage_to_pil(image)


def timeline_gif_steps(path, render: Callable[[int], Image.Image], count: int, fps: float = DEFAULT_FPS):
    """Write ``render(0) .. render(count - 1)`` (one per snapshot) to ``path`` as a looping GIF, step-wise.

    A generator like :func:`~convviz.core.gif_stream.gif_frames_steps` (yields ``(done, count)``,
    closed early it writes nothing); ValueError for a wrong name or when there is no snapshot yet.
    """
    check_extension(path, ".gif")
    if count < 1:
        raise ValueError("there are no snapshots to animate yet: train first")
    return (yield from gif_frames_steps(path, render, count, fps))


def write_timeline_gif(path, render: Callable[[int], Image.Image], count: int, fps: float = DEFAULT_FPS) -> Path:
    """Write the timeline GIF at once (:func:`timeline_gif_steps` run to the end); atomic."""
    return run_steps(timeline_gif_steps(path, render, count, fps))
