"""The Training tab with real TensorFlow: tiny runs on the bundled digits (offline)."""

import math
import os

import numpy as np
import pytest
import pyqtgraph as pg

os.environ["CONVVIZ_OFFLINE"] = "1"

from convviz.ui.training.activations_panel import layer_image  # noqa: E402
from convviz.training.models import preset_param_count  # noqa: E402
from convviz.ui.training.filters_panel import ASPECT  # noqa: E402
from convviz.core.tiling import grid_shape  # noqa: E402

pg.setConfigOptions(imageAxisOrder="row-major")
RUN_TIMEOUT_MS = 120_000  # generous: two shared cores, TensorFlow starts inside the first run


def _tiny(tab, epochs=1, limit=300):
    tab.limit = limit
    tab.probe_every = 2
    tab.controls.epochs.setValue(epochs)
    tab.controls.batch_size.setValue(64)


@pytest.fixture
def tab(training_tab):
    return training_tab


def test_a_tiny_real_run_fills_every_panel(qtbot, tab, tmp_path):
    import keras

    _tiny(tab)
    with qtbot.waitSignal(tab.task_finished, timeout=RUN_TIMEOUT_MS):
        assert tab.start_training()
    assert tab.messages.level != "error", tab.messages.text
    from convviz.training.storage import load_model

    model = tab.model if tab.model is not None else load_model(tab.model_path)  # the run's saved model
    train_count = int(tab.preview.shapes.text().splitlines()[0].split("(")[1].split(",")[0])
    assert train_count == 300

    steps = math.ceil(train_count / 64)
    assert tab.curves.batch_count == steps == tab.event_counts["BatchEnd"]
    assert len(tab.curves.loss.val) == 1 and np.isfinite(tab.curves.loss.batches.values).all()

    layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    assert tab.summary.total_params == model.count_params() == preset_param_count("seed")
    assert tab.summary.row_params() == [layer.count_params() for layer in layers]

    tab.panels.setCurrentWidget(tab.filters)
    for name in ("conv1", "conv3"):
        tab.filters.layer.setCurrentText(name)
        kernel = np.asarray(model.get_layer(name).kernel)
        rows, cols = grid_shape(kernel.shape[-1], aspect=ASPECT)
        assert tab.filters.shown_count == kernel.shape[-1]
        assert tab.filters.image.image.shape == (rows * 4 - 1, cols * 4 - 1)
    tab.filters.channel.setCurrentIndex(tab.filters.channel.findData(5))
    np.testing.assert_allclose(
        np.nan_to_num(tab.filters.image.image[:3, :3]), np.asarray(model.get_layer("conv3").kernel)[:, :, 5, 0], rtol=1e-6
    )

    tab.panels.setCurrentWidget(tab.activations)
    assert tab.activations.names == ["input"] + [layer.name for layer in layers]
    probe = tab.activations.probe
    outputs = keras.Model(model.inputs, [layer.output for layer in layers])([probe.sample[None]])
    for layer, output in zip(layers, outputs):
        assert tab.activations.images[layer.name].image.shape == layer_image(np.asarray(output[0])).shape

    counts = tab.results.shown_counts()
    test_count = int(tab.preview.shapes.text().splitlines()[4].split("(")[1].split(",")[0])
    assert counts.sum() == test_count
    assert tab.controls.state == "idle" and tab.controls.save_button.isEnabled()

    path = tmp_path / "tiny.keras"
    with qtbot.waitSignal(tab.task_finished, timeout=RUN_TIMEOUT_MS):
        assert tab.save_model(path)
    assert path.is_file() and tab.messages.level == "info"
    with qtbot.waitSignal(tab.task_finished, timeout=RUN_TIMEOUT_MS):
        assert tab.load_model(path)
    assert tab.summary.total_params == model.count_params()
    np.testing.assert_allclose(tab.view.shown.kernels["conv1"], np.asarray(model.get_layer("conv1").kernel))
    assert "(loaded model)" in tab.activations.header.text()

    broken = tmp_path / "broken.keras"
    broken.write_bytes(b"not a zip")
    with qtbot.waitSignal(tab.task_finished, timeout=RUN_TIMEOUT_MS):
        assert tab.load_model(broken)
    assert tab.messages.level == "error" and tab.messages.text.startswith("broken.keras:")
    assert tab.summary.total_params == model.count_params()  # the loaded model is still shown
    assert tab.view.shown is not None and tab.controls.save_button.isEnabled()


