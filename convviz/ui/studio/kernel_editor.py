"""The kernel grid, editable by keyboard or mouse.

Keyboard: Tab reaches the grid (a focus ring shows it, a blue frame marks its current cell);
the arrows move the current cell, typing a number or Enter/F2 edits it, Enter commits, Esc
cancels; + and PgUp/PgDn nudge it by ±1 (Shift: ±0.1). Mouse: double-click a cell to type,
turn the wheel to nudge; a single click does not take the keyboard (the arrows keep stepping the
animation). After an edit the keyboard comes back to the grid.
"""

from __future__ import annotations

from PyQt6.QtCore import QRect, QSize, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QPainter, QPalette, QPen
from PyQt6.QtWidgets import QApplication, QLineEdit, QWidget

from convviz.ui.studio.grid_view import GridView
from convviz.ui.studio.value_format import format_value

CURSOR = QColor("#1d4ed8")  # the keyboard's current cell: blue, apart from the orange step highlight
TIP = ("Kernel weights. Arrows pick a cell; type a number or press Enter/F2 to edit it (Enter keeps, Esc cancels); "
       "+ or PgUp/PgDn nudge it by ±1 (Shift: ±0.1); double-click or the wheel work too.")
_MOVES = {Qt.Key.Key_Left: (0, -1), Qt.Key.Key_Right: (0, 1), Qt.Key.Key_Up: (-1, 0), Qt.Key.Key_Down: (1, 0)}
_NUDGES = {Qt.Key.Key_Plus: 1, Qt.Key.Key_PageUp: 1, Qt.Key.Key_PageDown: -1}
_STARTS = set("0123456789.,-−")


class KernelEditor(GridView):
    """A diverging-coloured :class:`GridView` whose cells the user can edit.

    ``valueEdited(row, col, value)`` fires for every edit; the owner decides what
    to do with it (the studio writes it into its state).
    """

    valueEdited = pyqtSignal(int, int, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, diverging=True)
        self.setToolTip(TIP)
        self.setAccessibleName("Kernel weights")
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves the arrows stepping the animation
        self.cellDoubleClicked.connect(self.start_edit)
        self.cellWheeled.connect(self._nudge)
        self.cellPressed.connect(lambda row, col, _button: self.set_cursor(row, col))
        self.editor: QLineEdit | None = None
        self._editing: tuple[int, int] | None = None
        self.cursor_cell = (0, 0)

    def set_data(self, values, pads=((0, 0), (0, 0)), pad_text: str | None = None) -> None:
        """Show new weights; the current cell stays inside a smaller kernel."""
        super().set_data(values, pads, pad_text)
        self.set_cursor(*self.cursor_cell)

    def set_cursor(self, row: int, col: int) -> None:
        """Make (row, col), clamped to the kernel, the keyboard's current cell."""
        rows, cols = self.values.shape[:2]
        self.cursor_cell = (max(0, min(row, rows - 1)), max(0, min(col, cols - 1)))
        self.update()

    def start_edit(self, row: int, col: int, typed: str | None = None) -> None:
        """Open an inline editor over cell (row, col): its value selected, or ``typed`` already in it."""
        self.cancel_edit()
        self.set_cursor(row, col)
        self._layout()
        editor = QLineEdit(self)
        editor.setToolTip("Type the weight; Enter keeps it, Esc cancels.")
        editor.setText(typed if typed is not None else format_value(self.values[row, col]).replace("−", "-"))
        if typed is None:
            editor.selectAll()
        editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        rect = self.cell_rect(row, col)
        width = max(rect.width(), 56)
        editor.setGeometry(rect.center().x() - width // 2, rect.center().y() - 14, width, 28)
        editor.installEventFilter(self)  # Enter and Esc end here, they do not reach the grid
        editor.editingFinished.connect(self.commit_edit)
        self.editor, self._editing = editor, (row, col)
        editor.show()
        editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def commit_edit(self) -> None:
        """Write the typed value (ignored if it is not a number) and close the editor."""
        if self.editor is None or self._editing is None:
            return
        text = self.editor.text().strip().replace("−", "-").replace(",", ".")
        cell = self._editing
        self.cancel_edit()
        try:
            value = float(text)
        except ValueError:
            return
        if value == value and abs(value) < 1e6:  # finite, sensible
            self.valueEdited.emit(cell[0], cell[1], value)

    def cancel_edit(self) -> None:
        """Close the editor without writing; if it had the keyboard, the grid takes it back."""
        editor, self.editor, self._editing = self.editor, None, None
        if editor is not None:
            editor.blockSignals(True)
            if editor.hasFocus():  # hiding it would hand the keys to the next widget (the tab bar)
                self.setFocus(Qt.FocusReason.OtherFocusReason)
            editor.hide()
            editor.deleteLater()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        """In the inline editor, Enter commits and Esc cancels (the keys stop there)."""
        if watched is self.editor and event.type() == event.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.commit_edit()
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.cancel_edit()
                return True
        return super().eventFilter(watched, event)

    def _nudge(self, row: int, col: int, steps: int) -> None:
        shift = QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier
        delta = 0.1 if shift else 1.0
        value = round(float(self.values[row, col]) + steps * delta, 6)
        self.set_cursor(row, col)
        self.valueEdited.emit(row, col, value)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        """Arrows move the current cell, a number/Enter/F2 edits it, +/PgUp/PgDn nudge it.

        Other keys go to the parent (Space, Home/End drive the animation)."""
        key, row, col = event.key(), *self.cursor_cell
        if key in _MOVES:
            self.set_cursor(row + _MOVES[key][0], col + _MOVES[key][1])
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2):
            self.start_edit(row, col)
        elif key in _NUDGES:
            step = _NUDGES[key]
            shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier and key != Qt.Key.Key_Plus
            self.valueEdited.emit(row, col, round(float(self.values[row, col]) + step * (0.1 if shift else 1), 6))
        elif event.text() and event.text() in _STARTS and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.start_edit(row, col, event.text().replace("−", "-"))
        else:
            event.ignore()

    def focusInEvent(self, event) -> None:  # noqa: N802
        """Draw the focus ring and the current cell."""
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event) -> None:  # noqa: N802
        """Hide the focus ring and the current cell."""
        super().focusOutEvent(event)
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802
        """The grid; with the keyboard here, a focus ring round it and a frame on the current cell."""
        super().paintEvent(event)
        if not self.hasFocus() or self.message:
            return
        painter = QPainter(self)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        rows, cols = self.grid_shape
        grid = QRect(self._origin, QSize(cols * self._cell, rows * self._cell))
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 2))
        painter.drawRect(grid.adjusted(-4, -4, 3, 3).intersected(self.rect().adjusted(1, 1, -2, -2)))
        (t, _), (l, _) = self._pads
        rect = self.cell_rect(self.cursor_cell[0] + t, self.cursor_cell[1] + l)
        rect = rect.adjusted(3, 3, -3, -3) if self._cell >= 20 else rect
        painter.setPen(QPen(QColor("#ffffff"), 5 if self._cell >= 20 else 3))  # readable on any cell colour
        painter.drawRect(rect)
        painter.setPen(QPen(CURSOR, 3 if self._cell >= 20 else 2, Qt.PenStyle.DashLine))
        painter.drawRect(rect)
