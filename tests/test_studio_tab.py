"""The Studio tab through its real controls, buttons, keys and signals."""

import numpy as np
import pytest
from PyQt6.QtCore import Qt

from convviz.arithmetic import conv2d, conv_output_shape, conv_steps, pool2d, pool_steps
from convviz.arithmetic.presets import SEED_INPUT, SEED_KERNEL, random_input
from convviz.assets import bundled_digits


@pytest.fixture
def tab(studio_tab, qtbot):
    studio_tab.resize(1360, 860)
    qtbot.waitExposed(studio_tab)
    return studio_tab


def _choose(combo, data):
    combo.setCurrentIndex(combo.findData(data))


def _random_input(tab, size):
    _choose(tab.controls.input_kind, "random")
    tab.controls.input_size.setValue(size)


@pytest.mark.parametrize("kernel,stride,padding,dilation", [
    (3, 1, "valid", 1), (3, 2, "same", 1), (5, 3, "valid", 1), (2, 2, "same", 2), (3, 1, "explicit", 3),
])
def test_controls_give_the_engines_output_shape(tab, kernel, stride, padding, dilation):
    c = tab.controls
    _random_input(tab, 11)
    c.kernel_h.setValue(kernel)
    c.stride.setValue(stride)
    c.padding.setCurrentText(padding)
    if padding == "explicit":
        c.pad_spins[0].setValue(2)
        c.pad_spins[3].setValue(1)
    c.dilation.setValue(dilation)
    engine_padding = ((2, 1), (1, 1)) if padding == "explicit" else padding
    expected = conv_output_shape((11, 11), (kernel, kernel), stride, engine_padding, dilation)
    assert tab.canvas.output_view.values.shape == expected
    x = random_input(11, 0)
    assert np.allclose(tab.canvas.output_view.values,
                       conv2d(x, tab.state.settings.kernel, stride, engine_padding, dilation))
    assert tab.transport.scrubber.maximum() == expected[0] * expected[1] - 1


