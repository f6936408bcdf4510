"""Light and dark looks: a Fusion palette app-wide, pyqtgraph plots following it.

The choice is "system" (follow the desktop's colour scheme, live), "light" or "dark".
"""

from __future__ import annotations

from PyQt6.QtCore import QObject, QRectF, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QPainter, QPalette, QPen
from PyQt6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleFactory, QWidget

CHOICES = ("system", "light", "dark")
PLOT_COLOURS = {"light": ("w", "k"), "dark": ("#1e1f22", "#d8d8d8")}  # (background, foreground)
MUTED_PLOT_TEXT = {"light": "#667", "dark": "#9a9a9a"}
# Right and wrong in text: dark enough on white, light enough on the dark theme's window.
VERDICT_COLOURS = {"light": ("#1a7f37", "#b42318"), "dark": ("#5fd07a", "#ff7b72")}

_DARK = {
    QPalette.ColorRole.Window: "#2b2d30", QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#1e1f22", QPalette.ColorRole.AlternateBase: "#2f3136",
    QPalette.ColorRole.Text: "#e6e6e6", QPalette.ColorRole.Button: "#393b40",
    QPalette.ColorRole.ButtonText: "#e6e6e6", QPalette.ColorRole.BrightText: "#ff6b6b",
    QPalette.ColorRole.Highlight: "#3d7bd9", QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#3c3f41", QPalette.ColorRole.ToolTipText: "#e6e6e6",
    QPalette.ColorRole.Link: "#6aa9ff", QPalette.ColorRole.PlaceholderText: "#9a9a9a",
    QPalette.ColorRole.Light: "#505257", QPalette.ColorRole.Mid: "#3a3c40",
    QPalette.ColorRole.Dark: "#1b1c1f", QPalette.ColorRole.Shadow: "#111111",
}


def dark_palette() -> QPalette:
    """A readable dark palette (disabled text greyed)."""
    palette = QPalette()
    for role, colour in _DARK.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7c7c7c"))
    return palette


def light_palette() -> QPalette:
    """The light Fusion palette: the light theme's, and every exported image's (print-friendly)."""
    return QStyleFactory.create("Fusion").standardPalette()


def system_is_dark() -> bool:
    """True when the desktop asks for a dark colour scheme (Qt 6.5+)."""
    hints = QApplication.styleHints()
    return hasattr(hints, "colorScheme") and hints.colorScheme() == Qt.ColorScheme.Dark


def is_dark(palette: QPalette | None = None) -> bool:
    """True when ``palette`` (default: the application's) has a dark window colour."""
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def look() -> str:
    """"dark" or "light": the application palette on show now."""
    return "dark" if is_dark() else "light"


def plot_colours() -> tuple[str, str]:
    """(background, foreground) for a plot made now: titles made after a theme switch must read too."""
    return PLOT_COLOURS[look()]


class ReadableStyle(QProxyStyle):
    """Fusion, with check boxes and radio buttons outlined in a colour that reads on a dark palette
    (Fusion outlines them in a darker shade of the window: invisible on a dark one)."""

    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))

    def drawPrimitive(self, element, option, painter, widget=None) -> None:  # noqa: N802
        """Fusion's drawing; in the dark, a visible outline around the indicators."""
        super().drawPrimitive(element, option, painter, widget)
        kinds = (QStyle.PrimitiveElement.PE_IndicatorCheckBox, QStyle.PrimitiveElement.PE_IndicatorRadioButton)
        if element not in kinds or not is_dark(option.palette):
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(option.palette.color(QPalette.ColorRole.PlaceholderText), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        box = QRectF(option.rect).adjusted(0.5, 0.5, -0.5, -0.5)
        if element == QStyle.PrimitiveElement.PE_IndicatorRadioButton:
            painter.drawEllipse(box)
        else:
            painter.drawRoundedRect(box, 1.5, 1.5)
        painter.restore()


class Theme(QObject):
    """The theme choice; applies the palette and recolours plots when it changes."""

    changed = pyqtSignal(str)  # the choice: "system", "light" or "dark"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.choice = "system"
        hints = QApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(self._system_changed)

    def effective(self) -> str:
        """"light" or "dark": what is on show."""
        if self.choice == "system":
            return "dark" if system_is_dark() else "light"
        return self.choice

    def set_choice(self, choice: str) -> None:
        """Choose "system", "light" or "dark" and apply it (an unknown choice means "system")."""
        self.choice = choice if choice in CHOICES else "system"
        self.apply()
        self.changed.emit(self.choice)

    def apply(self) -> None:
        """Apply the effective look to the application and every plot on show."""
        app = QApplication.instance()
        app.setStyle(ReadableStyle())  # native styles ignore parts of a palette; Fusion draws with all of it
        look = self.effective()
        app.setPalette(dark_palette() if look == "dark" else light_palette())
        recolour_plots(look)
        from convviz.ui.message_bar import MessageBar

        for top in QApplication.topLevelWidgets():
            for bar in top.findChildren(MessageBar):
                bar.restyle()
            for widget in top.findChildren(QWidget):
                if widget.styleSheet() and not isinstance(widget, MessageBar):
                    # a widget with a style sheet keeps the palette it was polished with: polish it again
                    widget.setStyleSheet(widget.styleSheet() + " ")
                    widget.setStyleSheet(widget.styleSheet()[:-1])

    def _system_changed(self, _scheme) -> None:
        if self.choice == "system":
            self.apply()


def recolour_plots(look: str, roots: list[QWidget] | None = None) -> None:
    """Make new and existing pyqtgraph views use ``look``'s background and foreground."""
    import pyqtgraph as pg

    background, foreground = PLOT_COLOURS[look]
    pg.setConfigOptions(background=background, foreground=foreground)
    for root in roots if roots is not None else QApplication.topLevelWidgets():
        views = root.findChildren(pg.GraphicsView)
        for view in views:
            view.setBackground(background)
            for item in view.items():
                _recolour_item(pg, item, background, foreground)


def _recolour_item(pg, item, background: str, foreground: str) -> None:
    # Axes, titles and legends take their colours when made; existing ones are told again.
    if isinstance(item, pg.AxisItem):
        item.setPen(foreground)
        item.setTextPen(foreground)
    elif isinstance(item, pg.LabelItem) and item.text:
        item.setText(item.text, color=foreground)
    elif isinstance(item, pg.LegendItem):
        item.setLabelTextColor(foreground)
        item.setBrush(pg.mkBrush(background).color().lighter(115))
