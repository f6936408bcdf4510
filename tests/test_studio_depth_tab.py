"""The Studio tab in depth, through its real controls: channels, filters, the five kinds, numbers."""

import numpy as np
import pytest

from studio_drive import choose, photo

from convviz.core.studio import compute_studio


@pytest.fixture
def tab(studio_tab, qtbot):
    studio_tab.resize(1280, 800)
    qtbot.waitExposed(studio_tab)
    return studio_tab


def _engine(tab):
    """The core's answer for the settings the controls made (computed afresh)."""
    return compute_studio(tab.state.settings)


def test_photo_three_channels_two_filters_same_stride_two(tab, qtbot):
    photo(tab)
    tab.controls.padding.setCurrentText("same")
    tab.controls.stride.setValue(2)
    core = _engine(tab)
    assert core.error is None and core.output.shape == (8, 8, 2)
    canvas = tab.depth_canvas
    assert tab.stack.currentWidget() is canvas
    assert canvas.output_view.maps.shape == (2, 8, 8)
    assert canvas.output_panel.title.text().startswith("Output 8×8×2")
    assert tab.transport.scrubber.maximum() + 1 == core.n_steps == 128
    assert [name for name in canvas.input_view.names] == list(core.channel_names) == ["R", "G", "B"]
    for index in (0, 14, 77, 127):  # stepping: each channel's dot product, summed, is the engine's value
        tab.transport.scrubber.setValue(index)
        qtbot.waitUntil(lambda: tab.state.index == index)
        stage, step = tab.state.current()
        row, col = step.position
        assert float(sum(step.channel_dots)) == pytest.approx(core.output[row, col, step.filter])
        text = canvas.dot_product.plain_text
        assert text.count("\n") >= 4 and all(f"{name}:" in text for name in "RGB")
        assert f"= {core.output[row, col, step.filter]:g}".replace("-", "−") in text
        assert f"filter {step.filter + 1} of 2 · position {row * 8 + col + 1} of 64" in canvas.step_label.text()
        assert canvas.output_view.highlights.focus == step.filter


def test_filter_selector_jumps_to_the_same_position_of_another_filter(tab, qtbot):
    photo(tab, size=8, filters=4)
    tab.state.set_step(5)
    tab.depth_canvas.filter_spin.setValue(3)
    qtbot.waitUntil(lambda: tab.state.current()[1].filter == 2)
    assert tab.state.current()[1].position == (0, 5) and tab.state.index == 2 * 36 + 5


def test_depthwise_multiplier_two_reads_one_channel_per_output(tab):
    photo(tab, size=10)
    choose(tab.controls.depth.kind, "depthwise")
    tab.controls.depth.depth_multiplier.setValue(2)
    core = _engine(tab)
    assert core.output.shape == (8, 8, 6) and tab.state.n_steps == core.n_steps == 6 * 64
    assert not tab.controls.depth.filters.isEnabled() and "depthwise" in tab.controls.depth.filters.toolTip()
    tab.state.set_step(3 * 64 + 9)  # output map 3 = input channel 1 (G), its second kernel
    _, step = tab.state.current()
    assert list(step.channels) == [1]
    assert tab.depth_canvas.input_view.highlights.channels == (1,)
    assert tab.depth_canvas.kernel_view.maps.shape == (1, 3, 3)
    assert float(step.value) == pytest.approx(core.output[1, 1, 3])


def test_separable_shows_the_parameter_saving_the_engine_counts(tab):
    photo(tab, size=12, filters=8)
    choose(tab.controls.depth.kind, "separable")
    core = _engine(tab)
    numbers = core.numbers
    assert numbers.params < numbers.standard_params
    shown = tab.depth_canvas.formulas.text()
    assert f"{numbers.params:,}" in shown and numbers.comparison.split(" (")[0] in shown
    assert f"{numbers.standard_params / numbers.params:.1f}x fewer parameters" in shown
    assert f"{numbers.params:,} parameters" in tab.controls.depth.summary.text()
    tab.state.set_step(tab.state.n_steps - 1)
    assert tab.depth_canvas.step_label.text().startswith("stage 2 of 2: pointwise")
    assert tab.depth_canvas.input_view.names[0] == "dw1"


def test_transposed_stride_two_same_shows_the_cores_overlap_counts(tab, qtbot):
    photo(tab, size=6)
    choose(tab.controls.depth.kind, "transposed")
    tab.controls.padding.setCurrentText("same")
    tab.controls.stride.setValue(2)
    core = _engine(tab)
    assert core.output.shape == (12, 12, 2) and core.transposed.uneven
    canvas = tab.depth_canvas
    assert canvas.overlap_panel.isVisible()
    np.testing.assert_array_equal(canvas.overlap_view.maps[0], core.transposed.overlaps)
    assert "checkerboard" in canvas.overlap_panel.title.text()
    assert tab.controls.depth.output_padding.isEnabled() and not tab.controls.depth.groups.isEnabled()
    canvas.as_conv.setChecked(True)  # the same result as a stride-1 convolution of the zero-inserted input
    qtbot.waitUntil(lambda: tab.state.equivalent)
    assert tab.state.n_steps == len(core.transposed.equivalent_steps)
    assert canvas.input_view.maps.shape[1:] == core.transposed.zero_inserted.shape[:2]
    tab.state.set_step(30)
    stage, step = tab.state.current()
    row, col = step.position
    assert stage == "equivalent" and float(step.total) == pytest.approx(core.output[row, col, step.filter])


