"""Error analysis on the Test results page: a confusion-matrix cell, clicked or chosen with the
arrow keys and Enter, lists exactly the test images of its (true, predicted) pair, checked against
Keras' own model.predict; a loaded model is scored on the test set in the background; loading
asks before it replaces a run's curves; a running run's page says what will appear and when."""

import os

import numpy as np
import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QMessageBox

os.environ["CONVVIZ_OFFLINE"] = "1"

import convviz.training.session as session_module  # noqa: E402
from convviz.core.gate import GateError  # noqa: E402
from convviz.core.runs import RunReader, RunWriter  # noqa: E402
from convviz.core.runs.test_predictions import (  # noqa: E402
    as_predictions, load_predictions, save_predictions,
)
from convviz.training.events import EVENT_TYPES, Finished  # noqa: E402
from scripted_session import ScriptedSession  # noqa: E402

RUN_TIMEOUT_MS = 120_000
LIMIT = 200
RNG = np.random.default_rng(4)


def _predictions(count=60, classes=10):
    probabilities = RNG.dirichlet(np.ones(classes), size=count).astype(np.float32)
    return as_predictions(RNG.integers(0, classes, count), probabilities, RNG.random((count, 8, 8, 1)))


# -- the file --------------------------------------------------------------------------------------

def test_a_pair_is_every_image_of_that_true_and_predicted_class(tmp_path):
    saved = _predictions()
    back = load_predictions(save_predictions(tmp_path / "p.npz", saved))
    np.testing.assert_array_equal(back.images, saved.images)
    predicted = saved.probabilities.argmax(axis=1)
    for true in range(10):
        for guess in range(10):
            expected = [i for i in range(60) if saved.labels[i] == true and predicted[i] == guess]
            assert sorted(back.pair(true, guess).tolist()) == expected
            assert back.confusion()[true, guess] == len(expected)


def test_a_file_that_is_not_predictions_is_refused_in_one_line(tmp_path):
    bad = tmp_path / "bad.npz"
    np.savez(bad, x=np.zeros(3))
    with pytest.raises(GateError, match=r"^bad\.npz: is not a test-predictions file: it has no labels"):
        load_predictions(bad)
    bad.write_bytes(b"junk")
    with pytest.raises(GateError, match=r"^bad\.npz: not a readable \.npz file"):
        load_predictions(bad)


def test_the_run_folder_names_its_predictions_relative_to_itself(tmp_path):
    run = tmp_path / "run"
    writer = RunWriter(run)
    path = save_predictions(run / "test_predictions.npz", _predictions())
    writer(Finished(False, 0.3, 0.9, np.eye(10, dtype=int), 1.0, predictions=str(path)))
    writer.close()
    assert '"predictions": "test_predictions.npz"' in (run / "events.jsonl").read_text()
    moved = run.rename(tmp_path / "moved")
    finished = [event for event in RunReader(moved, EVENT_TYPES).read_all() if isinstance(event, Finished)][0]
    assert load_predictions(finished.predictions).labels.size == 60


# -- a real run -------------------------------------------------------------------------------------

def _tiny(tab, trainer):
    tab.trainer = trainer
    tab.limit, tab.probe_every = LIMIT, 0
    tab.controls.epochs.setValue(1)
    tab.controls.batch_size.setValue(64)


def _truth(model):
    """The test pairs by Keras' model.predict on the same test images, independent of the tab."""
    from convviz.training.data import load_dataset

    data = load_dataset("mnist", LIMIT)
    predicted = np.asarray(model.predict(data.x_test, verbose=0)).argmax(axis=1)
    return data, predicted