def test_seed_literal_parameter_count_matches_keras():
    from convviz.training.models import build_model

    assert preset_param_count("seed-literal") == build_model("seed-literal").count_params()


def test_a_fault_during_training_reaches_the_message_bar(qtbot, tab, monkeypatch):
    from convviz.training.probes import Prober

    real_probe = Prober.probe
    calls = []

    def failing_probe(self, epoch, step):
        calls.append(step)
        if len(calls) == 3:
            raise RuntimeError("injected fault in the probe")
        return real_probe(self, epoch, step)

    monkeypatch.setattr(Prober, "probe", failing_probe)
    tab.trainer = "thread"  # the fault is patched into this process: train here, not in the trainer process
    _tiny(tab)
    with qtbot.waitSignal(tab.task_finished, timeout=RUN_TIMEOUT_MS):
        tab.start_training()
    assert tab.event_counts["BatchEnd"] >= 1  # it failed mid-run, not before
    assert tab.messages.level == "error" and "injected fault in the probe" in tab.messages.text
    assert tab.controls.state == "idle"
    assert tab.controls.run_button.isEnabled() and tab.controls.run_button.text() == "Train"
    assert tab.controls.epochs.isEnabled()


def test_pause_resume_and_stop_with_the_buttons(qtbot, tab):
    _tiny(tab, epochs=20, limit=2000)
    tab.controls.run_button.click()
    qtbot.waitUntil(lambda: tab.event_counts["BatchEnd"] >= 2, timeout=RUN_TIMEOUT_MS)
    tab.controls.run_button.click()
    assert tab.controls.run_button.text() == "Resume"
    qtbot.waitUntil(lambda: tab.session.wait_until_paused(0), timeout=RUN_TIMEOUT_MS)
    held = tab.event_counts["BatchEnd"]
    tab.controls.run_button.click()
    assert tab.controls.run_button.text() == "Pause"
    qtbot.waitUntil(lambda: tab.event_counts["BatchEnd"] > held + 1, timeout=RUN_TIMEOUT_MS)
    with qtbot.waitSignal(tab.task_finished, timeout=RUN_TIMEOUT_MS):
        tab.controls.stop_button.click()
    assert "stopped early" in tab.results.summary.text()
    assert tab.event_counts["EpochEnd"] < 20 and tab.event_counts["Finished"] == 1


def test_closing_the_window_mid_training_ends_the_thread(qtbot):
    from convviz.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    tab = window.training
    tab.trainer = "thread"  # the trainer process: tests/test_trainer_process.py
    _tiny(tab, epochs=50, limit=2000)
    tab.start_training()
    qtbot.waitUntil(lambda: tab.event_counts["BatchEnd"] >= 3, timeout=RUN_TIMEOUT_MS)
    thread = tab.task.thread
    window.close()
    assert not thread.isRunning()
    assert tab.messages.level != "error"


def test_user_data_files_good_and_bad(qtbot, tab, tmp_path):
    from convviz.assets import bundled_digits

    bad = tmp_path / "digits.npz"
    bad.write_bytes(b"PK\x03\x04 truncated")
    tab.use_data(bad)
    _tiny(tab)
    with qtbot.waitSignal(tab.task_finished, timeout=RUN_TIMEOUT_MS):
        tab.start_training()
    assert tab.messages.level == "error" and tab.messages.text.startswith("digits.npz:")
    assert tab.controls.state == "idle" and tab.event_counts["BatchEnd"] == 0

    x, y = bundled_digits()
    good = tmp_path / "mine.npz"
    np.savez(good, x=x[:400], y=y[:400])
    tab.use_data(good)
    assert tab.controls.settings()["data"] == str(good)
    with qtbot.waitSignal(tab.task_finished, timeout=RUN_TIMEOUT_MS):
        tab.start_training()
    assert tab.messages.level == "info" and "mine.npz" in tab.messages.text
    assert tab.event_counts["Finished"] == 1
