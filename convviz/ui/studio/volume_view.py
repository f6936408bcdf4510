"""A volume as its channel slices, side by side and wrapped, with one step's highlights on top.

Each slice is rendered once into a pixmap (numpy colours, hatched padding, numbers only
where cells are big enough: :func:`~convviz.ui.studio.grid_render.render_grid`); a step
only paints outlines and shades over those pixmaps, so a 28×28×8 volume steps in a few ms.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PyQt6.QtCore import QRect, QRectF, Qt, pyqtSignal
from PyQt6.QtGui import QBrush, QColor, QPainter, QPalette, QPen
from PyQt6.QtWidgets import QSizePolicy, QWidget

from convviz.ui.studio.tile_render import render_tile, volume_font
from convviz.ui.studio.value_format import format_value

TITLE_H, GAP, MAX_CELL = 15, 6, 40
WINDOW = QColor(234, 88, 12)
CURRENT = QColor(220, 38, 38)
FOCUS = QColor(37, 99, 235)


@dataclass
class Highlights:
    """What one step marks: window taps (padded coordinates) on the ``channels`` read, and more.

    ``focus`` is the slice drawn large (the current filter); ``revealed`` the number of its
    cells already written (row-major); slices before ``focus`` are done, after it pending.
    ``cells`` are extra cells outlined on the focus slice (a transposed stamp).
    """

    taps: np.ndarray | None = None  # (n, 2) padded (row, col)
    channels: tuple = ()
    focus: int | None = None
    revealed: int | None = None
    current: tuple | None = None
    cells: list = field(default_factory=list)


def fit_tiles(count: int, rows: int, cols: int, width: int, height: int,
              title: int = TITLE_H) -> tuple[int, int]:
    """(columns of tiles, cell px) that make ``count`` slices of rows×cols cells largest in width×height."""
    best, gap = (1, 0), GAP if title else 2
    for ncols in range(1, count + 1):
        nrows = -(-count // ncols)
        cell = min((width - gap * (ncols - 1)) // max(ncols * cols, 1),
                   (height - nrows * (title + gap)) // max(nrows * rows, 1), MAX_CELL)
        if cell > best[1]:
            best = (ncols, cell)
    return best


class VolumeView(QWidget):
    """Slices (C, H, W) with titles; ``focus`` mode draws one slice large and the others small."""

    cellClicked = pyqtSignal(int, int, int)  # slice, row, col of a real cell

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(100, 80)  # four side by side fit a 1024 px window at 150% zoom
        self.maps = np.zeros((0, 1, 1))
        self.names: tuple = ()
        self.pads = ((0, 0), (0, 0))
        self.shaded: np.ndarray | None = None
        self.focus_mode = False
        self.highlights = Highlights()
        self._tiles: list[QRect] = []
        self._cells: list[int] = []
        self._titled: list[bool] = []
        self._pixmaps: dict = {}
        self._fonts: dict = {}  # cell px -> the numbers' font for every slice (None: colour only)
        self.tints: tuple | None = None
        self.setMouseTracking(True)

    # ----- data -----
    def set_volume(self, maps: np.ndarray, names, pads=((0, 0), (0, 0)), focus_mode: bool = False,
                   shaded: np.ndarray | None = None, tints=None) -> None:
        """Show ``maps`` (C, H, W) titled ``names``, ringed by ``pads``; ``shaded`` (H+pads, W+pads)
        marks cells drawn pale (inserted zeros); ``tints`` (one TINTS key per slice) colour slices."""
        maps = np.asarray(maps, dtype=np.float64)
        tints = tuple(tints) if tints is not None else None
        same = (maps.shape == self.maps.shape and pads == self.pads and shaded is None and self.shaded is None
                and tints == self.tints and np.array_equal(maps, self.maps))
        self.maps, self.tints = maps, tints
        self.names, self.pads, self.focus_mode, self.shaded = tuple(names), pads, focus_mode, shaded
        self.highlights = Highlights()
        if not same:  # an unchanged input keeps its slices: a stride change redraws the output only
            self._pixmaps.clear()
            self._fonts.clear()
        self._layout()
        self.update()

    def set_step(self, highlights: Highlights) -> None:
        """Mark one step's cells (cheap: the slices are not rendered again)."""
        relayout = highlights.focus != self.highlights.focus and self.focus_mode
        self.highlights = highlights
        if relayout:
            self._layout()
        self.update()

    @property
    def padded_shape(self) -> tuple[int, int]:
        """(rows, cols) of one slice with its padding."""
        (t, b), (l, r) = self.pads
        return self.maps.shape[1] + t + b, self.maps.shape[2] + l + r

    def changeEvent(self, event) -> None:  # noqa: N802
        """A new font (the zoom): the slices and their numbers are drawn again."""
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self._pixmaps, self._fonts = {}, {}
            self.update()

    # ----- geometry -----
    def resizeEvent(self, event) -> None:  # noqa: N802
        """Lay the slices out again for the new size."""
        super().resizeEvent(event)
        self._layout()

    def _layout(self) -> None:
        count = len(self.maps)
        self._tiles, self._cells, self._titled = [None] * count, [1] * count, [True] * count
        if not count:
            return
        rows, cols = self.padded_shape
        width, height = self.width(), self.height()
        focus = self.highlights.focus if self.focus_mode and count > 1 else None
        if focus is None or not 0 <= focus < count:
            self._place(range(count), rows, cols, QRect(0, 0, width, height))
            return
        big = QRect(0, 0, int(width * (0.58 if count <= 9 else 0.45)), height)
        self._place([focus], rows, cols, big)
        others = [i for i in range(count) if i != focus]
        self._place(others, rows, cols, QRect(big.width() + GAP, 0, width - big.width() - GAP, height))

    def _place(self, indices, rows: int, cols: int, area: QRect) -> None:
        indices = list(indices)
        title = TITLE_H
        ncols, cell = fit_tiles(len(indices), rows, cols, area.width(), area.height(), title)
        if cols * cell < 24:  # tiles too small to carry a name: give the room to the cells
            title = 0
            ncols, cell = fit_tiles(len(indices), rows, cols, area.width(), area.height(), title)
        cell, gap = max(cell, 1), GAP if title else 2
        for n, index in enumerate(indices):
            r, c = divmod(n, ncols)
            x = area.x() + c * (cols * cell + gap)
            y = area.y() + r * (rows * cell + title + gap)
            self._tiles[index] = QRect(x, y + title, cols * cell, rows * cell)
            self._cells[index] = cell
            self._titled[index] = bool(title)

    def _pixmap(self, index: int, cell: int):
        key = (index, cell)
        if key not in self._pixmaps:
            if cell not in self._fonts:
                self._fonts[cell] = volume_font(self.maps, cell, self.font())
            tint = self.tints[index] if self.tints and index < len(self.tints) else None
            self._pixmaps[key] = render_tile(self.maps[index], self.pads, cell, self._fonts[cell], self.shaded, tint)
        return self._pixmaps[key]

    # ----- painting -----
    def paintEvent(self, event) -> None:  # noqa: N802
        """Slices, titles, then the step's outlines and shades."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))  # dark in the dark theme
        h = self.highlights
        for index, tile in enumerate(self._tiles):
            if tile is None:
                continue
            cell = self._cells[index]
            painter.drawImage(tile.topLeft(), self._pixmap(index, cell))
            self._paint_title(painter, index, tile)
            self._paint_progress(painter, index, tile, cell)
            if h.taps is not None and (not h.channels or index in h.channels):
                self._paint_taps(painter, tile, cell, h.taps, WINDOW)
            elif h.taps is not None:
                veil = QColor(self.palette().color(QPalette.ColorRole.Base))
                veil.setAlpha(150)
                painter.fillRect(tile, veil)  # a channel this filter does not read
        painter.end()

    def _paint_title(self, painter: QPainter, index: int, tile: QRect) -> None:
        on = index == self.highlights.focus or index in self.highlights.channels
        if self._titled[index]:
            name = self.names[index] if index < len(self.names) else str(index)
            painter.setPen(FOCUS if on else self.palette().color(QPalette.ColorRole.PlaceholderText))
            font = painter.font()
            font.setPixelSize(11)
            font.setBold(on)
            painter.setFont(font)
            room = tile.width() + GAP - 2
            if painter.fontMetrics().horizontalAdvance(name) > room:
                name = name.split()[-1]  # "random 12" → "12": the index still tells the slices apart
            box = QRect(tile.x(), tile.y() - TITLE_H, room, TITLE_H)
            painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
        if index == self.highlights.focus:
            painter.setPen(QPen(FOCUS, 2))
            painter.drawRect(tile.adjusted(-2, -2, 1, 1))

    def _paint_progress(self, painter: QPainter, index: int, tile: QRect, cell: int) -> None:
        h = self.highlights
        if h.focus is None:
            return
        pending = QColor(251, 251, 251, 215)
        if index > h.focus and h.revealed is not None:
            painter.fillRect(tile, pending)
        elif index == h.focus:
            (t, _), (l, _) = self.pads
            width = self.maps.shape[2]
            x0, y0 = tile.x() + l * cell, tile.y() + t * cell
            if h.revealed is not None:
                row, col = divmod(h.revealed, width) if width else (0, 0)
                painter.fillRect(QRect(x0 + col * cell, y0 + row * cell, (width - col) * cell, cell), pending)
                painter.fillRect(QRect(x0, y0 + (row + 1) * cell, width * cell,
                                       (self.maps.shape[1] - row - 1) * cell), pending)
            if h.current is not None:
                painter.setPen(QPen(CURRENT, 3))
                painter.drawRect(QRect(x0 + h.current[1] * cell, y0 + h.current[0] * cell, cell, cell))
            for r, c in h.cells:
                painter.setPen(QPen(WINDOW, 2))
                painter.drawRect(QRect(x0 + c * cell, y0 + r * cell, cell, cell))

    def _paint_taps(self, painter: QPainter, tile: QRect, cell: int, taps: np.ndarray, colour: QColor) -> None:
        fill = QColor(colour)
        fill.setAlpha(60)
        painter.setPen(QPen(colour, 2 if cell >= 6 else 1))
        painter.setBrush(QBrush(fill))
        for r, c in taps:
            painter.drawRect(QRectF(tile.x() + c * cell, tile.y() + r * cell, cell, cell))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if len(taps) > 1:
            top, left = taps.min(axis=0)
            bottom, right = taps.max(axis=0)
            painter.setPen(QPen(colour, 1, Qt.PenStyle.DashLine))
            painter.drawRect(QRect(tile.x() + left * cell - 1, tile.y() + top * cell - 1,
                                   (right - left + 1) * cell + 2, (bottom - top + 1) * cell + 2))

    # ----- mouse -----
    def cell_at(self, pos) -> tuple[int, int, int] | None:
        """(slice, row, col) of the real cell under widget point ``pos``, or None (padding, gaps)."""
        (t, _), (l, _) = self.pads
        x, y = int(pos.x()), int(pos.y())
        for index, tile in enumerate(self._tiles):
            if tile is None or not tile.contains(x, y):
                continue
            cell = self._cells[index]
            row, col = (y - tile.y()) // cell - t, (x - tile.x()) // cell - l
            if 0 <= row < self.maps.shape[1] and 0 <= col < self.maps.shape[2]:
                return index, row, col
        return None

    def mousePressEvent(self, event) -> None:  # noqa: N802
        """Report a click on a real cell."""
        hit = self.cell_at(event.position())
        if hit is not None:
            self.cellClicked.emit(*hit)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        """The value under the pointer as a tooltip (cells too small for numbers have it only here)."""
        hit = self.cell_at(event.position())
        self.setToolTip("" if hit is None else self.cell_text(*hit))

    def cell_text(self, index: int, row: int, col: int) -> str:
        """A cell named for people: ``R [3, 4] = 120`` (1-D maps: ``[4]``)."""
        name = self.names[index] if index < len(self.names) else str(index)
        where = f"[{col}]" if self.maps.shape[1] == 1 else f"[{row}, {col}]"
        return f"{name} {where} = {format_value(self.maps[index, row, col])}"

    def tile_of(self, index: int) -> QRect | None:
        """Where slice ``index`` is drawn (tests and tooltips)."""
        return self._tiles[index] if 0 <= index < len(self._tiles) else None

