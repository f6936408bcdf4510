"""Review 3 of the Studio: the square kernel's width field, clicks on the kernel view, zoom rungs, formula wrapping."""

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication


@pytest.fixture
def tab(studio_tab, qtbot):
    studio_tab.resize(1024, 768)
    qtbot.waitExposed(studio_tab)
    studio_tab.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is studio_tab.window(), timeout=3000)
    return studio_tab


def _type_into(qtbot, spin, text):
    spin.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(spin.hasFocus, timeout=2000)
    spin.selectAll()
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key.Key_Tab)


@pytest.mark.parametrize("field", ["kernel_w", "kernel_h"])
def test_with_square_ticked_typing_in_either_size_field_sets_both(tab, qtbot, field):
    controls = tab.controls
    assert controls.square.isChecked() and controls.kernel_w.isEnabled()
    _type_into(qtbot, getattr(controls, field), "5")
    assert tab.state.settings.kernel.shape == (5, 5)
    assert controls.kernel_h.value() == controls.kernel_w.value() == 5


def test_without_square_the_width_field_sets_the_width_only(tab, qtbot):
    controls = tab.controls
    qtbot.mouseClick(controls.square, Qt.MouseButton.LeftButton)
    assert not controls.square.isChecked()
    _type_into(qtbot, controls.kernel_w, "5")
    assert tab.state.settings.kernel.shape == (3, 5)