def test_buttons_and_keys_move_the_highlight_to_the_engines_cells(tab, qtbot):
    steps = list(conv_steps(SEED_INPUT, SEED_KERNEL))
    view, out = tab.canvas.input_view, tab.canvas.output_view

    def shows(i):
        cells = {tuple(c) for c in steps[i].window.input_cells.reshape(-1, 2).tolist()}
        return view.window_cells == cells and out.current_cell == steps[i].position and out.revealed == i + 1

    assert shows(0)
    qtbot.mouseClick(tab.transport.forward_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(tab.transport.forward_button, Qt.MouseButton.LeftButton)
    assert tab.state.index == 2 and shows(2)
    tab.setFocus()
    qtbot.keyClick(tab, Qt.Key.Key_Right)
    assert shows(3)
    qtbot.keyClick(tab, Qt.Key.Key_Left)
    qtbot.keyClick(tab, Qt.Key.Key_Left)
    assert shows(1)
    qtbot.mouseClick(tab.transport.end_button, Qt.MouseButton.LeftButton)
    assert shows(8) and tab.transport.position.text() == "9 / 9"
    qtbot.mouseClick(tab.transport.back_button, Qt.MouseButton.LeftButton)
    assert shows(7)
    tab.transport.scrubber.setValue(4)
    assert shows(4)
    qtbot.mouseClick(tab.transport.start_button, Qt.MouseButton.LeftButton)
    assert shows(0)
    qtbot.mouseClick(out, Qt.MouseButton.LeftButton, pos=out.cell_center(2, 1))  # click an output cell
    assert shows(7)


def test_dot_product_shows_the_current_steps_terms_and_value(tab, qtbot):
    c = tab.controls
    c.padding.setCurrentText("same")
    out = conv2d(SEED_INPUT, SEED_KERNEL, padding="same")
    for index, step in enumerate(conv_steps(SEED_INPUT, SEED_KERNEL, padding="same")):
        tab.state.set_step(index)
        text = tab.canvas.dot_product.plain_text
        assert text.endswith(f"= {out[step.position]}")
        terms = text.split(" = ")[1].split(" + ")
        assert len(terms) == 9
        assert sum(t.startswith("[") for t in terms) == int(step.window.is_padding.sum())


def test_pooling_stage_follows_pool_steps_and_marks_the_max(tab, qtbot):
    c = tab.controls
    _random_input(tab, 8)
    c.pool_box.setChecked(True)
    output = conv2d(random_input(8, 0), SEED_KERNEL)
    pool = list(pool_steps(output, 2))
    n_conv = output.size
    assert tab.state.n_steps == n_conv + len(pool) == n_conv + pool2d(output, 2).size
    tab.state.set_step(n_conv - 1)
    tab.setFocus()
    for j, step in enumerate(pool):
        qtbot.keyClick(tab, Qt.Key.Key_Right)
        r, c0 = 2 * step.position[0], 2 * step.position[1]
        window = output[r:r + 2, c0:c0 + 2]
        winner = np.unravel_index(window.argmax(), window.shape)
        assert tab.canvas.pool_view.current_cell == step.position
        assert tab.canvas.output_view.winner_cell == (r + winner[0], c0 + winner[1])
        assert tab.canvas.output_view.window_cells == {(r + i, c0 + k) for i in range(2) for k in range(2)}
        assert tab.canvas.dot_product.plain_text.endswith(f"= {window.max()}")
        assert tab.canvas.pool_view.revealed == j + 1


def test_impossible_setting_shows_the_engines_message_and_recovers(tab, qtbot):
    c = tab.controls
    _random_input(tab, 3)
    c.kernel_h.setValue(5)
    with pytest.raises(ValueError) as engine:
        conv_output_shape((3, 3), (5, 5))
    assert tab.message_bar.level == "error" and tab.message_bar.text == str(engine.value)
    assert tab.canvas.output_view.message == str(engine.value)
    assert not tab.transport.play_button.isEnabled()
    qtbot.keyClick(tab, Qt.Key.Key_Right)  # nothing to step through, nothing raised
    c.padding.setCurrentText("same")
    assert tab.message_bar.level == "" and tab.canvas.output_view.message is None
    assert tab.canvas.output_view.values.shape == (3, 3) and tab.transport.play_button.isEnabled()


def test_playing_advances_and_stops_at_the_end(tab, qtbot):
    tab.transport.speed.setValue(60)
    qtbot.mouseClick(tab.transport.play_button, Qt.MouseButton.LeftButton)
    assert tab.transport.playing
    qtbot.waitUntil(lambda: tab.state.index >= 3, timeout=3000)
    qtbot.waitUntil(lambda: not tab.transport.playing, timeout=3000)
    assert tab.state.index == 8
    tab.setFocus()
    qtbot.keyClick(tab, Qt.Key.Key_Space)  # at the end, play starts over
    assert tab.transport.playing
    qtbot.keyClick(tab, Qt.Key.Key_Space)
    assert not tab.transport.playing


def test_current_step_is_kept_when_it_still_exists(tab):
    c = tab.controls
    tab.state.set_step(3)
    c.padding.setCurrentText("same")  # 25 steps
    assert tab.state.index == 3 and tab.canvas.output_view.current_cell == (0, 3)
    c.padding.setCurrentText("valid")
    c.stride.setValue(2)  # 4 steps: step 3 still exists
    assert tab.state.index == 3 and tab.canvas.output_view.current_cell == (1, 1)
    c.stride.setValue(3)  # 1 step left
    assert tab.state.index == 0


def test_kernel_cells_are_edited_by_double_click_and_wheel(tab, qtbot):
    view = tab.canvas.kernel_view
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=view.cell_center(0, 0))
    assert view.editor is not None
    view.editor.setText("-3")
    qtbot.keyClick(view.editor, Qt.Key.Key_Return)
    kernel = SEED_KERNEL.copy()
    kernel[0, 0] = -3
    assert np.array_equal(tab.state.settings.kernel, kernel)
    assert tab.controls.preset.currentData() == "custom"
    assert np.array_equal(tab.canvas.output_view.values, conv2d(SEED_INPUT, kernel))
    view.cellWheeled.emit(1, 1, 2)  # what a wheel turn of two notches over cell (1, 1) emits
    assert tab.state.settings.kernel[1, 1] == SEED_KERNEL[1, 1] + 2


def test_wheel_over_a_kernel_cell_changes_it(tab, qtbot):
    from PyQt6.QtCore import QPoint, QPointF
    from PyQt6.QtGui import QWheelEvent
    from PyQt6.QtWidgets import QApplication

    view = tab.canvas.kernel_view
    pos = QPointF(view.cell_center(2, 2))
    event = QWheelEvent(pos, QPointF(view.mapToGlobal(pos.toPoint())), QPoint(0, 0), QPoint(0, -120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view, event)
    assert tab.state.settings.kernel[2, 2] == SEED_KERNEL[2, 2] - 1


def test_drawing_on_the_input(tab, qtbot):
    c = tab.controls
    _choose(c.input_kind, "draw")
    assert np.array_equal(tab.state.result.x, SEED_INPUT)  # starts from the map on show
    c.clear_canvas.click()
    c.brush.setValue(7)
    view = tab.canvas.input_view
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.cell_center(2, 3))
    expected = np.zeros((5, 5), np.int64)
    expected[2, 3] = 7
    assert np.array_equal(tab.state.result.x, expected)
    assert np.array_equal(tab.canvas.output_view.values, conv2d(expected, SEED_KERNEL))
    qtbot.mouseClick(view, Qt.MouseButton.RightButton, pos=view.cell_center(2, 3))
    assert tab.state.result.x.sum() == 0


