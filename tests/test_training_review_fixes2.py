"""The Training tab after a teacher's second review: a layer table whose columns stay in view after an
edit, Undo that gives the focus back to the setting it changed, a button row that wraps when zoomed,
plots with room for their last point, a plain timeline after a load, a confusion matrix whose numbers
grow with its cells, and file dialogs that remember their folder."""

import os

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication

os.environ["CONVVIZ_OFFLINE"] = "1"

from convviz.ui.training.layer_editor import LayerEditor  # noqa: E402


@pytest.fixture
def editor(qtbot):
    """A shown layer editor as wide as the Layers page at 1024x768, with the keyboard focus."""
    widget = LayerEditor()
    qtbot.addWidget(widget)
    widget.resize(690, 420)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    return widget


def _focus(qtbot, widget):
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=2000)


def _columns_fit(editor):
    table = editor.table
    return table.horizontalHeader().length() <= table.viewport().width()


# -- 1. the Layers page ---------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["arrow", "typed"])
def test_editing_a_kernel_keeps_every_column_in_view(qtbot, editor, how):
    table = editor.table
    assert _columns_fit(editor)
    filters_width = table.columnWidth(1)
    kernel = editor.setting(0, "kernel")
    _focus(qtbot, kernel)
    if how == "arrow":
        qtbot.keyClick(kernel, Qt.Key.Key_Up)
    else:
        qtbot.keyClicks(kernel, "5")
    assert editor.specs()[0].kernel == (4 if how == "arrow" else 5)
    qtbot.wait(20)  # the header re-measures its columns on the next turn of the event loop
    assert table.columnWidth(1) == filters_width
    assert _columns_fit(editor) and table.horizontalScrollBar().maximum() == 0


def test_undo_gives_the_focus_back_to_the_setting_it_changed(qtbot, editor):
    kernel = editor.setting(2, "kernel")
    _focus(qtbot, kernel)
    qtbot.keyClicks(kernel, "5")
    _focus(qtbot, editor.setting(0, "size"))  # somewhere else, then the Undo button by mouse
    qtbot.mouseClick(editor.undo_button, Qt.MouseButton.LeftButton)
    assert editor.specs()[2].kernel == 3
    restored = editor.setting(2, "kernel")
    qtbot.waitUntil(restored.hasFocus, timeout=2000)
    assert QApplication.focusWidget() is restored and editor.table.currentRow() == 2

    qtbot.keyClick(restored, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)  # redo: the same field
    assert editor.specs()[2].kernel == 5
    qtbot.waitUntil(lambda: editor.setting(2, "kernel").hasFocus(), timeout=2000)


def test_undo_of_a_removed_layer_keeps_the_focus_in_the_table(qtbot, editor):
    before = editor.specs()
    editor.table.selectRow(1)
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert len(editor.specs()) == len(before) - 1
    qtbot.mouseClick(editor.undo_button, Qt.MouseButton.LeftButton)
    assert editor.specs() == before
    qtbot.waitUntil(editor.table.hasFocus, timeout=2000)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    """The real MainWindow on the Training tab at 1024x768, settings isolated, no trainer process."""
    from convviz.ui.main_window import MainWindow
    from convviz.ui.zoom import zoom_level

    monkeypatch.setenv("CONVVIZ_SETTINGS", str(tmp_path / "convviz.ini"))
    zoom_level().reset()
    main = MainWindow()
    qtbot.addWidget(main)
    main._warmed = True
    main.tabs.setCurrentWidget(main.training)
    main.resize(1024, 768)
    main.show()
    qtbot.waitExposed(main)
    yield main
    zoom_level().reset()
    main.close()


def test_zoomed_in_the_layers_buttons_wrap_instead_of_scrolling_sideways(qtbot, window):
    from convviz.ui.zoom import zoom_level

    editor = window.training.layer_editor
    window.training.panels.setCurrentWidget(editor)
    area = window.centralWidget()
    qtbot.waitUntil(lambda: area.horizontalScrollBar().maximum() == 0, timeout=3000)
    zoom_level().set_factor(1.46)
    qtbot.waitUntil(lambda: editor.add_button.y() != editor.use_button.y(), timeout=3000)  # two lines
    qtbot.wait(50)  # the deferred re-measuring runs on the next event-loop turns
    assert area.horizontalScrollBar().maximum() == 0
    right = editor.mapTo(window, editor.rect().topRight()).x()
    for button in editor._buttons:
        if button.isVisible():
            assert button.mapTo(window, button.rect().topRight()).x() <= right  # none clipped
