"""Every tab of the real window: each enabled control says what it does, and Tab reaches each one once."""

import pytest
from PyQt6.QtWidgets import (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QApplication, QComboBox, QLineEdit,
                             QScrollBar, QTabWidget, QWidget)

keras = pytest.importorskip("keras")

from keyboard_drive import tab_round, tab_stops  # noqa: E402

CONTROLS = (QAbstractButton, QAbstractSpinBox, QComboBox, QAbstractSlider, QLineEdit)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    """The main window, shown and active, with settings kept under tmp_path."""
    from convviz.ui.main_window import MainWindow

    monkeypatch.setenv("CONVVIZ_SETTINGS", str(tmp_path / "convviz.ini"))
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    yield window
    window.close()


def _small_model():
    keras.utils.set_random_seed(3)
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(4, 3, activation="relu", name="conv1"),
        keras.layers.MaxPooling2D(2, name="pool1"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(10, activation="softmax", name="dense"),
    ])


def _without_tooltip(root: QWidget) -> list[str]:
    """Enabled controls under ``root`` with no tooltip (a spin box's or combo's own inner parts excepted)."""
    found = {w for cls in CONTROLS for w in root.findChildren(cls)}
    inner = (QAbstractSpinBox, QComboBox, QLineEdit, QScrollBar)
    return sorted(f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r} in {type(w.parent()).__name__}"
                  for w in found
                  if w.isEnabled() and not isinstance(w, QScrollBar) and not isinstance(w.parent(), inner)
                  and w.objectName() != "qt_tableview_cornerbutton" and not w.toolTip().strip())


def _pages(tab: QWidget):
    """Each page of every page widget inside ``tab``, made current in turn."""
    for pages in tab.findChildren(QTabWidget):
        for index in range(pages.count()):
            pages.setCurrentIndex(index)
            yield f"{pages.tabText(index)}"


def test_every_control_of_the_training_tab_has_a_tooltip(window, qtbot):
    window.tabs.setCurrentWidget(window.training)
    assert _without_tooltip(window.training) == []
    for page in _pages(window.training):
        assert _without_tooltip(window.training) == [], page


def test_every_control_of_the_inspector_with_a_model_has_a_tooltip(window, qtbot):
    window.tabs.setCurrentWidget(window.inspector)
    assert _without_tooltip(window.inspector) == []
    with qtbot.waitSignal(window.inspector.inspected, timeout=30000):
        window.inspector.use_model(_small_model(), "a small model")
    for page in _pages(window.inspector):
        assert _without_tooltip(window.inspector) == [], page


@pytest.mark.parametrize("tab_name", ["training", "inspector"])
def test_tab_visits_every_control_of_a_tab_once(window, qtbot, tab_name):
    tab = getattr(window, tab_name)
    window.tabs.setCurrentWidget(tab)
    if tab_name == "inspector":
        with qtbot.waitSignal(tab.inspected, timeout=30000):
            tab.use_model(_small_model(), "a small model")
    tab_round(qtbot, window, tab_stops(tab))
