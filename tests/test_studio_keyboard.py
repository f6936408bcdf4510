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
