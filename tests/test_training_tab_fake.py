"""The Training tab driven by a fake session (no TensorFlow): events reach the panels, errors reach
the message bar, the buttons pause, resume and stop, shutdown ends the worker."""

import os

import numpy as np
import pytest
import pyqtgraph as pg

os.environ["CONVVIZ_OFFLINE"] = "1"

import convviz.training.session as session_module  # noqa: E402
from convviz.training.events import (  # noqa: E402
    BatchEnd, EpochEnd, LayerInfo, Probe,
)
from convviz.ui.training.curves_panel import batch_value  # noqa: E402
from convviz.core.tiling import grid_shape, strip, tile_maps  # noqa: E402
from scripted_session import ScriptedSession  # noqa: E402

pg.setConfigOptions(imageAxisOrder="row-major")
RNG = np.random.default_rng(0)
CONFUSION = RNG.integers(0, 50, size=(10, 10))
LAYERS = (LayerInfo("conv1", "Conv2D", (26, 26, 8), 80), LayerInfo("flatten", "Flatten", (5408,), 0),
          LayerInfo("probabilities", "Dense", (10,), 54090))


def _probe(step):
    return Probe(
        epoch=0, step=step, sample=RNG.random((28, 28, 1)), sample_label=7,
        kernels={"conv1": RNG.normal(size=(3, 3, 1, 8))},
        activations=(("conv1", RNG.random((26, 26, 8))), ("flatten", RNG.random(5408)),
                     ("probabilities", np.full(10, 0.1))),
        probabilities=np.full(10, 0.1),
    )


class FakeSession(ScriptedSession):
    """Four batches an epoch, a probe every third batch, accuracy 0.5."""

    layers = LAYERS
    confusion = CONFUSION
    instances: list = []

    def probe(self, step):
        return _probe(step)

    def accuracy(self, step):
        return 0.5


@pytest.fixture
def tab(monkeypatch, training_tab):
    FakeSession.instances = []
    monkeypatch.setattr(session_module, "TrainingSession", FakeSession)
    return training_tab


def _run(qtbot, tab, monkeypatch, **fake):
    for name, value in fake.items():
        monkeypatch.setattr(FakeSession, name, value)
    with qtbot.waitSignal(tab.task_finished, timeout=10000) as blocker:
        assert tab.start_training()
    return blocker.args[0]


def test_events_reach_every_panel(qtbot, tab, monkeypatch):
    tab.controls.epochs.setValue(3)
    assert _run(qtbot, tab, monkeypatch) == "train"
    assert tab.curves.batch_count == 12 == tab.event_counts["BatchEnd"]
    assert tab.curves.loss.batches.values[0] == pytest.approx(2.0)
    assert len(tab.curves.loss.val) == 3
    assert tab.preview.labels == list(range(9))
    assert tab.summary.row_params() == [layer.params for layer in LAYERS]
    assert tab.summary.total_params == 54170
    np.testing.assert_array_equal(tab.results.shown_counts(), CONFUSION)
    assert tab.progress.bar.value() == tab.progress.bar.maximum()
    assert tab.messages.level == "warning" and "fake digits" in tab.messages.text
    tab.panels.setCurrentWidget(tab.filters)
    assert tab.filters.shown_count == 8
    tab.panels.setCurrentWidget(tab.activations)
    assert tab.activations.names == ["input", "conv1", "flatten", "probabilities"]
    assert tab.controls.state == "idle" and tab.controls.save_button.isEnabled()


def test_failed_event_shows_error_and_resets_controls(qtbot, tab, monkeypatch):
    _run(qtbot, tab, monkeypatch, fail_with="the digits file is truncated")
    assert tab.messages.level == "error"
    assert tab.messages.text == "the digits file is truncated"
    assert tab.controls.state == "idle"
    assert tab.controls.run_button.isEnabled() and tab.controls.run_button.text() == "Train"
    assert not tab.controls.save_button.isEnabled()  # no finished model to save


def test_exception_escaping_the_session_reaches_the_message_bar(qtbot, tab, monkeypatch):
    _run(qtbot, tab, monkeypatch, raise_in_run=RuntimeError("worker exploded\nsecond line"))
    assert tab.messages.level == "error" and tab.messages.text == "worker exploded"
    assert tab.controls.state == "idle" and tab.controls.epochs.isEnabled()


def test_buttons_pause_resume_and_stop(qtbot, tab, monkeypatch):
    monkeypatch.setattr(FakeSession, "batches", None)
    tab.controls.run_button.click()
    assert tab.controls.state == "running" and tab.controls.run_button.text() == "Pause"
    qtbot.waitUntil(lambda: tab.curves.batch_count >= 3, timeout=5000)
    session = FakeSession.instances[-1]
    tab.controls.run_button.click()
    assert tab.controls.run_button.text() == "Resume" and session.paused
    qtbot.waitUntil(session.holding.is_set, timeout=5000)
    held_at = tab.curves.batch_count
    tab.controls.run_button.click()
    assert tab.controls.run_button.text() == "Pause" and not session.paused
    qtbot.waitUntil(lambda: tab.curves.batch_count > held_at + 2, timeout=5000)
    with qtbot.waitSignal(tab.task_finished, timeout=5000):
        tab.controls.stop_button.click()
    assert "stopped early" in tab.results.summary.text()
    assert tab.controls.state == "idle"


