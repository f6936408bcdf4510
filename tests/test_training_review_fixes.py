"""The Training tab after a teacher's review: honest GIF captions, zoom that comes back, a layer table
that keeps its columns, a confusion matrix that grows with its cells, plots with room for their last
point, a plain timeline after a load, and file dialogs that remember their folder."""

import os

import numpy as np
import pyqtgraph as pg
import pytest
from PyQt6.QtWidgets import QFileDialog

os.environ["CONVVIZ_OFFLINE"] = "1"

import convviz.training.session as session_module  # noqa: E402
import convviz.ui.training.timeline_export as export_module  # noqa: E402
from convviz.training.events import LayerInfo, Probe  # noqa: E402
from scripted_session import ScriptedSession  # noqa: E402

pg.setConfigOptions(imageAxisOrder="row-major")
STEPS = 5
LAYERS = (LayerInfo("conv1", "Conv2D", (26, 26, 8), 80), LayerInfo("probabilities", "Dense", (10,), 54090))


def _probe(step: int) -> Probe:
    rng = np.random.default_rng(step + 10)
    return Probe(
        epoch=max(step, 0) // STEPS, step=step, sample=rng.random((28, 28, 1), np.float32), sample_label=7,
        kernels={"conv1": (rng.normal(size=(3, 3, 1, 8)) * (1 + step / 10)).astype(np.float32)},
        activations=(("conv1", rng.random((26, 26, 8), np.float32)), ("probabilities", np.full(10, 0.1, np.float32))),
        probabilities=np.full(10, 0.1, np.float32),
    )


class ReviewSession(ScriptedSession):
    """STEPS batches an epoch, a probe every other batch, a noisy loss and accuracy."""

    steps_per_epoch = STEPS
    probe_every = 2
    batch_seconds = 0.001
    layers = LAYERS
    instances: list = []

    def probe(self, step):
        return _probe(step)

    def accuracy(self, step):
        return 0.5 + 0.4 * (step % STEPS) / STEPS  # running means that climb within each epoch


@pytest.fixture
def tab(monkeypatch, training_tab):
    ReviewSession.instances = []
    monkeypatch.setattr(session_module, "TrainingSession", ReviewSession)
    return training_tab


def _run(qtbot, tab, epochs=3):
    tab.controls.epochs.setValue(epochs)
    with qtbot.waitSignal(tab.task_finished, timeout=20000):
        assert tab.start_training()


def _trend_by_hand(running_means, steps):
    """Each batch's own value from Keras' running means, then a bias-corrected exponential mean (alpha 0.1)."""
    values, previous = [], 0.0
    for mean, step in zip(running_means, steps):
        b = step % STEPS
        values.append(mean if b == 0 else (b + 1) * mean - b * previous)
        previous = mean
    trend, weighted, weight = [], 0.0, 0.0
    for value in values:
        weighted, weight = 0.9 * weighted + 0.1 * value, 0.9 * weight + 0.1
        trend.append(weighted / weight)
    return trend


# -- 1. the GIF caption says the trend the curves draw -----------------------------------------------

def test_gif_captions_give_the_trend_at_that_step_as_the_curves_draw_it(qtbot, tab, monkeypatch, tmp_path):
    _run(qtbot, tab, epochs=3)
    captions = []
    real = export_module.captioned
    monkeypatch.setattr(export_module, "captioned",
                        lambda pixmap, text, beside=None: captions.append(text) or real(pixmap, text, beside))
    tab.panels.setCurrentWidget(tab.activations)
    tab.export_gif_to(tmp_path / "run.gif")
    history = tab.history
    loss = _trend_by_hand(history.batch_loss, history.batch_steps)
    accuracy = _trend_by_hand(history.batch_accuracy, history.batch_steps)
    probes = history.probes
    steps = list(history.batch_steps)
    curve_x, curve_loss = tab.curves.loss.trend_curve.getData()
    expected = {"before training"}
    for probe in probes[1:]:  # the first is "before training"
        at = steps.index(probe.step)
        expected.add(f"epoch {probe.epoch + 1} · batch {probe.step % STEPS + 1} · "
                     f"loss (trend) {loss[at]:.3f} · acc (trend) {accuracy[at]:.1%}")
        x = (probe.step + 1) / STEPS
        assert curve_loss[np.argmin(abs(curve_x - x))] == pytest.approx(loss[at])  # the curve beside agrees
    assert set(captions) == expected  # (the GIF writer may render a frame twice)
    assert any(f"{history.batch_accuracy[steps.index(p.step)]:.1%}" not in " ".join(captions) for p in probes[1:])


def test_gif_frames_hold_the_maps_only_and_the_dialog_names_the_page(qtbot, tab, monkeypatch, tmp_path):
    _run(qtbot, tab, epochs=1)
    sizes = []
    real = export_module.captioned
    monkeypatch.setattr(export_module, "captioned",
                        lambda pixmap, text, beside=None: sizes.append((pixmap.size(), text)) or real(pixmap, text, beside))
    titles = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda parent, title, name, *rest: titles.append((title, name)) or ("", ""))
    tab.panels.setCurrentWidget(tab.filters)
    tab.timeline.export_button.click()
    assert titles[-1] == ("Export the timeline of the Filters page as GIF", "timeline-filters.gif")
    tab.export_gif_to(tmp_path / "filters.gif")
    assert sizes[-1][0] == tab.filters.view.size()  # not the Layer / Input channel row above it
    assert sizes[-1][1].endswith("85.4% · conv1 filters")  # one input channel: no channel to name
    tab.panels.setCurrentWidget(tab.activations)
    tab.timeline.export_button.click()
    assert titles[-1] == ("Export the timeline of the Activations page as GIF", "timeline-activations.gif")
    assert "Activations" in tab.timeline.export_button.toolTip()
    tab.export_gif_to(tmp_path / "maps.gif")
    assert sizes[-1][0] == tab.activations.view.size()


# -- 2. zoom in, then back: the 100% layout fits again --------------------------------------------

@pytest.fixture
def window(main_window):
    """The real MainWindow on the Training tab at 1024x768 (see conftest's main_window)."""
    main_window.tabs.setCurrentWidget(main_window.training)
    return main_window


def _ranges(window):
    area = window.centralWidget()
    return area.verticalScrollBar().maximum(), area.horizontalScrollBar().maximum()


def test_zooming_in_and_back_leaves_the_training_tab_fitting_as_before(qtbot, window):
    from convviz.ui.zoom import zoom_level

    qtbot.waitUntil(lambda: _ranges(window) == (0, 0), timeout=3000)
    zoom_level().set_factor(1.46)
    timeline = window.training.timeline
    qtbot.waitUntil(lambda: _ranges(window)[0] > 0, timeout=3000)  # zoomed in: the page scrolls down
    qtbot.wait(50)  # the deferred re-measuring runs on the next event-loop turns
    assert timeline.slider.width() >= 100  # a slider, not a stub
    bold = timeline.label.font()
    bold.setBold(True)
    from PyQt6.QtGui import QFontMetrics
    assert timeline.label.width() >= QFontMetrics(bold).horizontalAdvance("viewing epoch 99, batch 9999")
    controls = window.training.controls
    assert controls.data.width() >= controls.data.fontMetrics().horizontalAdvance("MNIST (auto)")
    assert controls.note.height() >= controls.note.heightForWidth(controls.note.width())  # the whole note
    zoom_level().reset()
    qtbot.waitUntil(lambda: _ranges(window) == (0, 0), timeout=3000)
