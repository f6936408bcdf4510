"""A whole studio lesson by keyboard: the kernel grid, focus after edits, the "?" notes, the tour."""

import numpy as np
import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def tab(studio_tab, qtbot):
    studio_tab.resize(1024, 768)
    qtbot.waitExposed(studio_tab)
    studio_tab.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is studio_tab.window(), timeout=3000)
    return studio_tab


def _focus(qtbot, widget):
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=2000)


def _tab_to(qtbot, target, limit=80):
    """Press Tab from the focused widget until ``target`` has the keyboard; False if it never does."""
    for _ in range(limit):
        if QApplication.focusWidget() is target:
            return True
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    return QApplication.focusWidget() is target


def _type(qtbot, keys):
    for key in keys:
        qtbot.keyClick(QApplication.focusWidget(), key)


def test_tab_reaches_the_kernel_grid_and_draws_a_focus_ring(tab, qtbot):
    grid = tab.canvas.kernel_view
    _focus(qtbot, tab)
    assert _tab_to(qtbot, grid), "Tab never reaches the kernel grid"
    focused = grid.grab().toImage()
    _focus(qtbot, tab)
    unfocused = grid.grab().toImage()
    assert focused != unfocused  # the ring and the current cell are drawn only with the keyboard there


def test_arrows_move_the_kernel_cell_and_typing_edits_it(tab, qtbot):
    grid = tab.canvas.kernel_view
    _focus(qtbot, grid)
    tab.state.set_step(0)
    _type(qtbot, [Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_Right])
    assert grid.cursor_cell == (1, 2) and tab.state.index == 0  # the arrows moved the cell, not the step
    _type(qtbot, [Qt.Key.Key_Minus, Qt.Key.Key_3, Qt.Key.Key_Return])
    assert tab.state.settings.kernel[1, 2] == -3 and grid.values[1, 2] == -3
    assert grid.hasFocus()
    _type(qtbot, [Qt.Key.Key_Left, Qt.Key.Key_F2, Qt.Key.Key_5, Qt.Key.Key_Escape])
    assert tab.state.settings.kernel[1, 1] != 5 and grid.hasFocus() and grid.editor is None
    before = float(tab.state.settings.kernel[1, 1])
    _type(qtbot, [Qt.Key.Key_Return, Qt.Key.Key_2, Qt.Key.Key_Backspace, Qt.Key.Key_7, Qt.Key.Key_Enter])
    assert tab.state.settings.kernel[1, 1] == 7 != before
    qtbot.keyClick(grid, Qt.Key.Key_Plus)
    qtbot.keyClick(grid, Qt.Key.Key_PageDown, SHIFT)
    assert tab.state.settings.kernel[1, 1] == pytest.approx(7.9)
    qtbot.keyClick(grid, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(grid, Qt.Key.Key_Z, CTRL)
    assert tab.state.settings.kernel[1, 1] == 7
    qtbot.keyClick(grid, Qt.Key.Key_Z, CTRL | SHIFT)
    assert tab.state.settings.kernel[1, 1] == 8


def test_after_a_double_click_edit_the_keys_still_work(tab, qtbot):
    grid = tab.canvas.kernel_view
    start = tab.state.settings.kernel.copy()
    qtbot.mouseDClick(grid, Qt.MouseButton.LeftButton, pos=grid.cell_center(0, 0))
    assert grid.editor is not None
    grid.editor.selectAll()
    _type(qtbot, [Qt.Key.Key_Minus, Qt.Key.Key_3, Qt.Key.Key_Return])
    assert tab.state.settings.kernel[0, 0] == -3
    assert QApplication.focusWidget() is grid
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z, CTRL)
    assert np.array_equal(tab.state.settings.kernel, start)
    qtbot.mouseDClick(grid, Qt.MouseButton.LeftButton, pos=grid.cell_center(0, 1))
    qtbot.keyClick(grid.editor, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is grid


def test_the_space_key_still_plays_from_the_kernel_grid(tab, qtbot):
    _focus(qtbot, tab.canvas.kernel_view)
    qtbot.keyClick(tab.canvas.kernel_view, Qt.Key.Key_Space)
    assert tab.transport.playing
    tab.transport.pause()


def test_the_what_is_buttons_are_tab_stops_that_say_their_note(tab, qtbot):
    stride = tab.controls.info["stride"]
    _focus(qtbot, tab.controls.input_kind)
    assert _tab_to(qtbot, stride), "Tab never reaches the stride's '?'"
    focused = stride.grab().toImage()
    qtbot.keyClick(stride, Qt.Key.Key_Space)
    assert tab.message_bar.level == "info" and tab.message_bar.text == stride.text_now()
    tab.message_bar.clear()
    qtbot.keyClick(stride, Qt.Key.Key_Return)
    assert tab.message_bar.text == stride.text_now()
    _focus(qtbot, tab)
    assert stride.grab().toImage() != focused  # the ring shows only with the keyboard there


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    """The main window at 1024×768, active, with its settings in tmp_path."""
    from convviz.ui.main_window import MainWindow

    monkeypatch.setenv("CONVVIZ_SETTINGS", str(tmp_path / "convviz.ini"))
    main = MainWindow()
    qtbot.addWidget(main)
    main.resize(1024, 768)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main, timeout=3000)
    qtbot.waitUntil(lambda: main.width() == 1024 and main.height() == 768, timeout=3000)
    return main


