"""The studio's classroom items and in-depth polish, through real widgets, keys and the core."""

import numpy as np
import pytest
from PyQt6.QtCore import Qt

from studio_drive import choose, photo

from convviz.ui.launch import configure_pyqtgraph

from convviz.core.studio import StudioSettings, compute_studio
from convviz.core.studio_steps import equivalent_step_at, step_at
from convviz.ui.studio.studio_tab import StudioTab


@pytest.fixture
def tab(studio_tab, qtbot):
    studio_tab.resize(1024, 768)
    qtbot.waitExposed(studio_tab)
    return studio_tab


def _same_step(a, b):
    assert type(a) is type(b) and a.index == b.index and a.filter == b.filter
    for name in ("position", "channels", "inputs", "kernel", "channel_dots", "total", "value"):
        assert np.array_equal(np.asarray(getattr(a, name)), np.asarray(getattr(b, name))), name


DEPTH_SETTINGS = [
    dict(kind="conv", input_kind="photo", input_size=9, in_channels=4, filters=4, groups=2, stride=2, padding="same"),
    dict(kind="depthwise", input_kind="photo", input_size=8, in_channels=3, depth_multiplier=2, dilation=2),
    dict(kind="separable", input_kind="photo", input_size=8, in_channels=3, filters=3, padding="same"),
    dict(kind="conv1d", input_kind="photo", input_size=10, in_channels=2, filters=3, stride=2, padding="causal"),
]