def test_digit_input_and_fixed_size_presets(tab):
    c = tab.controls
    _choose(c.input_kind, "digit")
    c.digit_index.setValue(42)
    images, labels = bundled_digits()
    assert np.array_equal(tab.canvas.input_view.values, images[42])
    assert not c.input_size.isEnabled() and f"Label: {labels[42]}" in c.input_hint.text()
    c.kernel_h.setValue(4)  # the seed kernel only exists at 3x3: becomes custom
    assert tab.state.settings.kernel.shape == (4, 4) and c.preset.currentData() == "custom"
    c.preset.setCurrentIndex(c.preset.findData("sobel-x"))
    c.preset.activated.emit(c.preset.currentIndex())
    assert tab.state.settings.kernel.shape in ((3, 3), (5, 5)) and "Sobel x exists" in tab.message_bar.text
    c.kernel_h.setValue(5)
    assert c.preset.currentData() == "sobel-x" and tab.state.settings.kernel[2, 0] == -6
    assert tab.message_bar.level == ""  # the note about snapping no longer applies


def test_dilation_shows_receptive_cells_with_gaps_and_keras_note(tab):
    c = tab.controls
    _random_input(tab, 9)
    c.dilation.setValue(3)
    assert tab.canvas.input_view.window_cells == {(r, k) for r in (0, 3, 6) for k in (0, 3, 6)}
    assert "spans 7×7" in tab.canvas.kernel_panel.title.text()
    assert not any("Keras" in n for n in tab.canvas.formulas.notes())
    c.stride.setValue(2)
    assert any("Keras" in n for n in tab.canvas.formulas.notes()) and c.conv_hint.isVisibleTo(c)


def test_tab_fits_a_small_window(studio_tab, qtbot):
    widget = studio_tab
    widget.resize(1024, 700)
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: widget.canvas.input_view.height() > 150)
    assert widget.canvas.input_view.height() > 150 and widget.transport.scrubber.width() >= 100


def test_random_kernel_redraws_when_picked_again_and_keeps_values_when_resized(tab):
    c = tab.controls
    index = c.preset.findData("random")
    c.preset.setCurrentIndex(index)
    c.preset.activated.emit(index)
    first = tab.state.settings.kernel.copy()
    c.preset.activated.emit(index)
    second = tab.state.settings.kernel.copy()
    assert first.shape == second.shape == (3, 3) and not np.array_equal(first, second)
    assert np.array_equal(tab.canvas.output_view.values, conv2d(SEED_INPUT, second))
    c.square.setChecked(False)
    c.kernel_w.setValue(2)
    assert tab.state.settings.kernel.shape == (3, 2) and c.preset.currentData() == "random"


def test_a_request_from_the_inspector_lands_on_its_cell(tab, qtbot):
    from convviz.arithmetic import pool2d as engine_pool
    from convviz.core.replay_request import PoolRequest, StudioRequest

    x = np.random.default_rng(7).normal(size=(8, 8))
    request = StudioRequest(x, np.ones((1, 1)), "pool1's input, channel 0", pool=PoolRequest("max", 2, 2),
                            cell=("pool", 2, 3), note="the model produced 1.0")
    with qtbot.waitSignal(tab.state.stepChanged):
        tab.state.show_request(request)
    c = tab.controls
    assert c.input_kind.currentData() == "model" and c.pool_box.isChecked()
    assert c.pool_mode.currentData() == "max" and c.pool_size.value() == 2
    kind, step = tab.state.current()
    assert kind == "pool" and step.position == (2, 3)
    assert float(step.value) == pytest.approx(engine_pool(x, 2)[2, 3])
    assert tab.canvas.step_label.text().startswith(f"Step {64 + 2 * 4 + 3 + 1} / {64 + 16}")

    too_big = StudioRequest(x[:2, :2], np.ones((3, 3)), "a 2×2 map", cell=("conv", 0, 0))
    tab.state.show_request(too_big)  # the engine's message, not an exception
    assert tab.message_bar.level == "error" and "\n" not in tab.message_bar.text


def test_depth_settings_and_back_to_the_classic_canvas(tab):
    d = tab.controls.depth
    d.filters.setValue(2)
    assert tab.stack.currentWidget() is tab.depth_canvas and not tab.controls.pool_box.isEnabled()
    d.filters.setValue(1)
    assert tab.stack.currentWidget() is tab.canvas and tab.controls.pool_box.isEnabled()
    assert np.array_equal(tab.canvas.output_view.values, conv2d(SEED_INPUT, SEED_KERNEL))
    tab.state.set_step(4)
    assert tab.canvas.step_label.text().startswith("Step 5 / 9")


def test_every_control_says_what_it_does(tab):
    from PyQt6.QtWidgets import QAbstractButton, QComboBox, QSpinBox

    controls = [w for cls in (QComboBox, QSpinBox, QAbstractButton) for w in tab.controls.findChildren(cls)]
    missing = [w for w in controls if w.isVisibleTo(tab) and not w.toolTip()
               and w.objectName() != "qt_spinbox_lineedit"]
    assert len(controls) > 25 and not missing, [type(w).__name__ + ":" + getattr(w, "text", str)() for w in missing]
