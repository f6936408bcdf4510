"""Training a loaded ``.keras`` architecture in the Training tab: a functional model with a branch
and an Add, offered as "loaded: <name>", trained with its own weights (in the trainer process) or
fresh ones (in a thread); filters and activations follow its graph; a model that does not fit the
data is refused in one line before anything changes."""

import os

import numpy as np
import pytest
from PyQt6.QtCore import Qt

os.environ["CONVVIZ_OFFLINE"] = "1"

keras = pytest.importorskip("keras")

RUN_TIMEOUT_MS = 120_000  # the trainer process starts TensorFlow inside the first run


def _branchy(path, input_shape=(28, 28, 1), seed=3):
    """Conv2D -> two branches -> Add -> GlobalAveragePooling2D -> Dense softmax 10, saved at ``path``."""
    from convviz.training.storage import save_model

    keras.utils.set_random_seed(seed)
    image = keras.Input(input_shape)
    stem = keras.layers.Conv2D(8, 3, padding="same", activation="relu", name="stem")(image)
    left = keras.layers.Conv2D(8, 3, padding="same", activation="relu", name="left")(stem)
    right = keras.layers.Conv2D(8, 1, name="right")(stem)
    merged = keras.layers.Add(name="merge")([left, right])
    pooled = keras.layers.GlobalAveragePooling2D(name="gap")(merged)
    output = keras.layers.Dense(10, activation="softmax", name="classes")(pooled)
    model = keras.Model(image, output, name="branchy")
    save_model(model, path)
    return model


def _load(qtbot, tab, path):
    with qtbot.waitSignal(tab.task_finished, timeout=RUN_TIMEOUT_MS):
        assert tab.load_model(path)
    assert tab.messages.level == "info", tab.messages.text


def _choose_loaded(tab, keep: bool):
    controls = tab.controls
    controls.preset.setCurrentIndex(controls.preset.findData("loaded"))
    controls.weights.setCurrentIndex(controls.weights.findData(keep))
    tab.limit, tab.probe_every = 300, 0  # probes before training and at the epoch's end
    controls.epochs.setValue(1)
    controls.batch_size.setValue(64)


def _train(qtbot, tab):
    with qtbot.waitSignal(tab.task_finished, timeout=RUN_TIMEOUT_MS):
        assert tab.start_training()
    assert tab.messages.level != "error", tab.messages.text
    assert tab.event_counts["Finished"] == 1
    first = tab.history.probes[0]
    assert first.step == -1
    return first


def test_keep_trains_the_files_weights_in_the_trainer_process(qtbot, training_tab, tmp_path):
    tab = training_tab
    assert tab.trainer == "process"
    model = _branchy(tmp_path / "branchy.keras")
    _load(qtbot, tab, tmp_path / "branchy.keras")
    index = tab.controls.preset.findData("loaded")
    assert tab.controls.preset.itemText(index) == "loaded: branchy.keras"
    _choose_loaded(tab, keep=True)
    assert tab.controls.weights.isVisibleTo(tab) and tab.controls.weights.currentText() == "keep the loaded weights"
    assert f"{model.count_params():,} parameters" in tab.controls.params.text()
    assert all(tab.controls.weights.itemData(i, Qt.ItemDataRole.ToolTipRole) for i in (0, 1))

    first = _train(qtbot, tab)
    np.testing.assert_array_equal(first.kernels["stem"], model.get_layer("stem").kernel.numpy())
    assert set(first.kernels) == {"stem", "left", "right"}
    assert [name for name, _ in first.activations] == ["stem", "left", "right", "merge", "gap", "classes"]
    assert tab.run_folder.path  # it ran in the trainer process, into a run folder
    tab.panels.setCurrentWidget(tab.activations)
    qtbot.waitUntil(lambda: "merge" in tab.activations.names, timeout=5000)
    assert tab.summary.total_params == model.count_params()
    assert not np.array_equal(tab.history.probes[-1].kernels["stem"], first.kernels["stem"])  # it learned


def test_reset_starts_from_fresh_weights(qtbot, training_tab, tmp_path):
    tab = training_tab
    tab.trainer = "thread"
    model = _branchy(tmp_path / "branchy.keras")
    _load(qtbot, tab, tmp_path / "branchy.keras")
    _choose_loaded(tab, keep=False)
    first = _train(qtbot, tab)
    kernel = model.get_layer("stem").kernel.numpy()
    assert first.kernels["stem"].shape == kernel.shape
    assert not np.allclose(first.kernels["stem"], kernel)
    assert tab.model.get_layer("merge") is not None and tab.model.count_params() == model.count_params()


def test_a_model_of_another_image_size_is_refused_before_training(qtbot, training_tab, tmp_path):
    tab = training_tab
    _branchy(tmp_path / "colour.keras", input_shape=(32, 32, 3))
    _load(qtbot, tab, tmp_path / "colour.keras")  # loads and shows: only training needs the data to fit
    model, shown, total = tab.model, tab.view.shown, tab.summary.total_params
    assert shown is not None and shown.sample.shape == (32, 32, 3)
    _choose_loaded(tab, keep=True)
    assert "32x32x3 images, 10 classes" in tab.controls.note.text()
    assert not tab.start_training()
    assert tab.messages.level == "error"
    assert tab.messages.text == "colour.keras takes 32x32x3 images with 10 classes; the data has 28x28x1 images"
    assert tab.model is model and tab.view.shown is shown and tab.summary.total_params == total
    assert tab.controls.state == "idle" and not tab.is_busy() and tab.event_counts["DataReady"] == 0


def test_the_session_refuses_a_model_that_does_not_fit_in_one_line(tmp_path):
    from convviz.training.events import Failed
    from convviz.training.session import TrainingConfig, TrainingSession

    _branchy(tmp_path / "colour.keras", input_shape=(32, 32, 3))
    events = []
    config = TrainingConfig(model="loaded", model_path=str(tmp_path / "colour.keras"), limit=50)
    TrainingSession(config).run(events.append)
    assert isinstance(events[-1], Failed) and "Probe" not in {type(e).__name__ for e in events}
    assert events[-1].message == "colour.keras takes 32x32x3 images with 10 classes; the data has 28x28x1 images"


def test_the_config_says_which_file():
    from convviz.training.session import TrainingConfig

    with pytest.raises(ValueError, match="needs its file"):
        TrainingConfig(model="loaded")
    with pytest.raises(ValueError, match="only used with model='loaded'"):
        TrainingConfig(model_path="x.keras")


def test_fit_words_and_a_model_without_softmax(tmp_path):
    from convviz.training.events import Failed
    from convviz.training.loaded_models import fit_problem
    from convviz.training.session import TrainingConfig, TrainingSession
    from convviz.training.storage import save_model

    assert fit_problem("m.keras", (28, 28, 1), 5, (28, 28, 1), 10) == (
        "m.keras takes 28x28x1 images with 5 classes; the data has 28x28x1 images with 10 classes")
    assert fit_problem("m.keras", (None, None, 1), 10, (28, 28, 1), 10) == ""  # a free size takes any image
    logits = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10, name="scores")])
    save_model(logits, tmp_path / "logits.keras")
    events = []
    TrainingSession(TrainingConfig(model="loaded", model_path=str(tmp_path / "logits.keras"), limit=50)).run(events.append)
    assert isinstance(events[-1], Failed) and "\n" not in events[-1].message
    assert events[-1].message.startswith("logits.keras: its output layer scores has no softmax")