@pytest.mark.parametrize("changes", DEPTH_SETTINGS, ids=[c["kind"] for c in DEPTH_SETTINGS])
def test_step_made_directly_equals_the_generators_step(changes):
    result = compute_studio(StudioSettings().with_(**changes))
    assert result.error is None
    for index in (0, 1, result.n_steps // 2, result.n_steps - 1):
        _same_step(step_at(result, index), result.conv_steps[index])


def test_equivalent_step_made_directly_equals_the_generators_step():
    result = compute_studio(StudioSettings().with_(kind="transposed", input_kind="photo", input_size=5,
                                                   in_channels=2, filters=2, stride=2, padding="same"))
    steps = result.transposed.equivalent_steps
    for index in (0, 7, len(steps) - 1):
        _same_step(equivalent_step_at(result.transposed, result.settings.dilation, index), steps[index])


def test_scrubbing_to_the_last_step_in_depth_makes_no_earlier_step(tab, qtbot):
    photo(tab, size=32, filters=8)
    last = tab.state.n_steps - 1
    tab.transport.scrubber.setValue(last)
    qtbot.waitUntil(lambda: tab.state.index == last)
    assert f"step {last + 1} of {last + 1} · value " in tab.depth_canvas.step_label.text()
    assert len(tab.state.result.conv_steps._done) == 0  # the lazy generator was never walked


def test_filters_are_numbered_from_one_everywhere(tab, qtbot):
    photo(tab, size=8, filters=2)
    tab.depth_canvas.filter_spin.setValue(2)
    qtbot.waitUntil(lambda: tab.state.current()[1].filter == 1)
    canvas = tab.depth_canvas
    assert canvas.kernel_panel.title.text().startswith("Kernel of filter 2")
    assert "filter 2 of 2" in canvas.step_label.text()
    assert canvas.output_view.names == ("filter 1", "filter 2")
    assert "of filter 2" in canvas.dot_product.plain_text and "filter 1]" not in canvas.dot_product.plain_text
    choose(tab.controls.depth.kind, "transposed")
    tab.state.set_step(tab.state.n_steps - 1)
    assert canvas.kernel_panel.title.text().startswith("Kernel of filter 2") and "filter 2 of 2" in \
        canvas.step_label.text() and "filter 2's kernel" in canvas.dot_product.plain_text


def test_a_note_about_earlier_settings_goes_when_the_settings_change(tab, qtbot):
    tab.controls.kernel_h.setValue(5)
    qtbot.waitUntil(lambda: tab.message_bar.level == "info")
    assert "does not exist at 5×5" in tab.message_bar.text
    tab.controls.stride.setValue(2)
    qtbot.waitUntil(lambda: tab.message_bar.level == "")


def test_one_kernel_position_is_singular(tab, qtbot):
    tab.controls.kernel_h.setValue(5)
    qtbot.waitUntil(lambda: tab.state.result.output.shape == (1, 1))
    assert tab.canvas.output_panel.title.text().endswith("\n1 kernel position")
    tab.controls.kernel_h.setValue(3)
    assert tab.canvas.output_panel.title.text().endswith("\n9 kernel positions")


def test_explicit_padding_names_its_sides(tab, qtbot):
    from convviz.core.studio_text import settings_text

    tab.controls.padding.setCurrentText("explicit")
    for spin, value in zip(tab.controls.pad_spins, (1, 0, 0, 2)):
        spin.setValue(value)
    qtbot.waitUntil(lambda: tab.state.settings.padding == ((1, 0), (0, 2)))
    assert "padding top 1, bottom 0, left 0, right 2" in tab.canvas.input_panel.title.text()
    assert "padding explicit (top 1, bottom 0, left 0, right 2)" in settings_text(tab.state.settings)
    photo(tab, size=8)
    assert "padding top 1, bottom 0, left 0, right 2" in tab.depth_canvas.input_panel.title.text()


def test_a_one_cell_output_is_drawn_in_the_colour_of_a_maximum(tab, qtbot):
    tab.controls.kernel_h.setValue(5)
    qtbot.waitUntil(lambda: tab.state.result.output.shape == (1, 1))
    tab.state.set_step(0)
    value = float(tab.state.result.output[0, 0])
    assert value > 0
    view = tab.canvas.output_view
    rect = view.cell_rect(0, 0)
    colour = view.grab().toImage().pixelColor(rect.left() + 4, rect.top() + 4)
    assert colour.lightness() < 120, colour.name()  # the darkest blue, not white


def _pick_preset(tab, name):
    combo = tab.controls.preset
    combo.setCurrentIndex(combo.findData(name))
    combo.activated.emit(combo.currentIndex())


def test_a_7x7_same_step_shows_its_non_zero_terms_and_sums_up_the_padding(tab, qtbot):
    choose(tab.controls.input_kind, "random")
    _pick_preset(tab, "identity")
    tab.controls.kernel_h.setValue(7)
    tab.controls.padding.setCurrentText("same")
    qtbot.waitUntil(lambda: tab.state.settings.kernel.shape == (7, 7) and tab.state.settings.padding == "same")
    tab.state.set_step(0)
    step = tab.state.result.conv_steps[0]
    padding = int(step.window.is_padding.sum())
    text = tab.canvas.dot_product.plain_text
    assert padding > 10 and f"+ {padding} padding terms × 0 =" in text
    assert "[0]" not in text and "more terms" not in text  # the 16 real terms all shown
    first = text.split(" = ")[1].split(" + ")[0]  # the identity's one non-zero product comes first
    assert first.endswith("×1") and not first.startswith("0×"), text


def test_rounded_numbers_say_so(tab, qtbot):
    _pick_preset(tab, "gaussian")
    qtbot.waitUntil(lambda: tab.state.settings.kernel_preset == "gaussian")
    assert "rounded for display" in tab.canvas.dot_product.plain_text
    _pick_preset(tab, "sobel-x")
    qtbot.waitUntil(lambda: tab.state.settings.kernel_preset == "sobel-x")
    assert "rounded" not in tab.canvas.dot_product.plain_text
    photo(tab, size=8)
    _pick_preset(tab, "gaussian")
    qtbot.waitUntil(lambda: tab.state.settings.kernel_preset == "gaussian")
    assert "rounded for display" in tab.depth_canvas.dot_product.plain_text


@pytest.mark.parametrize("size", [(1280, 800), (1024, 768)])
def test_weight_badges_stay_inside_their_own_cells(tab, qtbot, size):
    tab.resize(*size)
    choose(tab.controls.input_kind, "random")
    tab.controls.input_size.setValue(6)
    for row in range(3):
        for col in range(3):
            tab.state.set_kernel_value(row, col, -0.125)
    tab.state.set_step(4)
    view = tab.canvas.input_view
    qtbot.waitUntil(lambda: view.tag_layout()[1] != [] or view._cell < 30)
    font, chips = view.tag_layout()
    cells = [view.cell_rect(int(r), int(c)) for r, c in view._window]
    for (chip, tag), cell in zip(chips, cells):
        assert tag == "×−0.125" and cell.contains(chip), (chip, cell)
    for i, (a, _) in enumerate(chips):
        assert not any(a.intersects(b) for b, _ in chips[i + 1:])


def _window_with_tabs(qtbot):
    from PyQt6.QtWidgets import QMainWindow, QTabWidget, QWidget

    configure_pyqtgraph()
    window, tabs = QMainWindow(), QTabWidget()
    studio = StudioTab()
    tabs.addTab(studio, "Studio")
    tabs.addTab(QWidget(), "Training")
    window.setCentralWidget(tabs)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    return window, tabs, studio


def test_arrow_keys_step_from_launch_and_ctrl_tab_still_changes_tabs(qtbot):
    from PyQt6.QtWidgets import QApplication

    window, tabs, studio = _window_with_tabs(qtbot)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    assert tabs.currentIndex() == 0 and studio.state.index == 1
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Left)
    assert studio.state.index == 0
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: tabs.currentIndex() == 1)
    qtbot.keyClick(tabs.tabBar(), Qt.Key.Key_Left)  # the tab bar itself: arrows change tabs as usual
    qtbot.waitUntil(lambda: tabs.currentIndex() == 0)
    qtbot.waitUntil(lambda: studio.isAncestorOf(QApplication.focusWidget()) or QApplication.focusWidget() is studio)


