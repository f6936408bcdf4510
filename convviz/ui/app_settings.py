"""What the window remembers between launches: geometry, tab, zoom and theme (QSettings).

The settings live where Qt keeps organisation "convviz", app "convviz"; the ``CONVVIZ_SETTINGS``
environment variable names an .ini file to use instead (tests, a classroom's shared profile).
"""

from __future__ import annotations

import os

from PyQt6.QtCore import QByteArray, QEvent, QObject, QSettings
from PyQt6.QtWidgets import QMainWindow

SETTINGS_ENV = "CONVVIZ_SETTINGS"


def open_settings() -> QSettings:
    """The convviz settings store (the ``CONVVIZ_SETTINGS`` .ini file when that is set)."""
    path = os.environ.get(SETTINGS_ENV)
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings("convviz", "convviz")


def _number(value, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):  # a hand-edited or foreign file: fall back, never fail to start
        return default


def restore_window(window: QMainWindow, zoom, theme) -> None:
    """Put back the saved geometry, current tab, zoom factor and theme choice of ``window``."""
    settings = open_settings()
    geometry = settings.value("window/geometry")
    if isinstance(geometry, QByteArray) and not geometry.isEmpty():
        window.restoreGeometry(geometry)
    tab = int(_number(settings.value("window/tab"), 0))
    if 0 <= tab < window.tabs.count():
        window.tabs.setCurrentIndex(tab)
    zoom.set_factor(_number(settings.value("view/zoom"), 1.0))
    theme.set_choice(str(settings.value("view/theme", "system")))


def save_window(window: QMainWindow, zoom, theme) -> None:
    """Write ``window``'s geometry, current tab, zoom factor and theme choice."""
    settings = open_settings()
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/tab", window.tabs.currentIndex())
    settings.setValue("view/zoom", zoom.factor)
    settings.setValue("view/theme", theme.choice)
    settings.sync()


class WindowMemory(QObject):
    """Saves the window's settings when it closes (an event filter: closeEvent stays the window's own)."""

    def __init__(self, window: QMainWindow, zoom, theme) -> None:
        super().__init__(window)
        self.window, self.zoom, self.theme = window, zoom, theme
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        """Save on the window's Close event; never consume it."""
        if watched is self.window and event.type() == QEvent.Type.Close:
            save_window(self.window, self.zoom, self.theme)
        return False
