"""Every tab of the real window fits a projector at 100% zoom: no sideways scrolling, no overlapping widgets.

For each tab at 1000x700 (the window's minimum) and 1024x768 (a projector): the central scroll
area does not scroll sideways, and no two visible items of any layout in the tab intersect.
"""

import pytest
from pytestqt.exceptions import TimeoutError as WaitTimeout
from PyQt6.QtWidgets import QApplication

from window_fit_checks import overlapping_siblings, sideways_range

SIZES = [(1000, 700), (1024, 768)]
TABS = ["studio", "training", "inspector"]
# Tabs failing for a known reason in files this check does not own: tab -> what overlaps (xfail, not strict).
# (Training's DataPreview images overlapped their captions by 1 px until a472510.)
KNOWN_OVERLAPS: dict[str, str] = {}


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    """The real MainWindow, shown, settings isolated, no trainer process; closed (threads stopped) afterwards."""
    from convviz.ui.main_window import MainWindow
    from convviz.ui.zoom import zoom_level

    monkeypatch.setenv("CONVVIZ_SETTINGS", str(tmp_path / "convviz.ini"))
    zoom_level().reset()
    main = MainWindow()
    qtbot.addWidget(main)
    main._warmed = True  # no trainer process for a layout test
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.close()


def _settled(window, tab) -> bool:
    return (sideways_range(window) == 0 and tab.width() == window.centralWidget().viewport().width()
            and not overlapping_siblings(tab))


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("name", TABS)
def test_each_tab_fits_without_sideways_scrolling_or_overlaps(qtbot, window, name, size, request):
    if name in KNOWN_OVERLAPS:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_OVERLAPS[name], strict=False))
    tab = getattr(window, name)
    window.tabs.setCurrentWidget(tab)
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0] and tab.isVisible(), timeout=3000)
    try:
        qtbot.waitUntil(lambda: _settled(window, tab), timeout=3000)  # layouts settle over a few event-loop turns
    except WaitTimeout:
        pass  # the asserts below say what is wrong
    QApplication.processEvents()
    assert sideways_range(window) == 0, f"the {name} tab scrolls {sideways_range(window)} px sideways"
    assert not overlapping_siblings(tab), f"overlapping in the {name} tab: {overlapping_siblings(tab)}"


def test_the_training_tab_still_fits_after_a_real_run_filled_every_page(qtbot, window):
    tab = window.training
    window.tabs.setCurrentWidget(tab)
    window.resize(1024, 768)
    tab.trainer, tab.limit = "thread", 256
    tab.controls.epochs.setValue(1)
    with qtbot.waitSignal(tab.task_finished, timeout=120000):
        assert tab.start_training()
    for index in range(tab.panels.count()):
        tab.panels.setCurrentIndex(index)
        page = tab.panels.tabText(index)
        try:
            qtbot.waitUntil(lambda: _settled(window, tab), timeout=2000)
        except WaitTimeout:
            pass
        assert sideways_range(window) == 0, f"after a run, the {page} page scrolls {sideways_range(window)} px sideways"