def test_kernel_edits_undo_and_redo_with_the_keys(tab, qtbot):
    start = tab.state.settings.kernel.copy()
    tab.canvas.kernel_view.valueEdited.emit(0, 0, 7)
    _pick_preset(tab, "sobel-x")
    sobel = tab.state.settings.kernel.copy()
    tab.setFocus()
    qtbot.waitUntil(tab.hasFocus)
    ctrl, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(tab, Qt.Key.Key_Z, ctrl)
    assert tab.state.settings.kernel[0, 0] == 7 and tab.state.settings.kernel_preset == "custom"
    assert tab.canvas.kernel_view.values[0, 0] == 7
    qtbot.keyClick(tab, Qt.Key.Key_Z, ctrl)
    assert np.array_equal(tab.state.settings.kernel, start) and tab.state.settings.kernel_preset == "seed"
    assert tab.controls.preset.currentData() == "seed"
    qtbot.keyClick(tab, Qt.Key.Key_Z, ctrl | shift)
    qtbot.keyClick(tab, Qt.Key.Key_Z, ctrl | shift)
    assert np.array_equal(tab.state.settings.kernel, sobel) and tab.controls.preset.currentData() == "sobel-x"
    qtbot.keyClick(tab, Qt.Key.Key_Z, ctrl | shift)
    assert "Nothing to redo" in tab.message_bar.text


def _cell_point(view, index, row, col):
    from PyQt6.QtCore import QPoint

    tile, cell = view.tile_of(index), view._cells[index]
    (t, _), (l, _) = view.pads
    return QPoint(tile.x() + (col + l) * cell + cell // 2, tile.y() + (row + t) * cell + cell // 2), cell


def test_clicking_an_output_cell_in_depth_jumps_to_its_step(tab, qtbot):
    photo(tab, size=8, filters=2)
    view = tab.depth_canvas.output_view
    point, _ = _cell_point(view, 1, 2, 3)  # filter 2's small map
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: tab.state.index == tab.state.result.step_index("conv", 2, 3, 1))
    assert tab.state.current()[1].position == (2, 3) and "filter 2 of 2" in tab.depth_canvas.step_label.text()
    choose(tab.controls.depth.kind, "separable")
    point, _ = _cell_point(view, 0, 1, 1)
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: tab.state.index == tab.state.result.step_index("depthwise", 1, 1, 0))


