"""The training controls: data source, model preset, hyper-parameters and the run buttons."""

from __future__ import annotations

import html

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QPalette
from PyQt6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from convviz.training.loaded_models import shape_text
from convviz.training.models import CUSTOM, MODEL_PRESETS, preset_param_count
from convviz.training.training_config import LOADED
from convviz.ui.training.seed_control import SeedControl
from convviz.ui.training.zoom_fit import ZoomFit
from convviz.ui.zoom import relative_font

MNIST_AUTO = "mnist"



def save_blocker(state: str, has_model: bool, custom_error: str) -> str:
    """Why Save model… cannot be pressed now, in one sentence ("" when it can)."""
    if state != "idle":
        return "Wait until the run or file job ends to save the model"
    if not has_model:
        return "Nothing to save yet: train a model or load one first"
    if custom_error:
        return f"The custom layers cannot be built, so there is no model to save: {custom_error}"
    return ""


def _label(text: str) -> QLabel:
    label = QLabel(text)
    label.setMinimumWidth(80)  # the same label column in both forms
    return label


class TrainingControls(QGroupBox):
    """Inputs for one run and the Train/Pause/Resume, Stop, Save and Load buttons.

    The panel only reports clicks; the tab decides what they mean and calls :meth:`set_state`.
    """

    run_clicked = pyqtSignal()  # Train, Pause or Resume depending on the state
    stop_clicked = pyqtSignal()
    save_clicked = pyqtSignal()
    load_clicked = pyqtSignal()
    open_npz_clicked = pyqtSignal()
    open_idx_clicked = pyqtSignal()
    state_changed = pyqtSignal(str)  # the state set_state was given

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Train", parent)
        data_row = self._build_data_row()
        self._build_model_choice()
        self.epochs = QSpinBox(minimum=1, maximum=100, value=5)
        self.batch_size = QSpinBox(minimum=1, maximum=4096, value=64)
        self.learning_rate = QDoubleSpinBox(decimals=5, minimum=1e-5, maximum=1.0, singleStep=1e-4, value=1e-3)
        self.seed = SeedControl()
        for widget, tip in ((self.preset, "The network to train: a ready-made model, your own layers or a loaded file"),
                            (self.epochs, "How many times training goes through all the training images"),
                            (self.batch_size, "How many images each weight update averages over"),
                            (self.learning_rate, "How big a step each weight update takes")):
            widget.setToolTip(tip)

        model_form = QFormLayout()
        model_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # long model names: combo below
        model_form.addRow(_label("Data"), data_row)
        model_form.addRow(_label("Model"), self.preset)
        model_form.addRow(self.params)  # the row's whole width: zoomed in, the count is not cut
        model_form.addRow(_label("Weights"), self.weights)
        self._model_form = model_form
        run_form = QFormLayout(rowWrapPolicy=QFormLayout.RowWrapPolicy.WrapLongRows)  # zoomed in: fields below
        run_form.addRow(_label("Epochs"), self.epochs)
        run_form.addRow(_label("Batch size"), self.batch_size)
        run_form.addRow(_label("Learning rate"), self.learning_rate)
        run_form.addRow(_label("Seed"), self.seed)

        self.run_button = QPushButton("Train")
        self.run_button.setDefault(True)
        self.stop_button = QPushButton("Stop")
        self.save_button = QPushButton("Save model…")
        self.load_button = QPushButton("Load model…")
        self.run_button.clicked.connect(self.run_clicked)
        self.stop_button.clicked.connect(self.stop_clicked)
        self.save_button.clicked.connect(self.save_clicked)
        self.load_button.clicked.connect(self.load_clicked)
        self.stop_button.setToolTip("End the run after the current batch; the test set is still scored")
        self.load_button.setToolTip("Load a .keras model file to look at, test or train further")
        buttons = QGridLayout()
        buttons.addWidget(self.run_button, 0, 0)
        buttons.addWidget(self.stop_button, 0, 1)
        buttons.addWidget(self.save_button, 1, 0)
        buttons.addWidget(self.load_button, 1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(model_form)
        layout.addLayout(run_form)
        layout.addLayout(buttons)
        layout.addWidget(self.note)  # below the buttons: a longer or shorter note never moves Train
        self.state = ""
        self.has_model = False
        self.custom_layers: tuple = ()  # the layer editor's stack, trained when the model is "custom"
        self.custom_total: int | None = None
        self.custom_error = ""  # why the custom stack cannot be built ("" if it can)
        self.loaded: dict | None = None  # the loaded .keras model offered as "loaded: <name>"
        self.zoom_fit = ZoomFit(self, self.note, self.data, "MNIST (auto)")  # sizes that follow the zoom both ways
        self._show_preset()
        self.set_state("idle")
        for first, second in zip(self.inputs(), self.inputs()[1:]):  # top to bottom, left to right
            QWidget.setTabOrder(first, second)

    def inputs(self) -> list[QWidget]:
        """Every control of the panel in Tab order."""
        return [self.data, self.open_data, self.preset, self.weights, self.epochs, self.batch_size,
                self.learning_rate, self.seed.spin, self.seed.random, self.run_button, self.stop_button,
                self.save_button, self.load_button]

    def _build_data_row(self) -> QHBoxLayout:
        self.data = QComboBox()
        self.data.addItem("MNIST (auto)", MNIST_AUTO)
        self.data.setItemData(0, "The full MNIST (60,000 digits) if it can be downloaded, else the 10,000 digits "
                              "bundled with convviz; the banner says which is in use", Qt.ItemDataRole.ToolTipRole)
        self.data.setToolTip("Where the digits come from")
        self.open_data = QToolButton()
        self.open_data.setText("Open…")
        self.open_data.setToolTip("Train on your own digits: a .npz file or a folder of MNIST IDX files")
        self.open_data.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.open_data.setStyleSheet("QToolButton::menu-indicator { image: none; }")
        menu = QMenu(self.open_data)
        menu.addAction(".npz file…", self.open_npz_clicked.emit)
        menu.addAction("Folder of IDX files…", self.open_idx_clicked.emit)
        self.open_data.setMenu(menu)
        data_row = QHBoxLayout()
        data_row.addWidget(self.data, 1)
        data_row.addWidget(self.open_data)
        return data_row

    def _build_model_choice(self) -> None:
        self.preset = QComboBox()
        for name, preset in MODEL_PRESETS.items():
            self.preset.addItem(preset.title, name)
            self.preset.setItemData(self.preset.count() - 1, preset.description, Qt.ItemDataRole.ToolTipRole)
        self.preset.addItem("custom (layer editor)", CUSTOM)
        self.preset.setItemData(self.preset.count() - 1, "Your own stack of layers, built in the Layers page",
                                Qt.ItemDataRole.ToolTipRole)
        self.params = QLabel()
        self.params.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.weights = QComboBox()
        self.weights.setToolTip("Train the loaded model from the weights in its file, or from scratch")
        for text, keep, tip in (
            ("keep the loaded weights", True, "Training goes on from the weights saved in the file"),
            ("reset to fresh initial weights", False,
             "The same layers with new random weights from their initializers: training starts from scratch"),
        ):
            self.weights.addItem(text, keep)
            self.weights.setItemData(self.weights.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.note = QLabel()
        self.note.setWordWrap(True)
        relative_font(self.note, 0.95)
        self.note.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # muted, and readable in the dark theme too
        self.preset.currentIndexChanged.connect(self._show_preset)

    def add_data_path(self, path: str) -> None:
        """Offer ``path`` as a data source and select it."""
        index = self.data.findData(path)
        if index < 0:
            self.data.addItem(path.rsplit("/", 1)[-1] or path, path)
            index = self.data.count() - 1
            self.data.setItemData(index, path, Qt.ItemDataRole.ToolTipRole)
        self.data.setCurrentIndex(index)

    def offer_loaded(self, name: str, path: str, params: int, input_shape: tuple, num_classes: int,
                     problem: str = "") -> None:
        """Offer the model loaded from ``path`` as "loaded: <name>" (replacing an earlier one);
        ``problem`` says why it cannot be trained ("" if it can)."""
        self.loaded = {"name": name, "path": str(path), "params": int(params), "input_shape": tuple(input_shape),
                       "num_classes": int(num_classes), "problem": problem}
        index = self.preset.findData(LOADED)
        if index < 0:
            self.preset.addItem("", LOADED)
            index = self.preset.count() - 1
        self.preset.setItemText(index, f"loaded: {name}")
        self.preset.setItemData(index, f"The model loaded from {path}", Qt.ItemDataRole.ToolTipRole)
        if self.is_loaded():
            self._show_preset()

    def is_loaded(self) -> bool:
        """True when the loaded ``.keras`` model is the chosen model."""
        return self.preset.currentData() == LOADED

    def is_custom(self) -> bool:
        """True when the layer editor's stack is the chosen model."""
        return self.preset.currentData() == CUSTOM

    def show_custom(self, layers: tuple, total: int | None, error: str) -> None:
        """Take the layer editor's stack, its parameter count and what is wrong with it ("" if nothing)."""
        self.custom_layers, self.custom_total, self.custom_error = tuple(layers), total, error
        if self.is_custom():
            self._show_preset()

    def settings(self) -> dict:
        """The chosen run settings as TrainingConfig keyword arguments.

        Raises ValueError with the layer editor's message when "custom" is chosen and its stack
        cannot be built.
        """
        settings = {
            "data": self.data.currentData(),
            "model": self.preset.currentData(),
            "epochs": self.epochs.value(),
            "batch_size": self.batch_size.value(),
            "learning_rate": self.learning_rate.value(),
            "seed": self.seed.seed_for_run(),
        }
        if self.is_custom():
            if self.custom_error:
                raise ValueError(f"The custom model cannot be built: {self.custom_error}")
            settings["layers"] = self.custom_layers
        if self.is_loaded():
            settings["model_path"] = self.loaded["path"]
            settings["keep_weights"] = bool(self.weights.currentData())
        return settings

    def set_state(self, state: str) -> None:
        """Enable what makes sense: "idle", "running", "paused", "stopping" or "busy"."""
        self.state = state
        idle = state == "idle"
        self.run_button.setText({"running": "Pause", "paused": "Resume"}.get(state, "Train"))
        blocked = idle and self.is_custom() and bool(self.custom_error)  # an impossible stack cannot train
        self.run_button.setEnabled(state in ("idle", "running", "paused") and not blocked)
        self.run_button.setToolTip(f"Fix the layers first: {self.custom_error}" if blocked else {
            "running": "Hold the run after the current batch", "paused": "Go on with the paused run"}.get(
            state, "Start training the chosen model with these settings"))
        self.stop_button.setEnabled(state in ("running", "paused"))
        why_not = save_blocker(state, self.has_model, self.custom_error if self.is_custom() else "")
        self.save_button.setEnabled(not why_not)
        self.save_button.setToolTip(why_not or "Save the trained or loaded model as a .keras file")
        self.load_button.setEnabled(idle)
        for widget in (self.data, self.open_data, self.preset, self.weights, self.epochs, self.batch_size,
                       self.learning_rate, self.seed):
            widget.setEnabled(idle)
        self.state_changed.emit(state)

    def _show_preset(self) -> None:
        self._show_model()
        self.zoom_fit.fit_note()

    def _show_model(self) -> None:
        name = self.preset.currentData()
        if self.state:  # Train depends on whether the custom stack can be built
            self.set_state(self.state)
        self._model_form.setRowVisible(self.weights, name == LOADED)
        if name == LOADED:
            self._show_loaded()
            return
        if name == CUSTOM:
            bad = self.custom_error or self.custom_total is None
            self.params.setText("<b style='color:#d32f2f'>cannot be built (see Layers)</b>" if bad
                                else f"<b>{self.custom_total:,} parameters</b>")
            self.note.setText("Your own layers: add, remove and reorder them in the Layers page, "
                              "which shows every output shape and weight count.")
            return
        preset = MODEL_PRESETS[name]
        self.params.setText(f"<b>{preset_param_count(name):,} parameters</b>")
        self.note.setText(f"{preset.description}.<br>{preset.note}")

    def _show_loaded(self) -> None:
        loaded = {key: html.escape(str(value)) for key, value in self.loaded.items()}
        self.params.setText(f"<b>{self.loaded['params']:,} parameters</b>")
        facts = (f"{loaded['name']}: takes {shape_text(self.loaded['input_shape'])} images, "
                 f"{loaded['num_classes']} classes.")
        self.note.setText(f"{facts}<br><b style='color:#d32f2f'>Cannot be trained: {loaded['problem']}</b>"
                          if loaded["problem"] else
                          f"{facts}<br>Its own layers and graph, trained on the chosen data.")
