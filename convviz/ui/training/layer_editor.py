"""The layer editor: build your own CNN row by row and see every output shape and weight count.

Shapes and parameter counts come from the arithmetic engine (:func:`stack_rows`), which agrees
with Keras, so editing never touches TensorFlow. A stack Keras could not build is explained in
the engine's words and its faulty row is highlighted.
"""

from __future__ import annotations

import html

from PyQt6.QtCore import QEvent, QSize, Qt, pyqtSignal
from PyQt6.QtGui import QBrush, QColor
from PyQt6.QtWidgets import QLabel, QTableWidgetItem, QVBoxLayout, QWidget

from convviz.arithmetic.layer_stack import LayerRow, LayerSpec
from convviz.training.models import MODEL_PRESETS
from convviz.training.stack_check import check_stack
from convviz.ui.training.layer_editor_buttons import build_buttons, head_text
from convviz.ui.training.layer_history import SpecHistory, is_history_key
from convviz.ui.training.layer_row_editor import SETTING_KEYS, LayerRowEditor, changed_setting, default_spec
from convviz.ui.training.layer_table import HEADERS, KIND_COL, OUTPUT_COL, PARAMS_COL, build_table, chain_tab_order
from convviz.ui.training.summary_table import keras_shape

__all__ = ["DEFAULT_INPUT", "FAULT_MARK", "HEADERS", "KIND_COL", "OUTPUT_COL", "PARAMS_COL", "LayerEditor"]

FAULT_MARK = "✗ see below"  # the output cell of the row at fault; the message is under the table
DEFAULT_INPUT = ((28, 28, 1), 10)  # MNIST until the data says otherwise
_FAULT = QColor("#fde2e1")  # the row at fault, as the message bar shows errors
_FAULT_TEXT = QColor("#a11d16")
_HEAD_TEXT = QColor("#888888")


