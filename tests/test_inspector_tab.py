"""The Inspector tab on a real (small, untrained) Keras model, through its widgets and signals."""

import numpy as np
import pytest
from PyQt6.QtCore import QPointF, Qt
from PyQt6.QtTest import QTest

keras = pytest.importorskip("keras")

from convviz.ui.studio.studio_state import StudioState  # noqa: E402


@pytest.fixture
def model():
    keras.utils.set_random_seed(7)
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(4, 3, activation="relu", name="conv1"),
        keras.layers.MaxPooling2D(2, name="pool1"),
        keras.layers.Conv2D(3, 3, padding="same", activation="relu", name="conv2"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(10, activation="softmax", name="dense"),
    ])


@pytest.fixture
def tab(inspector_tab):
    return inspector_tab


def click_map_cell(qtbot, tab, layer, row, col):
    """A real mouse click on pixel (row, col) of a layer's tiled image."""
    item = tab.maps.image_item(layer)
    view = tab.maps

    def under_cursor():  # the layout settles after the first paint
        scene_pos = item.mapToScene(QPointF(col + 0.5, row + 0.5))
        return item in view.scene().items(scene_pos), view.mapFromScene(scene_pos)

    qtbot.waitUntil(lambda: under_cursor()[0], timeout=5000)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=under_cursor()[1])


def test_prediction_equals_the_model_and_follows_the_drawing(qtbot, tab, model):
    with qtbot.waitSignal(tab.inspected, timeout=30000):
        tab.use_model(model, "test model")
    x = tab.model_input()
    expected = np.asarray(model(x[None]))[0]
    np.testing.assert_allclose(tab.probabilities.probabilities, expected, rtol=1e-5, atol=1e-6)
    assert "label" in tab.truth.text()

    with qtbot.waitSignal(tab.inspected, timeout=10000):
        tab.canvas.clear()
    blank = np.asarray(model(tab.model_input()[None]))[0]
    np.testing.assert_allclose(tab.probabilities.probabilities, blank, rtol=1e-5, atol=1e-6)
    assert not tab.model_input().any()


def test_clicking_a_cell_shows_its_receptive_field_and_replays_it(qtbot, tab, model):
    with qtbot.waitSignal(tab.inspected, timeout=30000):
        tab.use_model(model, "test model")
    conv2 = 2  # layer index: conv1, pool1, conv2
    with qtbot.waitSignal(tab.replayed, timeout=10000) as blocker:
        click_map_cell(qtbot, tab, conv2, 5, 6)  # channel 0 is the first tile
    replay = blocker.args[0]
    assert tab.picked == (conv2, 0, 5, 6)
    assert (replay.layer, replay.cell, replay.channel) == ("conv2", (5, 6), 0)
    assert replay.value == pytest.approx(replay.model_value, rel=1e-4, abs=1e-6)
    assert "the same" in tab.replay_panel.text.text()

    # conv2 (3x3, same) over pool1 (2x2) over conv1 (3x3): input rows 2*(5-1)..2*(5+1)+1+2.
    overlay = tab.maps.overlay_of(-1)  # the input's overlay
    lit_rows = np.flatnonzero(overlay[:, :, 3].any(axis=1))
    lit_cols = np.flatnonzero(overlay[:, :, 3].any(axis=0))
    assert (lit_rows.min(), lit_rows.max()) == (8, 15)
    assert (lit_cols.min(), lit_cols.max()) == (10, 17)

    # Replay in the studio: the studio lands on the clicked cell with this channel's contribution.
    with qtbot.waitSignal(tab.studioRequested) as request:
        qtbot.mouseClick(tab.replay_panel.to_studio, Qt.MouseButton.LeftButton)
    channel = int(tab.replay_panel.channel.currentData())
    state = StudioState()
    state.show_request(request.args[0])
    kind, step = state.current()
    assert kind == "conv" and step.position == (5, 6)
    assert float(step.value) == pytest.approx(replay.contributions[channel], rel=1e-5, abs=1e-6)


def test_pool_cells_replay_through_the_studio_pooling_stage(qtbot, tab, model):
    with qtbot.waitSignal(tab.inspected, timeout=30000):
        tab.use_model(model, "test model")
    with qtbot.waitSignal(tab.replayed, timeout=10000) as blocker:
        tab.pick_cell(1, 2, 3, 4)  # pool1, channel 2
    replay = blocker.args[0]
    assert replay.value == pytest.approx(replay.model_value, rel=1e-5)
    from convviz.core.replay_request import studio_request

    state = StudioState()
    state.show_request(studio_request(replay, replay.channel))
    kind, step = state.current()
    assert kind == "pool" and step.position == (3, 4)
    assert float(step.value) == pytest.approx(replay.model_value, rel=1e-5)


