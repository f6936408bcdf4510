"""The Training tab's controls and Layers page for a class: plain model names, a Tab order that
reads each layer row left to right, undo/redo of layer changes, Save only when there is a model,
a seed control that makes runs repeatable, and a tooltip on every control."""

import os
import re

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLabel, QWidget

os.environ["CONVVIZ_OFFLINE"] = "1"

import convviz.training.session as session_module  # noqa: E402
from convviz.arithmetic.layer_stack import LayerSpec  # noqa: E402
from convviz.core.model_titles import model_title  # noqa: E402
from convviz.training.events import BatchEnd, LayerInfo, ModelReady  # noqa: E402
from convviz.training.models import CUSTOM, MODEL_PRESETS  # noqa: E402
from convviz.training.session import TrainingConfig, TrainingSession  # noqa: E402
from convviz.ui.training.controls_panel import TrainingControls  # noqa: E402
from convviz.ui.training.layer_editor import LayerEditor  # noqa: E402
from scripted_session import ScriptedSession  # noqa: E402

KEYS = re.compile(r"\bseed([-_]literal)?\b")  # the presets' keys as a person would read them


def _texts(root: QWidget) -> list[str]:
    """Every text a person reads in ``root``: labels, buttons, combo items, menu actions, headers."""
    texts = []
    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        texts += [action.text() for action in widget.actions()]
        menu = getattr(widget, "menu", lambda: None)() if isinstance(widget, QAbstractButton) else None
        if menu is not None:
            texts += [action.text() for action in menu.actions()]
    return texts


def test_no_text_in_the_training_tab_names_a_preset_by_its_key(training_tab):
    training_tab.summary.show_model(ModelReady("seed_literal", (LayerInfo("conv1", "Conv2D", (26, 26, 32), 320),),
                                               320, 320))
    texts = _texts(training_tab)
    assert not [text for text in texts if KEYS.search(text)]
    for preset in MODEL_PRESETS.values():
        assert preset.title in texts and preset.title != preset.name
    assert MODEL_PRESETS["seed-literal"].title in training_tab.summary.title.text()


def test_titles_are_the_plain_names_and_the_keys_stay_for_the_cli():
    assert MODEL_PRESETS["seed"].title == "Tutorial CNN (with pooling)"
    assert MODEL_PRESETS["seed-literal"].title == "Tutorial code as printed (no pooling)"
    assert model_title("seed_literal") == model_title("seed-literal") == "Tutorial code as printed (no pooling)"
    assert model_title("my_model") == "my_model"
    assert list(MODEL_PRESETS) == ["seed", "seed-literal"]


# -- the Layers page -----------------------------------------------------------------------------

@pytest.fixture
def editor(qtbot):
    widget = LayerEditor()
    qtbot.addWidget(widget)
    widget.resize(1000, 420)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    return widget


def _focus(qtbot, widget):
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=2000)


def _row_fields(editor, row):
    return [widget for key in ("size", "kernel", "stride", "padding", "dilation", "activation")
            if (widget := editor.setting(row, key)) is not None]


