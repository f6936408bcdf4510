"""Walking the Tab chain of a real window (shared by the keyboard tests)."""

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication, QWidget


def tab_stops(root: QWidget) -> set[QWidget]:
    """The visible, enabled widgets under ``root`` that Tab can give focus to."""
    return {w for w in root.findChildren(QWidget)
            if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisible() and w.isEnabled() and w.focusProxy() is None}


def _name(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    return f"{type(widget).__name__} {text()!r}" if callable(text) else type(widget).__name__


def tab_round(qtbot, window: QWidget, expected: set[QWidget]) -> list[QWidget]:
    """Press Tab from the top-left widget of ``expected`` until focus comes back: no widget twice,
    every one of ``expected`` reached. Returns the widgets in the order visited."""
    def place(w):
        corner = w.mapTo(window, w.rect().topLeft())
        return corner.y(), corner.x()

    start = min(expected, key=place)
    start.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is start, timeout=2000)
    visited = [start]
    for _ in range(3 * len(expected) + 10):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        if now is start:
            break
        assert now not in visited, f"Tab visits {_name(now)} twice before coming back"
        visited.append(now)
    missed = sorted(_name(w) for w in expected - set(visited))
    assert not missed, f"Tab never reaches {missed}"
    return visited
