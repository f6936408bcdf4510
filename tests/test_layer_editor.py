"""The layer editor through its real widgets: editing changes the stack, shapes and parameter counts
equal what Keras builds, an impossible stack is explained and cannot train, and "custom" trains it."""

import os

import numpy as np
import pytest
import pyqtgraph as pg
from PyQt6.QtCore import Qt

os.environ["CONVVIZ_OFFLINE"] = "1"

from convviz.arithmetic.layer_stack import LayerSpec, stack_rows  # noqa: E402
from convviz.training.events import DataReady  # noqa: E402
from convviz.training.models import CUSTOM, MODEL_PRESETS, preset_param_count, preset_specs  # noqa: E402
from convviz.ui.training.layer_editor import FAULT_MARK, OUTPUT_COL, PARAMS_COL, LayerEditor  # noqa: E402
from convviz.ui.training.summary_table import keras_shape  # noqa: E402

pg.setConfigOptions(imageAxisOrder="row-major")
RUN_TIMEOUT_MS = 120_000


def _add(editor, kind):
    """Add a layer the way a user does: the Add menu's action for ``kind``."""
    [action] = [action for action in editor.add_menu.actions() if action.text() == kind]
    action.trigger()


def _kinds(editor):
    return [spec.kind for spec in editor.specs()]


def _shown(editor):
    """(output shape, params) as the table shows them, user rows then the automatic head."""
    return [(editor.table.item(row, OUTPUT_COL).text(), editor.table.item(row, PARAMS_COL).text())
            for row in range(editor.table.rowCount())]


def _keras_rows(specs, input_shape):
    from convviz.training.layer_builder import build_from_specs

    model = build_from_specs(specs, input_shape)
    return [(keras_shape(tuple(layer.output.shape[1:])), f"{layer.count_params():,}")
            for layer in model.layers[1:]], model  # [0] is the input


def _keras_unchecked(specs, input_shape):
    """Build ``specs`` with Keras alone (no engine check first)."""
    import keras

    from convviz.training.layer_builder import keras_layer

    return keras.Sequential([keras.Input(tuple(input_shape)), *(keras_layer(spec) for spec in specs)])


@pytest.fixture
def editor(qtbot):
    widget = LayerEditor()
    qtbot.addWidget(widget)
    widget.resize(1000, 420)
    widget.show()
    return widget


@pytest.fixture
def tab(training_tab):
    return training_tab


def test_add_remove_and_reorder_change_the_stack(qtbot, editor):
    editor.set_specs([])
    assert editor.error == "a custom model needs at least one layer" and editor.total_params is None
    for kind in ("Conv2D", "Flatten", "Dense"):
        _add(editor, kind)  # each goes after the selected (the last added) row
    assert _kinds(editor) == ["Conv2D", "Flatten", "Dense"]
    editor.table.selectRow(0)
    _add(editor, "MaxPooling2D")
    assert _kinds(editor) == ["Conv2D", "MaxPooling2D", "Flatten", "Dense"]
    assert editor.table.currentRow() == 1

    qtbot.mouseClick(editor.up_button, Qt.MouseButton.LeftButton)
    assert _kinds(editor) == ["MaxPooling2D", "Conv2D", "Flatten", "Dense"]
    qtbot.mouseClick(editor.down_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.down_button, Qt.MouseButton.LeftButton)
    assert _kinds(editor) == ["Conv2D", "Flatten", "MaxPooling2D", "Dense"]
    assert editor.error == stack_and_error(editor)  # pooling a flat vector: the engine's words
    assert editor.error_row == 2 and editor.table.verticalHeaderItem(2).text().endswith("✗")
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert _kinds(editor) == ["Conv2D", "Flatten", "Dense"] and editor.error == ""

    editor.setting(0, "size").setValue(5)  # filters, in place
    editor.setting(2, "activation").setCurrentText("softmax")
    assert editor.specs()[0].filters == 5 and editor.specs()[2].activation == "softmax"
    assert editor.head == (LayerSpec("Dense", units=10, activation="softmax"),)
    editor.setting(2, "size").setValue(10)  # already ends in Dense(10, softmax): used as it is
    assert editor.head == () and editor.table.rowCount() == 3

    [action] = [action for action in editor.preset_menu.actions() if action.text() == MODEL_PRESETS["seed-literal"].title]
    action.trigger()
    assert editor.specs() == MODEL_PRESETS["seed-literal"].specs
    assert editor.total_params == preset_param_count("seed-literal")



