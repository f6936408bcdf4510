"""Wires the layer editor to the training controls: the "custom" model, its input shape, Train."""

from __future__ import annotations

from PyQt6.QtCore import QObject
from PyQt6.QtWidgets import QTabWidget

from convviz.training.events import DataReady
from convviz.training.models import CUSTOM
from convviz.ui.training.controls_panel import MNIST_AUTO, TrainingControls
from convviz.ui.training.layer_editor import DEFAULT_INPUT, LayerEditor

UNKNOWN_INPUT_NOTE = " (assumed until a run loads this data)"


class LayerEditorLink(QObject):
    """Keeps the controls and the editor in step.

    The controls get the editor's stack, total and error after every edit (so the parameter
    label, Train and the run settings follow it); choosing "custom" shows the editor's page; the
    editor computes for the shape of the chosen data (known once a run has loaded it).
    """

    def __init__(self, controls: TrainingControls, editor: LayerEditor, pages: QTabWidget) -> None:
        super().__init__(editor)
        self.controls, self.editor, self.pages = controls, editor, pages
        self.known_inputs: dict[str, tuple] = {MNIST_AUTO: DEFAULT_INPUT}  # data key -> (shape, classes)
        editor.changed.connect(self._editor_changed)
        editor.use_requested.connect(self.choose_custom)
        controls.preset.currentIndexChanged.connect(self._preset_changed)
        controls.data.currentIndexChanged.connect(self._data_changed)
        controls.state_changed.connect(lambda state: editor.setEnabled(state == "idle"))  # a run keeps its stack
        self._editor_changed()
        self._preset_changed()

    def choose_custom(self) -> None:
        """Select the "custom (layer editor)" model (when the controls are not busy)."""
        if self.controls.preset.isEnabled():
            self.controls.preset.setCurrentIndex(self.controls.preset.findData(CUSTOM))

    def data_ready(self, event: DataReady) -> None:
        """Remember the image shape and class count of the data a run just loaded, and use them."""
        images, labels = event.shapes.get("x_train", ()), event.shapes.get("y_train", ())
        if len(images) != 4:
            return
        classes = int(labels[-1]) if len(labels) == 2 else len(event.class_names)
        self.known_inputs[self.controls.data.currentData()] = (tuple(images[1:]), classes or DEFAULT_INPUT[1])
        self._data_changed()

    def _editor_changed(self) -> None:
        editor = self.editor
        self.controls.show_custom(editor.specs(), editor.total_params, editor.error)

    def _preset_changed(self) -> None:
        custom = self.controls.is_custom()
        self.editor.set_active(custom)
        if custom:
            self.pages.setCurrentWidget(self.editor)

    def _data_changed(self) -> None:
        key = self.controls.data.currentData()
        shape, classes = self.known_inputs.get(key, DEFAULT_INPUT)
        self.editor.set_input(shape, classes, "" if key in self.known_inputs else UNKNOWN_INPUT_NOTE)