def test_shutdown_mid_run_ends_the_thread(qtbot, tab, monkeypatch):
    monkeypatch.setattr(FakeSession, "batches", None)
    tab.start_training()
    qtbot.waitUntil(lambda: tab.curves.batch_count > 0, timeout=5000)
    thread = tab.task.thread
    tab.shutdown()
    assert not thread.isRunning()


def test_batch_value_recovers_each_batch_from_running_means():
    values = RNG.random(20)
    running = np.cumsum(values) / np.arange(1, 21)
    recovered = [batch_value(running[b], running[b - 1] if b else 0.0, b) for b in range(20)]
    np.testing.assert_allclose(recovered, values, rtol=1e-9)


def test_tile_maps_places_each_map_row_by_row():
    maps = np.arange(2 * 3 * 5, dtype=np.float32).reshape(2, 3, 5)
    image = tile_maps(maps, cols=2, gap=1)
    assert image.shape == (3 * 2 + 2, 2 * 3 + 1)
    np.testing.assert_array_equal(image[3:5, 4:7], maps[:, :, 3])
    np.testing.assert_array_equal(image[6:8, 0:3], maps[:, :, 4])
    assert np.isnan(image[6:8, 4:7]).all() and np.isnan(image[2]).all()
    assert grid_shape(32, aspect=2.0) == (4, 8)
    np.testing.assert_array_equal(strip(np.arange(5), width=2)[2], [4, np.nan])


def test_coalescer_bundles_batches_and_keeps_the_order():
    from convviz.ui.training.batch_coalescer import BatchCoalescer

    bundles, flush = [], []
    coalescer = BatchCoalescer(bundles.append, interval=1e9, flush_now=lambda: bool(flush))
    batches = [BatchEnd(0, b, 4, b, 1.0, 0.5, 10.0, 1.0) for b in range(4)]
    epoch = EpochEnd(0, 1.0, 0.5, 1.0, 0.5, 3)
    for event in batches[:3]:
        coalescer(event)
    assert bundles == []  # held: the interval has not passed
    coalescer(epoch)
    assert bundles == [batches[:3] + [epoch]]
    flush.append(True)  # e.g. a pause was requested: send at once
    coalescer(batches[3])
    assert bundles[-1] == [batches[3]]
    every = []
    eager = BatchCoalescer(every.append, interval=0.0)
    for event in batches:
        eager(event)
    assert every == [[event] for event in batches]


def test_file_menu_wiring_uses_the_chosen_path(qtbot, monkeypatch, tmp_path, training_tab):
    import convviz.ui.training.file_dialogs as dialogs

    monkeypatch.setattr(dialogs, "ask_npz_path", lambda parent: str(tmp_path / "mine.npz"))
    monkeypatch.setattr(dialogs, "ask_model_path", lambda parent: "")  # the user cancels
    widget = training_tab
    widget.controls.open_data.menu().actions()[0].trigger()
    assert widget.controls.settings()["data"] == str(tmp_path / "mine.npz")
    assert widget.controls.data.currentText() == "mine.npz"
    widget.controls.load_button.click()
    assert not widget.is_busy()  # cancelled: nothing started


def test_data_warnings_reach_the_message_bar(qtbot, tab, monkeypatch):
    """Each warning a DataReady carries is shown, after where the data came from."""
    from dataclasses import replace

    from convviz.training.events import DataReady

    warnings = ("3 images were skipped: not 28x28.", "Labels 7 and 9 have no test images.")

    class WarningSession(FakeSession):
        def run(self, emit):
            def with_warnings(event):
                data = isinstance(event, DataReady)  # not a fallback: the warnings alone make it a warning
                emit(replace(event, warnings=warnings, is_fallback=False) if data else event)

            return super().run(with_warnings)

    monkeypatch.setattr(session_module, "TrainingSession", WarningSession)
    shown = []
    tab.messages.shown.connect(lambda level, text: shown.append((level, text)))
    assert _run(qtbot, tab, monkeypatch) == "train"
    level, text = next((level, text) for level, text in shown if "fake digits" in text)
    assert level == "warning" and text.startswith("Training on fake digits.")
    assert all(warning in text for warning in warnings)


def test_finished_runs_are_let_go(qtbot, tab, monkeypatch):
    import gc
    import weakref

    tasks, sessions = [], []
    for _ in range(3):
        with qtbot.waitSignal(tab.task_finished, timeout=10000):
            assert tab.start_training()
            tasks.append(weakref.ref(tab.task))
            sessions.append(weakref.ref(tab.session))
    FakeSession.instances.clear()  # the fake's own bookkeeping must not keep them alive
    qtbot.waitUntil(lambda: all(t() is None or not t().thread.isRunning() for t in tasks), timeout=5000)
    with qtbot.waitSignal(tab.task_finished, timeout=10000):
        assert tab.start_training()  # the next run prunes the tasks whose threads have ended
    gc.collect()
    assert tasks[0]() is None and tasks[1]() is None  # earlier runs' workers: freed
    assert sessions[0]() is None and sessions[1]() is None  # and their sessions, data and models
