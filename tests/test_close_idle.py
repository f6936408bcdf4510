"""Closing an idle window is instant, even while the warm trainer process behind it is still loading TensorFlow."""

import time

import pytest
from PyQt6.QtWidgets import QApplication


@pytest.mark.parametrize("wait_until_ready", [False, True], ids=["child-loading", "child-ready"])
def test_closing_an_idle_window_with_a_warm_trainer_is_instant(qtbot, tmp_path, monkeypatch, wait_until_ready):
    from convviz.ui.main_window import MainWindow

    monkeypatch.setenv("CONVVIZ_SETTINGS", str(tmp_path / "convviz.ini"))
    monkeypatch.setenv("CONVVIZ_RUNS_DIR", str(tmp_path / "runs"))
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.training.warm_up()
    client = window.training.link.client
    process = client.process
    qtbot.waitUntil(process.is_alive, timeout=10000)
    if wait_until_ready:
        qtbot.waitUntil(lambda: client.ready, timeout=60000)  # TensorFlow imported in the child
    started = time.perf_counter()
    window.close()
    QApplication.processEvents()
    took = time.perf_counter() - started
    assert not process.is_alive()
    assert took < 0.25, f"closing an idle window took {took:.2f} s"
