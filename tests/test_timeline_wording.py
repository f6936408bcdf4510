"""The timeline says plainly that there is no run yet (no "0/0 (max 120)" counters before there is
anything), in lines that fit its label; once a run kept snapshots, the counters are back."""

import re

from PyQt6.QtGui import QFontMetrics

import convviz.training.session as session_module
from test_dark_titles import TitledSession


def _lines_fit(label) -> bool:
    metrics = QFontMetrics(label.font())
    return all(metrics.horizontalAdvance(line) <= label.width() for line in label.text().split("\n"))


def test_before_any_run_the_timeline_says_so_without_counters(qtbot, training_tab):
    text = training_tab.timeline.label.text()
    assert text.replace("\n", " ") == "No run yet: the timeline fills as a run goes"
    assert not re.search(r"\d", text) and "scrub" not in text
    assert _lines_fit(training_tab.timeline.label)


def test_after_a_run_the_counters_are_back(qtbot, training_tab, monkeypatch):
    monkeypatch.setattr(session_module, "TrainingSession", TitledSession)
    training_tab.trainer = "thread"
    training_tab.controls.epochs.setValue(1)
    with qtbot.waitSignal(training_tab.task_finished, timeout=10000):
        assert training_tab.start_training()
    kept = len(training_tab.history.probes)
    assert kept > 1
    assert training_tab.timeline.label.text().endswith(f"{kept}/{kept} (max {training_tab.history.max_snapshots})")
