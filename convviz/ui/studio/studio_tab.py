"""Placeholder for the studio tab."""

from PyQt6.QtWidgets import QLabel


class StudioTab(QLabel):
    """The convolution studio (placeholder)."""

    def __init__(self, parent=None) -> None:
        super().__init__("Convolution studio", parent)
