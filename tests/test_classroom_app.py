"""Classroom-ready window: projector size, zoom keys, remembered settings, dark theme, tour, keyboard."""

import time

import pytest
from PyQt6.QtCore import QRect, Qt
from PyQt6.QtGui import QAction, QPalette
from PyQt6.QtWidgets import QApplication


@pytest.fixture
def isolated_settings(tmp_path, monkeypatch):
    """Settings go to an .ini file under tmp_path; the app font, style and palette come back after."""
    monkeypatch.setenv("CONVVIZ_SETTINGS", str(tmp_path / "convviz.ini"))
    app = QApplication.instance()
    font, palette, style = app.font(), app.palette(), app.style().name()
    yield tmp_path / "convviz.ini"
    from convviz.ui.zoom import zoom_level
    zoom_level().reset()
    app.setStyle(style)
    app.setPalette(palette)
    app.setFont(font)


def _window(qtbot, remember=False):
    from convviz.ui.launch import build_window
    from convviz.ui.main_window import MainWindow

    window = build_window() if remember else MainWindow()
    qtbot.addWidget(window)
    return window


def _shown(qtbot, window):
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    return window


def test_window_fits_a_projector(qtbot, isolated_settings):
    window = _shown(qtbot, _window(qtbot))
    window.resize(1000, 700)
    qtbot.waitUntil(lambda: window.width() == 1000 and window.height() == 700, timeout=3000)
    assert window.minimumSize().width() <= 1000 and window.minimumSize().height() <= 700


def test_zoom_keys_scale_the_app_font_within_limits(qtbot, isolated_settings):
    window = _shown(qtbot, _window(qtbot))
    app = QApplication.instance()
    base = app.font().pointSizeF()
    qtbot.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert app.font().pointSizeF() > base
    assert window.zoom.factor > 1.0
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert app.font().pointSizeF() == pytest.approx(base)
    with qtbot.waitSignal(window.zoom.changed):
        for _ in range(30):
            qtbot.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert window.zoom.factor == pytest.approx(2.5)
    assert app.font().pointSizeF() == pytest.approx(base * 2.5)
    for _ in range(30):
        qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.zoom.factor == pytest.approx(0.5)


def test_plot_axes_follow_the_zoomed_font(qtbot, isolated_settings):
    import pyqtgraph as pg

    window = _shown(qtbot, _window(qtbot))
    window.zoom.set_factor(2.0)
    axis = window.findChild(pg.PlotWidget).getPlotItem().getAxis("bottom")
    assert axis.style["tickFont"].pointSizeF() == pytest.approx(QApplication.font().pointSizeF())


def test_settings_come_back_in_a_new_window(qtbot, isolated_settings):
    window = _shown(qtbot, _window(qtbot, remember=True))
    window.setGeometry(QRect(40, 50, 1000, 730))  # the offscreen screen is 800 px: wider would be clamped
    window.tabs.setCurrentIndex(2)
    window.zoom.set_factor(1.5)
    window.theme_actions["dark"].trigger()
    qtbot.waitUntil(lambda: window.size().height() == 730, timeout=3000)
    started = time.perf_counter()
    window.close()
    assert time.perf_counter() - started < 0.5  # an idle window closes at once
    assert isolated_settings.exists()
    window.zoom.reset()
    again = _shown(qtbot, _window(qtbot, remember=True))
    assert (again.size().width(), again.size().height()) == (1000, 730)
    assert again.tabs.currentIndex() == 2
    assert again.zoom.factor == pytest.approx(1.5)
    assert again.theme.choice == "dark" and again.theme_actions["dark"].isChecked()


def test_dark_theme_darkens_the_window_and_back(qtbot, isolated_settings):
    window = _shown(qtbot, _window(qtbot))
    window.studio.message_bar.show_error("readable?")
    window.theme_actions["dark"].trigger()
    qtbot.waitUntil(lambda: window.palette().color(QPalette.ColorRole.Window).lightness() < 80, timeout=2000)
    qtbot.waitUntil(lambda: "#4a1f1d" in window.studio.message_bar.styleSheet(), timeout=2000)
    window.theme_actions["light"].trigger()
    qtbot.waitUntil(lambda: window.palette().color(QPalette.ColorRole.Window).lightness() > 180, timeout=2000)
    qtbot.waitUntil(lambda: "#fde2e1" in window.studio.message_bar.styleSheet(), timeout=2000)


def test_guided_tour_of_the_studio_points_at_real_widgets(qtbot, isolated_settings):
    from convviz.ui.tour import find_widget

    window = _shown(qtbot, _window(qtbot))
    window.resize(1200, 800)
    help_menu = [a.menu() for a in window.menuBar().actions() if a.text() == "&Help"][0]
    [a for a in help_menu.actions() if a.text().startswith("&Guided tour")][0].trigger()
    tour = window.tour
    assert tour is not None and tour.isVisible() and tour.index == 0
    anchor = find_widget(window.studio, tour.steps[0].path)
    assert anchor is tour.anchor and anchor.isVisible()
    assert tour.frame.geometry().contains(anchor.mapTo(window, anchor.rect().center()))
    with qtbot.waitSignal(tour.stepShown) as shown:
        qtbot.mouseClick(tour.next_button, Qt.MouseButton.LeftButton)
    assert shown.args == [1] and tour.title.text() == tour.steps[1].title
    with qtbot.waitSignal(tour.finished):
        qtbot.keyClick(tour.next_button, Qt.Key.Key_Escape)
    assert window.tour is None