def _click_cell(qtbot, table, row, col):
    rect = table.visualItemRect(table.item(row, col))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _check_every_cell(qtbot, tab, model):
    data, predicted = _truth(model)
    results = tab.results
    assert tab.panels.currentWidget() is results and results.predictions is not None
    np.testing.assert_array_equal(results.predictions.images[..., 0],
                                  np.rint(data.x_test[..., 0] * 255).astype(np.uint8))
    for true in range(10):
        for guess in range(10):
            _click_cell(qtbot, results.table, true, guess)
            expected = np.flatnonzero((data.labels_test == true) & (predicted == guess)).tolist()
            assert sorted(results.images.shown_indices()) == expected, (true, guess)
            assert int(results.table.item(true, guess).text()) == len(expected)
    return data, predicted


def test_a_thread_run_lists_the_test_images_of_each_cell_by_mouse_and_keyboard(qtbot, training_tab):
    tab = training_tab
    _tiny(tab, "thread")
    with qtbot.waitSignal(tab.task_finished, timeout=RUN_TIMEOUT_MS):
        assert tab.start_training()
    assert tab.messages.level != "error", tab.messages.text
    data, predicted = _check_every_cell(qtbot, tab, tab.model)
    assert not os.path.exists(tab.session.predictions_path)  # the scratch file was read, then removed

    mistakes = [(t, p) for t in range(10) for p in range(10)
                if t != p and np.any((data.labels_test == t) & (predicted == p))]
    true, guess = mistakes[0]
    table, view = tab.results.table, tab.results.images
    table.setFocus()
    table.setCurrentCell(0, 0)
    for key, times in ((Qt.Key.Key_Down, true), (Qt.Key.Key_Right, guess)):
        for _ in range(times):
            qtbot.keyClick(table, key)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert view.pair == (true, guess)
    first = view.shown_indices()[0]
    probabilities = np.asarray(tab.model.predict(data.x_test[first:first + 1], verbose=0))[0]
    np.testing.assert_allclose(view.bars.probabilities, probabilities, atol=1e-5)
    assert view.title.text().startswith(f"True {true} → predicted {guess}:")
    assert f"true {true} → predicted {guess} ({probabilities[guess]:.2f})" in view.detail.text()
    assert f"{guess}: {probabilities[guess]:.2f}" in view.list.item(0).text()

    fullest = np.unravel_index(tab.results.confusion.argmax(), tab.results.confusion.shape)
    _click_cell(qtbot, table, *fullest)  # many images: click the third thumbnail for its bars
    item = view.list.item(2)
    qtbot.mouseClick(view.list.viewport(), Qt.MouseButton.LeftButton, pos=view.list.visualItemRect(item).center())
    third = view.shown_indices()[2]
    probabilities = np.asarray(tab.model.predict(data.x_test[third:third + 1], verbose=0))[0]
    np.testing.assert_allclose(view.bars.probabilities, probabilities, atol=1e-5)
    assert view.detail.text().startswith(f"Test image #{third}: true {fullest[0]} → predicted {fullest[1]}")


def test_a_process_run_writes_its_predictions_into_the_run_folder(qtbot, training_tab):
    from pathlib import Path

    from convviz.training.storage import load_model

    tab = training_tab
    _tiny(tab, "process")
    with qtbot.waitSignal(tab.task_finished, timeout=RUN_TIMEOUT_MS):
        assert tab.start_training()
    assert tab.messages.level != "error", tab.messages.text
    assert (Path(tab.run_folder.path) / "test_predictions.npz").is_file()
    _check_every_cell(qtbot, tab, load_model(tab.model_path))


# -- a loaded model, and loading over a run ----------------------------------------------------------

class FakeSession(ScriptedSession):
    """Batches until stopped (or three epochs of four), no probes."""

    probe_every = 10**9
    instances: list = []

    def probe(self, step):
        from convviz.training.events import Probe

        return Probe(0, step, np.zeros((28, 28, 1)), 0, {}, (), np.full(10, 0.1))


@pytest.fixture
def fake_tab(monkeypatch, training_tab):
    monkeypatch.setattr(session_module, "TrainingSession", FakeSession)
    return training_tab


