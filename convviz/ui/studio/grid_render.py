"""Drawing a grid of cells once into pixmaps: colours, numbers, padding hatching.

:class:`~convviz.ui.studio.grid_view.GridView` keeps the result and only paints
per-step highlights on top.
"""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import QRect, Qt
from PyQt6.QtGui import QBrush, QColor, QFont, QFontMetrics, QImage, QPainter, QPen, QPixmap

from convviz.ui.studio.value_format import format_value

GRID_LINE = np.array([205, 210, 218], np.uint8)
PAD_FILL = np.array([232, 233, 236], np.uint8)
EMPTY_GREY = 251
_SEQUENTIAL = ((0.0, (247, 251, 255)), (0.5, (107, 174, 214)), (1.0, (8, 48, 107)))
_DIVERGING = ((0.0, (33, 102, 172)), (0.5, (247, 247, 247)), (1.0, (178, 24, 43)))


def colour_cells(values: np.ndarray, diverging: bool | None = None) -> np.ndarray:
    """Return (H, W, 3) uint8 colours: blues for maps >= 0, blue-white-red around 0 otherwise."""
    v = np.asarray(values, dtype=np.float64)
    if v.size == 0:
        return np.zeros(v.shape + (3,), np.uint8)
    lo, hi = float(np.nanmin(v)), float(np.nanmax(v))
    if lo == hi:  # one value (a 1×1 output): measure it from 0, so a maximum is not drawn white
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if diverging is None:
        diverging = lo < 0
    if diverging:
        scale = max(abs(lo), abs(hi)) or 1.0
        t, stops = v / (2 * scale) + 0.5, _DIVERGING
    else:
        t, stops = (v - lo) / ((hi - lo) or 1.0), _SEQUENTIAL
    xs = [s[0] for s in stops]
    channels = [np.interp(t, xs, [s[1][i] for s in stops]) for i in range(3)]
    return np.stack(channels, axis=-1).round().astype(np.uint8)


def to_pixmap(image: np.ndarray) -> QPixmap:
    """Return an (H, W, 3) uint8 array as a QPixmap."""
    image = np.ascontiguousarray(image)
    h, w = image.shape[:2]
    qimage = QImage(image.data, w, h, 3 * w, QImage.Format.Format_RGB888)
    return QPixmap.fromImage(qimage.copy())


def render_grid(values: np.ndarray, pads, cell: int, diverging: bool | None, pad_text: str | None,
                base_font: QFont) -> tuple[QPixmap, QPixmap, bool]:
    """Return (cells pixmap, empty-cells pixmap, numbers shown) for ``values`` ringed by ``pads``."""
    (t, b), (l, r) = pads
    height, width = values.shape
    rows, cols = height + t + b, width + l + r
    grid = np.empty((rows, cols, 3), np.uint8)
    grid[:] = PAD_FILL
    grid[t:t + height, l:l + width] = colour_cells(values, diverging)
    image = np.repeat(np.repeat(grid, cell, axis=0), cell, axis=1)
    empty = np.full_like(image, EMPTY_GREY)
    if cell >= 5:
        for img in (image, empty):
            img[::cell, :] = GRID_LINE
            img[:, ::cell] = GRID_LINE
    pixmap, empty_pixmap = to_pixmap(image), to_pixmap(empty)
    painter = QPainter(pixmap)
    _hatch_padding(painter, pads, rows, cols, cell)
    shown = _draw_numbers(painter, values, grid, pads, cell, pad_text, base_font)
    painter.setPen(QPen(QColor("#9aa3ae"), 1))
    painter.drawRect(0, 0, cols * cell - 1, rows * cell - 1)
    painter.end()
    return pixmap, empty_pixmap, shown


def _hatch_padding(painter: QPainter, pads, rows: int, cols: int, c: int) -> None:
    (t, b), (l, r) = pads
    brush = QBrush(QColor("#a9afb8"), Qt.BrushStyle.BDiagPattern)
    for x, y, w, h in ((0, 0, cols, t), (0, rows - b, cols, b), (0, t, l, rows - t - b),
                       (cols - r, t, r, rows - t - b)):
        if w > 0 and h > 0:
            painter.fillRect(QRect(x * c, y * c, w * c, h * c), brush)


NUMBER_SHARE = 0.3  # numbers in big cells are this share of the cell high...
MAX_NUMBER_PX = 48  # ...up to this size (a 1920 px wide projector's cells are about 135 px)


def top_number_px(cell: int) -> int:
    """The biggest number size for ``cell`` px cells: up to 16 px (times the zoom) in small cells,
    then growing with the cell (capped), so a projector's big cells get big numbers."""
    from convviz.ui.zoom import zoom_level

    small = min(16 * max(1.0, zoom_level().factor), cell * 0.45)
    return int(min(MAX_NUMBER_PX, max(small, cell * NUMBER_SHARE)))


def number_font(labels: list[str], cell: int, base_font: QFont) -> QFont | None:
    """The largest font (7 px to :func:`top_number_px`) in which every label fits a cell, or None (then colour only)."""
    if cell < 12 or not labels:
        return None
    widest = max(labels, key=len)
    font = QFont(base_font)
    for size in range(top_number_px(cell), 6, -1):
        font.setPixelSize(size)
        if QFontMetrics(font).horizontalAdvance(widest) <= cell - 3:
            return font
    return None


def _draw_numbers(painter, values, grid, pads, c, pad_text, base_font) -> bool:
    if c < 12:  # no font fits: skip formatting every value (a 28×28×8 volume has 6,272)
        return False
    labels = [format_value(v) for v in values.ravel()]
    font = number_font(labels + ([pad_text] if pad_text else []), c, base_font)
    if font is None:
        return False
    painter.setFont(font)
    (t, b), (l, r) = pads
    light = grid.astype(np.int32) @ np.array([299, 587, 114]) // 1000 > 140
    width = values.shape[1]
    dark_pen, white_pen = QColor("#1f2937"), QColor("#ffffff")
    align = Qt.AlignmentFlag.AlignCenter
    for index, label in enumerate(labels):
        row, col = divmod(index, width)
        painter.setPen(dark_pen if light[row + t, col + l] else white_pen)
        painter.drawText(QRect((col + l) * c, (row + t) * c, c, c), align, label)
    if pad_text:
        painter.setPen(QColor("#8a8f98"))
        rows, cols = grid.shape[:2]
        for row in range(rows):
            for col in range(cols):
                if not (t <= row < rows - b and l <= col < cols - r):
                    painter.drawText(QRect(col * c, row * c, c, c), align, pad_text)
    return True


def tag_chips(tags: list[str], rects: list[QRect], cell: int, base_font: QFont):
    """(font, [(chip, tag)]) for small tags in the bottom-right corner of their cells ``rects``.

    The font shrinks (13 px down to 7) until the widest tag fits a cell; when none does,
    (None, []): no tag is drawn rather than chips spilling over the next cell's.
    """
    font = QFont(base_font)
    widest = max(tags, key=len, default="")
    for size in range(max(7, min(max(13, int(cell * 0.16)), 24, int(cell * 0.24))), 6, -1):
        font.setPixelSize(size)
        metrics = QFontMetrics(font)
        width, height = metrics.horizontalAdvance(widest) + 4, metrics.height()
        if width <= cell - 4 and height <= cell // 2 - 2:
            break
    else:
        return None, []
    chips = []
    for rect, tag in zip(rects, tags):
        width = metrics.horizontalAdvance(tag) + 4
        chips.append((QRect(rect.right() - width - 1, rect.bottom() - height - 1, width, height), tag))
    return font, chips
