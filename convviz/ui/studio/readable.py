"""Text colours that stay readable in the light and the dark theme.

The studio's labels take their colours from the palette (:func:`text_colour`) or from
:func:`accent`, which picks the light or dark variant of a named accent; widgets call
these again when their palette changes (``QEvent.PaletteChange``).
"""

from __future__ import annotations

from PyQt6.QtCore import QEvent
from PyQt6.QtGui import QColor, QFont, QPalette
from PyQt6.QtWidgets import QApplication, QWidget

# name: (on a light window, on a dark window); each keeps a WCAG contrast >= 4.5 with its window
ACCENTS = {
    "value": ("#9a4a06", "#fbbf24"),    # the result of a dot product
    "bias": ("#7c4a03", "#fcd34d"),
    "win": ("#c0392b", "#ff8a80"),      # the max-pooling winner
    "muted": ("#4b5563", "#b4bac3"),    # hints, the step line, padding terms
    "good": ("#14532d", "#86efac"),     # the parameter count, the comparison line
    "note": ("#7c4a03", "#fcd34d"),
    "error": ("#7a1b16", "#ff9b94"),
    "model": ("#123f73", "#93c5fd"),
}
# not StyleChange: it arrives inside QApplication.setStyle's walk over every widget, no time to restyle
RESTYLE_EVENTS = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange,
                  QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange)


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast_ratio(first: QColor | str, second: QColor | str) -> float:
    """The WCAG 2 contrast ratio (1-21) of two colours."""
    light, dark = sorted((_luminance(QColor(first)), _luminance(QColor(second))), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def dark_window(widget: QWidget) -> bool:
    """True when ``widget``'s window colour is dark."""
    return widget.palette().color(QPalette.ColorRole.Window).lightness() < 128


def text_colour(widget: QWidget) -> str:
    """``widget``'s window text colour as ``#rrggbb``."""
    return widget.palette().color(QPalette.ColorRole.WindowText).name()


def accent(widget: QWidget, name: str) -> str:
    """The accent ``name`` (see :data:`ACCENTS`) readable on ``widget``'s window colour."""
    light, dark = ACCENTS[name]
    return dark if dark_window(widget) else light


def set_style(widget: QWidget, sheet: str) -> None:
    """Give ``widget`` the style sheet ``sheet`` unless it has it already (no restyling loops)."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


def needs_restyle(event: QEvent) -> bool:
    """True for the events after which colours and font sizes must be picked again."""
    return event.type() in RESTYLE_EVENTS


def points(scale: float) -> str:
    """A font size ``scale`` times the application font's (so it follows the zoom), as ``"12.5pt"``."""
    size = QApplication.font().pointSizeF()
    return f"{(size if size > 0 else 9.0) * scale:.1f}pt"


def tint(label: QWidget, colour: str) -> None:
    """Draw ``label``'s text in ``colour`` through its palette (a style sheet would pin its font size)."""
    palette = label.palette()
    if palette.color(QPalette.ColorRole.WindowText) != QColor(colour):
        palette.setColor(QPalette.ColorRole.WindowText, QColor(colour))
        label.setPalette(palette)


def set_point_scale(widget: QWidget, scale: float, families: tuple[str, ...] = ()) -> None:
    """Give ``widget`` a font ``scale`` times the app font's size (in ``families`` if given).

    A font, not a style sheet: a style sheet would freeze the widget's palette at the theme it was polished in.
    """
    size = QApplication.font().pointSizeF()
    font = QFont()
    font.setPointSizeF(round((size if size > 0 else 9.0) * scale, 1))
    if families:
        font.setFamilies(list(families))
    if widget.font().pointSizeF() != font.pointSizeF() or (families and widget.font().families() != list(families)):
        widget.setFont(font)
