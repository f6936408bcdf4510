"""The inspector's maps: values on hover, a ringed picked cell, a framed map enlarged by double-click or the
keyboard, cells picked in the enlarged view, and probability bars and Flatten cells explained when clicked."""

import numpy as np
import pytest
from PyQt6.QtCore import QEvent, QPointF, Qt
from PyQt6.QtGui import QMouseEvent
from PyQt6.QtTest import QTest
from PyQt6.QtWidgets import QApplication

keras = pytest.importorskip("keras")

from map_zoom_drive import click_pixel, hover_cell  # noqa: E402


@pytest.fixture
def model():
    keras.utils.set_random_seed(3)
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(4, 3, activation="relu", name="conv1"),
        keras.layers.MaxPooling2D(2, name="pool1"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(10, activation="softmax", name="dense"),
    ])


@pytest.fixture
def tab(qtbot, inspector_tab, model):
    with qtbot.waitSignal(inspector_tab.inspected, timeout=30000):
        inspector_tab.use_model(model, "test model")
    return inspector_tab


def truth(model, tab, layer):
    """The layer's output for the tab's input, from Keras directly."""
    probe = keras.Model(model.inputs, model.get_layer(layer).output)
    return np.asarray(probe(tab.model_input()[None]))[0]


def test_hovering_a_map_cell_tells_its_value(qtbot, tab, model):
    maps, item = tab.maps, tab.maps.image_item(1)  # pool1: 4 maps of 13x13, tiled 3 to a row with 1-pixel gaps
    row, col = 14 + 5, 6  # channel 3 (second row of tiles), cell (5, 6)
    qtbot.waitUntil(lambda: item in maps.scene().items(item.mapToScene(QPointF(col + 0.5, row + 0.5))), timeout=5000)
    point = maps.mapFromScene(item.mapToScene(QPointF(col + 0.5, row + 0.5)))
    move = QMouseEvent(QEvent.Type.MouseMove, QPointF(point), maps.viewport().mapToGlobal(QPointF(point)),
                       Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(maps.viewport(), move)
    value = truth(model, tab, "pool1")[5, 6, 3]
    qtbot.waitUntil(lambda: f"channel 3: row 5, col 6 = {value:.4g}" in item.toolTip(), timeout=3000)


def test_double_click_enlarges_the_map_and_cells_are_picked_in_it(qtbot, tab, model):
    maps = tab.maps
    # conv1: 4 maps of 26x26 tiled 3 to a row; channel 3 starts the second row of tiles
    click_pixel(qtbot, maps, maps.image_item(0), 27 + 4, 10, double=True)  # channel 3, cell (4, 10)
    zoom = maps.zoom
    qtbot.waitUntil(zoom.isVisible, timeout=3000)
    np.testing.assert_allclose(zoom.canvas.values, truth(model, tab, "conv1")[:, :, 3], rtol=1e-5, atol=1e-6)
    assert tab.picked == (0, 3, 4, 10)
    qtbot.waitUntil(lambda: maps.ring_of(0) is not None, timeout=5000)  # drawn with the receptive field
    ring = maps.ring_of(0)
    assert (ring.x(), ring.y()) == pytest.approx((10.5, 27 + 4.5), abs=0.2)  # the ring on the clicked cell
    frame = maps.frame_of(0)  # around channel 3's tile: x 0-26, y 27-53
    assert frame.isVisible()
    assert (frame.rect().center().x(), frame.rect().center().y()) == pytest.approx((13, 27 + 13), abs=0.01)
    assert frame.pen().widthF() >= 3
    qtbot.waitUntil(lambda: zoom.canvas.marked == (4, 10), timeout=3000)

    QTest.mouseClick(zoom.canvas, Qt.MouseButton.LeftButton, pos=zoom.canvas.cell_rect(20, 2).center())
    assert tab.picked == (0, 3, 20, 2)
    qtbot.waitUntil(lambda: zoom.canvas.marked == (20, 2), timeout=3000)
    hover_cell(qtbot, zoom, 20, 2)
    assert zoom.readout.text() == f"row 20, col 2: {truth(model, tab, 'conv1')[20, 2, 3]:.4g}"
    QTest.keyClick(zoom.canvas, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not zoom.isVisible(), timeout=3000)


def test_the_keyboard_frames_a_map_and_enter_enlarges_it(qtbot, tab, model):
    maps = tab.maps
    maps.setFocus()
    qtbot.waitUntil(maps.hasFocus, timeout=3000)
    assert maps.selected == (-1, 0) and maps.frame_of(-1).isVisible()
    for key in (Qt.Key.Key_Down, Qt.Key.Key_Right, Qt.Key.Key_Down):  # input -> conv1 map 0 -> map 1 -> pool1 map 1
        QTest.keyClick(maps, key)
    assert maps.selected == (1, 1)
    assert maps.frame_of(1).isVisible() and not maps.frame_of(0).isVisible()
    QTest.keyClick(maps, Qt.Key.Key_Return)
    zoom = maps.zoom
    qtbot.waitUntil(zoom.isVisible, timeout=3000)
    np.testing.assert_allclose(zoom.canvas.values, truth(model, tab, "pool1")[:, :, 1], rtol=1e-5, atol=1e-6)
    canvas = zoom.canvas
    qtbot.waitUntil(canvas.hasFocus, timeout=3000)
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_Return):  # cursor at (0, 0), then (0, 1): pick it
        QTest.keyClick(canvas, key)
    assert tab.picked == (1, 1, 0, 1)
    QTest.keyClick(canvas, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not zoom.isVisible(), timeout=3000)


