"""Classroom-ready window: projector size, zoom, light/dark theme, tour and shortcut menus.

:func:`make_classroom_ready` adds all of it to a built MainWindow; :func:`remember_window` adds
the settings that come back on the next launch (the app does it, tests ask for it).
"""

from __future__ import annotations

from PyQt6.QtCore import QObject, QTimer
from PyQt6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence
from PyQt6.QtWidgets import QFrame, QMainWindow, QMenu, QScrollArea

from convviz.ui.app_settings import WindowMemory, restore_window
from convviz.ui.message_bar import message_bar_of
from convviz.ui.shortcuts_help import add_tab_menus, show_shortcuts
from convviz.ui.theme import Theme
from convviz.ui.tour import show_hints, start_tour
from convviz.ui.zoom import zoom_level

MINIMUM_SIZE = (1000, 700)  # a 1024x768 projector, less the window frame and a panel


def _menu(window: QMainWindow, title: str) -> QMenu | None:
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == title and action.menu() is not None:
            return action.menu()
    return None


def _scroll_when_too_small(window: QMainWindow) -> None:
    # A tab wider than the window scrolls instead of forcing the window wider.
    central = window.takeCentralWidget()
    scroll = QScrollArea()
    scroll.setObjectName("CentralScroll")
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidgetResizable(True)
    scroll.setWidget(central)
    window.setCentralWidget(scroll)


def _fit_screen(window: QMainWindow) -> None:
    # The window's default size is for a desktop monitor; on a projector it starts at the screen's size.
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    available = screen.availableGeometry()
    width = max(MINIMUM_SIZE[0], min(window.width(), available.width()))
    height = max(MINIMUM_SIZE[1], min(window.height(), available.height()))
    window.resize(width, height)


def _action(window: QMainWindow, text: str, keys, run) -> QAction:
    action = QAction(text, window)
    action.setShortcuts([QKeySequence(key) for key in keys])
    action.triggered.connect(lambda _checked=False: run())
    return action


def _add_view_items(window: QMainWindow, menu: QMenu) -> None:
    zoom, theme = window.zoom, window.theme
    menu.addSeparator()
    menu.addAction(_action(window, "Zoom &in", (QKeySequence.StandardKey.ZoomIn, "Ctrl+="), zoom.zoom_in))
    menu.addAction(_action(window, "Zoom &out", (QKeySequence.StandardKey.ZoomOut,), zoom.zoom_out))
    reset = _action(window, "&Reset zoom (now 100%)", ("Ctrl+0",), zoom.reset)
    menu.addAction(reset)
    window.zoom_note = _ZoomNote(window, reset)
    zoom.changed.connect(window.zoom_note.say)  # a slot of the window's child: gone with the window
    themes = menu.addMenu("T&heme")
    group = QActionGroup(window)
    window.theme_actions = {}
    for choice, text in (("system", "&System"), ("light", "&Light"), ("dark", "&Dark")):
        action = QAction(text, window, checkable=True, checked=theme.choice == choice)
        action.triggered.connect(lambda _checked=False, c=choice: theme.set_choice(c))
        group.addAction(action)
        themes.addAction(action)
        window.theme_actions[choice] = action
    theme.changed.connect(lambda choice: window.theme_actions[choice].setChecked(True))


ZOOM_NOTE_MS = 4000  # how long "Zoom 150%" stays in the message space (unless another message replaced it)


class _ZoomNote(QObject):
    """Names the zoom level in the View menu and, for a moment, in the current tab's message space."""

    def __init__(self, window: QMainWindow, reset: QAction) -> None:
        super().__init__(window)
        self.window, self.reset = window, reset
        self.bar, self.text = None, ""
        self.timer = QTimer(self, singleShot=True)  # dies with the window, so it never fires on a closed one
        self.timer.timeout.connect(self._clear)

    def say(self, factor: float) -> None:
        """Show ``factor`` as a percentage; a problem on show in the message space is not covered up."""
        percent = f"{factor:.0%}"
        self.reset.setText(f"&Reset zoom (now {percent})")
        tab = self.window.tabs.currentWidget() if hasattr(self.window, "tabs") else None
        bar = message_bar_of(tab)
        if bar is None or bar.level in ("error", "warning"):
            return
        text = f"Zoom {percent} (Ctrl+0 goes back to 100%)." if factor != 1.0 else "Zoom 100%."
        bar.show_info(text)
        self.bar, self.text = bar, text
        self.timer.start(ZOOM_NOTE_MS)

    def _clear(self) -> None:
        if self.bar is not None and self.bar.text == self.text:  # unless another message took its place
            self.bar.clear()


def _add_help_items(window: QMainWindow, menu: QMenu) -> None:
    first = menu.actions()[0] if menu.actions() else None
    tour = _action(window, "&Guided tour of this tab", ("F1",), lambda: start_tour(window))
    keys = _action(window, "&Keyboard shortcuts", ("Ctrl+/",), lambda: show_shortcuts(window))
    menu.insertActions(first, [tour, keys])
    menu.insertSeparator(first)


def make_classroom_ready(window: QMainWindow) -> None:
    """Give ``window`` a projector-sized minimum, zoom and theme in View, the tour and shortcuts in Help."""
    window.setMinimumSize(*MINIMUM_SIZE)
    _fit_screen(window)
    _scroll_when_too_small(window)
    window.zoom = zoom_level()
    window.theme = Theme(window)
    window.tour = None
    show_hints(window)
    view, help_menu = _menu(window, "View"), _menu(window, "Help")
    _add_view_items(window, view or window.menuBar().addMenu("&View"))
    add_tab_menus(window, help_menu.menuAction() if help_menu else None)
    _add_help_items(window, help_menu or window.menuBar().addMenu("&Help"))


def remember_window(window: QMainWindow) -> WindowMemory:
    """Restore ``window``'s saved geometry, tab, zoom and theme, and save them again when it closes."""
    restore_window(window, window.zoom, window.theme)
    return WindowMemory(window, window.zoom, window.theme)
