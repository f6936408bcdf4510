"""One channel slice rendered into a pixmap fast: colours at one pixel per cell, scaled by Qt.

The classic grid (:mod:`~convviz.ui.studio.grid_render`) repeats pixels in numpy and keeps a
second "empty" pixmap; a volume of 8 slices needs neither, and a settings change must stay
within a few milliseconds, so Qt scales the small image (nearest neighbour) and draws the lines.
"""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import QLine, QRect, Qt
from PyQt6.QtGui import QBrush, QColor, QImage, QPainter, QPen

from convviz.ui.studio.grid_render import PAD_FILL, colour_cells, number_font
from convviz.ui.studio.value_format import format_value

LINE = QColor(205, 210, 218)
HATCH = QColor("#a9afb8")
SHADE = QColor(150, 156, 166)


def render_tile(values: np.ndarray, pads, cell: int, font, shaded: np.ndarray | None = None) -> QImage:
    """``values`` (H, W) ringed by hatched ``pads``, ``cell`` px per cell; numbers when they fit."""
    (t, b), (l, r) = pads
    height, width = values.shape
    rows, cols = height + t + b, width + l + r
    grid = np.empty((rows, cols, 3), np.uint8)
    grid[:] = PAD_FILL
    grid[t:t + height, l:l + width] = colour_cells(values)
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
    if cell >= 12:
        _numbers(painter, values, grid, pads, cell, font)
    painter.setPen(QPen(QColor("#9aa3ae"), 1))
    painter.drawRect(0, 0, cols * cell - 1, rows * cell - 1)
    painter.end()
    return image


def _numbers(painter: QPainter, values, grid, pads, cell: int, base_font) -> None:
    labels = [format_value(v) for v in values.ravel()]
    font = number_font(labels, cell, base_font)
    if font is None:
        return
    painter.setFont(font)
    (t, _), (l, _) = pads
    light = grid.astype(np.int32) @ np.array([299, 587, 114]) // 1000 > 140
    width = values.shape[1]
    dark, white = QColor("#1f2937"), QColor("#ffffff")
    for index, label in enumerate(labels):
        row, col = divmod(index, width)
        painter.setPen(dark if light[row + t, col + l] else white)
        painter.drawText(QRect((col + l) * cell, (row + t) * cell, cell, cell), Qt.AlignmentFlag.AlignCenter, label)
