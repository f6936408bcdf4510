"""Driving tiled maps and the enlarged view with real mouse events (shared by the map-zoom tests)."""

from PyQt6.QtCore import QEvent, QPointF, Qt
from PyQt6.QtGui import QMouseEvent
from PyQt6.QtTest import QTest
from PyQt6.QtWidgets import QApplication


def click_pixel(qtbot, view, item, row, col, double=False):
    """A real mouse click on pixel (row, col) of an image item inside a pyqtgraph view."""
    def under_cursor():  # the layout settles after the first paint
        scene_pos = item.mapToScene(QPointF(col + 0.5, row + 0.5))
        return item in view.scene().items(scene_pos), view.mapFromScene(scene_pos)

    qtbot.waitUntil(lambda: under_cursor()[0], timeout=5000)
    viewport, pos, left = view.viewport(), under_cursor()[1], Qt.MouseButton.LeftButton
    QTest.mouseClick(viewport, left, pos=pos)
    if double:  # what the system sends for a double click: press, release, double-click, release
        QTest.mouseDClick(viewport, left, pos=pos)
        QTest.mouseRelease(viewport, left, pos=pos)


def hover_cell(qtbot, zoom, row, col):
    """Move the mouse over cell (row, col) of the enlarged map."""
    canvas = zoom.canvas
    point = QPointF(canvas.cell_rect(row, col).center())
    move = QMouseEvent(QEvent.Type.MouseMove, point, canvas.mapToGlobal(point), Qt.MouseButton.NoButton,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(canvas, move)  # QTest.mouseMove only moves the cursor on the offscreen platform
    qtbot.waitUntil(lambda: zoom.canvas.cursor == (row, col), timeout=2000)
