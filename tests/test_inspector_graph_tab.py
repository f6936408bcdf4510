"""The Inspector tab on real Keras Applications (ResNet50, MobileNetV2): overview, photos, clicks, Grad-CAM.

Every number the tab shows is checked against Keras or the core (:class:`ModelInspector`).
"""

import functools

import numpy as np
import pytest
from PIL import Image
from PyQt6.QtCore import QMimeData, QPointF, Qt, QUrl
from PyQt6.QtGui import QDropEvent

keras = pytest.importorskip("keras")

from applications_zoo import application  # noqa: E402
from convviz.training.input_range import prepare_image  # noqa: E402
from convviz.training.inspection import ModelInspector  # noqa: E402
from convviz.ui.inspector.model_overview import shape_text  # noqa: E402
from test_inspector_tab import click_map_cell  # noqa: E402


@functools.cache
def resnet():
    keras.utils.set_random_seed(11)
    model = keras.applications.ResNet50(weights=None, input_shape=(64, 64, 3), classes=10)
    return model, ModelInspector(model)


@functools.cache
def mobilenet():
    model = application("MobileNetV2")
    return model, ModelInspector(model)


@pytest.fixture(scope="module")
def tabs(qapp):
    """One tab per model for the whole module: building ResNet50's inspector costs seconds."""
    from convviz.ui.inspector.inspector_tab import InspectorTab

    made = {}
    yield made
    for tab in made.values():
        tab.shutdown()
        tab.deleteLater()


def loaded(qtbot, tabs, name):
    """The tab showing model ``name`` after ``modelReady`` and its first forward pass."""
    from convviz.ui.inspector.inspector_tab import InspectorTab

    model, core = {"resnet": resnet, "mobilenet": mobilenet}[name]()
    if name not in tabs:
        tab = InspectorTab()
        tab.resize(1280, 800)
        tab.show()
        with qtbot.waitSignals([tab.modelReady, tab.inspected], timeout=60000):
            tab.use_model(model, name)
        tabs[name] = tab
    return tabs[name], model, core


