"""The main window: one tab per part of convviz."""

from __future__ import annotations

from PyQt6.QtGui import QCloseEvent
from PyQt6.QtWidgets import QMainWindow, QTabWidget, QWidget

from convviz.ui.inspector import InspectorTab
from convviz.ui.studio import StudioTab
from convviz.ui.training import TrainingTab


class MainWindow(QMainWindow):
    """Top-level window with the Studio, Training and Inspector tabs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("convviz")
        self.resize(1360, 860)
        self.studio = StudioTab()
        self.training = TrainingTab()
        self.inspector = InspectorTab()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.studio, "Studio")
        self.tabs.addTab(self.training, "Training")
        self.tabs.addTab(self.inspector, "Inspector")
        self.setCentralWidget(self.tabs)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt naming)
        """Stop background work (training) before the window goes away."""
        self.training.shutdown()
        super().closeEvent(event)
