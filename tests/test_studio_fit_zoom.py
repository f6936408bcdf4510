"""The Studio at 1024x768 and 150% zoom: no page scrolling, the transport and exports on screen,
the maps keep their size, and they stay put while stepping."""

import pytest
from PyQt6.QtCore import QRect
from PyQt6.QtWidgets import QApplication, QWidget

from convviz.ui.zoom import zoom_level


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    """A 1024x768 main window on the Studio tab; the zoom and font come back afterwards."""
    monkeypatch.setenv("CONVVIZ_SETTINGS", str(tmp_path / "convviz.ini"))
    from convviz.ui.main_window import MainWindow

    app = QApplication.instance()
    font = app.font()
    win = MainWindow()
    qtbot.addWidget(win)
    win._warmed = True  # no trainer process for a layout test
    win.show()
    qtbot.waitExposed(win)
    win.resize(1024, 768)
    qtbot.waitUntil(lambda: win.width() == 1024 and win.height() == 768, timeout=3000)
    win.tabs.setCurrentWidget(win.studio)
    yield win
    win.close()
    zoom_level().reset()
    app.setFont(font)


def _in_window(widget: QWidget) -> QRect:
    return QRect(widget.mapTo(widget.window(), widget.rect().topLeft()), widget.size())


def _text_heavy(studio) -> None:
    """The reviewer's settings: a digit, SAME padding, stride 2, a 5x5 kernel, pooling on."""
    studio.state.update(input_kind="digit", padding="same", stride=2, pool=True)
    studio.state.set_kernel_size(5, 5)
    studio.state.set_step(5)


def _settled(qtbot, window) -> None:
    for _ in range(3):  # the queued layout requests (each run may queue the next level's)
        QApplication.processEvents()


@pytest.mark.parametrize("text_heavy", [False, True])
def test_studio_fits_1024x768_at_150_percent(qtbot, window, text_heavy):
    studio = window.studio
    if text_heavy:
        _text_heavy(studio)
    _settled(qtbot, window)
    before = studio.canvas.input_view.cell_rect(0, 0).width()
    zoom_level().set_factor(1.5)
    _settled(qtbot, window)
    central = window.centralWidget()
    qtbot.waitUntil(lambda: central.verticalScrollBar().maximum() == 0, timeout=3000)
    assert central.horizontalScrollBar().maximum() == 0
    inside = window.rect()
    for widget in (studio.transport.play_button, studio.transport.scrubber,
                   studio.export_png_button, studio.export_gif_button):
        assert widget.isVisible() and inside.contains(_in_window(widget)), widget
    after = studio.canvas.input_view.cell_rect(0, 0).width()
    assert after >= 0.8 * before, (before, after)


def test_the_maps_stay_put_while_stepping(qtbot, window):
    studio = window.studio
    _text_heavy(studio)
    zoom_level().set_factor(1.5)
    _settled(qtbot, window)
    view = studio.canvas.input_view
    seen = set()
    for index in range(0, studio.state.n_steps, 7):
        studio.state.set_step(index)
        _settled(qtbot, window)
        seen.add((_in_window(view).getRect(), view.cell_rect(0, 0).getRect()))
    assert len(seen) == 1, seen


def _text_rows(image, rect: QRect) -> list[bool]:
    """For each pixel row of ``rect`` in ``image`` (RGB): does it hold dark (text) pixels?"""
    rows = []
    for y in range(rect.top(), rect.bottom() + 1):
        rows.append(any(sum(image.getpixel((x, y))) < 300 for x in range(rect.left(), rect.right() + 1)))
    return rows


def test_exported_titles_are_whole(qtbot, tmp_path):
    """The reviewer's PNG: "Output 14×14 / 196 kernel positions" and "Pooled 7×7" were cut at the top."""
    from PIL import Image

    from convviz.ui.studio.export import FrameRenderer, export_png
    from convviz.ui.studio.studio_state import StudioState

    state = StudioState()
    _text_heavy(type("Tab", (), {"state": state})())
    path = export_png(state.result, 5, tmp_path / "frame.png")
    renderer = FrameRenderer(state.result)
    try:
        renderer.render(5)
        canvas = renderer.canvas
        image = Image.open(path).convert("RGB")
        for panel in (canvas.output_panel, canvas.pool_panel):
            title = panel.title
            rect = QRect(title.mapTo(canvas, title.rect().topLeft()), title.size())
            rows = _text_rows(image, rect)
            lines = sum(1 for i, dark in enumerate(rows) if dark and (i == 0 or not rows[i - 1]))
            assert not rows[0], (title.text(), rect)  # nothing cut at the top
            assert lines == title.text().count("\n") + 1, (title.text(), lines)
    finally:
        renderer.close()


def test_the_message_bar_follows_the_zoom_both_ways_in_the_dark(qtbot, window):
    """After Ctrl+0 in the dark theme the bar kept its zoomed font and height."""
    from PyQt6.QtCore import Qt

    bar = window.studio.message_bar
    window.theme.set_choice("dark")
    bar.show_info("A note to read on the projector.")
    start_size, start_height = bar.label.font().pointSizeF(), bar.height()
    assert start_size == pytest.approx(QApplication.font().pointSizeF())
    for _ in range(4):
        qtbot.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: zoom_level().factor > 1.4, timeout=2000)
    assert bar.label.font().pointSizeF() == pytest.approx(QApplication.font().pointSizeF())
    assert bar.height() > start_height
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: zoom_level().factor == 1.0, timeout=2000)
    assert bar.label.font().pointSizeF() == pytest.approx(start_size)
    assert bar.height() == start_height


@pytest.mark.parametrize("kind", ["separable", "depthwise", "transposed"])
def test_the_in_depth_page_fits_at_150_percent_with_the_transport_on_screen(qtbot, window, kind):
    from studio_drive import choose

    studio = window.studio
    choose(studio.controls.depth.kind, kind)
    zoom_level().set_factor(1.5)
    _settled(qtbot, window)
    central = window.centralWidget()
    qtbot.waitUntil(lambda: central.verticalScrollBar().maximum() == 0, timeout=3000)
    for widget in (studio.transport.play_button, studio.export_png_button):
        assert widget.isVisible() and window.rect().contains(_in_window(widget)), widget
