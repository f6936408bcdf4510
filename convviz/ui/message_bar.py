"""One place where a view tells the user what went wrong (or what it is doing).

Every error a worker or a view meets goes through :meth:`MessageBar.show_failure` (workers reach
it through :func:`convviz.ui.worker.report_failures`): one line, the same look everywhere, the
window stays alive, nothing is raised to Qt.
"""

from __future__ import annotations

import sys

from PyQt6.QtCore import QEvent, Qt, pyqtSignal
from PyQt6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from convviz.ui.zoom import zoom_level

BORDER = 1  # the messages' border (px): reserved with or without one, so nothing moves when it comes
LINES = 2  # the bar is always this many lines tall, shown or not, so nothing below it ever moves

_STYLES = {
    "error": "background:#fde2e1; color:#7a1b16; border:1px solid #e8a19c;",
    "warning": "background:#fff4d6; color:#6b4d00; border:1px solid #e9cf7f;",
    "info": "background:#e3effd; color:#123f73; border:1px solid #a8c7ee;",
}
_DARK_STYLES = {
    "error": "background:#4a1f1d; color:#ffd6d2; border:1px solid #a8514b;",
    "warning": "background:#45380f; color:#ffe9a8; border:1px solid #a58a36;",
    "info": "background:#1c3350; color:#d3e6ff; border:1px solid #4f7bb0;",
}


def _style(level: str, palette) -> str:
    dark = palette.color(palette.ColorRole.Window).lightness() < 128
    styles = _DARK_STYLES if dark else _STYLES
    return styles.get(level, styles["info"])


class MessageBar(QFrame):
    """A dismissable banner (error, warning or info) in a space of its own: shown or hidden, the
    widgets below it never move (a message must not push the button a user is about to press)."""

    shown = pyqtSignal(str, str)  # (level, text)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MessageBar")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(close)
        self.level = ""
        self.hint = ""
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self._fit_height()
        self.hide()
        zoom_level().changed.connect(self._follow_app_font)

    def _fit_height(self) -> None:
        margins = self.layout().contentsMargins()
        lines = LINES * self.label.fontMetrics().lineSpacing()
        self.setFixedHeight(lines + margins.top() + margins.bottom() + 2 * max(self.frameWidth(), BORDER) + 2)

    def changeEvent(self, event: QEvent) -> None:
        """Keep the reserved height at two lines of the current font (zoom changes it)."""
        if event.type() == QEvent.Type.FontChange:
            self._fit_height()
        super().changeEvent(event)

    def _follow_app_font(self, *_zoom) -> None:
        # A widget with a style sheet keeps the font it was polished with (Qt sends it no application
        # font change), so a zoom back to 100% left the bar's text big: it takes the app's font again.
        font = QApplication.font()
        for widget in (self, self.label, self.close_button):
            widget.setFont(font)
        self._fit_height()

    @property
    def text(self) -> str:
        """The message on show ("" when there is none, whether the hint shows or not)."""
        return self.label.text() if self.level else ""

    def set_hint(self, hint: str) -> None:
        """A quiet line (keys, what to try) shown whenever no message is: the space is never blank."""
        self.hint = hint
        if not self.level:
            self.clear()

    def show_message(self, level: str, text: str) -> None:
        """Show ``text`` styled for ``level`` ("error", "warning" or "info")."""
        self.level = level
        self.restyle()
        from convviz.core.gate import safe_line  # names from others' files: shown, never interpreted

        text = safe_line(text)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setText(text)
        self.setToolTip(text)  # the whole text, should it need more than the bar's lines
        self.close_button.show()
        self.show()
        self.shown.emit(level, text)

    def restyle(self) -> None:
        """Recolour for the application palette (light or dark); the theme calls it on a switch."""
        palette = QApplication.palette()
        quiet = f"background:transparent; color:{palette.color(palette.ColorRole.PlaceholderText).name()}; border:none;"
        look = _style(self.level, palette) if self.level else quiet
        colour = look.split("color:")[1].split(";")[0]
        sheet = f"#MessageBar {{{look} border-radius:4px;}} #MessageBar QLabel {{color:{colour}; border:none;}}"
        if sheet != self.styleSheet():
            self.setStyleSheet(sheet)

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
        """Forget the message: the hint comes back (or, without one, the bar hides, keeping its space)."""
        self.level = ""
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setText(self.hint)
        self.setToolTip("")
        self.close_button.hide()
        self.restyle()
        self.setVisible(bool(self.hint))


def message_bar_of(tab: QWidget | None) -> MessageBar | None:
    """A tab's message bar (the Training and Inspector tabs call it ``messages``, the Studio ``message_bar``)."""
    return getattr(tab, "messages", None) or getattr(tab, "message_bar", None)
