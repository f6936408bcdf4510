"""The training timeline: the slider spans the kept snapshots, pins the filters and activations panels
to one of them with a cursor on the curves, returns to live at its end, plays back, and exports a GIF."""

import os

import numpy as np
import pyqtgraph as pg
import pytest
from PIL import Image, ImageSequence
from PyQt6.QtCore import Qt

os.environ["CONVVIZ_OFFLINE"] = "1"

import convviz.training.session as session_module  # noqa: E402
import convviz.ui.training.timeline_bar as timeline_module  # noqa: E402
import convviz.ui.training.timeline_export as export_module  # noqa: E402
from convviz.training.events import (  # noqa: E402
    LayerInfo, Probe,
)
from convviz.ui.training.filters_panel import ASPECT  # noqa: E402
from convviz.ui.training.timeline_export import CURVES_WIDTH  # noqa: E402
from convviz.ui.training.timeline_gif import CAPTION_HEIGHT  # noqa: E402
from convviz.core.tiling import grid_shape, tile_maps  # noqa: E402
from scripted_session import ScriptedSession  # noqa: E402

pg.setConfigOptions(imageAxisOrder="row-major")
STEPS = 5  # batches per epoch in the fake runs
LAYERS = (LayerInfo("conv1", "Conv2D", (26, 26, 8), 80), LayerInfo("probabilities", "Dense", (10,), 54090))


def _probe(step: int) -> Probe:
    rng = np.random.default_rng(step + 10)  # every moment looks different
    return Probe(
        epoch=max(step, 0) // STEPS, step=step, sample=rng.random((28, 28, 1), np.float32), sample_label=7,
        kernels={"conv1": (rng.normal(size=(3, 3, 1, 8)) * (1 + step / 10)).astype(np.float32)},
        activations=(("conv1", rng.random((26, 26, 8), np.float32)), ("probabilities", np.full(10, 0.1, np.float32))),
        probabilities=np.full(10, 0.1, np.float32),
    )


class TimelineSession(ScriptedSession):
    """STEPS batches an epoch and a probe after every batch."""

    steps_per_epoch = STEPS
    probe_every = 1
    batch_seconds = 0.001
    layers = LAYERS
    instances: list = []

    def probe(self, step):
        return _probe(step)


@pytest.fixture
def tab(monkeypatch, training_tab):
    TimelineSession.instances = []
    monkeypatch.setattr(session_module, "TrainingSession", TimelineSession)
    return training_tab


def _run(qtbot, tab, monkeypatch, epochs=3, batches=0):
    monkeypatch.setattr(TimelineSession, "batches", batches)
    tab.controls.epochs.setValue(epochs)
    with qtbot.waitSignal(tab.task_finished, timeout=20000):
        assert tab.start_training()


def _filters_of(probe):
    _, cols = grid_shape(8, aspect=ASPECT)
    return tile_maps(probe.kernels["conv1"][:, :, 0, :], cols=cols)


def _conv1_maps_of(probe):
    _, cols = grid_shape(8, aspect=1.5)
    return tile_maps(probe.activations[0][1], cols=cols)


def test_slider_spans_the_kept_snapshots_and_stays_bounded(qtbot, tab, monkeypatch):
    _run(qtbot, tab, monkeypatch, epochs=100)  # 501 probes
    history = tab.history
    assert len(history.batch_steps) == 500 == tab.curves.batch_count
    kept = history.probes
    assert 2 <= len(kept) <= history.max_snapshots
    assert tab.timeline.slider.maximum() + 1 == len(kept)
    assert tab.timeline.slider.value() == tab.timeline.slider.maximum() and tab.view.is_live
    assert kept[0].step == -1 and kept[-1].step == 499  # the whole run, first to last
    assert tab.timeline.label.text().endswith(f"{len(kept)}/{len(kept)} (max {history.max_snapshots})")
    assert "thinned evenly" in tab.timeline.slider.toolTip()


