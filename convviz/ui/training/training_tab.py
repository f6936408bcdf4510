"""Placeholder for the training tab."""

from PyQt6.QtWidgets import QLabel


class TrainingTab(QLabel):
    """The training lab (placeholder)."""

    def __init__(self, parent=None) -> None:
        super().__init__("Training lab", parent)

    def shutdown(self) -> None:
        """Stop any running work before the window closes."""