def test_tab_visits_each_row_left_to_right_then_the_next_row(qtbot, editor):
    expected = [*_row_fields(editor, 0), *_row_fields(editor, 1), *_row_fields(editor, 2)]
    _focus(qtbot, expected[0])
    visited = [QApplication.focusWidget()]
    for _ in expected[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
    assert visited == expected  # conv, its kernel, stride, ..., then the pooling row's window


def test_typing_a_kernel_then_tab_then_a_stride_edits_those_two(qtbot, editor):
    kernel, stride, filters = editor.setting(0, "kernel"), editor.setting(0, "stride"), editor.setting(0, "size")
    _focus(qtbot, kernel)
    qtbot.keyClicks(kernel, "5")
    qtbot.keyClick(kernel, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is stride
    qtbot.keyClicks(stride, "2")
    assert (editor.specs()[0].kernel, editor.specs()[0].stride, editor.specs()[0].filters) == (5, 2, 32)


def test_typing_filters_tab_kernel_replaces_each_whole_value(qtbot, editor):
    """Row 0 reads Filters then Kernel: "16", Tab, "5" replaces each whole value (no 516 or 35)."""
    filters, kernel = editor.setting(0, "size"), editor.setting(0, "kernel")
    _focus(qtbot, filters)
    qtbot.keyClicks(filters, "16")
    qtbot.keyClick(filters, Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "5")
    assert (editor.specs()[0].filters, editor.specs()[0].kernel) == (16, 5)
    assert kernel.value() == 5


def test_typing_3_then_back_tab_then_32_gives_kernel_3_and_filters_32(qtbot, editor):
    editor.set_specs((LayerSpec("Conv2D", filters=64, kernel=5),))
    kernel, filters = editor.setting(0, "kernel"), editor.setting(0, "size")
    _focus(qtbot, kernel)
    qtbot.keyClicks(kernel, "3")
    qtbot.keyClick(kernel, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is filters
    qtbot.keyClicks(filters, "32")
    assert (editor.specs()[0].kernel, editor.specs()[0].filters) == (3, 32)


def test_a_click_into_a_spin_box_selects_its_value_so_typing_replaces_it(qtbot, editor):
    filters = editor.setting(0, "size")
    qtbot.mouseClick(filters.lineEdit(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: filters.lineEdit().selectedText() == "32", timeout=2000)
    qtbot.keyClicks(filters, "8")
    assert editor.specs()[0].filters == 8


def test_undo_and_redo_restore_the_exact_stacks(qtbot, editor):
    states = [editor.specs()]
    filters = editor.setting(0, "size")
    _focus(qtbot, filters)
    qtbot.keyClicks(filters, "48")  # two keystrokes, one step
    states.append(editor.specs())
    editor.table.selectRow(1)
    editor.remove_button.click()
    states.append(editor.specs())
    [action] = [a for a in editor.add_menu.actions() if a.text() == "Dropout"]
    action.trigger()
    states.append(editor.specs())
    assert states[1][0].filters == 48 and len(set(states)) == 4

    _focus(qtbot, editor.table)
    for expected in reversed(states[:-1]):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert editor.specs() == expected
    assert not editor.undo_action.isEnabled()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert editor.specs() == states[1]
    for expected in states[2:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
        assert editor.specs() == expected
    assert not editor.redo_action.isEnabled()


def test_ctrl_z_in_a_spin_box_undoes_the_layer_change(qtbot, editor):
    before = editor.specs()
    kernel = editor.setting(2, "kernel")
    _focus(qtbot, kernel)
    qtbot.keyClicks(kernel, "5")
    assert editor.specs()[2].kernel == 5
    qtbot.keyClick(kernel, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.specs() == before


def test_a_new_edit_after_undo_drops_the_redo(qtbot, editor):
    editor.load_preset("seed-literal")
    editor.undo()
    assert editor.specs() == MODEL_PRESETS["seed"].specs and editor.redo_action.isEnabled()
    editor.add_layer("Flatten", 0)
    assert not editor.redo_action.isEnabled()
    editor.undo()
    assert editor.specs() == MODEL_PRESETS["seed"].specs


# -- the controls: Save, seed, tooltips, Tab order ------------------------------------------------

@pytest.fixture
def controls(qtbot):
    widget = TrainingControls()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_save_is_off_with_a_reason_until_there_is_a_model_and_while_the_layers_are_broken(qtbot, training_tab):
    controls = training_tab.controls
    assert not controls.save_button.isEnabled() and "Nothing to save" in controls.save_button.toolTip()
    controls.has_model = True
    controls.set_state("idle")
    assert controls.save_button.isEnabled()
    training_tab.layer_editor.set_specs((LayerSpec("Conv2D", filters=8, kernel=40),))  # bigger than 28x28
    training_tab.layer_link.choose_custom()
    assert controls.is_custom() and training_tab.layer_editor.error
    assert not controls.save_button.isEnabled()
    assert "cannot be built" in controls.save_button.toolTip()
    training_tab.layer_editor.undo()
    assert controls.save_button.isEnabled()


def test_the_seed_control_reaches_the_config(qtbot, monkeypatch, training_tab):
    configs = []

    class Recording(ScriptedSession):
        raise_in_run = RuntimeError("stand-in: only the config matters")

        def __init__(self, config, dataset=None):
            super().__init__(config, dataset)
            configs.append(config)

    monkeypatch.setattr(session_module, "TrainingSession", Recording)
    training_tab.controls.seed.spin.setValue(1234)
    with qtbot.waitSignal(training_tab.task_finished, timeout=10_000):
        qtbot.mouseClick(training_tab.controls.run_button, Qt.MouseButton.LeftButton)
    assert configs[-1].seed == 1234


def test_random_draws_a_new_seed_and_shows_it(controls):
    controls.seed.random.setChecked(True)
    assert not controls.seed.spin.isEnabled()
    seeds = {controls.settings()["seed"] for _ in range(5)}
    assert len(seeds) > 1 and controls.seed.spin.value() in seeds
    controls.seed.random.setChecked(False)
    shown = controls.seed.spin.value()
    assert controls.settings()["seed"] == shown == controls.settings()["seed"]


def _first_loss(seed):
    config = TrainingConfig(data="mnist", model=CUSTOM, layers=(LayerSpec("Conv2D", filters=4, kernel=3),),
                            epochs=1, batch_size=32, limit=64, probe_every=0, seed=seed)
    received = []
    TrainingSession(config).run(received.append)
    return [event.loss for event in received if isinstance(event, BatchEnd)][0]


def test_the_same_seed_gives_the_same_first_batch_loss():
    first = _first_loss(7)
    assert _first_loss(7) == first
    assert _first_loss(8) != first


def test_every_control_has_a_tooltip(controls, editor):
    editor.set_active(False)
    for widget in [*controls.inputs(), *editor._buttons, editor.table]:
        assert widget.toolTip().strip(), widget
    for row in range(len(editor.specs())):
        for widget in _row_fields(editor, row):
            assert widget.toolTip().strip(), (row, widget)


def _tab_cycle(qtbot, start, stop_after):
    """Press Tab from ``start`` until it comes back; the focus widgets in order."""
    _focus(qtbot, start)
    visited = [start]
    for _ in range(stop_after):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        if QApplication.focusWidget() is start:
            return visited
        visited.append(QApplication.focusWidget())
    raise AssertionError(f"Tab never came back to the start: {visited}")


def test_tab_reaches_every_enabled_control_of_the_panel_and_the_editor_once(qtbot, training_tab):
    controls, editor = training_tab.controls, training_tab.layer_editor
    training_tab.panels.setCurrentWidget(editor)
    training_tab.activateWindow()
    visited = _tab_cycle(qtbot, controls.data, 400)
    assert len(visited) == len(set(visited))
    enabled = [w for w in controls.inputs() if w.isEnabled() and w.isVisible()]
    assert [w for w in visited if w in enabled] == enabled  # in the panel's reading order
    fields = [w for row in range(len(editor.specs())) for w in _row_fields(editor, row)]
    wanted = [w for w in [*editor._buttons, editor.table, *fields] if w.isEnabled() and w.isVisible()]
    assert [w for w in visited if w in wanted] == wanted