def test_slider_pins_the_panels_and_puts_the_cursor_at_the_step(qtbot, tab, monkeypatch):
    _run(qtbot, tab, monkeypatch, epochs=3)
    timeline, view, probes = tab.timeline, tab.view, tab.history.probes
    assert len(probes) == 16  # before training + 15 batches: all kept
    tab.panels.setCurrentWidget(tab.filters)
    timeline.slider.setValue(7)
    chosen = probes[7]
    assert view.pinned is chosen and not view.is_live
    np.testing.assert_array_equal(tab.filters.image.image, _filters_of(chosen))
    for cursor in tab.curves.cursors:
        assert cursor.isVisible()
        assert cursor.value() == pytest.approx(tab.curves.x.values[chosen.step])  # the curve's own x there
    epoch, batch = divmod(chosen.step, STEPS)
    assert timeline.label.text().startswith(f"epoch {epoch + 1}, batch {batch + 1}")

    tab.panels.setCurrentWidget(tab.activations)
    np.testing.assert_array_equal(tab.activations.images["conv1"].image, _conv1_maps_of(chosen))
    np.testing.assert_array_equal(tab.activations.images["input"].image, chosen.sample[:, :, 0])

    timeline.slider.setFocus()
    qtbot.keyClick(timeline.slider, Qt.Key.Key_Left)
    assert timeline.slider.value() == 6 and view.pinned is probes[6]
    np.testing.assert_array_equal(tab.activations.images["conv1"].image, _conv1_maps_of(probes[6]))

    qtbot.keyClick(timeline.slider, Qt.Key.Key_End)
    assert view.is_live and not any(cursor.isVisible() for cursor in tab.curves.cursors)
    np.testing.assert_array_equal(tab.activations.images["conv1"].image, _conv1_maps_of(probes[-1]))
    tab.panels.setCurrentWidget(tab.filters)
    np.testing.assert_array_equal(tab.filters.image.image, _filters_of(probes[-1]))


def test_a_pinned_snapshot_stays_while_training_goes_on_and_the_end_is_live(qtbot, tab, monkeypatch):
    monkeypatch.setattr(TimelineSession, "batches", None)
    tab.panels.setCurrentWidget(tab.filters)
    assert tab.start_training()
    timeline, view = tab.timeline, tab.view
    qtbot.waitUntil(lambda: timeline.slider.maximum() >= 6, timeout=5000)
    assert view.is_live and timeline.label.text().startswith("live")
    timeline.slider.setValue(3)
    pinned = view.pinned
    seen = len(tab.history.batch_steps)
    qtbot.waitUntil(lambda: len(tab.history.batch_steps) > seen + 10 and timeline.slider.maximum() > 12,
                    timeout=5000)
    assert view.pinned is pinned and view.snapshots[timeline.slider.value()] is pinned
    np.testing.assert_array_equal(tab.filters.image.image, _filters_of(pinned))

    session = TimelineSession.instances[-1]
    tab.controls.run_button.click()  # pause, so "the newest" holds still
    qtbot.waitUntil(session.holding.is_set, timeout=5000)
    qtbot.waitUntil(lambda: view.snapshots and view.snapshots[-1] is tab.history.probes[-1], timeout=5000)
    timeline.slider.setValue(timeline.slider.maximum())
    assert view.is_live
    np.testing.assert_array_equal(tab.filters.image.image, _filters_of(tab.history.probes[-1]))
    with qtbot.waitSignal(tab.task_finished, timeout=5000):
        tab.controls.stop_button.click()
    assert timeline.slider.isEnabled()  # after the run it still scrubs the whole run
    assert timeline.label.text().startswith("end ·")


def test_play_steps_through_every_snapshot_to_the_end(qtbot, tab, monkeypatch):
    _run(qtbot, tab, monkeypatch, epochs=1)
    timeline = tab.timeline
    timeline.slider.setValue(0)
    visited = []
    timeline.slider.valueChanged.connect(visited.append)
    timeline.play_button.click()
    assert timeline.player.isActive() and "Pause" in timeline.play_button.text()
    qtbot.waitUntil(lambda: not timeline.player.isActive(), timeout=5000)
    assert visited == list(range(1, timeline.slider.maximum() + 1))
    assert tab.view.is_live and "Play" in timeline.play_button.text()