def test_numbers_in_depth_are_drawn_only_at_a_readable_size_and_the_value_shows_on_hover(tab, qtbot):
    from PyQt6.QtGui import QFontMetrics

    from convviz.ui.studio.tile_render import MIN_NUMBER_PX, volume_font
    from convviz.ui.studio.value_format import format_value

    assert volume_font(np.full((1, 3, 3), 4683.0), 22, tab.font()) is None  # 4 digits do not fit 22 px
    photo(tab, size=8, filters=2)
    view = tab.depth_canvas.output_view
    assert view.maps.max() >= 1000
    _, step = tab.state.current()
    row, col = step.position  # the current cell's value is written in the status line, numbers drawn or not
    assert tab.depth_canvas.step_label.text().endswith(f"· value {format_value(view.maps[step.filter, row, col])}")
    for cell in set(view._cells):
        font = volume_font(view.maps, cell, view.font())
        if font is not None:
            widest = max(QFontMetrics(font).horizontalAdvance(format_value(v)) for v in view.maps.ravel())
            assert font.pixelSize() >= MIN_NUMBER_PX and widest <= cell - 4
    point, _ = _cell_point(view, 1, 0, 2)
    from PyQt6.QtCore import QEvent, QPointF
    from PyQt6.QtGui import QMouseEvent
    from PyQt6.QtWidgets import QApplication

    move = QMouseEvent(QEvent.Type.MouseMove, QPointF(point), view.mapToGlobal(QPointF(point)),
                       Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view, move)  # QTest.mouseMove only moves the cursor on the offscreen platform
    expected = f"filter 2 [0, 2] = {format_value(view.maps[1, 0, 2])}"
    qtbot.waitUntil(lambda: view.toolTip() == expected)


def test_photo_slices_are_tinted_red_green_and_blue(tab, qtbot):
    photo(tab, size=8, channels=4, filters=1)
    view = tab.depth_canvas.input_view
    assert view.tints == ("red", "green", "blue", "grey")
    image = view.grab().toImage()
    for index, strongest in enumerate("rgb"):
        row, col = np.unravel_index(np.argmax(view.maps[index]), view.maps.shape[1:])
        point, cell = _cell_point(view, index, row, col)
        colour = image.pixelColor(point.x() - cell // 2 + 3, point.y() - cell // 2 + 3)
        rgb = dict(zip("rgb", (colour.red(), colour.green(), colour.blue())))
        assert rgb[strongest] > max(v for k, v in rgb.items() if k != strongest) + 20, (index, rgb)


def _inputs_without_tooltips(tab):
    from PyQt6.QtWidgets import QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox, QScrollBar

    widgets = [w for cls in (QAbstractButton, QAbstractSpinBox, QComboBox, QAbstractSlider) for w in tab.findChildren(cls)]
    return [w for w in widgets if w.isEnabled() and not isinstance(w, QScrollBar) and not w.toolTip().strip()]


def test_every_enabled_control_has_a_tooltip(tab, qtbot):
    assert _inputs_without_tooltips(tab) == []
    tab.controls.padding.setCurrentText("explicit")
    tab.controls.pool_box.setChecked(True)
    tab.controls.link_axes.setChecked(False)
    assert _inputs_without_tooltips(tab) == []
    photo(tab, size=8)
    for kind in ("depthwise", "transposed", "conv1d"):
        choose(tab.controls.depth.kind, kind)
        assert _inputs_without_tooltips(tab) == [], kind


def test_what_is_notes_explain_with_the_current_numbers(tab, qtbot):
    choose(tab.controls.input_kind, "random")
    tab.controls.input_size.setValue(16)
    tab.controls.padding.setCurrentText("same")
    tab.controls.stride.setValue(2)
    info = tab.controls.info
    assert set(info) == {"padding", "stride", "dilation", "pooling", "filters", "channels"}
    qtbot.waitUntil(lambda: "Stride 2: the window jumps 2 cells" in info["stride"].toolTip())
    assert "16 input rows give 8 output rows" in info["stride"].toolTip()
    assert "Padding same" in info["padding"].toolTip()
    qtbot.mouseClick(info["stride"], Qt.MouseButton.LeftButton)
    assert tab.message_bar.level == "info" and "16 input rows give 8 output rows" in tab.message_bar.text
    tab.controls.dilation.setValue(2)
    assert "Dilation 2" in info["dilation"].toolTip() and "reach over 5 input rows" in info["dilation"].toolTip()
    tab.controls.pool_box.setChecked(True)
    assert "giving 4×4" in info["pooling"].toolTip()
    photo(tab, size=8, channels=3, filters=4)
    assert "Filters 4" in info["filters"].toolTip() and "Input depth 3" in info["channels"].toolTip()
    assert "(R, G, B)" in info["channels"].toolTip()


def test_tab_reaches_the_export_buttons(tab, qtbot):
    from PyQt6.QtWidgets import QApplication

    tab.setFocus()
    qtbot.waitUntil(tab.hasFocus)
    seen = set()
    for _ in range(80):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.add(QApplication.focusWidget())
    assert {tab.export_png_button, tab.export_gif_button} <= seen


def test_clicking_an_input_cell_of_a_transposed_layer_jumps_to_its_stamp(tab, qtbot):
    photo(tab, size=6, filters=2)
    choose(tab.controls.depth.kind, "transposed")
    tab.depth_canvas.filter_spin.setValue(2)
    view = tab.depth_canvas.input_view
    point, _ = _cell_point(view, 0, 4, 1)
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: tab.state.index == tab.state.result.step_index("transpose", 4, 1, 1))
    assert tuple(tab.state.current()[1].position) == (4, 1)


