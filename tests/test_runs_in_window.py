"""Runs are folders in the app: File > Open run… shows one (live while it grows), Compare with run…
overlays another's curves with a legend entry in both plots, a finished run's model goes to Save model…
and the inspector. Run folders written without Keras, but one made by a short real `convviz train`."""

import os

import pytest
from PyQt6.QtWidgets import QFileDialog

from convviz.core.runs import RunReader, RunWriter, default_runs_dir
from convviz.training.events import EVENT_TYPES
from runs_fakes import STEPS, batch, data_ready, model_ready, probe, write_run


@pytest.fixture
def window(qtbot, monkeypatch, tmp_path):
    from convviz.ui.main_window import MainWindow

    monkeypatch.setenv("CONVVIZ_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("CONVVIZ_TRAINER", "thread")  # no trainer process: nothing here trains
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    return window


def _menu_action(window, text):
    file_menu = window.menuBar().actions()[0].menu()
    return next(action for action in file_menu.actions() if action.text() == text)


def _legend_names(plot) -> list[str]:
    legend = plot.plotItem.legend
    return [] if legend is None else [label.text for _, label in legend.items]


def test_the_runs_dir_follows_the_environment(window, tmp_path):
    assert default_runs_dir() == tmp_path / "runs"


def test_open_run_shows_a_finished_runs_curves_and_timeline(qtbot, window, tmp_path, monkeypatch):
    folder = tmp_path / "runs" / "first"
    write_run(RunWriter(folder, config={"epochs": 2}), epochs=2)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(folder))
    _menu_action(window, "&Open run…").trigger()
    tab = window.training
    assert window.tabs.currentWidget() is tab
    qtbot.waitUntil(lambda: not window.run_source.timer.isActive(), timeout=5000)
    assert tab.curves.batch_count == 2 * STEPS and len(tab.curves.loss.val) == 2
    assert len(tab.view.snapshots) == 5 and tab.timeline.isEnabled()
    assert tab.run_folder.isVisible() and str(folder) in tab.run_folder.text()
    assert tab.results.shown_counts().sum() == 190  # the fake confusion matrix: 9 on the diagonal + 1 everywhere


def test_open_run_follows_a_run_while_it_grows(qtbot, window, tmp_path):
    folder = tmp_path / "runs" / "growing"
    writer = RunWriter(folder, config={"epochs": 1}, flush_interval=0)
    for event in (data_ready(), model_ready(), probe(-1), batch(0), batch(1)):
        writer(event)
    assert window.open_run(folder)
    tab = window.training
    qtbot.waitUntil(lambda: tab.curves.batch_count == 2, timeout=5000)
    for step in range(2, 6):
        writer(batch(step))
    qtbot.waitUntil(lambda: tab.curves.batch_count == 6, timeout=5000)
    writer.close()


def test_compare_with_run_overlays_its_curves_with_a_legend_in_both_plots(qtbot, window, tmp_path, monkeypatch):
    first, second = tmp_path / "runs" / "run-a", tmp_path / "runs" / "run-b"
    write_run(RunWriter(first, config={"epochs": 2}), epochs=2)
    write_run(RunWriter(second, config={"epochs": 3}), epochs=3)
    assert window.open_run(first)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(second))
    _menu_action(window, "&Compare with run…").trigger()
    curves = window.training.curves
    assert "run-b" in _legend_names(curves.loss_plot) and "run-b" in _legend_names(curves.accuracy_plot)
    assert len(curves.overlays) == 2
    x, y = curves.overlays[0].getData()
    assert len(x) == 3 * STEPS and x[-1] == pytest.approx(3.0) and y[0] == pytest.approx(2.3)
    assert window.compare_run(first)
    assert _legend_names(curves.loss_plot).count("run-a") == 1 and len(curves.overlays) == 4
    colours = {item.opts["pen"].color().name() for item in curves.overlays}
    assert len(colours) == 2  # a colour per compared run


def test_a_folder_that_is_not_a_run_is_one_line_in_the_bar(window, tmp_path):
    assert not window.open_run(tmp_path)
    assert window.training.messages.level == "error" and "\n" not in window.training.messages.text
    assert not window.compare_run(tmp_path)
    assert "not a convviz run" in window.training.messages.text
    assert os.listdir(tmp_path) == []


def test_open_run_offers_its_model_to_save_and_to_the_inspector(qtbot, window, tmp_path, monkeypatch, capsys):
    """A finished run made by `convviz train --run-dir`: Save model… copies its model.keras, and the
    inspector, once shown, loads its own copy of it (the window loads nothing before)."""
    from convviz.app import main

    monkeypatch.setenv("CONVVIZ_OFFLINE", "1")
    folder = tmp_path / "runs" / "real"
    assert main(["train", "--limit", "300", "--epochs", "1", "--run-dir", str(folder)]) == 0
    capsys.readouterr()
    tab = window.training
    assert not tab.controls.save_button.isEnabled()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(folder))
    _menu_action(window, "&Open run…").trigger()
    qtbot.waitUntil(lambda: not window.run_source.timer.isActive(), timeout=5000)
    assert tab.controls.save_button.isEnabled() and tab.model_path == str(folder / "model.keras")
    assert tab.model is None and window.inspector.info is None  # nothing loaded while the Training tab shows
    with qtbot.waitSignal(window.inspector.inspected, timeout=60_000):
        window.tabs.setCurrentWidget(window.inspector)
    reader = RunReader(folder, EVENT_TYPES)
    reader.poll()
    trained = [layer.name for layer in reader.summary.layers]
    inspected = [view.name for view in window.inspector.info.layers]
    assert trained and [name for name in inspected if name in trained] == trained  # the run's model
    assert window.inspector.messages.level != "error"
    copy = tmp_path / "copy.keras"
    window.tabs.setCurrentWidget(tab)
    with qtbot.waitSignal(tab.task_finished, timeout=30_000):
        assert tab.save_model(copy)
    assert copy.read_bytes() == (folder / "model.keras").read_bytes()  # the run's file, not a re-save