def test_a_file_that_is_not_a_model_gives_a_message(qtbot, tab, tmp_path):
    bad = tmp_path / "notes.keras"
    bad.write_text("not a zip")
    with qtbot.waitSignal(tab.messages.shown, timeout=20000):
        tab.load_model_file(str(bad))
    assert tab.messages.level == "error" and tab.messages.isVisible()
    assert "\n" not in tab.messages.text
    assert tab.info is None


def test_a_colour_model_of_another_size_is_inspected_too(qtbot, tab):
    keras.utils.set_random_seed(3)
    model = keras.Sequential([
        keras.Input((32, 32, 3)),
        keras.layers.Conv2D(5, 5, strides=2, padding="same", activation="relu", name="conv1"),
        keras.layers.AveragePooling2D(2, name="pool1"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(4, activation="softmax", name="dense"),
    ])
    with qtbot.waitSignal(tab.inspected, timeout=30000):
        tab.use_model(model, "cifar-shaped")
    x = tab.model_input()
    assert x.shape == (32, 32, 3)
    np.testing.assert_allclose(tab.probabilities.probabilities, np.asarray(model(x[None]))[0],
                               rtol=1e-5, atol=1e-6)
    assert len(tab.probabilities.probabilities) == 4
    with qtbot.waitSignal(tab.replayed, timeout=10000) as blocker:
        tab.pick_cell(0, 4, 15, 0)
    replay = blocker.args[0]
    assert replay.contributions.shape == (3,)
    assert replay.value == pytest.approx(replay.model_value, rel=1e-4, abs=1e-6)


def test_class_names_saved_with_a_model_come_back_in_the_inspector(qtbot, tab, model, tmp_path):
    from convviz.training.storage import class_names_path, read_class_names, save_model

    names = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    path = save_model(model, tmp_path / "named.keras", class_names=names)
    assert class_names_path(path).name == "named.classes.json"
    assert read_class_names(path) == names
    with qtbot.waitSignal(tab.explained, timeout=30000):  # Grad-CAM on a model loaded from a file
        tab.load_model_file(str(path))
    assert tab.class_names == names
    assert tab.cam.class_box.itemText(3) == "2: two"
    guess = int(np.argmax(tab.probabilities.probabilities))
    assert f"<b>{names[guess]}</b>" in tab.prediction.text()

    class_names_path(path).write_text("{not json")  # a damaged sidecar: the model loads, classes by number
    assert read_class_names(path) is None


def test_a_flat_model_is_one_group_and_dense_cells_are_described(qtbot, tab, model):
    with qtbot.waitSignal(tab.modelReady, timeout=30000):
        tab.use_model(model, "test model")
    qtbot.waitUntil(lambda: tab.inspection is not None, timeout=10000)
    assert [name for name, _ in tab.overview.groups] == ["all layers"]
    assert tab.maps.shown == list(range(len(tab.info.layers)))
    dense = 4
    click_map_cell(qtbot, tab, dense, 0, 6)  # the strip's value 6
    assert tab.picked == (dense, 6, 0, 0)
    value = float(np.asarray(model(tab.model_input()[None]))[0, 6])
    qtbot.waitUntil(lambda: "class 6" in tab.replay_panel.text.text(), timeout=5000)
    assert f"{value:.6g}" in tab.replay_panel.text.text()
    assert not tab.replay_panel.to_studio.isEnabled()
    qtbot.waitUntil(lambda: -1 in tab.maps.field_masks, timeout=5000)
    assert tab.maps.field_masks[-1].all()  # a dense unit sees the whole input
    assert "784 input pixels" in tab.field_label.text()


def test_the_labs_data_offers_its_test_samples_with_true_labels(qtbot, tab, model):
    from convviz.training.data import load_dataset

    with qtbot.waitSignal(tab.inspected, timeout=30000):
        tab.use_model(model, "test model")
    before = tab.input.samples[0]
    tab.use_data("mnist")  # offline in the tests: the official test set shipped in assets/
    expected = load_dataset("mnist")
    qtbot.waitUntil(lambda: tab.input.samples[0] is not before, timeout=30000)
    assert len(tab.input.samples[0]) == len(expected.x_test)
    with qtbot.waitSignal(tab.inspected, timeout=10000):
        tab.input.digit_index.setValue(7)
        tab.input.pick_button.click()
    label = int(expected.labels_test[7])
    assert f"<b>{expected.class_names[label]}</b>" in tab.truth.text()
    shown = tab.canvas.ink()[5::10, 5::10]  # the 280×280 canvas back at 28×28
    assert np.corrcoef(shown.ravel(), expected.x_test[7, :, :, 0].ravel())[0, 1] > 0.95
