"""App-wide zoom for projectors: one :class:`ZoomLevel` scales the application font.

Tabs that size cells in pixels read :func:`zoom_level` (``factor``) and connect to its
``changed(float)`` signal; fonts, and pyqtgraph axes through :func:`follow_app_font`, follow alone.
"""

from __future__ import annotations

from PyQt6.QtCore import QObject, pyqtProperty, pyqtSignal
from PyQt6.QtGui import QFont
from PyQt6.QtWidgets import QApplication, QWidget

MIN_FACTOR = 0.5
MAX_FACTOR = 2.5
LADDER = (0.5, 0.67, 0.75, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5)  # the rungs browsers and office apps use


def next_rung(factor: float, up: bool) -> float:
    """The ladder's next rung above (``up``) or below ``factor``; from an off-ladder factor, the nearest
    rung in that direction; at either end, the end."""
    rungs = [r for r in LADDER if r > factor + 1e-6] if up else [r for r in LADDER if r < factor - 1e-6]
    if not rungs:
        return LADDER[-1] if up else LADDER[0]
    return rungs[0] if up else rungs[-1]


def clamp_factor(factor: float) -> float:
    """Return ``factor`` limited to 50%-250%."""
    return max(MIN_FACTOR, min(MAX_FACTOR, float(factor)))


class ZoomLevel(QObject):
    """The zoom factor (1.0 = the system font) applied to the QApplication font."""

    changed = pyqtSignal(float)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        app = QApplication.instance()
        self.base_font = QFont(app.font())
        self._factor = 1.0

    def get_factor(self) -> float:
        """The current factor (0.5-2.5)."""
        return self._factor

    def set_factor(self, factor: float) -> None:
        """Scale the application font to ``factor`` times the base size (limited to 50%-250%)."""
        factor = round(clamp_factor(factor), 3)
        if factor == self._factor:
            return
        self._factor = factor
        font = QFont(self.base_font)
        font.setPointSizeF(self.base_point_size() * factor)
        QApplication.instance().setFont(font)
        follow_app_font()
        self.changed.emit(factor)

    factor = pyqtProperty(float, fget=get_factor, fset=set_factor, notify=changed)

    def base_point_size(self) -> float:
        """The unzoomed font size in points."""
        size = self.base_font.pointSizeF()
        return size if size > 0 else 9.0

    def zoom_in(self) -> None:
        """Up to the next rung of :data:`LADDER` (100, 110, 125, 150 … 250%)."""
        self.set_factor(next_rung(self._factor, up=True))

    def zoom_out(self) -> None:
        """Down to the next rung of :data:`LADDER` (… 90, 80, 75, 67, 50%)."""
        self.set_factor(next_rung(self._factor, up=False))

    def reset(self) -> None:
        """Back to 100%."""
        self.set_factor(1.0)


_LEVEL: ZoomLevel | None = None


def zoom_level() -> ZoomLevel:
    """The application's one ZoomLevel (created on first use, after the QApplication)."""
    global _LEVEL
    if _LEVEL is None:
        _LEVEL = ZoomLevel(QApplication.instance())
        _LEVEL.destroyed.connect(_forget)
    return _LEVEL


def _forget(*_args) -> None:
    global _LEVEL
    _LEVEL = None


def follow_app_font(roots: list[QWidget] | None = None) -> None:
    """Give every pyqtgraph axis under ``roots`` (default: all top-level widgets) the app font.

    Axes paint with their own tick font, which does not follow QApplication.setFont.
    """
    import pyqtgraph as pg

    font = QApplication.instance().font()
    for root in roots if roots is not None else QApplication.topLevelWidgets():
        views = root.findChildren(pg.GraphicsView)
        if isinstance(root, pg.GraphicsView):
            views.append(root)
        for view in views:
            for item in view.items():
                if isinstance(item, pg.AxisItem):
                    item.setStyle(tickFont=font)
                    item.label.setFont(font)
                    item.picture = None
                    item.update()


class _RelativeFont(QObject):
    """Keeps its widget's font ``scale`` times the application font's size, through every zoom."""

    def __init__(self, widget: QWidget, scale: float, bold: bool) -> None:
        super().__init__(widget)
        self.widget, self.scale, self.bold = widget, scale, bold
        self.apply()
        zoom_level().changed.connect(self.apply)  # a child of the widget: gone (and disconnected) with it

    def apply(self, *_factor) -> None:
        """Set the widget's font from the application's current one."""
        font = QFont(QApplication.instance().font())
        size = font.pointSizeF()
        font.setPointSizeF((size if size > 0 else 9.0) * self.scale)
        font.setBold(self.bold)
        self.widget.setFont(font)


def relative_font(widget: QWidget, scale: float, bold: bool = False) -> QWidget:
    """Give ``widget`` a font ``scale`` times the application's that follows the zoom (a style sheet's
    ``font-size`` would pin it); returns ``widget``."""
    _RelativeFont(widget, scale, bold)
    return widget
