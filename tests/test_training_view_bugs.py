"""Issue 14's Training bugs around the live view and the timeline, each driven through real widgets:
a stopped run's validation point, following the run again after scrubbing, "Paused", an honest
time left from the first batches, the curves in the timeline GIF and Play's speed."""

import os

import numpy as np
import pytest
from PIL import Image, ImageSequence
from PyQt6.QtCore import Qt

os.environ["CONVVIZ_OFFLINE"] = "1"

import convviz.training.session as session_module  # noqa: E402
from convviz.core.gif_curves import TREND, plot_box, x_pixel  # noqa: E402
from convviz.core.time_left import STEADY_BATCHES, WARM_UP_BATCHES, TimeLeft  # noqa: E402
from convviz.core.training_view import TrainingView  # noqa: E402
from convviz.training.events import BatchEnd, EpochEnd, Probe  # noqa: E402
from convviz.training.history import TrainingHistory  # noqa: E402
from convviz.ui.training.timeline_bar import PLAY_PER_SECOND  # noqa: E402
from convviz.ui.training.timeline_export import CURVES_WIDTH, run_curves_of  # noqa: E402
from convviz.ui.training.timeline_gif import CAPTION_HEIGHT  # noqa: E402
from scripted_session import ScriptedSession  # noqa: E402

STEPS = 5


def _probe(step: int) -> Probe:
    rng = np.random.default_rng(step + 10)
    return Probe(epoch=max(step, 0) // STEPS, step=step, sample=rng.random((28, 28, 1), np.float32), sample_label=7,
                 kernels={"conv1": rng.normal(size=(3, 3, 1, 8)).astype(np.float32)},
                 activations=(("conv1", rng.random((26, 26, 8), np.float32)),),
                 probabilities=np.full(10, 0.1, np.float32))


class EndlessSession(ScriptedSession):
    """STEPS batches an epoch, a probe after every batch, until stopped."""

    steps_per_epoch = STEPS
    probe_every = 1
    batches = None
    batch_seconds = 0.002
    instances: list = []

    def probe(self, step):
        return _probe(step)


@pytest.fixture
def tab(monkeypatch, training_tab):
    EndlessSession.instances = []
    monkeypatch.setattr(session_module, "TrainingSession", EndlessSession)
    return training_tab


