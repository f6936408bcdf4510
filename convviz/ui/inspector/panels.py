"""Small helpers the inspector's widgets share: boxes, names in rich text, dropped files."""

from __future__ import annotations

import html

from PyQt6.QtWidgets import QGroupBox, QVBoxLayout, QWidget

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


def shown(name: str) -> str:
    """A file, model or class name for a rich-text label: escape codes shown, markup not interpreted."""
    return html.escape(safe_name(name))


def dropped_paths(event) -> list[str]:
    """Local file paths carried by a drag or drop event."""
    mime = event.mimeData()
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []
