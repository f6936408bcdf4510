"""Test results in the real window: the confusion matrix says which way is true and which predicted,
and its numbers follow the cells' size as the window is resized after a run (a projector, a big screen)."""

import os

import pytest
from PyQt6.QtGui import QFontMetricsF
from PyQt6.QtWidgets import QApplication

os.environ["CONVVIZ_OFFLINE"] = "1"

import convviz.training.session as session_module  # noqa: E402
from test_dark_titles import TitledSession  # noqa: E402


@pytest.fixture
def results(qtbot, main_window, monkeypatch):
    """The real window after a (scripted) run, its Test results page on show."""
    monkeypatch.setattr(session_module, "TrainingSession", TitledSession)
    tab = main_window.training
    main_window.tabs.setCurrentWidget(tab)
    tab.trainer = "thread"
    tab.controls.epochs.setValue(1)
    with qtbot.waitSignal(tab.task_finished, timeout=10000):
        assert tab.start_training()
    qtbot.waitUntil(lambda: tab.results.table.isVisible() and tab.results.table.rowCount() == 10, timeout=5000)
    return tab.results


def _digit_height_share(table) -> float:
    """How much of a cell's height the numbers' line takes, as drawn now."""
    return QFontMetricsF(table.font()).height() / table.rowHeight(0)


def _settle(qtbot, window, size):
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0] and window.height() == size[1], timeout=3000)
    for _ in range(5):
        QApplication.processEvents()


def test_numbers_follow_the_cells_on_resize(qtbot, main_window, results):
    table = results.table
    low, high = 0.9 * QApplication.font().pointSizeF(), 1.8 * QApplication.font().pointSizeF()
    for size in [(1920, 1080), (1920, 950), (1280, 900), (1920, 1080), (1024, 768)]:
        _settle(qtbot, main_window, size)
        share = _digit_height_share(table)
        point = table.font().pointSizeF()
        cell = f"{table.columnWidth(0)}x{table.rowHeight(0)} px cells at {size}"
        assert share <= 0.5 or point <= low + 0.01, f"{point} pt numbers overflow {cell}"
        width_bound = QFontMetricsF(table.font()).horizontalAdvance("0000") > table.columnWidth(0) - 12
        assert share >= 0.36 or point >= high - 0.51 or width_bound, f"{point} pt numbers are lost in {cell}"


def _rendered_text_rows(widget) -> int:
    """How many pixel rows of ``widget`` hold ink different from its background (it drew something)."""
    image = widget.grab().toImage()
    background = image.pixel(0, 0)
    return sum(any(image.pixel(x, y) != background for x in range(image.width())) for y in range(image.height()))


def test_the_axes_say_true_down_the_rows_and_predicted_across_the_columns(qtbot, main_window, results):
    table, box = results.table, results.table_box
    columns, rows = box.columns_label, box.rows_label
    assert columns.isVisible() and rows.isVisible()
    assert columns.text().startswith("predicted") and rows.text().startswith("true")
    table_rect = table.geometry()
    # "predicted" sits above the columns, "true" beside the rows, both inside the page
    assert columns.geometry().bottom() < table_rect.top()
    assert columns.geometry().left() >= table_rect.left() - 1 and columns.geometry().right() <= table_rect.right() + 1
    assert rows.geometry().right() < table_rect.left()
    assert rows.geometry().top() >= table_rect.top() - 1
    assert rows.height() > rows.width()  # written down the side
    assert _rendered_text_rows(rows) > rows.fontMetrics().horizontalAdvance("true digit") * 0.8  # the whole text drawn
    # at a projector's 1024x768 the ten rows still fit without scrolling
    assert table.verticalScrollBar().maximum() == 0 and table.horizontalScrollBar().maximum() == 0
