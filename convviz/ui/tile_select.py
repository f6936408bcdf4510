"""Tiles of a tiled map image picked by mouse or keyboard, and the frame that marks the picked one.

A layer's N feature maps (or a layer's N filters) are drawn as one tiled image
(:func:`convviz.core.tiling.tile_maps`); :class:`TileGrid` goes from a pixel of that image to
(tile, row, col) and back, :class:`TileImage` reports clicks and hovers in pixels, :func:`tile_frame`
is the thick frame around the chosen tile and :class:`TileKeys` gives the arrow keys and Enter.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QEvent, QObject, QRectF, Qt
from PyQt6.QtWidgets import QGraphicsRectItem

FRAME_COLOUR = (255, 120, 0)  # orange: stands out on viridis, grey and blue-red maps alike
FRAME_WIDTH = 4  # screen pixels, whatever the zoom of the view


class TileGrid:
    """``count`` maps of ``height`` × ``width`` tiled ``cols`` to a row, ``gap`` pixels apart."""

    def __init__(self, height: int, width: int, count: int, cols: int, gap: int = 1) -> None:
        self.height, self.width, self.count = int(height), int(width), int(count)
        self.cols, self.gap = max(1, int(cols)), int(gap)

    def locate(self, row: int, col: int) -> tuple[int, int, int] | None:
        """(tile, row, col) of a pixel of the tiled image; None on a gap or outside."""
        if row < 0 or col < 0:
            return None
        tile_row, r = divmod(row, self.height + self.gap)
        tile_col, c = divmod(col, self.width + self.gap)
        tile = tile_row * self.cols + tile_col
        if r >= self.height or c >= self.width or tile_col >= self.cols or tile >= self.count:
            return None
        return tile, r, c

    def rect(self, tile: int) -> QRectF:
        """The tile's rectangle in image pixels (x = column)."""
        tile_row, tile_col = divmod(tile, self.cols)
        return QRectF(tile_col * (self.width + self.gap), tile_row * (self.height + self.gap), self.width, self.height)

    def step(self, tile: int, dx: int, dy: int) -> int:
        """The tile ``dx`` columns and ``dy`` rows of tiles away, kept inside the grid."""
        tile_row, tile_col = divmod(tile, self.cols)
        tile_row, tile_col = tile_row + dy, tile_col + dx
        moved = tile_row * self.cols + max(0, min(self.cols - 1, tile_col))
        return max(0, min(self.count - 1, moved))


def tile_frame() -> QGraphicsRectItem:
    """A hidden thick orange frame to put around the chosen tile (``setRect``, ``setVisible``)."""
    frame = QGraphicsRectItem()
    frame.setPen(pg.mkPen(FRAME_COLOUR, width=FRAME_WIDTH, cosmetic=True))
    frame.setZValue(30)
    frame.setVisible(False)
    return frame


def frame_tile(frame: QGraphicsRectItem, rect: QRectF | None) -> None:
    """Put ``frame`` around ``rect`` (a little outside it, so the map stays visible), or hide it."""
    frame.setVisible(rect is not None)
    if rect is not None:
        frame.setRect(rect.adjusted(-0.5, -0.5, 0.5, 0.5))


class TileImage(pg.ImageItem):
    """An ImageItem reporting clicks ``on_click(row, col, double)`` and hovers as a tooltip ``describe(row, col)``."""

    def __init__(self, on_click, describe) -> None:
        super().__init__()
        self._on_click, self._describe = on_click, describe
        self.setAcceptHoverEvents(True)

    @staticmethod
    def _pixel(pos) -> tuple[int, int]:
        return int(np.floor(pos.y())), int(np.floor(pos.x()))

    def mouseClickEvent(self, event) -> None:  # noqa: N802 (pyqtgraph naming)
        """Report the clicked pixel as (row, col) and whether it was a double click."""
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self._on_click(*self._pixel(event.pos()), bool(event.double()))
        event.accept()

    def hoverEvent(self, event) -> None:  # noqa: N802 (pyqtgraph naming)
        """Say the value under the mouse in the tooltip."""
        if event.isExit() or self.image is None:
            self.setToolTip("")
            return
        self.setToolTip(self._describe(*self._pixel(event.pos())) or "")


class TileKeys(QObject):
    """On ``widget``: arrow keys call ``move(dx, dy)``, Enter/Return/Space ``activate()``, Esc ``escape()``,
    focus-in ``focused()``."""

    _MOVES = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}
    _ACTIVATE = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)

    def __init__(self, widget, move, activate, focused=None, escape=None) -> None:
        super().__init__(widget)
        self._move, self._activate, self._focused, self._escape = move, activate, focused, escape
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt naming)
        """Take the arrow keys and Enter; let everything else through."""
        if event.type() == QEvent.Type.FocusIn and self._focused is not None:
            self._focused()
        if event.type() != QEvent.Type.KeyPress or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        if event.key() in self._MOVES:
            self._move(*self._MOVES[event.key()])
            return True
        if event.key() in self._ACTIVATE:
            self._activate()
            return True
        if event.key() == Qt.Key.Key_Escape and self._escape is not None:
            self._escape()
            return True
        return False
