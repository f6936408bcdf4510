"""Small helpers the inspector's widgets share: boxes, names in rich text, dropped files."""

from __future__ import annotations

import html

import numpy as np

from PyQt6.QtCore import QEvent, Qt
from PyQt6.QtWidgets import QGroupBox, QScrollArea, QVBoxLayout, QWidget

from convviz.core.gate import safe_name


def boxed(title: str, *widgets: QWidget) -> QWidget:
    """A group box (a plain panel without a title) stacking ``widgets``; the last one stretches."""
    box = QGroupBox(title) if title else QWidget()
    layout = QVBoxLayout(box)
    if not title:
        layout.setContentsMargins(4, 4, 4, 4)
    for index, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if index == len(widgets) - 1 else 0)
    return box


class ColumnArea(QScrollArea):
    """A vertical scroll area never narrower than its column plus the scroll bar (no clipping at the side)."""

    def __init__(self, column: QWidget, width: int) -> None:
        super().__init__()
        self._width = width
        self.setWidget(column)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        column.installEventFilter(self)
        self._fit()

    def needed_width(self) -> int:
        """The column's minimum width, the vertical scroll bar (it may appear) and the frame."""
        bar = self.verticalScrollBar().sizeHint().width()
        return self.widget().minimumSizeHint().width() + bar + 2 * self.frameWidth()

    def _fit(self) -> None:
        needed = self.needed_width()
        self.setMinimumWidth(needed)
        self.setMaximumWidth(max(self._width, needed))

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt naming)
        """A new font or content in the column: its minimum width may have changed."""
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self._fit()
        return super().eventFilter(watched, event)


def scrolled_column(column: QWidget, width: int) -> QScrollArea:
    """``column`` in a vertical scroll area about ``width`` wide (never too narrow for it), so its
    height never sets the window's."""
    return ColumnArea(column, width)


def shown(name: str) -> str:
    """A file, model or class name for a rich-text label: escape codes shown, markup not interpreted."""
    return html.escape(safe_name(name))


def dropped_paths(event) -> list[str]:
    """Local file paths carried by a drag or drop event."""
    mime = event.mimeData()
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []


def prediction_text(probabilities, class_name, top: int = 3) -> str:
    """"The network says <b>cat</b> (81.0%); then dog 9.1%, fox 2.0%" (rich text)."""
    order = np.argsort(-np.asarray(probabilities))[:top]
    best, rest = int(order[0]), ", ".join(f"{shown(class_name(int(i)))} {probabilities[i]:.1%}" for i in order[1:])
    return (f"The network says <b>{shown(class_name(best))}</b> ({probabilities[best]:.1%})"
            + (f"; then {rest}" if rest else ""))