def test_menus_list_the_tabs_commands_with_shortcuts(qtbot, isolated_settings):
    from convviz.ui.shortcuts_help import shortcut_rows, show_shortcuts

    window = _window(qtbot)
    rows = {(menu, what): keys for menu, keys, what in shortcut_rows(window)}
    for menu, what in (("Studio", "Play / pause"), ("Studio", "Step forward"), ("Studio", "Save frame as PNG…"),
                       ("Training", "Train"), ("Training", "Pause / resume"), ("Training", "Stop"),
                       ("View", "Zoom in"), ("View", "Reset zoom")):
        assert rows.get((menu, what)), (menu, what)
    box = show_shortcuts(window)
    qtbot.addWidget(box)
    assert "Play / pause" in box.text() and "Ctrl+T" in box.text()


def test_studio_menu_steps_the_animation(qtbot, isolated_settings):
    window = _shown(qtbot, _window(qtbot))
    window.studio.state.set_step(0)
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.studio.state.index == 1


def test_tab_visits_every_studio_control_once(qtbot, isolated_settings):
    from keyboard_drive import tab_round, tab_stops

    window = _shown(qtbot, _window(qtbot))
    studio = window.studio
    expected = tab_stops(studio) | {studio}  # the tab itself takes space and the arrows
    expected |= {studio.export_png_button, studio.export_gif_button}  # a keyboard user must reach them
    tab_round(qtbot, window, expected)


def _lightest_and_background(widget) -> tuple[int, int]:
    """The lightness of the lightest pixel of ``widget`` as drawn, and of its most common pixel (the background)."""
    import numpy as np

    window = widget.window()
    image = window.grab(QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())).toImage()
    lightness = np.array([[image.pixelColor(x, y).lightness() for x in range(0, image.width(), 2)]
                          for y in range(image.height())])
    values, counts = np.unique(lightness, return_counts=True)
    return int(lightness.max()), int(values[np.argmax(counts)])


def test_the_training_tabs_texts_stay_readable_in_the_dark_theme(qtbot, isolated_settings):
    window = _shown(qtbot, _window(qtbot))
    window.tabs.setCurrentWidget(window.training)
    training = window.training
    training.run_folder.show_path("/tmp/runs/2026-11-28_16-00-38_seed")
    window.theme_actions["dark"].trigger()
    qtbot.waitUntil(lambda: window.palette().color(QPalette.ColorRole.Window).lightness() < 80, timeout=2000)
    texts = {"model note": training.controls.note, "timeline": training.timeline.label,
             "activations": training.activations.header, "filters": training.filters.info,
             "run folder": training.run_folder}
    for name, label in texts.items():
        for page in (training.activations, training.filters):
            if page.isAncestorOf(label):
                training.panels.setCurrentWidget(page)
        qtbot.waitUntil(label.isVisible, timeout=2000)
        lightest, background = _lightest_and_background(label)
        assert background < 100 and lightest - background > 70, (name, lightest, background)
    window.theme_actions["light"].trigger()


def test_small_texts_grow_with_the_zoom(qtbot, isolated_settings):
    from convviz.ui.zoom import zoom_level

    window = _shown(qtbot, _window(qtbot))
    texts = [window.training.controls.note, window.training.run_folder, window.training.results.table,
             window.inspector.prediction]
    before = [label.font().pointSizeF() for label in texts]
    zoom_level().set_factor(1.5)

    def grown():
        after = [label.font().pointSizeF() for label in texts]
        return all(a == pytest.approx(1.5 * b, rel=0.05) for a, b in zip(after, before))

    qtbot.waitUntil(grown, timeout=3000)


def test_the_shortcut_list_tells_keyboard_users_the_studio_keys(qtbot, isolated_settings):
    from convviz.ui.shortcuts_help import shortcut_rows

    window = _window(qtbot)
    rows = shortcut_rows(window)
    assert not any("click" in where.lower() for where, _keys, _what in rows)  # no mouse needed first
    studio = {(keys, what) for where, keys, what in rows if where.startswith("Studio")}
    assert any("Ctrl+Z" in keys and "Ctrl+Shift+Z" in keys and "kernel" in what for keys, what in studio)
    kernel = {what for where, _keys, what in rows if "kernel grid" in where}
    assert {"Pick a kernel cell", "Edit the cell", "Keep / cancel the edit"} <= kernel


def test_the_zoom_level_is_named_in_the_menu_and_for_a_moment_in_the_tab(qtbot, isolated_settings, monkeypatch):
    from convviz.ui import classroom

    monkeypatch.setattr(classroom, "ZOOM_NOTE_MS", 50)
    window = _shown(qtbot, _window(qtbot))
    bar = window.studio.message_bar
    qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    reset = next(a for a in window.findChildren(QAction) if a.text().startswith("&Reset zoom"))
    assert reset.text() == "&Reset zoom (now 110%)"
    assert bar.text.startswith("Zoom 110%")
    qtbot.waitUntil(lambda: bar.text == "", timeout=2000)  # the note goes by itself
    bar.show_error("Kernel 7×7 does not fit the 5×5 input.")
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert reset.text() == "&Reset zoom (now 100%)" and bar.level == "error"  # an error is not covered up