def test_conv1d_causal_dilation_two_draws_the_padding_on_the_left(tab):
    photo(tab, size=16)
    choose(tab.controls.depth.kind, "conv1d")
    tab.controls.padding.setCurrentText("causal")
    tab.controls.dilation.setValue(2)
    core = _engine(tab)
    assert core.error is None and core.output.shape == (16, 2)
    assert tab.depth_canvas.input_view.pads == ((0, 0), (4, 0))
    assert tab.depth_canvas.input_view.maps.shape == (3, 1, 16)
    _, step = tab.state.current()
    assert list(step.is_padding) == [True, True, False] and list(step.cells) == [-4, -2, 0]
    assert float(step.total) == pytest.approx(core.output[0, 0])
    choose(tab.controls.depth.kind, "conv")  # causal exists for sequences only
    assert tab.state.settings.padding == "same" and tab.message_bar.level != "error"


@pytest.mark.parametrize("row, params", [(1, 320), (2, 18_496), (3, 36_928)])
def test_tutorial_model_layers_show_the_summary_counts(tab, row, params):
    d = tab.controls.depth
    d.tutorial.setCurrentIndex(row)
    d.tutorial.activated.emit(row)
    assert tab.state.result.numbers.params == params
    assert f"Param # {params:,}" in d.summary.text()
    assert f"parameters: {params:,}" in tab.depth_canvas.formulas.text()


def test_unused_controls_are_disabled_with_a_reason(tab):
    d = tab.controls.depth
    photo(tab, size=8)
    for widget in (d.depth_multiplier, d.output_padding):
        assert not widget.isEnabled() and widget.toolTip().startswith("Only for")
    assert d.groups.isEnabled()
    d.groups.setValue(3)  # 3 channels, 3 filters... 2 filters: groups must divide both
    assert tab.message_bar.level == "error" and "\n" not in tab.message_bar.text
    d.filters.setValue(3)
    assert tab.message_bar.level != "error"
    assert tab.depth_canvas.input_view.highlights.channels == (0,)


def test_per_axis_stride_when_unlinked(tab):
    c = tab.controls
    photo(tab, size=9)
    c.link_axes.setChecked(False)
    c.stride.setValue(2)
    assert tab.state.settings.stride == (2, 1)
    assert _engine(tab).output.shape[:2] == (4, 7) == tab.depth_canvas.output_view.maps.shape[1:]


def test_whole_cell_replay_lands_on_the_models_value(qtbot):
    keras = pytest.importorskip("keras")
    from PyQt6.QtCore import Qt

    from convviz.training.inspection import ModelInspector
    from convviz.ui.main_window import MainWindow

    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input((9, 9, 3)), keras.layers.Conv2D(
        4, 3, padding="same", activation="relu", bias_initializer="random_normal", name="conv")])
    image = np.random.default_rng(2).uniform(0, 1, (9, 9, 3)).astype("float32")
    replay = ModelInspector(model).replay(image, 0, (4, 6), 2)
    window = MainWindow()
    qtbot.addWidget(window)
    window.inspector.replay_panel.show_replay(replay)
    qtbot.mouseClick(window.inspector.replay_panel.to_studio, Qt.MouseButton.LeftButton)
    studio = window.studio
    assert window.tabs.currentWidget() is studio
    stage, step = studio.state.current()
    assert stage == "conv" and step.position == (4, 6) and len(step.channel_dots) == 3
    value = studio.state.result.activated[4, 6, 0]
    assert float(value) == pytest.approx(replay.model_value, rel=1e-5, abs=1e-6)
    text = studio.depth_canvas.dot_product.plain_text
    assert "+ bias" in text and "relu(" in text
    assert f"{replay.model_value:.4g}" in studio.depth_canvas.formulas.text()
    window.close()


def test_a_sequence_has_one_stride_and_one_kernel_row(tab):
    c = tab.controls
    photo(tab, size=12)
    c.link_axes.setChecked(False)
    c.stride.setValue(2)
    choose(c.depth.kind, "conv1d")
    assert tab.state.settings.stride == 1 and not c.stride_w.isEnabled() and not c.kernel_h.isEnabled()
    c.stride.setValue(3)
    assert tab.state.settings.stride == 3 and tab.state.result.output.shape == (4, 2)
    assert "1-D" in c.kernel_h.toolTip()