def _formulas(tab):
    return "\n".join(text for _kind, text in tab.depth_canvas.formulas.lines)


@pytest.mark.parametrize("count", [1, 2])
def test_counts_agree_with_their_nouns_in_depth(tab, qtbot, count):
    photo(tab, size=8, channels=count, filters=count)
    choose(tab.controls.depth.kind, "conv1d")  # in depth even with one channel and one filter
    formulas = _formulas(tab)
    noun = "" if count == 1 else "s"
    assert f"{count} filter{noun} = {count} channel{noun}" in formulas, formulas
    notes = tab.controls.info
    assert notes["channels"].accessibleName() == "What are channels?" and "What are channels?" in notes["channels"].toolTip()
    assert notes["padding"].accessibleName() == "What is padding?"
    channels_note = notes["channels"].toolTip()
    assert "their 1 dot products" not in channels_note
    assert ("adds their 2 dot products" in channels_note) == (count == 2), channels_note
    choose(tab.controls.depth.kind, "depthwise")
    formulas = _formulas(tab)
    assert f"{count} channel{noun} × multiplier 1 = {count}" in formulas, formulas
    assert "kernel(s)" not in notes["filters"].toolTip()
    assert f"{count} output map{noun}." in notes["filters"].toolTip()
    assert "than a standard" not in formulas  # "the same … than" read wrong; "compared with" fits every case
    assert "compared with a standard convolution" in formulas


def test_one_channel_says_its_sum_once_and_a_stamp_reads_plainly(tab, qtbot):
    photo(tab, size=8, channels=1, filters=2)
    tab.state.set_step(3)
    _stage, step = tab.state.current()
    text = tab.depth_canvas.dot_product.plain_text
    value = text.splitlines()[-1].split(" = ")[-1]
    assert "sum =" not in text and f"= {value} = {value}" not in text, text
    assert value == tab.depth_canvas.dot_product.plain_text.splitlines()[1].split(" = ")[-1]  # the one dot product
    photo(tab, size=8, channels=2, filters=1)
    tab.state.set_step(3)
    sums = [line for line in tab.depth_canvas.dot_product.plain_text.splitlines() if line.startswith("sum =")]
    assert len(sums) == 1 and sums[0].count(" + ") == 1
    choose(tab.controls.input_kind, "digit")
    choose(tab.controls.depth.kind, "transposed")
    tab.controls.depth.in_channels.setValue(1)
    tab.state.set_step(0)
    first = tab.depth_canvas.dot_product.plain_text.splitlines()[0]
    value = tab.state.result.x[0, 0, 0]
    assert first.startswith(f"in[0, 0] = {value:g} scales filter 1's kernel:"), first


def test_the_tour_says_animation_not_slide():
    from convviz.ui.tour import STEPS

    play = [step for step in STEPS["studio"] if step.path == "transport.play_button"][0]
    assert "whole animation" in play.text and "slide" not in play.text