def _start_tour(qtbot, main):
    qtbot.keyClick(QApplication.focusWidget() or main, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: main.tour is not None and main.tour.isVisible(), timeout=2000)
    return main.tour


def _has_focus_ring(button):
    from PyQt6.QtWidgets import QStyle, QStyleOptionButton

    option = QStyleOptionButton()
    button.initStyleOption(option)
    return bool(option.state & QStyle.StateFlag.State_HasFocus)


def test_the_tour_callout_sits_beside_its_scrolled_in_target(window, qtbot):
    from PyQt6.QtCore import QPoint, QRect
    from PyQt6.QtWidgets import QScrollArea

    tour = _start_tour(qtbot, window)
    assert len(tour.steps) >= 5
    for index in range(len(tour.steps)):
        tour.show_step(index)
        anchor = tour.anchor
        target = QRect(anchor.mapTo(window, QPoint(0, 0)), anchor.size())
        assert window.rect().contains(tour.geometry()), tour.steps[index].title
        assert not tour.geometry().intersects(target), f"step {tour.steps[index].title!r} covers its widget"
        parent = anchor.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if parent is not None:
            viewport = parent.viewport()
            shown = QRect(anchor.mapTo(viewport, QPoint(0, 0)), anchor.size())
            assert viewport.rect().contains(shown), f"{tour.steps[index].title!r} is not scrolled into view"
    qtbot.keyClick(tour.next_button, Qt.Key.Key_Escape)


def test_enter_walks_the_tour_and_the_keys_come_back_after_done(window, qtbot):
    studio = window.studio
    qtbot.waitUntil(studio.hasFocus, timeout=2000)  # the maps have the keys at launch
    tour = _start_tour(qtbot, window)
    assert tour.next_button.isDefault() and _has_focus_ring(tour.next_button)
    for index in range(1, len(tour.steps)):
        with qtbot.waitSignal(tour.stepShown):
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        assert tour.index == index and _has_focus_ring(tour.next_button)
    assert tour.next_button.text() == "Done"
    with qtbot.waitSignal(tour.finished):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert window.tour is None and QApplication.focusWidget() is studio
    studio.state.set_step(0)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    assert studio.state.index == 1
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert studio.transport.playing
    studio.transport.pause()


def test_esc_ends_the_tour_and_gives_the_keys_back_to_the_kernel_grid(window, qtbot):
    grid = window.studio.canvas.kernel_view
    _focus(qtbot, grid)
    tour = _start_tour(qtbot, window)
    with qtbot.waitSignal(tour.finished):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is grid


def test_tab_reaches_each_question_mark_just_before_its_field(tab, qtbot):
    controls = tab.controls
    for topic, field in (("padding", controls.padding), ("stride", controls.stride)):
        _focus(qtbot, controls.info[topic])
        qtbot.keyClick(controls.info[topic], Qt.Key.Key_Tab)
        assert QApplication.focusWidget() in (field, field.focusProxy()), topic
    _focus(qtbot, controls.square)
    qtbot.keyClick(controls.square, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is controls.info["padding"]


def test_tab_reaches_the_transport_and_space_on_play_plays(qtbot, studio_tab):
    from PyQt6.QtCore import Qt
    from PyQt6.QtWidgets import QApplication

    tab = studio_tab
    transport = tab.transport
    tab.setFocus()
    qtbot.waitUntil(tab.hasFocus)
    seen = set()
    for _ in range(120):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.add(QApplication.focusWidget())
        if transport.play_button in seen and transport.scrubber in seen:
            break
    assert transport.play_button in seen and transport.scrubber in seen
    transport.scrubber.setFocus(Qt.FocusReason.TabFocusReason)
    start = tab.state.index
    qtbot.keyClick(transport.scrubber, Qt.Key.Key_Right)
    assert tab.state.index == start + 1
    qtbot.mouseClick(transport.forward_button, Qt.MouseButton.LeftButton)
    assert not transport.forward_button.hasFocus()  # a click leaves the keys where they were