def _batch(step: int, eta: float = 1.0) -> BatchEnd:
    return BatchEnd(step // STEPS, step % STEPS, STEPS, step, 2.0 / (step + 1), step / (step + 4), 100.0, eta)


# -- 1. a stopped run's validation point -------------------------------------------------------------

def test_a_run_stopped_mid_epoch_plots_its_validation_where_it_stopped(qtbot, training_tab):
    tab = training_tab
    events = [_batch(step) for step in range(STEPS)] + [EpochEnd(0, 1.0, 0.5, 1.1, 0.4, STEPS - 1)]
    events += [_batch(step) for step in range(STEPS, STEPS + 2)] + [EpochEnd(1, 0.9, 0.6, 1.0, 0.5, STEPS + 1)]
    tab.show_event(events)  # stopped after 2 batches of epoch 2: Keras still validates, at step 6
    tab.redraw(force=True)
    for metric in (tab.curves.loss, tab.curves.accuracy):
        xs, _ = metric.val_points.getData()
        assert list(xs) == pytest.approx([1.0, (STEPS + 2) / STEPS])  # 1.4, not 2.0
    assert "stopped" in tab.curves.toolTip()


# -- 2. after scrubbing, back to live ----------------------------------------------------------------

def _start(qtbot, tab):
    tab.panels.setCurrentWidget(tab.filters)
    assert tab.start_training()
    qtbot.waitUntil(lambda: tab.timeline.slider.maximum() >= 6, timeout=5000)


def test_scrubbed_during_training_it_stays_with_a_hint_and_resume_brings_it_back_live(qtbot, tab):
    _start(qtbot, tab)
    timeline, view = tab.timeline, tab.view
    assert not timeline.live_button.isEnabled()  # live already
    timeline.slider.setValue(2)
    pinned = view.pinned
    assert pinned is not None
    qtbot.waitUntil(lambda: timeline.slider.maximum() > 12, timeout=5000)
    assert view.pinned is pinned  # the user's choice holds while the run goes on
    assert "press End or click Live to follow" in timeline.label.text()
    assert view.moment_text(pinned) in timeline.label.text() and timeline.live_button.isEnabled()

    session = EndlessSession.instances[-1]
    qtbot.mouseClick(tab.controls.run_button, Qt.MouseButton.LeftButton)  # Pause
    qtbot.waitUntil(session.holding.is_set, timeout=5000)
    assert view.pinned is pinned
    qtbot.mouseClick(tab.controls.run_button, Qt.MouseButton.LeftButton)  # Resume: back to live
    assert view.is_live
    qtbot.waitUntil(lambda: timeline.slider.value() == timeline.slider.maximum()
                    and timeline.label.text().startswith("live"), timeout=5000)
    assert "follow" not in timeline.label.text() and not timeline.live_button.isEnabled()
    with qtbot.waitSignal(tab.task_finished, timeout=5000):
        tab.controls.stop_button.click()


def test_the_live_button_and_the_end_key_follow_the_run_again(qtbot, tab):
    _start(qtbot, tab)
    timeline, view = tab.timeline, tab.view
    timeline.slider.setValue(1)
    qtbot.waitUntil(lambda: timeline.live_button.isEnabled(), timeout=5000)
    qtbot.mouseClick(timeline.live_button, Qt.MouseButton.LeftButton)
    assert view.is_live
    timeline.slider.setValue(1)
    assert not view.is_live
    timeline.slider.setFocus()
    qtbot.keyClick(timeline.slider, Qt.Key.Key_End)
    assert view.is_live
    with qtbot.waitSignal(tab.task_finished, timeout=5000):
        tab.controls.stop_button.click()


def test_the_slider_right_end_is_live_even_when_snapshots_came_since_it_was_drawn(qtbot, training_tab):
    tab = training_tab
    tab.view.reset(TrainingHistory(), running=True)
    tab.show_event([_probe(step) for step in range(-1, 4)])
    tab.redraw(force=True)
    tab.timeline.slider.setValue(1)
    tab.show_event([_probe(step) for step in range(4, 8)])  # not drawn yet: the slider still ends at 4
    tab.timeline.slider.setValue(tab.timeline.slider.maximum())
    assert tab.view.is_live


# -- 3. "Paused" -------------------------------------------------------------------------------------

def test_a_paused_run_says_paused_and_its_time_left_holds_still(qtbot, tab):
    _start(qtbot, tab)
    progress = tab.progress
    assert progress.state.text() == "Training"
    session = EndlessSession.instances[-1]
    qtbot.mouseClick(tab.controls.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(session.holding.is_set, timeout=5000)
    qtbot.waitUntil(lambda: progress.state.text() == "Paused", timeout=2000)
    assert "Paused" in progress.title() and tab.timeline.label.text().startswith("paused")
    shown = progress.eta.text()
    for _ in range(3):
        tab.redraw(force=True)
        assert progress.eta.text() == shown
    qtbot.mouseClick(tab.controls.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: progress.state.text() == "Training" and "Paused" not in progress.title(), timeout=2000)
    with qtbot.waitSignal(tab.task_finished, timeout=5000):
        tab.controls.stop_button.click()


def test_an_ended_run_keeps_saying_so_when_the_tab_redraws_everything(qtbot, tab):
    _start(qtbot, tab)
    with qtbot.waitSignal(tab.task_finished, timeout=5000):
        tab.controls.stop_button.click()
    progress = tab.progress
    assert progress.state.text() == "Ended early" and progress.eta.text().startswith("stopped after")
    bar = progress.bar.value()
    tab.view.mark_all()  # as when the tab is shown again or a GIF export borrowed the pages
    tab.redraw(force=True)
    assert progress.state.text() == "Ended early" and progress.eta.text().startswith("stopped after")
    assert progress.bar.value() == bar


# -- 4. an honest first time left --------------------------------------------------------------------

def _session_like_etas(batch_seconds, total):
    """BatchEnd.eta_seconds as the session computes it: remaining * active seconds / done."""
    active = np.cumsum(batch_seconds)
    return [max(total - done, 0) * active[done - 1] / done for done in range(1, len(batch_seconds) + 1)]


def test_time_left_ignores_the_compiling_batches_and_estimates_only_once_steady():
    total, fast = 100, 0.05
    seconds = [3.0, 1.0] + [fast] * 60  # tracing and compiling, then the steady rate
    etas = _session_like_etas(seconds, total)
    time_left = TimeLeft(epochs=total // STEPS)
    for done, eta in enumerate(etas, start=1):
        time_left.add(_batch(done - 1, eta))
        truth = (total - done) * fast
        if done < WARM_UP_BATCHES + STEADY_BATCHES:
            assert time_left.seconds() is None, done
        else:
            assert time_left.seconds() == pytest.approx(truth, rel=0.01), done
    assert etas[WARM_UP_BATCHES + STEADY_BATCHES] > 10 * (total - 8) * fast  # what was shown before


def test_the_progress_panel_says_estimating_then_an_honest_time(qtbot, training_tab):
    progress, total = training_tab.progress, 100
    progress.reset(total // STEPS)
    etas = _session_like_etas([3.0, 1.0] + [0.05] * 20, total)
    progress.show_batch(_batch(0, etas[0]))
    assert progress.eta.text() == "estimating…"
    for done in range(2, 21):
        progress.show_batch(_batch(done - 1, etas[done - 1]))
    assert progress.eta.text() == "0:04"  # 80 batches at 0.05 s, not the 0:20 a mean with the warm-up gives


# -- 5. the GIF shows the curves ---------------------------------------------------------------------

def _trend_columns(frame: np.ndarray, box) -> np.ndarray:
    """Columns inside the loss plot ``box`` where the trend colour is drawn."""
    x0, y0, x1, y1 = box
    region = frame[y0 + 1:y1, x0 + 1:x1].astype(int)
    near = np.abs(region - np.asarray(TREND)).sum(axis=2) < 40
    return np.flatnonzero(near.any(axis=0)) + x0 + 1


def test_the_timeline_gif_shows_the_curves_up_to_each_frame(qtbot, training_tab, tmp_path):
    tab = training_tab
    tab.view.reset(TrainingHistory(), running=False)
    events = [_probe(-1)]
    for step in range(3 * STEPS):
        events.append(_batch(step))
        if step % 2 == 0:
            events.append(_probe(step))
        if step % STEPS == STEPS - 1:
            events.append(EpochEnd(step // STEPS, 1.0, 0.5, 1.0 / (step + 1), 0.5, step))
    tab.show_event(events)
    tab.panels.setCurrentWidget(tab.activations)
    tab.redraw(force=True)
    written = tab.export_gif_to(tmp_path / "run.gif")
    with Image.open(written) as gif:
        frames = [np.asarray(frame.convert("RGB")) for frame in ImageSequence.Iterator(gif)]
    probes, view = tab.history.probes, tab.view
    assert len(frames) == len(probes)
    page_width = frames[0].shape[1] - CURVES_WIDTH
    assert page_width == tab.activations.view.grab().width()  # the maps only, not the page's controls
    curves = run_curves_of(view)
    size = (CURVES_WIDTH, frames[0].shape[0] - CAPTION_HEIGHT)
    box = plot_box(size, 0)
    sides = [frame[CAPTION_HEIGHT:, page_width:] for frame in frames]
    assert all(not np.array_equal(a, b) for a, b in zip(sides[1:], sides[2:]))  # the curves grow frame by frame
    assert len(_trend_columns(sides[0], box)) == 0  # before training: no curve yet
    for probe, side in list(zip(probes, sides))[1:]:
        expected = x_pixel(view.x_of(probe), curves, box)
        columns = _trend_columns(side, box)
        assert abs(columns.max() - expected) <= 2.5, probe.step  # drawn up to this moment, not beyond
        assert abs(columns.min() - x_pixel(1 / STEPS, curves, box)) <= 2.5


# -- 6. Play's speed ---------------------------------------------------------------------------------

def test_play_has_a_keyboard_reachable_speed(qtbot, training_tab):
    timeline = training_tab.timeline
    combo = timeline.speed
    assert combo.toolTip() and combo.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert [combo.itemText(i) for i in range(combo.count())] == ["0.5×", "1×", "2×", "4×"]
    assert timeline.player.interval() == round(1000 / PLAY_PER_SECOND)
    training_tab.view.reset(TrainingHistory(), running=False)
    training_tab.show_event([_probe(step) for step in range(-1, 4)])
    training_tab.redraw(force=True)
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == "2×" and timeline.player.interval() == round(1000 / (2 * PLAY_PER_SECOND))
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert timeline.player.interval() == round(1000 / (4 * PLAY_PER_SECOND))
    timeline.slider.setValue(0)
    timeline.play_button.click()
    qtbot.waitUntil(lambda: not timeline.player.isActive(), timeout=3000)
    assert training_tab.view.is_live