def test_start_from_each_preset_gives_the_layers_the_preset_is_built_from(editor):
    editor.set_input((32, 32, 3), 5)
    for name in MODEL_PRESETS:
        [action] = [action for action in editor.preset_menu.actions() if action.text() == MODEL_PRESETS[name].title]
        action.trigger()
        assert editor.specs() + editor.head == preset_specs(name, 5)
        assert editor.total_params == preset_param_count(name, (32, 32, 3), 5)

def stack_and_error(editor):
    """The engine's own message for the editor's stack ("" if it builds)."""
    try:
        stack_rows(editor.specs(), editor.input_shape)
    except ValueError as exc:
        return str(exc)
    return ""


def _random_stack(editor, rng):
    """Build a random stack through the Add menu and the row widgets."""
    editor.set_specs([])
    for _ in range(rng.integers(1, 4)):
        kind = rng.choice(["Conv2D", "Conv2D", "MaxPooling2D", "AveragePooling2D", "Dropout"])
        _add(editor, kind)
        row = len(editor.specs()) - 1
        if kind == "Conv2D":
            editor.setting(row, "size").setValue(int(rng.integers(1, 9)))
            editor.setting(row, "kernel").setValue(int(rng.integers(1, 8)))
            dilated = rng.random() < 0.3
            editor.setting(row, "dilation").setValue(2 if dilated else 1)
            editor.setting(row, "stride").setValue(1 if dilated else int(rng.integers(1, 3)))
            editor.setting(row, "activation").setCurrentText(str(rng.choice(["relu", "tanh", "linear"])))
        elif kind == "Dropout":
            editor.setting(row, "size").setValue(0.5)
        else:
            editor.setting(row, "kernel").setValue(int(rng.integers(1, 4)))
            editor.setting(row, "stride").setValue(int(rng.integers(0, 3)))
        if kind != "Dropout":
            editor.setting(row, "padding").setCurrentText(str(rng.choice(["valid", "same"])))
    if rng.random() < 0.7:
        _add(editor, "Flatten")
        for _ in range(rng.integers(0, 3)):
            _add(editor, str(rng.choice(["Dense", "Dropout"])))
            if editor.specs()[-1].kind == "Dense":
                editor.setting(len(editor.specs()) - 1, "size").setValue(int(rng.integers(1, 33)))


def test_shapes_and_params_equal_what_keras_builds(editor):
    rng = np.random.default_rng(6)
    checked = refused = 0
    for input_shape, classes in (((28, 28, 1), 10), ((32, 32, 3), 4), ((9, 12, 2), 3)):
        editor.set_input(input_shape, classes)
        for _ in range(5):
            _random_stack(editor, rng)
            if editor.error:  # e.g. a kernel larger than the map: the message is the engine's
                assert editor.error == stack_and_error(editor) and editor.total_params is None
                if "does not fit" in editor.error:  # and Keras refuses that layer too
                    with pytest.raises(ValueError, match="zero or negative"):
                        _keras_unchecked(editor.specs()[:editor.error_row + 1], input_shape)
                    refused += 1
                continue
            expected, model = _keras_rows(editor.specs() + editor.head, input_shape)
            assert _shown(editor) == expected
            assert editor.head[-1] == LayerSpec("Dense", units=classes, activation="softmax")
            assert editor.total_params == model.count_params()
            assert f"{model.count_params():,}" in editor.totals.text()
            checked += 1
    assert checked >= 8 and refused >= 1