def test_a_running_run_says_when_its_results_appear(qtbot, fake_tab, monkeypatch):
    tab = fake_tab
    monkeypatch.setattr(FakeSession, "batches", None)
    monkeypatch.setattr(FakeSession, "batch_seconds", 0.25)  # an epoch of four batches lasts a second
    tab.controls.epochs.setValue(5)
    tab.panels.setCurrentWidget(tab.results)
    assert tab.start_training()
    summary = tab.results.summary
    qtbot.waitUntil(lambda: "(epoch 2 of 5 running)" in summary.text(), timeout=10000)
    assert summary.text().startswith("Test accuracy and the confusion matrix appear when this run ends")
    qtbot.mouseClick(tab.controls.run_button, Qt.MouseButton.LeftButton)  # Pause
    qtbot.waitUntil(lambda: "of 5 paused)" in summary.text(), timeout=5000)
    with qtbot.waitSignal(tab.task_finished, timeout=10000):
        tab.stop_training()
    assert "Test accuracy 90.00%" in summary.text()


def _saved_model(path):
    from convviz.training.models import build_model
    from convviz.training.storage import save_model

    return save_model(build_model("seed"), path)


def test_loading_over_a_run_asks_first_and_no_keeps_the_curves(qtbot, fake_tab, monkeypatch, tmp_path):
    import convviz.ui.training.file_dialogs as dialogs

    tab = fake_tab
    tab.controls.epochs.setValue(1)
    with qtbot.waitSignal(tab.task_finished, timeout=10000):
        assert tab.start_training()
    batches = tab.curves.batch_count
    assert batches == 4
    path = _saved_model(tmp_path / "m.keras")
    asked = []

    def answer(reply):
        def question(parent, title, text, buttons, default):
            asked.append((text, default))
            return reply
        return question

    monkeypatch.setattr(dialogs, "ask_model_path", lambda parent: str(path))
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    qtbot.mouseClick(tab.controls.load_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and "m.keras replaces the curves" in asked[0][0]
    assert asked[0][1] == QMessageBox.StandardButton.No  # the default answer keeps the run
    assert not tab.is_busy() and tab.curves.batch_count == batches and tab.model is not None
    assert tab.messages.text == "Nothing loaded: the run on show stays."

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    with qtbot.waitSignal(tab.task_finished, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(tab.controls.load_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 2 and tab.curves.batch_count == 0


def test_a_loaded_model_is_scored_on_the_test_set_with_its_images(qtbot, training_tab, tmp_path):
    from convviz.training.storage import load_model

    tab = training_tab
    tab.limit = LIMIT
    path = _saved_model(tmp_path / "fresh.keras")
    with qtbot.waitSignal(tab.task_finished, timeout=RUN_TIMEOUT_MS):
        assert tab.load_model(path)
    model = load_model(path)
    data, predicted = _truth(model)
    accuracy = float(np.mean(predicted == data.labels_test))
    assert f"test accuracy {accuracy:.2%}" in tab.messages.text
    assert f"Test accuracy {accuracy:.2%}" in tab.results.summary.text()
    tab.panels.setCurrentWidget(tab.results)
    _check_every_cell(qtbot, tab, model)


def test_a_loaded_model_that_does_not_fit_the_data_says_so(qtbot, training_tab, tmp_path):
    from convviz.training.models import build_model
    from convviz.training.storage import save_model

    tab = training_tab
    tab.limit = LIMIT
    path = save_model(build_model("seed", input_shape=(32, 32, 3)), tmp_path / "colour.keras")
    with qtbot.waitSignal(tab.task_finished, timeout=RUN_TIMEOUT_MS):
        assert tab.load_model(path)
    assert tab.messages.level == "info" and "not scored on the test set: colour.keras takes 32x32x3" in tab.messages.text
    assert tab.results.summary.text().startswith("The loaded model was not scored on the test set")
