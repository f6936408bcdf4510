"""One channel slice rendered into a pixmap fast: colours at one pixel per cell, scaled by Qt.

The classic grid (:mod:`~convviz.ui.studio.grid_render`) repeats pixels in numpy and keeps a
second "empty" pixmap; a volume of 8 slices needs neither, and a settings change must stay
within a few milliseconds, so Qt scales the small image (nearest neighbour) and draws the lines.
"""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import QLine, QRect, Qt
from PyQt6.QtGui import QBrush, QColor, QFont, QFontMetrics, QImage, QPainter, QPen

from convviz.ui.studio.grid_render import PAD_FILL, colour_cells, top_number_px
from convviz.ui.studio.value_format import format_value

LINE = QColor(205, 210, 218)
HATCH = QColor("#a9afb8")
SHADE = QColor(150, 156, 166)
MIN_NUMBER_PX = 9  # smaller digits cannot be read on a projector: colour only, the value on hover
TINTS = {"red": (165, 15, 21), "green": (0, 109, 44), "blue": (8, 48, 107), "grey": (40, 40, 40)}
CHANNEL_TINTS = {"R": "red", "G": "green", "B": "blue"}


def tint_cells(values: np.ndarray, tint: str) -> np.ndarray:
    """(H, W, 3) uint8: near-white for the map's minimum up to the dark ``tint`` (a TINTS key) for its maximum."""
    v = np.asarray(values, dtype=np.float64)
    lo, hi = (float(v.min()), float(v.max())) if v.size else (0.0, 0.0)
    if lo == hi:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    t = (v - lo) / ((hi - lo) or 1.0)
    light, dark = np.array((250, 250, 250), np.float64), np.array(TINTS[tint], np.float64)
    return (light + t[..., None] * (dark - light)).round().astype(np.uint8)


def volume_font(maps: np.ndarray, cell: int, base_font: QFont) -> QFont | None:
    """One font for the numbers of every slice (so they match), or None when no readable size fits."""
    if cell < 12 or maps.size == 0:
        return None
    values = np.unique(maps)
    if len(values) > 2048:  # the extremes and an even sample: the labels' lengths, not all of them
        values = np.concatenate([values[:256], values[-256:], values[::len(values) // 512]])
    labels = {format_value(v) for v in values}
    longest = max(map(len, labels))
    samples = [label for label in labels if len(label) >= longest - 1]
    font = QFont(base_font)
    for size in range(top_number_px(cell), MIN_NUMBER_PX - 1, -1):
        font.setPixelSize(size)
        metrics = QFontMetrics(font)
        if max(metrics.horizontalAdvance(label) for label in samples) <= cell - 4:
            return font
    return None


def render_tile(values: np.ndarray, pads, cell: int, font: QFont | None, shaded: np.ndarray | None = None,
                tint: str | None = None) -> QImage:
    """``values`` (H, W) ringed by hatched ``pads``, ``cell`` px per cell; numbers in ``font`` (None: none).

    ``tint`` colours the cells from white to one colour (a photo's R, G, B slices).
    """
    (t, b), (l, r) = pads
    height, width = values.shape
    rows, cols = height + t + b, width + l + r
    grid = np.empty((rows, cols, 3), np.uint8)
    grid[:] = PAD_FILL
    grid[t:t + height, l:l + width] = colour_cells(values) if tint is None else tint_cells(values, tint)
    small = QImage(np.ascontiguousarray(grid).data, cols, rows, 3 * cols, QImage.Format.Format_RGB888)
    # RGB32: Qt paints lines on it ~5x faster than on RGB888; scaled() is nearest neighbour (sharp cells)
    image = small.convertToFormat(QImage.Format.Format_RGB32).scaled(cols * cell, rows * cell)
    painter = QPainter(image)
    if cell >= 5:
        painter.setPen(QPen(LINE, 1))
        painter.drawLines([QLine(0, y * cell, cols * cell, y * cell) for y in range(rows)]
                          + [QLine(x * cell, 0, x * cell, rows * cell) for x in range(cols)])
    hatch = QBrush(HATCH, Qt.BrushStyle.BDiagPattern)
    for x, y, w, h in ((0, 0, cols, t), (0, rows - b, cols, b), (0, t, l, rows - t - b),
                       (cols - r, t, r, rows - t - b)):
        if w > 0 and h > 0:
            painter.fillRect(QRect(x * cell, y * cell, w * cell, h * cell), hatch)
    if shaded is not None:
        brush = QBrush(SHADE, Qt.BrushStyle.Dense6Pattern)
        for row, col in zip(*np.nonzero(shaded)):
            painter.fillRect(QRect(int(col) * cell, int(row) * cell, cell, cell), brush)
    if font is not None:
        _numbers(painter, values, grid, pads, cell, font)
    painter.setPen(QPen(QColor("#9aa3ae"), 1))
    painter.drawRect(0, 0, cols * cell - 1, rows * cell - 1)
    painter.end()
    return image


def _numbers(painter: QPainter, values, grid, pads, cell: int, font) -> None:
    labels = [format_value(v) for v in values.ravel()]
    painter.setFont(font)
    (t, _), (l, _) = pads
    light = grid.astype(np.int32) @ np.array([299, 587, 114]) // 1000 > 140
    width = values.shape[1]
    dark, white = QColor("#1f2937"), QColor("#ffffff")
    for index, label in enumerate(labels):
        row, col = divmod(index, width)
        painter.setPen(dark if light[row + t, col + l] else white)
        painter.drawText(QRect((col + l) * cell, (row + t) * cell, cell, cell), Qt.AlignmentFlag.AlignCenter, label)
