"""Drawing on the inspector's canvas with real mouse events."""

import numpy as np
import pytest
from PyQt6.QtCore import QEvent, QPointF, Qt
from PyQt6.QtGui import QMouseEvent
from PyQt6.QtWidgets import QApplication

from convviz.assets import bundled_digits
from convviz.training.preprocess import mnist_style
from convviz.ui.inspector.digit_canvas import RESOLUTION, DigitCanvas


def _send(widget, kind, pos, button, buttons):
    event = QMouseEvent(kind, QPointF(*pos), widget.mapToGlobal(QPointF(*pos)), button, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def drag(widget, points, button=Qt.MouseButton.LeftButton):
    _send(widget, QEvent.Type.MouseButtonPress, points[0], button, button)
    for point in points[1:]:
        _send(widget, QEvent.Type.MouseMove, point, Qt.MouseButton.NoButton, button)
    _send(widget, QEvent.Type.MouseButtonRelease, points[-1], button, Qt.MouseButton.NoButton)


@pytest.fixture
def canvas(qtbot):
    widget = DigitCanvas()
    qtbot.addWidget(widget)
    widget.resize(280, 280)
    widget.show()
    return widget


def test_a_drag_leaves_ink_along_its_path_and_right_button_erases(qtbot, canvas):
    with qtbot.waitSignal(canvas.changed):
        drag(canvas, [(140, 40), (140, 140), (140, 240)])
    ink = canvas.ink()
    assert ink.shape == (RESOLUTION, RESOLUTION)
    assert ink[40:240, 140].min() > 0.9  # the vertical stroke
    assert ink[:, :100].max() == 0  # nothing far to the left
    drag(canvas, [(140, 100), (140, 180)], Qt.MouseButton.RightButton)
    assert canvas.ink()[110:170, 140].max() == 0
    assert canvas.ink()[50, 140] > 0.9
    with qtbot.waitSignal(canvas.changed):
        canvas.clear()
    assert not canvas.ink().any()


def test_a_shown_dataset_digit_survives_the_round_trip(qtbot):
    canvas = DigitCanvas()
    qtbot.addWidget(canvas)
    x, _ = bundled_digits()
    canvas.set_ink(x[0] / 255.0)
    back = mnist_style(canvas.ink())
    correlation = np.corrcoef(back.ravel(), x[0].ravel().astype(float))[0, 1]
    assert correlation > 0.85


def test_a_stroke_is_announced_when_it_starts(qtbot, canvas):
    with qtbot.waitSignal(canvas.strokeStarted):
        drag(canvas, [(100, 100), (120, 120)])
