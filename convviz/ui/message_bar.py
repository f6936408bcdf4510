"""One place where a view tells the user what went wrong (or what it is doing).

Every error a worker or a view meets goes through :meth:`MessageBar.show_failure` (workers reach
it through :func:`convviz.ui.worker.report_failures`): one line, the same look everywhere, the
window stays alive, nothing is raised to Qt.
"""

from __future__ import annotations

import sys

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

_STYLES = {
    "error": "background:#fde2e1; color:#7a1b16; border:1px solid #e8a19c;",
    "warning": "background:#fff4d6; color:#6b4d00; border:1px solid #e9cf7f;",
    "info": "background:#e3effd; color:#123f73; border:1px solid #a8c7ee;",
}


class MessageBar(QFrame):
    """A dismissable one-line banner: error, warning or info."""

    shown = pyqtSignal(str, str)  # (level, text)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MessageBar")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(close)
        self.level = ""
        self.hide()

    @property
    def text(self) -> str:
        """The message on show ("" when hidden)."""
        return self.label.text()

    def show_message(self, level: str, text: str) -> None:
        """Show ``text`` styled for ``level`` ("error", "warning" or "info")."""
        self.level = level
        self.setStyleSheet(f"#MessageBar {{{_STYLES.get(level, _STYLES['info'])} border-radius:4px;}}")
        from convviz.core.gate import safe_line  # names from others' files: shown, never interpreted

        text = safe_line(text)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setText(text)
        self.show()
        self.shown.emit(level, text)

    def show_error(self, text: str) -> None:
        """Show an error message."""
        self.show_message("error", text)

    def show_failure(self, message: str, details: str = "") -> None:
        """Show ``message`` (one line) as an error; ``details`` (a traceback) go to stderr for the curious."""
        self.show_error(message)
        if details:
            print(details, file=sys.stderr)

    def show_warning(self, text: str) -> None:
        """Show a warning."""
        self.show_message("warning", text)

    def show_info(self, text: str) -> None:
        """Show an informational message."""
        self.show_message("info", text)

    def clear(self) -> None:
        """Hide the bar and forget its message."""
        self.level = ""
        self.label.clear()
        self.hide()