def drop_file(tab, path):
    """Send a real drop of ``path`` (a file URL) onto ``tab``."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    tab.dropEvent(event)
    return event


def picked(qtbot, tab, layer, channel, row, col):
    """Pick a cell; return its replay (or None) once the field is drawn."""
    if tab.info.layers[layer].replayable:
        with qtbot.waitSignal(tab.replayed, timeout=20000) as blocker:
            tab.pick_cell(layer, channel, row, col)
        replay = blocker.args[0]
    else:
        tab.pick_cell(layer, channel, row, col)
        replay = None
    qtbot.waitUntil(lambda: -1 in tab.maps.field_masks, timeout=20000)
    return replay


def assert_field_is_the_cores(tab, core, layer, cell):
    expected = core.receptive_fields(layer, cell)
    shown = tab.maps.field_masks
    assert shown.keys() == expected.keys()
    for key, mask in expected.items():
        np.testing.assert_array_equal(shown[key], mask)
    overlay = tab.maps.overlay_of(-1)  # the input is always on show
    np.testing.assert_array_equal(overlay[:, :, 3] > 0, expected[-1] | _marker(overlay))


def _marker(overlay):
    return np.all(overlay == (220, 30, 30, 230), axis=2)


def layer_index(tab, name):
    return [view.name for view in tab.info.layers].index(name)


def test_the_overview_lists_every_layer_by_block_and_filters_by_name(qtbot, tabs):
    tab, model, core = loaded(qtbot, tabs, "resnet")
    names = [layer.name for layer in model.layers if type(layer).__name__ != "InputLayer"]
    listed = {index: (tab.overview.layer_item(index).text(0), tab.overview.layer_item(index).text(1))
              for index in range(len(tab.info.layers))}
    assert sorted(name for name, _ in listed.values()) == sorted(names)  # every layer, in graph order
    for name, shape in listed.values():
        assert shape == shape_text(model.get_layer(name).output.shape[1:])
    groups = [name for name, _ in tab.overview.groups]
    assert groups[:3] == ["stem", "conv2_block1", "conv2_block2"] and groups[-1] == "head"
    assert len(tab.maps.shown) == 6  # only the stem's maps are drawn, not 176 layers'

    tab.overview.filter.setText("block1_ADD")
    shown = [tab.info.layers[i].name for i in tab.overview.shown_layers()]
    assert sorted(shown) == sorted(n for n in names if "block1_add" in n) and len(shown) == 4
    tab.overview.filter.clear()
    assert len(tab.overview.shown_layers()) == len(names)

    add = layer_index(tab, "conv3_block1_add")
    tab.overview.choose_layer(add)
    assert add in tab.maps.shown and tab.maps.image_of(add).shape[0] > 1


def test_a_dropped_photo_is_fitted_and_scaled_like_prepare_image(qtbot, tabs, tmp_path):
    tab, model, core = loaded(qtbot, tabs, "resnet")
    pixels = np.random.default_rng(3).integers(0, 256, (50, 90, 3), dtype=np.uint8)
    path = tmp_path / "wide.png"
    Image.fromarray(pixels).save(path)
    with qtbot.waitSignal(tab.inspected, timeout=20000):
        event = drop_file(tab, path)
    assert event.isAccepted()
    assert tab.input.value_range.currentData() == "caffe"  # ResNet50's preprocess_input
    expected = prepare_image(pixels, (64, 64, 3), "caffe", "crop")
    np.testing.assert_allclose(tab.model_input(), expected, rtol=1e-6, atol=1e-4)
    np.testing.assert_allclose(tab.probabilities.probabilities, np.asarray(model(expected[None]))[0],
                               rtol=1e-4, atol=1e-6)

    with qtbot.waitSignal(tab.inspected, timeout=20000):
        tab.input.fit.setCurrentIndex(tab.input.fit.findData("pad"))
    np.testing.assert_allclose(tab.model_input(), prepare_image(pixels, (64, 64, 3), "caffe", "pad"),
                               rtol=1e-6, atol=1e-4)

    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 20)
    before = tab.model_input()
    with qtbot.waitSignal(tab.messages.shown, timeout=5000):
        drop_file(tab, bad)
    assert tab.messages.level == "error" and "\n" not in tab.messages.text
    assert "broken.png" in tab.messages.text
    np.testing.assert_array_equal(tab.model_input(), before)


def test_a_residual_add_and_the_cells_after_global_pooling_replay_exactly(qtbot, tabs):
    tab, model, core = loaded(qtbot, tabs, "resnet")
    image = tab.model_input()
    outputs = core.activations(image)

    add = layer_index(tab, "conv2_block1_add")
    replay = picked(qtbot, tab, add, 3, 2, 2)
    assert replay.kind == "merge" and len(replay.branches) == 2
    assert replay.value == pytest.approx(float(outputs[add][2, 2, 3]), rel=1e-4, abs=1e-4)
    assert replay.model_value == pytest.approx(float(outputs[add][2, 2, 3]), rel=1e-5, abs=1e-5)
    assert "the same" in tab.replay_panel.text.text() and "+" in tab.replay_panel.text.text()
    assert not tab.replay_panel.to_studio.isEnabled()  # only conv and pool cells go to the studio
    assert_field_is_the_cores(tab, core, add, (2, 2))

    pool = layer_index(tab, "avg_pool")
    replay = picked(qtbot, tab, pool, 5, 0, 0)
    assert replay.kind == "pool"
    assert replay.value == pytest.approx(float(outputs[pool][5]), rel=1e-4, abs=1e-5)
    assert tab.maps.field_masks[-1].all()
    assert_field_is_the_cores(tab, core, pool, (0, 0))

    dense = layer_index(tab, "predictions")
    assert picked(qtbot, tab, dense, 7, 0, 0) is None
    note = tab.replay_panel.text.text()
    assert "predictions" in note and "class 7" in note and f"{float(outputs[dense][7]):.6g}" in note


def test_a_depthwise_cell_clicked_in_mobilenet_replays_and_traces_its_field(qtbot, tabs):
    tab, model, core = loaded(qtbot, tabs, "mobilenet")
    assert tab.input.value_range.currentData() == "tf"
    depthwise = layer_index(tab, "block_1_depthwise")
    tab.overview.choose_layer(depthwise)
    assert depthwise in tab.maps.shown
    with qtbot.waitSignal(tab.replayed, timeout=20000) as blocker:
        click_map_cell(qtbot, tab, depthwise, 3, 4)  # channel 0's tile
    replay = blocker.args[0]
    assert tab.picked == (depthwise, 0, 3, 4)
    outputs = core.activations(tab.model_input())
    assert replay.kind == "conv" and replay.layer_kind == "DepthwiseConv2D"
    assert replay.value == pytest.approx(float(outputs[depthwise][3, 4, 0]), rel=1e-4, abs=1e-5)
    qtbot.waitUntil(lambda: -1 in tab.maps.field_masks, timeout=20000)
    assert_field_is_the_cores(tab, core, depthwise, (3, 4))
    marker = tab.maps._cells[depthwise].marker
    assert marker.isVisible() and marker.rect().width() > 1  # a framed square, not a 1-px dot


def test_grad_cam_on_show_is_the_cores_for_the_predicted_and_a_chosen_class(qtbot, tabs):
    tab, model, core = loaded(qtbot, tabs, "mobilenet")
    with qtbot.waitSignal(tab.explained, timeout=30000):
        tab.input.show_test_sample(3)  # any new input: the explanation follows it
    image = tab.model_input()
    assert tab.cam.choice() == (None, core.default_cam_layer())
    np.testing.assert_allclose(tab.cam.cam, core.grad_cam(image), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(tab.cam.saliency, core.gradient_x_input(image), rtol=1e-3, atol=1e-6)

    layer = layer_index(tab, "block_3_project")
    tab.cam.layer_box.setCurrentIndex(tab.cam.layer_box.findData(layer))
    tab.cam.class_box.setCurrentIndex(tab.cam.class_box.findData(4))
    with qtbot.waitSignal(tab.explained, timeout=30000):
        tab.cam.class_box.activated.emit(tab.cam.class_box.currentIndex())
    np.testing.assert_allclose(tab.cam.cam, core.grad_cam(image, 4, layer), rtol=1e-4, atol=1e-5)
