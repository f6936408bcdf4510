"""Placeholder for the inspector tab."""

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLabel


class InspectorTab(QLabel):
    """The inspector (placeholder until a trained model can be explained here)."""

    def __init__(self, parent=None) -> None:
        super().__init__("Inspector: train a model in the Training tab first (coming soon).", parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
