"""The kernel grid, editable: double-click a cell to type a value, turn the wheel to nudge it."""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import QApplication, QLineEdit, QWidget

from convviz.ui.studio.grid_view import GridView
from convviz.ui.studio.value_format import format_value


class KernelEditor(GridView):
    """A diverging-coloured :class:`GridView` whose cells the user can edit.

    ``valueEdited(row, col, value)`` fires for every edit; the owner decides what
    to do with it (the studio writes it into its state).
    """

    valueEdited = pyqtSignal(int, int, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, diverging=True)
        self.setToolTip("Double-click a cell to type a value; wheel: ±1 (Shift: ±0.1)")
        self.cellDoubleClicked.connect(self.start_edit)
        self.cellWheeled.connect(self._nudge)
        self.editor: QLineEdit | None = None
        self._editing: tuple[int, int] | None = None

    def start_edit(self, row: int, col: int) -> None:
        """Open an inline editor over cell (row, col)."""
        self.cancel_edit()
        self._layout()
        editor = QLineEdit(self)
        editor.setText(format_value(self.values[row, col]).replace("−", "-"))
        editor.selectAll()
        editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        rect = self.cell_rect(row, col)
        width = max(rect.width(), 56)
        editor.setGeometry(rect.center().x() - width // 2, rect.center().y() - 14, width, 28)
        editor.returnPressed.connect(self.commit_edit)
        editor.editingFinished.connect(self.commit_edit)
        self.editor, self._editing = editor, (row, col)
        editor.show()
        editor.setFocus()

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
        """Close the editor without writing."""
        editor, self.editor, self._editing = self.editor, None, None
        if editor is not None:
            editor.blockSignals(True)
            editor.hide()
            editor.deleteLater()

    def _nudge(self, row: int, col: int, steps: int) -> None:
        shift = QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier
        delta = 0.1 if shift else 1.0
        value = round(float(self.values[row, col]) + steps * delta, 6)
        self.valueEdited.emit(row, col, value)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        """Escape cancels an edit; other keys go to the parent (space/left/right drive the animation)."""
        if event.key() == Qt.Key.Key_Escape and self.editor is not None:
            self.cancel_edit()
            return
        event.ignore()
