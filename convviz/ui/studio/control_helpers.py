"""Small builders shared by the studio's settings panels."""

from __future__ import annotations

from PyQt6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QWidget


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
    label.setObjectName("hint")  # coloured by restyle_hints (the palette decides)
    return label


def pair(first: QSpinBox, second: QSpinBox) -> QHBoxLayout:
    """Two spin boxes side by side (h, w)."""
    row = QHBoxLayout()
    row.addWidget(first)
    row.addWidget(second)
    return row


def restyle_hints(root: QWidget, scale: float = 0.95) -> None:
    """Colour every hint (grey) and summary (green) under ``root`` readably on its palette,
    a bit smaller than the (zoomed) app font."""
    from convviz.ui.studio.readable import accent, points, set_style

    for name, colour in (("hint", "muted"), ("summary", "good")):
        for label in root.findChildren(QLabel, name):
            set_style(label, f"QLabel {{ color: {accent(root, colour)}; font-size: {points(scale)}; }}")


def digit_label(index: int) -> str:
    """The label (0-9) of bundled MNIST digit ``index``."""
    from convviz.assets import bundled_digits

    return str(int(bundled_digits()[1][index]))
