"""The window's ways in for others' files, used as a hostile user would: a Lambda ``.keras``, an
``.npz`` whose header announces a terabyte, a class folder linking out of the data folder. Each is
refused in words in the tab's message bar; the window stays alive and what was loaded before stays.

The tabs' public load methods are driven (not their file dialogs), as a chosen file reaches them.
"""

import os

import pytest
from crafted_files import header_bomb_npz, lambda_load_data, symlink_out

keras = pytest.importorskip("keras")
os.environ["CONVVIZ_OFFLINE"] = "1"

WAIT_MS = 60_000  # TensorFlow may start inside the first job


@pytest.fixture
def small_model():
    keras.utils.set_random_seed(1)
    return keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(2, 3, name="conv1"),
                             keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])


def refused_in_words(qtbot, bar, *words):
    """Wait for an error on ``bar``; it is one line holding every word."""
    qtbot.waitUntil(lambda: bar.level == "error", timeout=WAIT_MS)
    assert "\n" not in bar.text and bar.isVisible()
    for word in words:
        assert word in bar.text, bar.text


def test_inspector_refuses_a_lambda_model_and_keeps_the_one_it_shows(qtbot, inspector_tab, tmp_path,
                                                                      small_model):
    tab = inspector_tab
    with qtbot.waitSignal(tab.inspected, timeout=WAIT_MS):
        tab.use_model(small_model, "the first model")
    before = tab.info
    tab.load_model_file(str(lambda_load_data(tmp_path)))
    refused_in_words(qtbot, tab.messages, "lambda.keras:", "Lambda layer")
    assert tab.isVisible() and tab.info is before
    assert "the first model" in tab.model_label.text()
    with qtbot.waitSignal(tab.inspected, timeout=WAIT_MS):  # the old model still answers drawings
        tab.canvas.clear()
    assert tab.probabilities.probabilities.size == 10


def test_training_tab_refuses_a_lambda_model_and_keeps_its_model(qtbot, training_tab, tmp_path, small_model):
    tab = training_tab
    good = tmp_path / "good.keras"
    small_model.save(good)
    with qtbot.waitSignal(tab.task_finished, timeout=WAIT_MS):
        assert tab.load_model(good)
    before = tab.model
    assert before is not None
    with qtbot.waitSignal(tab.task_finished, timeout=WAIT_MS):
        assert tab.load_model(lambda_load_data(tmp_path))
    refused_in_words(qtbot, tab.messages, "lambda.keras:", "Lambda layer")
    assert tab.isVisible() and tab.model is before
    assert tab.controls.state == "idle" and tab.controls.has_model


@pytest.mark.parametrize("craft, words", [
    (header_bomb_npz, ["headerbomb.npz:", "array x"]),
    (symlink_out, ["images:", "dogs leads outside the data folder"]),
])
def test_training_tab_refuses_hostile_data_in_words(qtbot, training_tab, tmp_path, small_model, craft, words):
    tab = training_tab
    good = tmp_path / "good.keras"
    small_model.save(good)
    with qtbot.waitSignal(tab.task_finished, timeout=WAIT_MS):
        assert tab.load_model(good)
    before = tab.model
    data = craft(tmp_path)
    tab.use_data(data)
    tab.limit, tab.probe_every = 40, 2
    with qtbot.waitSignal(tab.task_finished, timeout=WAIT_MS):
        assert tab.start_training()
    refused_in_words(qtbot, tab.messages, *words)
    assert tab.isVisible() and tab.controls.state == "idle"
    assert tab.event_counts["BatchEnd"] == 0 and tab.event_counts["DataReady"] == 0
    assert tab.model is before and tab.controls.has_model  # a run that never began replaces nothing