def _frames(path):
    """The frames of a GIF, without their caption band (so "they differ" means the pictures differ)."""
    with Image.open(path) as gif:
        return [np.asarray(frame.convert("RGB"))[CAPTION_HEIGHT:] for frame in ImageSequence.Iterator(gif)]


def test_gif_has_one_frame_per_snapshot_and_they_differ(qtbot, tab, monkeypatch, tmp_path):
    _run(qtbot, tab, monkeypatch, epochs=2)
    timeline = tab.timeline
    timeline.slider.setValue(4)
    tab.panels.setCurrentWidget(tab.summary)  # not a picture page: the export shows the filters
    written = tab.export_gif_to(tmp_path / "run.gif")
    frames = _frames(written)
    assert len(frames) == len(tab.history.probes) == 11
    assert not np.array_equal(frames[0], frames[-1])
    assert not np.array_equal(frames[1], frames[2])
    assert frames[0].shape[1] == tab.filters.view.grab().width() + CURVES_WIDTH  # the maps only, the curves beside
    assert tab.panels.currentWidget() is tab.summary and tab.view.pinned is tab.history.probes[4]  # as before
    assert sorted(os.listdir(tmp_path)) == ["run.gif"]  # no temp file left

    tab.panels.setCurrentWidget(tab.activations)
    frames = _frames(tab.export_gif_to(tmp_path / "maps.gif"))
    assert len(frames) == 11 and not np.array_equal(frames[0], frames[-1])
    assert frames[0].shape[1] == tab.activations.view.grab().width() + CURVES_WIDTH


def test_a_failed_export_leaves_no_file(qtbot, tab, monkeypatch, tmp_path):
    _run(qtbot, tab, monkeypatch, epochs=1)
    calls = []
    real = export_module.captioned

    def failing(pixmap, text, beside=None):
        calls.append(text)
        if len(calls) == 5:
            raise OSError("disk full")
        return real(pixmap, text, beside)

    monkeypatch.setattr(export_module, "captioned", failing)
    with pytest.raises(OSError, match="disk full"):
        tab.export_gif_to(tmp_path / "run.gif")
    assert os.listdir(tmp_path) == []
    with pytest.raises(ValueError, match=r"\.gif"):
        tab.export_gif_to(tmp_path / "run.png")
    assert os.listdir(tmp_path) == []

    monkeypatch.setattr(timeline_module.QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(tmp_path / "missing" / "run.gif"), ""))
    tab.timeline.export_button.click()
    qtbot.waitUntil(lambda: tab.messages.level == "error", timeout=5000)
    assert tab.messages.text == "Could not export the timeline: No such file or directory"
    assert os.listdir(tmp_path) == []


def test_a_new_run_starts_an_empty_timeline(qtbot, tab, monkeypatch):
    _run(qtbot, tab, monkeypatch, epochs=2)
    first = tab.history
    tab.timeline.slider.setValue(2)
    _run(qtbot, tab, monkeypatch, epochs=1)
    assert tab.history is not first
    assert len(tab.history.probes) == 6 == tab.timeline.slider.maximum() + 1
    assert tab.view.is_live and tab.timeline.slider.value() == tab.timeline.slider.maximum()