def test_probability_bars_and_flatten_cells_explain_themselves(qtbot, tab, model):
    bars = tab.probabilities
    plot = bars.getPlotItem().vb
    qtbot.waitUntil(lambda: bars.viewport().width() > 100, timeout=3000)
    point = bars.mapFromScene(plot.mapViewToScene(QPointF(7, 0.01)))
    QTest.mouseClick(bars.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert tab.picked == (3, 7, 0, 0)
    probability = float(np.asarray(model(tab.model_input()[None]))[0, 7])
    qtbot.waitUntil(lambda: "class 7" in tab.replay_panel.text.text(), timeout=5000)
    assert f"{probability:.6g}" in tab.replay_panel.text.text()

    click_pixel(qtbot, tab.maps, tab.maps.image_item(2), 0, 5)  # flatten: value 5
    assert tab.picked == (2, 5, 0, 0)
    flat = truth(model, tab, "flatten")[5]
    qtbot.waitUntil(lambda: "(Flatten) value 5" in tab.replay_panel.text.text(), timeout=5000)
    assert f"{flat:.6g}" in tab.replay_panel.text.text()


def test_a_new_model_forgets_the_old_receptive_field_text(qtbot, tab, model):
    click_pixel(qtbot, tab.maps, tab.maps.image_item(0), 3, 3)
    qtbot.waitUntil(lambda: "input pixels" in tab.field_label.text(), timeout=5000)
    with qtbot.waitSignal(tab.modelReady, timeout=30000):
        tab.use_model(model, "again")
    assert "input pixels" not in tab.field_label.text()


def test_double_clicking_the_picked_cell_enlarges_its_map(qtbot, tab, model):
    maps = tab.maps
    click_pixel(qtbot, maps, maps.image_item(0), 27 + 4, 10)
    qtbot.waitUntil(lambda: maps.ring_of(0) is not None, timeout=5000)  # the ring now sits over that cell
    click_pixel(qtbot, maps, maps.image_item(0), 27 + 4, 10, double=True)
    qtbot.waitUntil(maps.zoom.isVisible, timeout=3000)
    np.testing.assert_allclose(maps.zoom.canvas.values, truth(model, tab, "conv1")[:, :, 3], rtol=1e-5, atol=1e-6)