def test_an_impossible_stack_is_explained_and_cannot_train(qtbot, tab):
    controls, editor = tab.controls, tab.layer_editor
    assert not controls.is_custom() and editor.use_button.isVisibleTo(editor)
    editor.use_button.click()  # "Use for training" chooses the custom model
    assert controls.is_custom() and tab.panels.currentWidget() is editor
    assert not editor.use_button.isVisibleTo(editor)
    assert controls.params.text() == f"<b>{preset_param_count('seed'):,} parameters</b>"
    conv3 = _kinds(editor).index("Conv2D", 3)
    editor.setting(conv3, "kernel").setValue(7)  # the seed's last convolution sees a 5x5 map
    message = stack_and_error(editor)
    assert message == f"layer {conv3 + 1} (Conv2D): kernel 7 does not fit the 5x5 map that layer {conv3} produces"
    assert editor.status.isVisible() and message in editor.status.text()
    assert editor.error_row == conv3 and editor.table.item(conv3, OUTPUT_COL).text() == FAULT_MARK
    assert not controls.run_button.isEnabled() and "cannot be built" in controls.params.text()
    assert not tab.start_training() and not tab.is_busy()
    assert tab.messages.level == "error" and message in tab.messages.text

    controls.preset.setCurrentIndex(controls.preset.findData("seed"))  # a preset ignores the editor
    assert controls.run_button.isEnabled()
    controls.preset.setCurrentIndex(controls.preset.findData(CUSTOM))
    editor.setting(conv3, "kernel").setValue(5)
    assert controls.run_button.isEnabled() and editor.error == "" and not editor.status.isVisible()
    assert controls.params.text() == f"<b>{editor.total_params:,} parameters</b>"

    tiny = DataReady("tiny", False, {"x_train": (50, 2, 2, 3), "y_train": (50, 3)}, np.zeros((9, 2, 2, 3)), np.zeros(9))
    tab.layer_link.data_ready(tiny)  # a run loaded tiny images
    assert editor.input_shape == (2, 2, 3) and editor.error_row == 0
    assert editor.error == "layer 1 (Conv2D): kernel 3 does not fit the 2x2 input"
    assert not controls.run_button.isEnabled()


def test_custom_trains_the_edited_stack(qtbot, tab):
    controls, editor = tab.controls, tab.layer_editor
    controls.preset.setCurrentIndex(controls.preset.findData(CUSTOM))
    editor.set_specs([])
    for kind in ("Conv2D", "AveragePooling2D", "Dropout", "Flatten", "Dense"):
        _add(editor, kind)
    editor.setting(0, "size").setValue(6)
    editor.setting(0, "padding").setCurrentText("same")
    editor.setting(4, "size").setValue(12)
    shown = _shown(editor)
    tab.limit, tab.probe_every = 300, 2
    controls.epochs.setValue(1)
    with qtbot.waitSignal(tab.task_finished, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(controls.run_button, Qt.MouseButton.LeftButton)
        assert not editor.isEnabled()  # the stack of a run cannot change under it
    assert editor.isEnabled()
    assert tab.messages.level != "error", tab.messages.text
    assert tab.session.config.model == CUSTOM and tab.session.config.layers == editor.specs()
    summary = tab.summary
    names = [summary.table.item(row, 0).text() for row in range(summary.table.rowCount())]
    assert names == ["conv1 (Conv2D)", "avgpool1 (AveragePooling2D)", "dropout1 (Dropout)", "flatten (Flatten)",
                     "dense1 (Dense)", "probabilities (Dense)"]
    assert [(summary.table.item(row, 1).text(), summary.table.item(row, 2).text())
            for row in range(summary.table.rowCount())] == shown
    from convviz.training.storage import load_model

    model = tab.model if tab.model is not None else load_model(tab.model_path)  # the run's saved model
    assert summary.total_params == editor.total_params == model.count_params()