def test_a_tiny_real_run_fills_the_timeline(qtbot, training_tab, tmp_path):
    """Real TensorFlow: the seed model on 300 digits, a probe every 2 batches."""
    widget = training_tab
    widget.limit, widget.probe_every = 300, 2
    widget.controls.epochs.setValue(1)
    widget.controls.batch_size.setValue(64)
    with qtbot.waitSignal(widget.task_finished, timeout=120000):
        assert widget.start_training()
    assert widget.messages.level != "error", widget.messages.text
    probes = widget.history.probes
    assert probes[0].step == -1 and probes[-1].step == len(widget.history.batch_steps) - 1 == 4
    assert widget.timeline.slider.maximum() + 1 == len(probes) >= 3
    widget.panels.setCurrentWidget(widget.filters)
    widget.timeline.slider.setValue(0)  # before training: the initial random kernels
    kernel = probes[0].kernels["conv1"]
    rows, cols = grid_shape(kernel.shape[-1], aspect=ASPECT)
    np.testing.assert_array_equal(widget.filters.image.image, tile_maps(kernel[:, :, 0, :], cols=cols))
    from convviz.training.storage import load_model

    model = widget.model if widget.model is not None else load_model(widget.model_path)  # the run's saved model
    trained = np.asarray(model.get_layer("conv1").kernel)
    assert not np.allclose(kernel, trained) and np.allclose(probes[-1].kernels["conv1"], trained)
    frames = _frames(widget.export_gif_to(tmp_path / "real.gif"))
    assert len(frames) == len(probes) and not np.array_equal(frames[0], frames[-1])


def test_a_pinned_snapshot_that_gets_thinned_out_gives_way_to_the_nearest_older_one(qtbot, tab):
    from convviz.training.history import TrainingHistory

    timeline, view = tab.timeline, tab.view
    tab.panels.setCurrentWidget(tab.filters)
    history = TrainingHistory(max_snapshots=8)
    view.reset(history)
    for step in range(-1, 6):
        view.add_probe(_probe(step))
    tab.redraw()
    assert timeline.slider.maximum() == 6  # 7 kept, none thinned yet
    timeline.slider.setValue(3)  # step 2: the first thinning keeps every second one, and drops it
    pinned_step = view.pinned.step
    for step in range(6, 40):
        view.add_probe(_probe(step))
    tab.redraw()
    kept = history.probes
    assert pinned_step not in [p.step for p in kept]
    assert len(kept) <= 8 and timeline.slider.maximum() + 1 == len(kept)
    shown = kept[timeline.slider.value()]
    assert view.pinned is shown and shown.step == max(p.step for p in kept if p.step <= pinned_step)
    np.testing.assert_array_equal(tab.filters.image.image, _filters_of(shown))


def test_a_started_timeline_export_runs_from_the_event_loop(qtbot, tab, monkeypatch, tmp_path):
    from PyQt6.QtWidgets import QProgressDialog, QPushButton

    from convviz.ui.training.timeline_export import start_timeline_gif_export

    _run(qtbot, tab, monkeypatch, epochs=2)
    tab.timeline.slider.setValue(4)
    worker = start_timeline_gif_export(tab, tmp_path / "run.gif", tab.view, tab.painter, tab.messages)
    with qtbot.waitSignal(worker.done, timeout=20000):
        pass
    assert len(_frames(tmp_path / "run.gif")) == len(tab.history.probes) == 11
    assert tab.messages.text.endswith("(11 frames).") and tab.view.pinned is tab.history.probes[4]

    worker = start_timeline_gif_export(tab, tmp_path / "cancelled.gif", tab.view, tab.painter, tab.messages)
    dialog = [d for d in tab.findChildren(QProgressDialog) if d.parent() is tab][-1]
    worker.progress.connect(lambda value: value[0] == 3 and dialog.findChild(QPushButton).click())
    with qtbot.waitSignal(worker.finished, timeout=20000):
        pass
    assert tab.messages.text == "GIF export cancelled; nothing was written."
    assert sorted(os.listdir(tmp_path)) == ["run.gif"]

    worker = start_timeline_gif_export(tab, tmp_path / "missing" / "run.gif", tab.view, tab.painter, tab.messages)
    with qtbot.waitSignal(worker.failed, timeout=20000):
        pass
    assert tab.messages.level == "error"
    assert tab.messages.text == "Could not export the timeline: No such file or directory"
    assert sorted(os.listdir(tmp_path)) == ["run.gif"]
