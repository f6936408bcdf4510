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


def _empty_point(grid):
    """A point inside the kernel view that is not on a cell."""
    from PyQt6.QtCore import QPoint

    for x in range(1, grid.width(), 3):
        for y in (2, grid.height() - 3):
            if grid.cell_at(QPoint(x, y)) is None:
                return QPoint(x, y)
    raise AssertionError("the kernel view has no empty space")


@pytest.mark.parametrize("where", ["empty", "cell"])
def test_a_click_in_the_kernel_view_leaves_the_arrows_stepping_the_animation(tab, qtbot, where):
    grid = tab.canvas.kernel_view
    tab.state.set_step(0)
    point = _empty_point(grid) if where == "empty" else grid.cell_center(1, 1)
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=point)
    assert not grid.hasFocus()
    qtbot.keyClick(QApplication.focusWidget() or tab, Qt.Key.Key_Right)
    assert tab.state.index == 1
    assert grid.cursor_cell == ((1, 1) if where == "cell" else (0, 0))


def test_tab_still_reaches_the_kernel_grid_and_a_double_click_edit_gives_it_the_keys(tab, qtbot):
    grid = tab.canvas.kernel_view
    assert grid.focusPolicy() == Qt.FocusPolicy.TabFocus
    qtbot.mouseDClick(grid, Qt.MouseButton.LeftButton, pos=grid.cell_center(0, 0))
    assert grid.editor is not None and grid.editor.hasFocus()
    grid.editor.selectAll()
    qtbot.keyClicks(grid.editor, "4")
    qtbot.keyClick(grid.editor, Qt.Key.Key_Return)
    assert tab.state.settings.kernel[0, 0] == 4 and grid.hasFocus()
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    assert grid.cursor_cell == (0, 1)


def _percent(factor):
    return round(factor * 100)


def test_zoom_in_and_out_climb_the_familiar_ladder_through_the_view_menu(main_window, qtbot):
    from PyQt6.QtGui import QAction

    actions = {a.text().replace("&", "").split(" (")[0]: a for a in main_window.findChildren(QAction)}
    zoom_in, zoom_out = actions["Zoom in"], actions["Zoom out"]
    seen = []
    for _ in range(4):
        zoom_in.trigger()
        seen.append(_percent(main_window.zoom.factor))
    assert seen == [110, 125, 150, 175]
    for _ in range(5):
        zoom_in.trigger()
    assert _percent(main_window.zoom.factor) == 250  # the top rung holds
    seen = []
    for _ in range(12):
        zoom_out.trigger()
        seen.append(_percent(main_window.zoom.factor))
    assert seen == [200, 175, 150, 125, 110, 100, 90, 80, 75, 67, 50, 50]  # the bottom rung holds


@pytest.mark.parametrize("start, up, down", [(1.6, 175, 150), (1.46, 150, 125), (0.7, 75, 67), (1.0, 110, 90)])
def test_from_an_off_ladder_zoom_the_next_rung_in_that_direction(main_window, start, up, down):
    zoom = main_window.zoom
    zoom.set_factor(start)
    zoom.zoom_in()
    assert _percent(zoom.factor) == up
    zoom.set_factor(start)
    zoom.zoom_out()
    assert _percent(zoom.factor) == down


_SETTINGS = [dict(padding="same", stride=2), dict(padding=((1, 0), (2, 1)), dilation=2, pool=True)]


def _formula_cells(label_text):
    import re

    return [cell for cell in re.findall(r"<td[^>]*>(.*?)</td>", label_text) if "(" in cell]


def _breakable_spaces_in_parentheses(text):
    depth, found = 0, []
    for i, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        if depth > 0 and char == " ":
            found.append(text[max(0, i - 12):i + 12])
    return found


@pytest.mark.parametrize("settings", _SETTINGS)
def test_the_formula_label_has_no_breakable_space_inside_parentheses(tab, settings):
    tab.state.update(**settings)
    cells = _formula_cells(tab.canvas.formulas.text())
    assert len(cells) >= 4
    for cell in cells:
        assert _breakable_spaces_in_parentheses(cell) == [], cell
        assert " - " not in cell  # a spaced hyphen would let the line break after it


def _laid_out_lines(html_text, width):
    """The lines Qt's word wrap makes of ``html_text`` at ``width`` pixels (as the label lays it out)."""
    from PyQt6.QtGui import QTextDocument, QTextOption

    document = QTextDocument()
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    document.setDefaultTextOption(option)
    document.setHtml(html_text)
    document.setTextWidth(width)
    document.size()  # lays it out
    lines, block = [], document.begin()
    while block.isValid():
        layout, text = block.layout(), block.text()
        parts = [layout.lineAt(i) for i in range(layout.lineCount())]
        lines.append([text[p.textStart():p.textStart() + p.textLength()] for p in parts])
        block = block.next()
    return [block_lines for block_lines in lines if block_lines]


@pytest.mark.parametrize("settings", _SETTINGS)
def test_formulas_wrap_only_between_whole_expressions_at_1024(tab, qtbot, settings):
    tab.state.update(**settings)
    label = tab.canvas.formulas
    for width in (label.width(), label.width() * 2 // 3):
        wrapped = 0
        for block_lines in _laid_out_lines(label.text(), width):
            text = "".join(block_lines)
            if "(" not in text:
                continue
            for line in block_lines[:-1]:
                wrapped += 1
                head = text[:text.index(line) + len(line)]
                assert head.count("(") == head.count(")"), f"broke inside parentheses: {line!r}"
                assert not line.rstrip().endswith(("+", "-", "−", "×", "/")), f"broke after an operator: {line!r}"
        assert width == label.width() or wrapped  # the narrow width does wrap, at the allowed places


def _ink_at_the_right_edge(label):
    """Whether the label paints text in its rightmost pixels (text running into the edge is cut off there)."""
    image = label.grab().toImage()
    background = image.pixelColor(image.width() - 1, image.height() - 1)
    return any(image.pixelColor(x, y) != background
               for x in range(image.width() - 3, image.width()) for y in range(image.height()))


@pytest.mark.parametrize("zoom", [1.0, 1.5, 2.5])
@pytest.mark.parametrize("padding", ["same", "valid"])
def test_zoomed_formulas_are_not_cut_off_at_the_right(main_window, qtbot, zoom, padding):
    studio = main_window.studio
    main_window.zoom.set_factor(zoom)
    studio.state.update(padding=padding)
    studio.state.set_kernel_size(5, 5)
    formulas, block = studio.canvas.formulas, studio.canvas.text_block
    qtbot.waitUntil(lambda: formulas.width() <= block.viewport().width(), timeout=3000)
    assert not _ink_at_the_right_edge(formulas)  # the text ends inside the label: nothing clipped
    lines = _laid_out_lines(formulas.text(), formulas.width())
    assert len(lines) >= 4
    if zoom <= 1.5:  # the whole expressions still fit the width: no break inside them
        for block_lines in lines:
            text = "".join(block_lines)
            for line in block_lines[:-1]:
                head = text[:text.index(line) + len(line)]
                assert head.count("(") == head.count(")"), f"broke inside parentheses: {line!r}"
