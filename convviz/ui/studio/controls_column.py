"""The studio's settings column: as wide as the settings want, or, when the window is narrow
(a projector, a big zoom), narrower with every label above its field; it scrolls down, never sideways.
"""

from __future__ import annotations

from PyQt6.QtCore import QEvent, Qt
from PyQt6.QtWidgets import QApplication, QComboBox, QFormLayout, QScrollArea, QWidget

MAPS_SHARE = 0.55  # the maps and the transport bar keep at least this share of the studio's width
_WRAP = {False: QFormLayout.RowWrapPolicy.DontWrapRows, True: QFormLayout.RowWrapPolicy.WrapAllRows}


class ControlsColumn(QScrollArea):
    """A vertical scroll area holding ``controls``, in one of two widths: ``wide`` (labels beside
    their fields) or ``narrow`` (labels above them); :meth:`fit` picks one for the room there is."""

    def __init__(self, controls: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controls = controls
        self.setWidget(controls)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.wrapped = False
        self.wide = self.narrow = 0
        self.measure()

    def _set_wrapped(self, wrapped: bool) -> None:
        self.wrapped = wrapped
        for form in self.controls.findChildren(QFormLayout):
            if form.rowWrapPolicy() != _WRAP[wrapped]:
                form.setRowWrapPolicy(_WRAP[wrapped])
        self._refresh_hints()

    def _refresh_hints(self) -> None:
        """Make every size hint under the controls current (Qt recomputes some only at the next event loop)."""
        for widget in [self.controls, *self.controls.findChildren(QWidget)]:
            if isinstance(widget, QComboBox):  # Qt keeps a combo's minimum size from the old font until a StyleChange
                QApplication.sendEvent(widget, QEvent(QEvent.Type.StyleChange))
            if widget.layout() is not None:
                widget.layout().invalidate()
                widget.updateGeometry()

    def _width_wanted(self) -> int:
        return self.controls.sizeHint().width() + self.verticalScrollBar().sizeHint().width() + 4

    def measure(self) -> None:
        """Measure both widths at the current font (and zoom), keeping the current arrangement."""
        was = self.wrapped
        self._set_wrapped(False)
        self.wide = self._width_wanted()
        self._set_wrapped(True)
        self.narrow = min(self.wide, self._width_wanted())
        self._set_wrapped(was)
        self.setFixedWidth(self.narrow if was else self.wide)

    def fit(self, body_width: int, others_minimum: int, spacing: int) -> None:
        """Be wide when the rest of a ``body_width`` px row (``others_minimum`` px at least, and
        :data:`MAPS_SHARE` of the row) still fits beside it; else narrow, labels above fields."""
        room = body_width - spacing - max(others_minimum, MAPS_SHARE * body_width)
        wrapped = self.wide > room and self.narrow < self.wide
        if wrapped != self.wrapped:
            self._set_wrapped(wrapped)
        width = self.narrow if wrapped else self.wide
        if self.minimumWidth() != width or self.maximumWidth() != width:
            self.setFixedWidth(width)
