"""Menu actions (with shortcuts) for the tabs' main commands, and the Help > Keyboard shortcuts list.

The actions press the tabs' own buttons, so a disabled button (no run to stop, layers to fix)
means the shortcut does nothing either. Plain keys the Studio handles itself (space, arrows)
stay its own: as window shortcuts they would steal space from a focused button.
"""

from __future__ import annotations

from html import escape

from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QMainWindow, QMenu, QMessageBox

# Keys a tab handles itself, listed in the help beside the menu shortcuts.
MAPS = "Studio (the maps have the keys at launch; Tab back to them)"
KERNEL = "Studio › kernel grid (Tab to it)"
TAB_KEYS = (
    (MAPS, "Space", "Play / pause"),
    (MAPS, "← / →", "Step back / forward"),
    (MAPS, "Home / End", "First / last step"),
    ("Studio", "Ctrl+Z / Ctrl+Shift+Z, Ctrl+Y", "Undo / redo a kernel edit"),
    (KERNEL, "← → ↑ ↓", "Pick a kernel cell"),
    (KERNEL, "a number, Enter or F2", "Edit the cell"),
    (KERNEL, "Enter / Esc", "Keep / cancel the edit"),
    (KERNEL, "+ / PgUp / PgDn (Shift: ±0.1)", "Nudge the cell by ±1"),
    ("Studio settings", "Tab to a ?, then Space or Enter", "Explain the setting in the message bar"),
    ("Guided tour (F1)", "Enter / Esc", "Next step / end the tour"),
    ("Everywhere", "Tab / Shift+Tab", "Move between controls"),
    ("Training › Layers", "Ctrl+Z / Ctrl+Shift+Z, Ctrl+Y", "Undo / redo a layer change"),
)


def _studio_commands(window: QMainWindow) -> list:
    studio = window.studio
    return [
        ("&Play / pause", "F5", studio.transport.toggle_play),
        ("Step &back", "Alt+Left", lambda: studio.state.step_by(-1)),
        ("Step &forward", "Alt+Right", lambda: studio.state.step_by(1)),
        None,
        ("Save frame as P&NG…", "Ctrl+E", studio.export_png_button.click),
        ("Save animation as &GIF…", "Ctrl+Shift+E", studio.export_gif_button.click),
    ]


def _training_commands(window: QMainWindow) -> list:
    controls = window.training.controls

    def press_run(states: tuple[str, ...]):
        return lambda: controls.state in states and controls.run_button.click()

    return [
        ("&Train", "Ctrl+T", press_run(("idle",))),
        ("&Pause / resume", "Ctrl+P", press_run(("running", "paused"))),
        ("&Stop", "Ctrl+.", controls.stop_button.click),
    ]


def _add_menu(window: QMainWindow, title: str, tab, commands: list, before: QAction | None) -> QMenu:
    menu = QMenu(title, window)
    for command in commands:
        if command is None:
            menu.addSeparator()
            continue
        text, keys, run = command
        action = QAction(text, window)
        action.setShortcut(QKeySequence(keys))
        action.triggered.connect(lambda _checked=False, run=run: (window.tabs.setCurrentWidget(tab), run()))
        menu.addAction(action)
    window.menuBar().insertMenu(before, menu) if before else window.menuBar().addMenu(menu)
    return menu


def add_tab_menus(window: QMainWindow, before: QAction | None = None) -> list[QMenu]:
    """Add Studio and Training menus (before the menu-bar entry ``before``) and return them."""
    return [_add_menu(window, "&Studio", window.studio, _studio_commands(window), before),
            _add_menu(window, "&Training", window.training, _training_commands(window), before)]


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(menu, keys, what) for every menu action with a shortcut, then the keys tabs handle."""
    rows = []
    for top in window.menuBar().actions():
        menu = top.menu()
        if menu is None:
            continue
        for action in menu.actions():
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            if keys:
                rows.append((top.text().replace("&", ""), keys, action.text().replace("&", "").split(" (now ")[0]))
    return rows + list(TAB_KEYS)


def shortcuts_html(window: QMainWindow) -> str:
    """The shortcut list as an HTML table."""
    cells = "".join(f"<tr><td>{escape(where)}</td><td><b>{escape(keys)}</b></td><td>{escape(what)}</td></tr>"
                    for where, keys, what in shortcut_rows(window))
    return f"<table cellspacing='0' cellpadding='3'>{cells}</table>"


def show_shortcuts(window: QMainWindow) -> QMessageBox:
    """Show the keyboard shortcuts in a (non-blocking) dialog and return it."""
    box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard shortcuts", shortcuts_html(window),
                      QMessageBox.StandardButton.Close, window)
    box.setObjectName("KeyboardShortcuts")
    box.show()
    return box
