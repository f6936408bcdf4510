"""Small builders shared by the studio's settings panels."""

from __future__ import annotations

from PyQt6.QtWidgets import QHBoxLayout, QLabel, QSpinBox


def spin(low: int, high: int, value: int, suffix: str = "", tip: str = "") -> QSpinBox:
    """A spin box that recomputes only when typing is done."""
    spin = QSpinBox()
    spin.setToolTip(tip)
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setSuffix(suffix)
    spin.setKeyboardTracking(False)  # typing "12" does not recompute for "1" first
    return spin


def hint(text: str = "") -> QLabel:
    """A small grey explanatory label."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("QLabel { color: #6b7280; font-size: 9pt; }")
    return label


def pair(first: QSpinBox, second: QSpinBox) -> QHBoxLayout:
    """Two spin boxes side by side (h, w)."""
    row = QHBoxLayout()
    row.addWidget(first)
    row.addWidget(second)
    return row
