"""One feature map or filter enlarged in its own window, its values read by hovering or with the arrow keys.

Maps of one source (a network's layers, a layer's filters) share one number of screen pixels
per cell, so a 13×13 map is drawn half as wide as a 26×26 one; a map too small to read at
that scale is drawn larger and the scale line says so. The owner keeps the window current
(:meth:`MapZoom.update_map`) while training changes the values.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QPoint, QRect, QSize, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QImage, QPainter, QPen
from PyQt6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from convviz.ui.zoom import relative_font

MIN_SIDE = 120  # a map drawn smaller than this (px) at the shared scale gets its own, larger scale
NUMBERS_FROM = 34  # cells at least this many pixels wide show their value as a number
_PICKED = QColor(220, 30, 30)
_CURSOR = QColor(255, 120, 0)


def value_text(values: np.ndarray, row: int, col: int, flat_width: int | None = None) -> str:
    """``"row 3, col 5: 0.7342"`` (or ``"value 101: …"`` for a vector wrapped ``flat_width`` to a row)."""
    value = float(values[row, col])
    where = f"value {row * flat_width + col}" if flat_width else f"row {row}, col {col}"
    return f"{where}: {'empty' if np.isnan(value) else f'{value:.4g}'}"


def fit_scale(shape: tuple[int, int], width: int, height: int) -> int:
    """Whole screen pixels per cell for an (H, W) map to fit ``width`` × ``height`` (at least 1)."""
    return max(1, min(width // max(1, shape[1]), height // max(1, shape[0])))


class MapCanvas(QWidget):
    """Draws one (H, W) map at a whole number of pixels per cell; ``hovered(row, col)``, ``chosen(row, col)``."""

    hovered = pyqtSignal(int, int)
    chosen = pyqtSignal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(260, 260)
        self.values = np.zeros((1, 1), np.float32)
        self.levels = (0.0, 1.0)
        self.lut = pg.colormap.get("viridis").getLookupTable(0.0, 1.0, 256, alpha=False)
        self.reference = (1, 1)  # the largest map of the source: it sets the shared scale
        self.cursor: tuple[int, int] | None = None
        self.marked: tuple[int, int] | None = None

    def set_map(self, values: np.ndarray, levels, colormap: str, reference: tuple[int, int]) -> None:
        """Show ``values`` coloured over ``levels`` with ``colormap``; ``reference`` is the source's largest (H, W)."""
        self.values = np.asarray(values, np.float32)
        self.levels = (float(levels[0]), float(levels[1]))
        self.lut = pg.colormap.get(colormap).getLookupTable(0.0, 1.0, 256, alpha=False)
        self.reference = tuple(int(v) for v in reference)
        if self.cursor is not None and not self._inside(*self.cursor):
            self.cursor = None
        self.update()

    def scale(self) -> tuple[int, bool]:
        """(pixels per cell, whether that is the source's shared scale)."""
        shared = fit_scale(self.reference, self.width(), self.height())
        if max(self.values.shape) * shared >= MIN_SIDE:
            return shared, True
        return fit_scale(self.values.shape, self.width(), self.height()), False

    def cell_rect(self, row: int, col: int) -> QRect:
        """Where cell (row, col) is drawn in this widget."""
        size, _ = self.scale()
        height, width = self.values.shape
        left, top = (self.width() - width * size) // 2, (self.height() - height * size) // 2
        return QRect(left + col * size, top + row * size, size, size)

    def cell_at(self, point: QPoint) -> tuple[int, int] | None:
        """The (row, col) under ``point``, None off the map."""
        origin, size = self.cell_rect(0, 0), self.scale()[0]
        row, col = (point.y() - origin.y()) // size, (point.x() - origin.x()) // size
        return (row, col) if self._inside(row, col) else None

    def _inside(self, row: int, col: int) -> bool:
        return 0 <= row < self.values.shape[0] and 0 <= col < self.values.shape[1]

    def _image(self) -> QImage:
        low, high = self.levels
        scaled = (self.values - low) / (high - low if high > low else 1.0)
        index = np.clip(np.nan_to_num(scaled, nan=0.0) * 255, 0, 255).astype(np.uint8)
        rgb = np.ascontiguousarray(self.lut[index], np.uint8)
        rgb[np.isnan(self.values)] = self.palette().window().color().getRgb()[:3]
        height, width = self.values.shape
        self._bytes = rgb.tobytes()  # QImage does not own the buffer
        return QImage(self._bytes, width, height, 3 * width, QImage.Format.Format_RGB888)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """The map, its numbers when the cells are big enough, the cursor and the picked cell."""
        painter = QPainter(self)
        height, width = self.values.shape
        size = self.scale()[0]
        whole = self.cell_rect(0, 0)
        whole.setSize(QSize(width * size, height * size))
        painter.drawImage(whole, self._image())
        if size >= NUMBERS_FROM:
            self._numbers(painter)
        for cell, colour, width_px in ((self.marked, _PICKED, 4), (self.cursor, _CURSOR, 3)):
            if cell is not None:
                painter.setPen(QPen(colour, width_px))
                painter.drawRect(self.cell_rect(*cell).adjusted(1, 1, -1, -1))
        if self.hasFocus():
            painter.setPen(QPen(self.palette().highlight().color(), 2, Qt.PenStyle.DashLine))
            painter.drawRect(whole.adjusted(-3, -3, 2, 2))
        painter.end()

    def _numbers(self, painter: QPainter) -> None:
        low, high = self.levels
        for (row, col), value in np.ndenumerate(self.values):
            if np.isnan(value):
                continue
            fraction = np.clip((value - low) / (high - low if high > low else 1.0), 0.0, 1.0)
            red, green, blue = (int(v) for v in self.lut[int(fraction * 255)])
            painter.setPen(QColor("black" if 0.3 * red + 0.59 * green + 0.11 * blue > 140 else "white"))
            painter.drawText(self.cell_rect(row, col), Qt.AlignmentFlag.AlignCenter, f"{value:.2g}")

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """Follow the mouse with the cursor and report the cell under it."""
        cell = self.cell_at(event.position().toPoint())
        if cell is not None and cell != self.cursor:
            self.cursor = cell
            self.hovered.emit(*cell)
            self.update()

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """Choose the clicked cell."""
        cell = self.cell_at(event.position().toPoint())
        if cell is not None and event.button() == Qt.MouseButton.LeftButton:
            self.cursor = cell
            self.hovered.emit(*cell)
            self.chosen.emit(*cell)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """Arrows move the cursor a cell (its value is read out), Enter chooses it."""
        moves = {Qt.Key.Key_Left: (0, -1), Qt.Key.Key_Right: (0, 1), Qt.Key.Key_Up: (-1, 0), Qt.Key.Key_Down: (1, 0)}
        if event.key() in moves and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            row, col = self.cursor or (0, 0)
            if self.cursor is not None:
                row, col = row + moves[event.key()][0], col + moves[event.key()][1]
            self.cursor = (max(0, min(self.values.shape[0] - 1, row)), max(0, min(self.values.shape[1] - 1, col)))
            self.hovered.emit(*self.cursor)
            self.update()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.cursor is not None:
            self.chosen.emit(*self.cursor)
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """Show the focus frame."""
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """Hide the focus frame."""
        super().focusOutEvent(event)
        self.update()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """A new size may change the scale: tell the window."""
        super().resizeEvent(event)
        self.hovered.emit(-1, -1)


class MapZoom(QDialog):
    """A non-modal window with one map large; ``stepped(±1)`` asks for the previous/next map,
    ``cellChosen(row, col)`` reports a clicked cell, ``closed()`` its closing (Esc, Close)."""

    stepped = pyqtSignal(int)
    cellChosen = pyqtSignal(int, int)
    closed = pyqtSignal()

    def __init__(self, parent: QWidget | None = None, choose_tip: str = "", side: str = "right") -> None:
        super().__init__(parent)
        self.side = side  # where it opens over the window: beside what the owner shows, not on top of it
        self.setWindowFlag(Qt.WindowType.Tool)
        self.setModal(False)
        self.setWindowTitle("Enlarged map")
        self.key = None  # the owner's name for the map on show
        self.flat_width: int | None = None
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.canvas = MapCanvas()
        self.canvas.setToolTip("Hover a cell, or move with the arrow keys, to read its value. " + choose_tip)
        self.readout = QLabel("Hover a cell to read its value.")
        relative_font(self.readout, 1.5, bold=True)
        self.scale_label = QLabel()
        self.previous = self._button("◀ Previous", "Show the previous map (Page Up)", lambda: self.stepped.emit(-1))
        self.next = self._button("Next ▶", "Show the next map (Page Down)", lambda: self.stepped.emit(1))
        self.close_button = self._button("Close", "Close this window (Esc)", self.reject)
        buttons = QHBoxLayout()
        for widget in (self.previous, self.next):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        for widget, stretch in ((self.title, 0), (self.canvas, 1), (self.readout, 0), (self.scale_label, 0)):
            layout.addWidget(widget, stretch)
        layout.addLayout(buttons)
        self.canvas.hovered.connect(self._read)
        self.canvas.chosen.connect(self.cellChosen)
        self.resize(460, 540)

    def _button(self, text: str, tip: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def show_map(self, key, title: str, values, levels, colormap: str = "viridis",
                 reference: tuple[int, int] | None = None, flat_width: int | None = None) -> None:
        """Enlarge ``values`` (H, W) named ``title``; ``key`` is the owner's name for it (see :meth:`update_map`)."""
        opening = not self.isVisible()
        self.key, self.flat_width = key, flat_width
        self.title.setText(title)
        self.canvas.marked = None
        self.canvas.set_map(values, levels, colormap, reference or np.shape(values))
        self._read(*(self.canvas.cursor or (-1, -1)))
        if opening:  # later maps replace it in place: the keyboard stays where the user is
            self._place()
            self.show()
            self.raise_()
            self.activateWindow()
            self.canvas.setFocus()

    def update_map(self, values, levels) -> None:
        """New values for the map on show (training moved on): colours and the read-out follow."""
        canvas = self.canvas
        canvas.values, canvas.levels = np.asarray(values, np.float32), (float(levels[0]), float(levels[1]))
        canvas.update()
        self._read(*(canvas.cursor or (-1, -1)))

    def mark(self, cell: tuple[int, int] | None) -> None:
        """Outline ``cell`` (row, col) in red, e.g. the inspector's picked cell; None removes it."""
        self.canvas.marked = cell
        self.canvas.update()

    def _read(self, row: int, col: int) -> None:
        values = self.canvas.values
        size, shared = self.canvas.scale()
        height, width = values.shape
        self.scale_label.setText(f"{height}×{width} cells, 1 cell = {size} px"
                                 + ("" if shared else " (larger than the other maps' scale, to be readable)"))
        if 0 <= row < height and 0 <= col < width:
            text = value_text(values, row, col, self.flat_width)
            self.readout.setText(text)
            self.canvas.setToolTip(text)

    def _place(self) -> None:
        """Size it to the window (bigger on a big screen) and put it on the owner's chosen side."""
        window = self.parentWidget().window() if self.parentWidget() is not None else None
        if window is None or window is self:
            return
        frame = window.frameGeometry()
        side = int(min(frame.width() * 0.45, frame.height() * 0.7))
        self.resize(max(380, side), max(440, side + 110))
        left = frame.left() + 24 if self.side == "left" else frame.right() - self.width() - 24
        self.move(max(frame.left(), left), frame.top() + 60)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """Page Up/Down step through the maps; Esc closes (QDialog)."""
        steps = {Qt.Key.Key_PageUp: -1, Qt.Key.Key_PageDown: 1}
        if event.key() in steps:
            self.stepped.emit(steps[event.key()])
        else:
            super().keyPressEvent(event)

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """Tell the owner, which removes its selection frame."""
        super().hideEvent(event)
        self.closed.emit()
