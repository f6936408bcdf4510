"""One reusable grid-of-cells view: the input, kernel, output and pooled maps all use it.

The cells, their colours, numbers and padding hatching are drawn once into a
cached pixmap, rebuilt only when the data or the widget size changes; every
animation step only paints highlights on top (window, current cell, max winner)
and covers the cells that are not computed yet.
"""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import QPoint, QRect, QRectF, QSize, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QFont, QPainter, QPalette, QPen, QPixmap
from PyQt6.QtWidgets import QSizePolicy, QWidget

from convviz.ui.studio.grid_render import render_grid, tag_chips

HIGHLIGHT = QColor("#e8710a")
WINNER = QColor("#c0392b")


class GridView(QWidget):
    """A square-celled map with optional padding ring, numbers, and per-step highlights.

    Coordinates in signals are cells of the real (unpadded) map.
    """

    cellPressed = pyqtSignal(int, int, int)  # row, col, Qt mouse button value
    cellDragged = pyqtSignal(int, int, int)
    cellWheeled = pyqtSignal(int, int, int)  # row, col, wheel steps (+1 up, -1 down)
    cellDoubleClicked = pyqtSignal(int, int)

    def __init__(self, parent: QWidget | None = None, diverging: bool | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(60, 60)
        self._diverging = diverging
        self._values = np.zeros((1, 1))
        self._pads = ((0, 0), (0, 0))
        self._pad_text: str | None = None
        self._revealed: int | None = None
        self._window: np.ndarray | None = None  # (N, 2) padded coordinates
        self._span: tuple[int, int, int, int] | None = None
        self._current: tuple[int, int] | None = None
        self._winner: tuple[int, int] | None = None
        self.message: str | None = None
        self._tags: list[str] | None = None
        self._pixmap: QPixmap | None = None
        self._empty: QPixmap | None = None
        self._cell = 1
        self._origin = QPoint(0, 0)
        self.numbers_shown = False

    # ----- data (rebuilds the cache) -----
    def set_data(self, values: np.ndarray, pads=((0, 0), (0, 0)), pad_text: str | None = None) -> None:
        """Show ``values`` surrounded by ``pads`` = ((top, bottom), (left, right)) padding cells."""
        self._values = np.asarray(values)
        self._pads = tuple(tuple(int(p) for p in side) for side in pads)
        self._pad_text = pad_text
        self.message = None
        self._pixmap = None
        self.update()

    def set_message(self, text: str | None) -> None:
        """Draw ``text`` instead of the grid (None goes back to the grid)."""
        self.message = text
        self.update()

    @property
    def values(self) -> np.ndarray:
        """The real cells on show."""
        return self._values

    @property
    def grid_shape(self) -> tuple[int, int]:
        """(rows, cols) including the padding ring."""
        (t, b), (l, r) = self._pads
        return self._values.shape[0] + t + b, self._values.shape[1] + l + r

    # ----- per-step state (cheap) -----
    def set_step(self, revealed=None, window=None, span=None, current=None, winner=None,
                 tags=None) -> None:
        """Set the highlights: ``revealed`` cells (row-major, None = all), ``window`` cells
        ((N, 2) padded coordinates), its ``span`` (r0, c0, r1, c1 padded, inclusive), the
        ``current`` cell (real coordinates), the max ``winner`` (padded coordinates) and
        small ``tags`` (one string per window cell, e.g. the kernel weight) drawn in a corner
        when cells are large enough."""
        self._revealed = revealed
        self._tags = tags
        self._window = None if window is None else np.asarray(window).reshape(-1, 2)
        self._span, self._current, self._winner = span, current, winner
        self.update()

    @property
    def window_cells(self) -> set[tuple[int, int]]:
        """The highlighted window cells in real-map coordinates (may lie on padding)."""
        if self._window is None:
            return set()
        (t, _), (l, _) = self._pads
        return {(int(r) - t, int(c) - l) for r, c in self._window}

    @property
    def current_cell(self) -> tuple[int, int] | None:
        """The highlighted current cell (real coordinates)."""
        return self._current

    @property
    def winner_cell(self) -> tuple[int, int] | None:
        """The marked max winner in real-map coordinates."""
        if self._winner is None:
            return None
        (t, _), (l, _) = self._pads
        return self._winner[0] - t, self._winner[1] - l

    @property
    def revealed(self) -> int | None:
        """How many cells (row-major) are drawn; None means all."""
        return self._revealed

    # ----- geometry -----
    def _layout(self) -> None:
        rows, cols = self.grid_shape
        self._cell = max(1, int(min((self.width() - 2) / cols, (self.height() - 2) / rows)))
        self._origin = QPoint((self.width() - cols * self._cell) // 2, (self.height() - rows * self._cell) // 2)

    def cell_rect(self, row: int, col: int) -> QRect:
        """Widget rectangle of a cell in padded coordinates."""
        c = self._cell
        return QRect(self._origin.x() + col * c, self._origin.y() + row * c, c, c)

    def cell_at(self, pos) -> tuple[int, int] | None:
        """Real-map (row, col) under widget point ``pos``, or None outside the real cells."""
        self._layout()
        (t, _), (l, _) = self._pads
        row = int((pos.y() - self._origin.y()) // self._cell) - t
        col = int((pos.x() - self._origin.x()) // self._cell) - l
        if 0 <= row < self._values.shape[0] and 0 <= col < self._values.shape[1]:
            return row, col
        return None

    def cell_center(self, row: int, col: int) -> QPoint:
        """Widget point at the centre of real cell (row, col)."""
        self._layout()
        (t, _), (l, _) = self._pads
        return self.cell_rect(row + t, col + l).center()

    def changeEvent(self, event) -> None:  # noqa: N802
        """A new font (the zoom): the cells and numbers are drawn again at the next paint."""
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self._pixmap = None
            self.update()

    def resizeEvent(self, event) -> None:  # noqa: N802
        """Sizes change the cell size: the cache is rebuilt at the next paint."""
        self._pixmap = None
        super().resizeEvent(event)

    # ----- cache -----
    def _build_cache(self) -> None:
        self._layout()
        self._pixmap, self._empty, self.numbers_shown = render_grid(
            self._values, self._pads, self._cell, self._diverging, self._pad_text, self.font())

    # ----- painting -----
    def paintEvent(self, event) -> None:  # noqa: N802
        """Blit the cached grid, cover cells not computed yet, draw the step's highlights."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))  # dark in the dark theme
        if self.message:
            self._paint_message(painter)
            return
        if self._pixmap is None:
            self._build_cache()
        painter.drawPixmap(self._origin, self._pixmap)
        self._cover_hidden(painter)
        self._paint_highlights(painter)

    def _paint_message(self, painter: QPainter) -> None:
        box = self.rect().adjusted(8, 8, -8, -8)
        painter.setPen(QPen(QColor("#e8a19c"), 1, Qt.PenStyle.DashLine))
        painter.setBrush(QColor("#fdf1f0"))
        painter.drawRoundedRect(box, 6, 6)
        painter.setPen(QColor("#7a1b16"))
        painter.drawText(box.adjusted(10, 10, -10, -10), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                         self.message)

    def _cover_hidden(self, painter: QPainter) -> None:
        height, width = self._values.shape
        if self._revealed is None or self._revealed >= height * width:
            return
        row, col = divmod(max(self._revealed, 0), width)
        (t, _), (l, _) = self._pads
        c = self._cell
        rects = [QRect((l + col) * c, (t + row) * c, (width - col) * c, c)]
        if row + 1 < height:
            rects.append(QRect(l * c, (t + row + 1) * c, width * c, (height - row - 1) * c))
        for source in rects:
            painter.drawPixmap(source.translated(self._origin), self._empty, source)
        rows, cols = self.grid_shape
        painter.setPen(QPen(QColor("#9aa3ae"), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRect(self._origin, QSize(cols * c - 1, rows * c - 1)))

    def _paint_highlights(self, painter: QPainter) -> None:
        c = self._cell
        if self._window is not None and len(self._window):
            painter.setPen(QPen(HIGHLIGHT, 3 if c >= 14 else 2) if c >= 10 else Qt.PenStyle.NoPen)
            painter.setBrush(Qt.BrushStyle.NoBrush if c >= 10 else HIGHLIGHT)
            inset = 1 if c >= 10 else 0
            for row, col in self._window:
                painter.drawRect(self.cell_rect(int(row), int(col)).adjusted(inset, inset, -inset, -inset))
            if self._tags is not None and c >= 30:
                self._paint_tags(painter)
        spread = self._span is not None and self._window is not None and len(self._window) > 1 and (
            (self._span[2] - self._span[0] + 1) * (self._span[3] - self._span[1] + 1) > len(self._window)
            or c < 10)
        if spread:  # a dilated window (gaps between its cells), or cells too small to see
            r0, c0, r1, c1 = self._span
            outline = self.cell_rect(r0, c0).united(self.cell_rect(r1, c1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            if c >= 10:
                painter.setPen(QPen(HIGHLIGHT, 1, Qt.PenStyle.DashLine))
                painter.drawRect(outline.adjusted(-1, -1, 0, 0))
            else:  # small cells: a solid frame around the window keeps it findable
                painter.setPen(QPen(HIGHLIGHT, 2))
                painter.drawRect(outline.adjusted(-3, -3, 2, 2))
        if self._current is not None:
            (t, _), (l, _) = self._pads
            rect = self.cell_rect(self._current[0] + t, self._current[1] + l)
            if c >= 10:
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(QPen(HIGHLIGHT, 3))
                painter.drawRect(rect.adjusted(1, 1, -1, -1))
            else:
                painter.fillRect(rect, HIGHLIGHT)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(QPen(HIGHLIGHT, 2))
                painter.drawRect(rect.adjusted(-3, -3, 2, 2))
        if self._winner is not None:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(WINNER, 3 if c >= 10 else 2))
            rect = QRectF(self.cell_rect(*self._winner)).adjusted(2.5, 2.5, -2.5, -2.5)
            painter.drawEllipse(rect)

    def tag_layout(self) -> tuple[QFont | None, list[tuple[QRect, str]]]:
        """(font, [(chip, tag)]) of the weight tags: each chip inside its own cell, or none at all."""
        if self._tags is None or self._window is None or self._cell < 30:
            return None, []
        rects = [self.cell_rect(int(row), int(col)) for row, col in self._window]
        return tag_chips(self._tags, rects, self._cell, self.font())

    def _paint_tags(self, painter: QPainter) -> None:
        font, chips = self.tag_layout()
        if font is None:
            return
        painter.setFont(font)
        for chip, tag in chips:
            painter.fillRect(chip, HIGHLIGHT)
            painter.setPen(QColor("#ffffff"))
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, tag)

    # ----- mouse -----
    def mousePressEvent(self, event) -> None:  # noqa: N802
        """Report presses on real cells."""
        cell = self.cell_at(event.position())
        if cell is not None:
            self.cellPressed.emit(cell[0], cell[1], event.button().value)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        """Report drags over real cells (buttons held)."""
        cell = self.cell_at(event.position())
        if cell is not None and event.buttons() != Qt.MouseButton.NoButton:
            button = Qt.MouseButton.RightButton if event.buttons() & Qt.MouseButton.RightButton \
                else Qt.MouseButton.LeftButton
            self.cellDragged.emit(cell[0], cell[1], button.value)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        """Report double clicks on real cells."""
        cell = self.cell_at(event.position())
        if cell is not None:
            self.cellDoubleClicked.emit(*cell)

    def wheelEvent(self, event) -> None:  # noqa: N802
        """Report wheel turns over real cells (ignored elsewhere so scroll areas still scroll)."""
        cell = self.cell_at(event.position())
        steps = event.angleDelta().y() // 120
        if cell is None or steps == 0:
            event.ignore()
            return
        self.cellWheeled.emit(cell[0], cell[1], steps)
        event.accept()

    def sizeHint(self):  # noqa: N802
        """A modest default size; layouts stretch it."""
        return QSize(280, 280)
