"""Enlarging a feature map or a filter: the enlarged view holds exactly that map, reads values on hover,
marks the tile it came from, follows new values, and works from the keyboard."""

import numpy as np
import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtTest import QTest

from PyQt6.QtWidgets import QWidget

from convviz.training.events import Probe
from map_zoom_drive import click_pixel, hover_cell
from convviz.ui.map_zoom import MapZoom, fit_scale
from convviz.ui.training.activations_panel import ActivationsPanel
from convviz.ui.training.filters_panel import FiltersPanel


def probe(step=0, seed=0):
    rng = np.random.default_rng(seed)
    return Probe(epoch=0, step=step, sample=rng.random((28, 28, 1), np.float32), sample_label=3,
                 kernels={"conv1": rng.normal(size=(3, 3, 1, 6)).astype(np.float32),
                          "conv2": rng.normal(size=(5, 5, 6, 4)).astype(np.float32)},
                 activations=(("conv1", rng.random((26, 26, 6), np.float32)),
                              ("pool1", rng.random((13, 13, 6), np.float32)),
                              ("dense", rng.random(40).astype(np.float32))),
                 probabilities=np.full(10, 0.1))


@pytest.fixture
def activations(qtbot):
    panel = ActivationsPanel()
    qtbot.addWidget(panel)
    panel.resize(1100, 600)
    QWidget.show(panel)  # the panel's own show(probe) draws a probe
    panel.show_probe = panel.show
    panel.show(probe())
    return panel


def test_clicking_a_feature_map_enlarges_exactly_that_map(qtbot, activations):
    data = dict(probe().activations)["pool1"]
    grid = activations.grids["pool1"]
    tile = 4  # pool1 has 6 maps of 13x13, tiled 3 to a row with 1-pixel gaps
    top, left = int(grid.rect(tile).top()), int(grid.rect(tile).left())
    click_pixel(qtbot, activations.view, activations.images["pool1"], top + 2, left + 7)
    zoom = activations.zoom
    qtbot.waitUntil(zoom.isVisible, timeout=2000)
    np.testing.assert_array_equal(zoom.canvas.values, data[:, :, tile])
    assert activations.selected == ("pool1", tile)
    frame = activations.frames["pool1"]
    assert frame.isVisible() and frame.rect().contains(grid.rect(tile))
    assert frame.pen().widthF() >= 3
    assert not any(f.isVisible() for name, f in activations.frames.items() if name != "pool1")

    hover_cell(qtbot, zoom, 5, 9)
    assert zoom.readout.text() == f"row 5, col 9: {data[5, 9, tile]:.4g}"

    QTest.keyClick(zoom, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not zoom.isVisible(), timeout=2000)


def test_maps_share_one_scale_so_a_13_map_is_half_a_26_map(qtbot, activations):
    grid = activations.grids["conv1"]
    click_pixel(qtbot, activations.view, activations.images["conv1"], 1, 1)
    zoom = activations.zoom
    qtbot.waitUntil(zoom.isVisible, timeout=2000)
    big = zoom.canvas.cell_rect(25, 25).right() - zoom.canvas.cell_rect(0, 0).left()
    pool = activations.grids["pool1"]
    click_pixel(qtbot, activations.view, activations.images["pool1"], 0, 0)
    qtbot.waitUntil(lambda: activations.selected == ("pool1", 0), timeout=2000)
    small = zoom.canvas.cell_rect(12, 12).right() - zoom.canvas.cell_rect(0, 0).left()
    scale = fit_scale((28, 28), zoom.canvas.width(), zoom.canvas.height())  # the input is the largest map
    assert (big + 1, small + 1) == (26 * scale, 13 * scale)
    assert f"1 cell = {scale} px" in zoom.scale_label.text()
    assert grid.count == 6 and pool.count == 6


def test_the_enlarged_map_follows_training(qtbot, activations):
    click_pixel(qtbot, activations.view, activations.images["conv1"], 0, 0)
    zoom = activations.zoom
    qtbot.waitUntil(zoom.isVisible, timeout=2000)
    hover_cell(qtbot, zoom, 3, 4)
    later = probe(step=5, seed=1)
    activations.show_probe(later)
    fresh = dict(later.activations)["conv1"][:, :, 0]
    np.testing.assert_array_equal(zoom.canvas.values, fresh)
    assert zoom.readout.text() == f"row 3, col 4: {fresh[3, 4]:.4g}"


def test_the_keyboard_reaches_frames_and_enlarges_a_map(qtbot, activations):
    view = activations.view
    view.setFocus()
    qtbot.waitUntil(view.hasFocus, timeout=2000)
    assert activations.selected == ("input", 0)
    QTest.keyClick(view, Qt.Key.Key_Right)  # the input has one map: on to conv1's first
    QTest.keyClick(view, Qt.Key.Key_Right)
    QTest.keyClick(view, Qt.Key.Key_Down)  # conv1 is tiled 3 to a row: map 1 -> map 4
    assert activations.selected == ("conv1", 4)
    QTest.keyClick(view, Qt.Key.Key_Return)
    zoom = activations.zoom
    qtbot.waitUntil(zoom.isVisible, timeout=2000)
    data = dict(probe().activations)["conv1"]
    np.testing.assert_array_equal(zoom.canvas.values, data[:, :, 4])
    canvas = zoom.canvas
    qtbot.waitUntil(canvas.hasFocus, timeout=2000)
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_Down):  # the cell cursor: (0,0) then (2,0)
        QTest.keyClick(canvas, key)
    assert canvas.cursor == (2, 0)
    assert zoom.readout.text() == f"row 2, col 0: {data[2, 0, 4]:.4g}"
    QTest.keyClick(canvas, Qt.Key.Key_PageDown)
    assert activations.selected == ("conv1", 5)
    np.testing.assert_array_equal(canvas.values, data[:, :, 5])
    QTest.keyClick(canvas, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not zoom.isVisible(), timeout=2000)


