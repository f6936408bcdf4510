"""Shared test setup: Qt runs headless and offline, pyqtgraph is configured as the app configures it."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Tests never download datasets: the loaders fall back to the sample shipped in assets/.
os.environ["CONVVIZ_OFFLINE"] = "1"

from convviz.ui.launch import configure_pyqtgraph  # noqa: E402  (after the environment is set)

configure_pyqtgraph()


import pytest  # noqa: E402


@pytest.fixture
def training_tab(qtbot):
    """A shown Training tab; afterwards its worker must have stopped."""
    from convviz.ui.training.training_tab import TrainingTab

    widget = TrainingTab()
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    yield widget
    widget.shutdown()
    assert not widget.is_busy()


@pytest.fixture
def inspector_tab(qtbot):
    """A shown Inspector tab; afterwards its jobs' thread must have ended."""
    from convviz.ui.inspector.inspector_tab import InspectorTab

    widget = InspectorTab()
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    yield widget
    widget.shutdown()
    assert not widget.jobs.queue.thread.isRunning()


@pytest.fixture
def studio_tab(qtbot):
    """A shown Studio tab."""
    from convviz.ui.studio.studio_tab import StudioTab

    widget = StudioTab()
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    return widget


@pytest.fixture
def main_window(qtbot, tmp_path, monkeypatch):
    """The real MainWindow at 1024x768, shown, settings under tmp_path, no trainer process; the zoom
    is 100% before and after."""
    from convviz.ui.main_window import MainWindow
    from convviz.ui.zoom import zoom_level

    monkeypatch.setenv("CONVVIZ_SETTINGS", str(tmp_path / "convviz.ini"))
    zoom_level().reset()
    window = MainWindow()
    qtbot.addWidget(window)
    window._warmed = True  # no trainer process unless a test starts one
    window.resize(1024, 768)
    window.show()
    qtbot.waitExposed(window)
    yield window
    zoom_level().reset()
    window.close()
