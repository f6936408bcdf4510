"""Map titles drawn by pyqtgraph (Training activations, Inspector maps) and the replay's verdict read
in the dark theme: measured on the rendered pixels against the plot's background, in the real
window, with the theme chosen in View > Theme before the maps appear and while they are on show."""

import os

import numpy as np
import pytest
from PyQt6.QtGui import QColor, QPalette

os.environ["CONVVIZ_OFFLINE"] = "1"

import convviz.training.session as session_module  # noqa: E402
from convviz.training.events import LayerInfo, Probe  # noqa: E402
from scripted_session import ScriptedSession  # noqa: E402

RNG = np.random.default_rng(3)


class TitledSession(ScriptedSession):
    """One epoch of four batches with a conv layer's maps probed."""

    layers = (LayerInfo("conv1", "Conv2D", (26, 26, 8), 80), LayerInfo("probabilities", "Dense", (10,), 54090))

    def probe(self, step):
        return Probe(epoch=0, step=step, sample=RNG.random((28, 28, 1)), sample_label=7,
                     kernels={"conv1": RNG.normal(size=(3, 3, 1, 8))},
                     activations=(("conv1", RNG.random((26, 26, 8))), ("probabilities", np.full(10, 0.1))),
                     probabilities=np.full(10, 0.1))


@pytest.fixture
def window(main_window):
    """The real window; the light theme again afterwards (the palette is application-wide)."""
    yield main_window
    main_window.theme_actions["light"].trigger()


def text_lightness(view, label) -> tuple[int, int]:
    """(the lightest and darkest pixel) drawn over ``label``'s area of ``view``, rendered."""
    rect = view.mapFromScene(label.sceneBoundingRect()).boundingRect().intersected(view.viewport().rect())
    image = view.viewport().grab(rect).toImage()
    values = [QColor(image.pixel(x, y)).lightness() for x in range(image.width()) for y in range(image.height())]
    return max(values), min(values)


def assert_titles_read(view, labels, look):
    """Each title has glyphs far from the background's lightness, on the right side of it."""
    background = view.backgroundBrush().color().lightness()
    assert (background < 80) == (look == "dark"), f"the {look} theme's plots have background lightness {background}"
    assert labels
    for label in labels:
        lightest, darkest = text_lightness(view, label)
        if look == "dark":
            assert lightest - background > 120, f"title {label.text!r}: text {lightest} on background {background}"
        else:
            assert background - darkest > 120, f"title {label.text!r}: text {darkest} on background {background}"


def _train(qtbot, window, monkeypatch):
    monkeypatch.setattr(session_module, "TrainingSession", TitledSession)
    tab = window.training
    window.tabs.setCurrentWidget(tab)
    tab.trainer = "thread"
    tab.controls.epochs.setValue(1)
    tab.panels.setCurrentWidget(tab.activations)
    with qtbot.waitSignal(tab.task_finished, timeout=10000):
        assert tab.start_training()
    tab.panels.setCurrentWidget(tab.activations)
    qtbot.waitUntil(lambda: tab.activations.names == ["input", "conv1", "probabilities"], timeout=5000)
    return tab.activations


def test_activation_titles_read_when_the_run_starts_in_the_dark(qtbot, window, monkeypatch):
    window.theme_actions["dark"].trigger()
    panel = _train(qtbot, window, monkeypatch)
    assert_titles_read(panel.view, list(panel.titles.values()), "dark")


def test_activation_titles_follow_a_switch_while_on_show(qtbot, window, monkeypatch):
    window.theme_actions["light"].trigger()
    panel = _train(qtbot, window, monkeypatch)
    assert_titles_read(panel.view, list(panel.titles.values()), "light")
    window.theme_actions["dark"].trigger()
    assert_titles_read(panel.view, list(panel.titles.values()), "dark")


def test_inspector_titles_and_verdict_read_in_the_dark(qtbot, window):
    keras = pytest.importorskip("keras")
    import pyqtgraph as pg
    from test_inspector_tab import click_map_cell

    window.theme_actions["dark"].trigger()
    tab = window.inspector
    window.tabs.setCurrentWidget(tab)
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(4, 3, activation="relu", name="conv1"),
                              keras.layers.Flatten(name="flatten"), keras.layers.Dense(10, name="dense")])
    with qtbot.waitSignal(tab.inspected, timeout=30000):
        tab.use_model(model, "test model")
    titles = [item for item in tab.maps.items() if isinstance(item, pg.LabelItem) and "conv1" in item.text]
    assert_titles_read(tab.maps, titles, "dark")

    click_map_cell(qtbot, tab, 0, 3, 4)
    qtbot.waitUntil(lambda: "the same" in tab.replay_panel.text.text() or "differs" in tab.replay_panel.text.text(), timeout=10000)
    window_colour = tab.replay_panel.palette().color(QPalette.ColorRole.Window)
    verdict = verdict_colour(tab.replay_panel.text.text())
    assert verdict.lightness() - window_colour.lightness() > 90, f"verdict {verdict.name()} on {window_colour.name()}"
    window.theme_actions["light"].trigger()  # while on show: dark enough on the light window again
    qtbot.waitUntil(lambda: tab.replay_panel.palette().color(QPalette.ColorRole.Window).lightness() > 128, timeout=3000)
    window_colour = tab.replay_panel.palette().color(QPalette.ColorRole.Window)
    verdict = verdict_colour(tab.replay_panel.text.text())
    assert window_colour.lightness() - verdict.lightness() > 90, f"verdict {verdict.name()} on {window_colour.name()}"


def verdict_colour(text: str) -> QColor:
    """The colour of the span holding ✓ or ✗ in the replay's rich text."""
    head = text[:max(text.find("✓"), text.find("✗"))]
    return QColor(head[head.rfind("color:") + 6:].split("'")[0].strip())