def test_a_dense_strip_reads_out_its_value_index(qtbot, activations):
    click_pixel(qtbot, activations.view, activations.images["dense"], 1, 3)
    zoom = activations.zoom
    qtbot.waitUntil(zoom.isVisible, timeout=2000)
    hover_cell(qtbot, zoom, 1, 3)
    value = dict(probe().activations)["dense"][32 + 3]
    assert zoom.readout.text() == f"value 35: {value:.4g}"


@pytest.fixture
def filters(qtbot):
    panel = FiltersPanel()
    qtbot.addWidget(panel)
    panel.resize(1100, 500)
    panel.show()
    panel.show_kernels(probe().kernels)
    return panel


def test_clicking_a_filter_enlarges_its_weights(qtbot, filters):
    kernel = probe().kernels["conv1"]
    rect = filters.grid.rect(5)
    click_pixel(qtbot, filters.view, filters.image, int(rect.top()) + 1, int(rect.left()) + 2)
    zoom = filters.zoom
    qtbot.waitUntil(zoom.isVisible, timeout=2000)
    np.testing.assert_array_equal(zoom.canvas.values, kernel[:, :, 0, 5])
    assert filters.selected == 5 and filters.frame.isVisible() and filters.frame.rect().contains(rect)
    hover_cell(qtbot, zoom, 2, 1)
    assert zoom.readout.text() == f"row 2, col 1: {kernel[2, 1, 0, 5]:.4g}"
    filters.layer.setCurrentText("conv2")  # 4 filters: the view follows to the last one, mean over channels
    assert filters.selected == 3
    np.testing.assert_allclose(zoom.canvas.values, probe().kernels["conv2"][:, :, :, 3].mean(axis=2), rtol=1e-6)
    QTest.keyClick(zoom, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not zoom.isVisible(), timeout=2000)


def test_filters_by_keyboard_and_the_channel_combo_fits_its_text(qtbot, filters):
    filters.layer.setCurrentText("conv2")
    combo = filters.channel
    assert combo.currentText() == "mean of all"
    assert combo.sizeHint().width() >= combo.fontMetrics().horizontalAdvance("mean of all") + 20
    assert combo.width() >= combo.fontMetrics().horizontalAdvance("mean of all") + 20
    filters.view.setFocus()
    qtbot.waitUntil(filters.view.hasFocus, timeout=2000)
    QTest.keyClick(filters.view, Qt.Key.Key_Right)
    QTest.keyClick(filters.view, Qt.Key.Key_Enter)
    qtbot.waitUntil(filters.zoom.isVisible, timeout=2000)
    assert filters.selected == 1
    QTest.keyClick(filters.view, Qt.Key.Key_Escape)
    assert not filters.zoom.isVisible()
    for control in (filters.layer, filters.channel, filters.view):
        assert control.toolTip()


def test_a_lone_zoom_window_closes_on_escape(qtbot):
    zoom = MapZoom()
    qtbot.addWidget(zoom)
    zoom.show_map("k", "a map", np.arange(12.0).reshape(3, 4), (0, 11))
    qtbot.waitUntil(zoom.isVisible, timeout=2000)
    with qtbot.waitSignal(zoom.closed, timeout=2000):
        QTest.keyClick(zoom.canvas, Qt.Key.Key_Escape)


def test_at_a_projectors_size_each_map_gets_most_of_its_cell(qtbot):
    """Nine layers in a 700x190 page (the Activations page at 1024x768): the 28x28 input is drawn
    well above a thumbnail (pyqtgraph's default 9 px margins per cell left it 14 px tall)."""
    from convviz.training.events import Probe

    rng = np.random.default_rng(0)
    shapes = {"conv1": (26, 26, 32), "pool1": (13, 13, 32), "conv2": (11, 11, 64), "pool2": (5, 5, 64),
              "conv3": (3, 3, 64), "flatten": (576,), "dense1": (64,), "probabilities": (10,)}
    outputs = tuple((name, rng.random(shape).astype(np.float32)) for name, shape in shapes.items())
    panel = ActivationsPanel()
    qtbot.addWidget(panel)
    panel.resize(700, 190)
    QWidget.show(panel)
    panel.show(Probe(epoch=0, step=0, sample=rng.random((28, 28, 1), np.float32), sample_label=2, kernels={},
                     activations=outputs, probabilities=np.full(10, 0.1)))
    image = panel.images["input"]

    def drawn_height():
        return image.mapRectToScene(image.boundingRect()).height()

    qtbot.waitUntil(lambda: drawn_height() >= 30, timeout=3000)