class LayerEditor(QWidget):
    """A table of layers (one per row, settings edited in place) with Add, Remove, Up, Down and
    "Start from preset"; per-row output shapes and parameters, the total, and what is wrong.

    Read the stack with :meth:`specs`; ``changed`` fires after every edit, when ``error``,
    ``error_row``, ``rows``, ``head`` and ``total_params`` are up to date.
    """

    changed = pyqtSignal()
    use_requested = pyqtSignal()  # "Use for training" was clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = build_table()
        self.history = SpecHistory()
        buttons = build_buttons(self)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.totals)

        self.input_shape, self.num_classes = DEFAULT_INPUT
        self._input_note = ""
        self._specs: list[LayerSpec] = []
        self._editors: list[LayerRowEditor] = []
        self._merge: object = None  # (row, setting) of the edit being recorded, for the history
        self._restoring = False
        self.rows: list[LayerRow] = []  # one per layer up to the first that cannot be built
        self.head: tuple[LayerSpec, ...] = ()  # layers the head rule appends
        self.head_rows: list[LayerRow] = []
        self.error = ""
        self.error_row: int | None = None  # 0-based row at fault
        self.total_params: int | None = None
        self.set_active(True)
        self.set_specs(MODEL_PRESETS["seed"].specs)

    # -- the stack ------------------------------------------------------------------------------

    def specs(self) -> tuple[LayerSpec, ...]:
        """The user's layers, top to bottom (without the automatic head)."""
        return tuple(self._specs)

    def set_specs(self, specs, select: int | None = None) -> None:
        """Replace the stack with ``specs`` and select row ``select`` (if given)."""
        self._specs = list(specs)
        self._rebuild(select)

    def load_preset(self, name: str) -> None:
        """Start from the layers of preset ``name`` (its softmax head is added automatically)."""
        self.set_specs(MODEL_PRESETS[name].specs)

    def add_layer(self, kind: str, index: int | None = None) -> int:
        """Insert a new ``kind`` layer at ``index`` (default: after the selected row, else last)."""
        if index is None:
            current = self.table.currentRow()
            index = current + 1 if 0 <= current < len(self._specs) else len(self._specs)
        self._specs.insert(index, default_spec(kind))
        self._rebuild(index)
        return index

    def remove_layer(self, index: int) -> None:
        """Remove layer ``index`` (0-based); nothing happens for a row that is not a user layer."""
        if 0 <= index < len(self._specs):
            del self._specs[index]
            self._rebuild(min(index, len(self._specs) - 1) if self._specs else None)

    def move_layer(self, index: int, step: int) -> int:
        """Move layer ``index`` by ``step`` rows (-1 up, +1 down); returns its new index."""
        target = index + step
        if 0 <= index < len(self._specs) and 0 <= target < len(self._specs):
            self._specs[index], self._specs[target] = self._specs[target], self._specs[index]
            self._rebuild(target)
            return target
        return index

    def setting(self, row: int, key: str) -> QWidget | None:
        """The widget editing ``key`` (see SETTING_KEYS) of layer ``row``; None if it has none."""
        return self._editors[row].widgets.get(key)

    def set_input(self, input_shape, num_classes: int, note: str = "") -> None:
        """Compute shapes for images of ``input_shape`` (H, W, C) and ``num_classes`` classes."""
        self.input_shape, self.num_classes = tuple(int(v) for v in input_shape), int(num_classes)
        self._input_note = note
        self._recompute()

    def set_active(self, active: bool) -> None:
        """Say whether Train uses this stack (the Model choice is "custom")."""
        self.use_button.setVisible(not active)

    def undo(self) -> None:
        """Take back the last change to the layers (the stack as it was before it)."""
        self._restore(self.history.undo())

    def redo(self) -> None:
        """Make the change the last undo took back again."""
        self._restore(self.history.redo())

    def _restore(self, specs: tuple | None) -> None:
        if specs is None:
            return
        before, row = self.specs(), self.table.currentRow()
        changed = changed_setting(before, specs)
        if changed is not None:
            row = changed[0]
        self._restoring = True
        try:
            self.set_specs(specs, min(row, len(specs) - 1) if row >= 0 else None)
        finally:
            self._restoring = False
        # The edited widget is gone: focus its successor (the setting the step changed), else the table.
        widget = self.setting(*changed) if changed is not None else None
        (widget or self.table).setFocus()

    # -- drawing --------------------------------------------------------------------------------

    def _rebuild(self, select: int | None) -> None:
        """Recreate the user rows' widgets (after a change of structure), then recompute."""
        self.table.clearSpans()
        self.table.setRowCount(0)
        self.table.setRowCount(len(self._specs))
        for old in self._editors:  # their widgets went with the old rows
            old.deleteLater()
        self._editors = []
        order: list[QWidget] = [*self._buttons, self.table]
        for row, spec in enumerate(self._specs):
            editor = LayerRowEditor(spec, self)
            editor.changed.connect(lambda row=row: self._edited(row))
            self._editors.append(editor)
            self.table.setItem(row, KIND_COL, QTableWidgetItem(spec.kind))
            for col, key in enumerate(SETTING_KEYS, start=1):
                widget = editor.widgets.get(key)
                if widget is None:
                    self.table.setItem(row, col, QTableWidgetItem(""))
                else:
                    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
                    widget.installEventFilter(self)
                    self.table.setCellWidget(row, col, widget)
                    order.append(widget)
        chain_tab_order(order)
        if select is not None and 0 <= select < len(self._specs):
            self.table.selectRow(select)
        self._recompute()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt naming)
        """Editing a setting selects its row, so Remove/Up/Down act on it; the mouse wheel only
        changes a setting that has the focus (scrolling the table must not edit it); Ctrl+Z and
        Ctrl+Shift+Z undo the layer change, not a spin box's own typing."""
        if event.type() == QEvent.Type.Wheel and not watched.hasFocus():
            return True
        if is_history_key(event):
            if event.type() == QEvent.Type.KeyPress:  # the shortcut did not fire (no shortcut map)
                return False
            event.ignore()  # not the spin box's: the editor's undo shortcut takes it
            return True
        if event.type() == QEvent.Type.FocusIn:
            self.history.end_merge()
            for row, editor in enumerate(self._editors):
                if watched in editor.widgets.values():
                    self.table.selectRow(row)
        return super().eventFilter(watched, event)

    def _edited(self, row: int) -> None:
        self._specs[row] = self._editors[row].spec()
        self._merge = (row, self._editors[row].last_key)  # keystrokes in one setting are one step
        try:
            self._recompute()
        finally:
            self._merge = None

    def _check(self) -> None:
        """Fill rows, head, error and total from the engine."""
        result = check_stack(self._specs, self.input_shape, self.num_classes)
        self.rows, self.head, self.head_rows = result.rows, result.head, result.head_rows
        self.error, self.error_row, self.total_params = result.error, result.error_row, result.total_params

    def _recompute(self) -> None:
        self._check()
        count = len(self._specs)
        self.table.clearSpans()
        self.table.setRowCount(count + len(self.head))
        for row in range(count):
            computed = self.rows[row] if row < len(self.rows) else None
            fault = row == self.error_row
            self._set_text(row, OUTPUT_COL, keras_shape(computed.output_shape) if computed
                           else (FAULT_MARK if fault else ""))
            self._set_text(row, PARAMS_COL, f"{computed.params:,}" if computed else "", right=True)
            if self.table.verticalHeaderItem(row) is None:
                self.table.setVerticalHeaderItem(row, QTableWidgetItem())
            self.table.verticalHeaderItem(row).setText(f"{row + 1} ✗" if fault else str(row + 1))
            for col in range(self.table.columnCount()):
                item = self.table.item(row, col)
                if item is not None:
                    item.setBackground(QBrush(_FAULT) if fault else QBrush())
                    item.setForeground(QBrush(_FAULT_TEXT) if fault else QBrush())
        for offset, (spec, computed) in enumerate(zip(self.head, self.head_rows)):
            row = count + offset
            self._set_text(row, KIND_COL, spec.kind, grey=True)
            self.table.setSpan(row, 1, 1, len(SETTING_KEYS))
            self._set_text(row, 1, head_text(spec), grey=True)
            self.table.item(row, 1).setData(Qt.ItemDataRole.SizeHintRole, QSize(0, 0))  # spans: not the Filters width
            self._set_text(row, OUTPUT_COL, keras_shape(computed.output_shape), grey=True)
            self._set_text(row, PARAMS_COL, f"{computed.params:,}", grey=True, right=True)
        self._show_status()
        if not self._restoring:
            self.history.record(self._specs, self._merge)
        self.undo_action.setEnabled(self.history.can_undo())
        self.redo_action.setEnabled(self.history.can_redo())
        self.changed.emit()

    def _set_text(self, row: int, col: int, text: str, grey: bool = False, right: bool = False) -> None:
        item = self.table.item(row, col)
        if item is None:
            item = QTableWidgetItem()
            self.table.setItem(row, col, item)
        item.setText(text)
        item.setForeground(QBrush(_HEAD_TEXT) if grey else QBrush())
        if right:
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def _show_status(self) -> None:
        shape = "x".join(str(v) for v in self.input_shape)
        where = f"Input {shape}, {self.num_classes} classes{self._input_note}"
        if self.error:
            self.status.setText(f"<span style='color:#d32f2f'><b>Cannot be built:</b> {html.escape(self.error)}</span>")
            self.totals.setText(f"{where}. <b>Total params:</b> —")
        else:
            self.status.setText("")
            self.totals.setText(f"{where}. <b>Total params:</b> {self.total_params:,}")
        self.status.setVisible(bool(self.error))
