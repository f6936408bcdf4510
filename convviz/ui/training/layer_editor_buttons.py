"""The layer editor's button row: Add layer, Remove, Up, Down, Start from preset, Undo, Redo and
"Use for training" (shown while the Model choice is not custom)."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QMenu, QToolButton

from convviz.arithmetic.layer_stack import LAYER_KINDS, LayerSpec
from convviz.training.models import MODEL_PRESETS
from convviz.ui.training.flow_layout import FlowLayout
from convviz.ui.training.layer_history import undo_actions
from convviz.ui.zoom import relative_font


def head_text(spec: LayerSpec) -> str:
    """What a layer the head rule added says in the settings cells."""
    if spec.kind == "Dense":
        return f"added automatically: Dense({spec.units}, {spec.activation})"
    return f"added automatically: {spec.kind}"


def _menu_button(text: str, menu: QMenu, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    button.setStyleSheet("QToolButton::menu-indicator { image: none; }")
    relative_font(button, 1.0)  # a styled widget no longer follows the application font (the zoom)
    button.setMenu(menu)
    button.setToolTip(tip)
    return button


def build_buttons(editor) -> FlowLayout:
    """Make ``editor``'s buttons, menus and undo actions (as its attributes) and return their row,
    which wraps onto a second line when it is too narrow (zoomed in) instead of scrolling sideways.

    ``editor._buttons`` lists them in Tab order; each takes the focus from the keyboard and
    reports to the editor's event filter (so Ctrl+Z on a button undoes a layer change too).
    """
    editor.add_menu = QMenu(editor)
    for kind in LAYER_KINDS:
        editor.add_menu.addAction(kind, lambda kind=kind: editor.add_layer(kind))
    editor.add_button = _menu_button("Add layer ▾", editor.add_menu, "Insert a new layer after the selected row")
    editor.remove_button = QToolButton(text="Remove")  # tool buttons: the row fits a 1000 px window
    editor.up_button = QToolButton(text="Up")
    editor.down_button = QToolButton(text="Down")
    editor.use_button = QToolButton(text="Use for training")
    editor.use_button.setToolTip("These layers are not trained now: this sets the Model choice to custom")
    editor.use_button.clicked.connect(editor.use_requested)
    for button, tip, run in (
        (editor.remove_button, "Remove the selected layer", lambda: editor.remove_layer(editor.table.currentRow())),
        (editor.up_button, "Move the selected layer one row up", lambda: editor.move_layer(editor.table.currentRow(), -1)),
        (editor.down_button, "Move the selected layer one row down",
         lambda: editor.move_layer(editor.table.currentRow(), 1)),
    ):
        button.setToolTip(tip)
        button.clicked.connect(run)
    editor.preset_menu = QMenu(editor)
    for name, preset in MODEL_PRESETS.items():
        action = editor.preset_menu.addAction(preset.title, lambda name=name: editor.load_preset(name))
        action.setToolTip(preset.description)
    editor.preset_button = _menu_button("Start from preset ▾", editor.preset_menu,
                                        "Replace the layers with those of a ready-made model")
    editor.undo_action, editor.redo_action = undo_actions(editor, editor.undo, editor.redo)
    editor.undo_button, editor.redo_button = QToolButton(), QToolButton()
    editor.undo_button.setDefaultAction(editor.undo_action)
    editor.redo_button.setDefaultAction(editor.redo_action)
    editor.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)  # right-click: Undo, Redo
    editor.table.addActions([editor.undo_action, editor.redo_action])
    editor._buttons = [editor.add_button, editor.remove_button, editor.up_button, editor.down_button,
                       editor.preset_button, editor.undo_button, editor.redo_button, editor.use_button]
    row = FlowLayout()
    for widget in editor._buttons:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        widget.installEventFilter(editor)
        row.addWidget(widget)
    return row
