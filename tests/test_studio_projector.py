"""The Studio on a projector: fits a 1000x700 window, follows the zoom, reads in the dark theme."""

import re

import pytest
from PyQt6.QtCore import QPoint, QRect
from PyQt6.QtGui import QColor, QFont, QPalette
from PyQt6.QtWidgets import QAbstractButton, QAbstractSpinBox, QApplication, QComboBox, QWidget

from convviz.ui.studio.info_notes import InfoButton
from convviz.ui.studio.readable import contrast_ratio


@pytest.fixture
def restored_app(tmp_path, monkeypatch):
    """Settings under tmp_path; the zoom, font, style and palette come back after the test."""
    monkeypatch.setenv("CONVVIZ_SETTINGS", str(tmp_path / "convviz.ini"))
    app = QApplication.instance()
    font, palette, style = app.font(), app.palette(), app.style().name()
    app.test_windows = []  # held here, closed (threads stopped) before the app settings come back
    yield app
    for window in app.test_windows:
        window.close()
    app.test_windows = []
    from convviz.ui.zoom import zoom_level

    zoom_level().reset()
    app.setStyle(style)
    app.setPalette(palette)
    app.setFont(font)


def _window(qtbot, size=(1000, 700)):
    from convviz.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    QApplication.instance().test_windows.append(window)
    window._warmed = True  # no trainer process for a layout test
    window.show()
    qtbot.waitExposed(window)
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0], timeout=3000)
    return window


def _in_tab(widget: QWidget, tab: QWidget) -> QRect:
    return QRect(widget.mapTo(tab, widget.rect().topLeft()), widget.size())


def test_studio_fits_a_1000_px_window_without_scrolling_sideways(qtbot, restored_app):
    window = _window(qtbot)
    studio = window.studio
    available = window.centralWidget().viewport().width()
    assert studio.minimumSizeHint().width() <= available
    assert window.centralWidget().horizontalScrollBar().maximum() == 0
    transport = studio.transport
    row = [transport.start_button, transport.back_button, transport.play_button, transport.forward_button,
           transport.end_button, transport.scrubber, transport.position, transport.speed,
           studio.export_png_button, studio.export_gif_button]
    assert all(widget.isVisible() for widget in row)
    rects = [_in_tab(widget, studio) for widget in row]
    for i, first in enumerate(rects):
        assert studio.rect().contains(first), row[i]
        for j in range(i + 1, len(rects)):
            assert not first.intersects(rects[j]), (row[i], row[j])
    assert not _in_tab(transport.position, studio).intersects(_in_tab(transport.scrubber, studio))
    assert transport.position.width() >= transport.position.sizeHint().width()  # "1 / 9" is not cut


@pytest.mark.parametrize("kind", ["depthwise", "separable", "transposed", "conv1d"])
def test_the_3d_page_fits_a_1000_px_window_too(qtbot, restored_app, kind):
    window = _window(qtbot)
    window.studio.state.update(kind=kind)
    assert window.studio.stack.currentWidget() is window.studio.depth_canvas
    qtbot.waitUntil(lambda: window.centralWidget().horizontalScrollBar().maximum() == 0, timeout=3000)
    assert window.studio.minimumSizeHint().width() <= window.centralWidget().viewport().width()


def _clipped(controls: QWidget, viewport: QWidget) -> list:
    """Visible controls cut off on the right of the controls' column, or squeezed below their minimum."""
    kinds = (QComboBox, QAbstractSpinBox, QAbstractButton)
    bad = []
    for widget in controls.findChildren(QWidget):
        if not (isinstance(widget, kinds) and widget.isVisible()):
            continue
        right = widget.mapTo(viewport, QPoint(widget.width(), 0)).x()
        squeezed = not isinstance(widget, InfoButton) and widget.width() < widget.minimumSizeHint().width()
        if right > viewport.width() or squeezed:  # InfoButton: a round "?" sized to its font
            bad.append(widget)
    return bad


def test_zoomed_controls_keep_their_width(qtbot, restored_app):
    window = _window(qtbot, (1024, 768))
    controls = window.studio.controls
    viewport = controls.parentWidget()  # the scroll area's viewport
    narrow = controls.sizeHint().width()
    assert not _clipped(controls, viewport)
    window.zoom.set_factor(1.5)
    qtbot.waitUntil(lambda: controls.sizeHint().width() > narrow, timeout=3000)  # the layouts took the new font
    qtbot.waitUntil(lambda: not _clipped(controls, viewport), timeout=3000)
    assert viewport.width() >= controls.sizeHint().width()  # the column scrolls down, never clips sideways
    for button in controls.findChildren(InfoButton):
        assert button.height() >= button.fontMetrics().height() + 4 > 18
    window.zoom.reset()
    qtbot.waitUntil(lambda: viewport.width() < narrow + 40, timeout=3000)  # and narrows again


def test_the_hidden_3d_page_does_not_widen_the_studio(qtbot, restored_app):
    window = _window(qtbot, (1024, 768))
    studio = window.studio
    assert studio.stack.currentWidget() is studio.canvas
    assert studio.depth_canvas.minimumSizeHint().width() > studio.canvas.minimumSizeHint().width()
    assert studio.stack.minimumSizeHint().width() == studio.canvas.minimumSizeHint().width()
    studio.state.update(kind="depthwise")
    assert studio.stack.currentWidget() is studio.depth_canvas
    assert studio.stack.minimumSizeHint().width() == studio.depth_canvas.minimumSizeHint().width()


def test_numbers_grow_with_their_cells_and_the_zoom(qtbot, restored_app):
    from convviz.ui.studio.grid_render import number_font
    from convviz.ui.zoom import zoom_level

    font = QFont(QApplication.font())
    labels = ["0", "12", "3"]
    small, projector = number_font(labels, 40, font), number_font(labels, 135, font)
    assert projector.pixelSize() > small.pixelSize() * 2
    assert number_font(labels, 1000, font).pixelSize() <= 64  # capped: no giant digits in a 1-cell map
    zoom_level().set_factor(1.5)
    assert number_font(labels, 60, font).pixelSize() > 16


def test_grids_redraw_their_numbers_when_zoomed(qtbot, restored_app):
    import numpy as np

    from convviz.ui.studio.grid_view import GridView
    from convviz.ui.zoom import zoom_level

    view = GridView()
    qtbot.addWidget(view)
    view.setFixedSize(300, 300)  # the same 49 px cells before and after: only the zoom changes
    view.set_data(np.arange(36).reshape(6, 6))
    view.show()
    qtbot.waitExposed(view)
    before = view.grab().toImage()
    zoom_level().set_factor(1.6)
    qtbot.waitUntil(lambda: view.grab().toImage() != before, timeout=3000)


def _colours(rich: str) -> list[str]:
    return re.findall(r"color:\s*(#[0-9a-fA-F]{6})", rich)


def _readable_on(colour: str, *backgrounds: QColor) -> bool:
    return all(contrast_ratio(colour, background) >= 4.5 for background in backgrounds)


def _unreadable(studio) -> list:
    """The studio's texts (and their colours) without a 4.5 contrast on the window or the maps' background."""
    canvas = studio.canvas
    window_colour = studio.palette().color(QPalette.ColorRole.Window)
    canvas_colour = canvas.palette().color(canvas.backgroundRole())
    bad = [(label, colour) for label in (canvas.dot_product, canvas.formulas) for colour in _colours(label.text())
           if not _readable_on(colour, window_colour, canvas_colour)]
    for label in (canvas.input_panel.title, canvas.step_label):
        colour = label.palette().color(QPalette.ColorRole.WindowText).name()
        if not _readable_on(colour, canvas_colour):
            bad.append((label, colour))
    for label in studio.controls.findChildren(QWidget, "hint") + [studio.controls.depth.summary]:
        colour = re.search(r"color:\s*(#[0-9a-fA-F]{6})", label.styleSheet()).group(1)
        if not _readable_on(colour, window_colour):
            bad.append((label, colour))
    return bad


@pytest.mark.parametrize("look", ["dark", "light"])
def test_studio_text_is_readable_in_both_themes(qtbot, restored_app, look):
    window = _window(qtbot, (1024, 768))
    studio = window.studio
    studio.state.update(padding="same")  # a padding term in grey, a note in the formulas
    assert _colours(studio.canvas.dot_product.text()) and _colours(studio.canvas.formulas.text())
    window.theme.set_choice("dark")  # from dark back to light too: the colours follow each change
    window.theme.set_choice(look)
    # the palette reaches the widgets through the event loop: wait for it, then for the colours
    qtbot.waitUntil(lambda: (studio.palette().color(QPalette.ColorRole.Window).lightness() < 128)
                    == (look == "dark"), timeout=3000)
    try:
        qtbot.waitUntil(lambda: not _unreadable(studio), timeout=3000)
    except Exception:
        print("UNREADABLE", [(type(a).__name__, a.objectName(), c) for a, c in _unreadable(studio)]); raise
    studio.state.step_by(1)  # a new step is written in the new colours too
    assert not _unreadable(studio)


def test_the_maps_background_follows_the_dark_theme(qtbot, restored_app):
    window = _window(qtbot, (1024, 768))
    view = window.studio.canvas.kernel_view  # a 3x3 kernel in a tall panel: empty room above and below
    window.theme.set_choice("dark")
    qtbot.waitUntil(lambda: view.palette().color(QPalette.ColorRole.Base).lightness() < 128, timeout=3000)
    corner = view.grab().toImage().pixelColor(1, 1)
    assert corner.lightness() < 128  # no white box glaring around the cells on a projector


@pytest.mark.parametrize("size, zoom, kind", [((1000, 700), 1.0, "conv"), ((1024, 768), 1.0, "conv"),
                                              ((1024, 768), 1.5, "conv"), ((1024, 768), 1.5, "separable"),
                                              ((1024, 768), 1.5, "transposed")])
def test_the_studio_fits_a_projector_without_sideways_scrolling_or_overlaps(qtbot, restored_app, size, zoom, kind):
    from window_fit_checks import cut_off_labels, overlapping_siblings, sideways_range, squeezed_widgets

    window = _window(qtbot, size)
    window.zoom.set_factor(zoom)
    studio = window.studio
    studio.state.update(kind=kind)

    def fits() -> bool:
        return (sideways_range(window) == 0 and studio.width() == window.centralWidget().viewport().width()
                and not overlapping_siblings(studio) and not squeezed_widgets(studio)
                and not cut_off_labels(studio.stack.currentWidget()))

    try:
        qtbot.waitUntil(fits, timeout=3000)  # the layouts settle over a few event-loop turns
    except Exception:
        print(sideways_range(window), overlapping_siblings(studio), squeezed_widgets(studio),
              cut_off_labels(studio.stack.currentWidget()))
        raise
    viewport = studio.controls.parentWidget()
    assert studio.controls.width() <= viewport.width()  # the settings scroll down, never sideways


def _glyph_height(view, row: int, col: int) -> int:
    """The height in pixels of the number drawn in cell (row, col), measured on the drawn image."""
    import numpy as np

    rect = view.cell_rect(row, col).adjusted(4, 4, -4, -4)  # inside the cell's border and highlight
    image = view.grab().toImage().copy(rect).convertToFormat(view.grab().toImage().Format.Format_RGB888)
    pixels = np.frombuffer(image.constBits().asstring(image.sizeInBytes()), np.uint8)
    pixels = pixels.reshape(image.height(), image.bytesPerLine())[:, :image.width() * 3].reshape(image.height(), -1, 3)
    background = np.median(pixels.reshape(-1, 3), axis=0)
    ink = np.abs(pixels.astype(int) - background).sum(axis=2) > 120
    rows = np.flatnonzero(ink.any(axis=1))
    return int(rows[-1] - rows[0] + 1) if rows.size else 0


def test_cells_and_their_numbers_grow_on_a_1920_screen(qtbot, restored_app):
    window = _window(qtbot, (1920, 1080))
    view = window.studio.canvas.input_view
    small = _window(qtbot, (1000, 700)).studio.canvas.input_view
    qtbot.waitUntil(lambda: view.width() > 2 * small.width(), timeout=3000)
    view._layout()
    small._layout()
    assert view._cell >= 120 and view._cell > 1.8 * small._cell  # the 5x5 map fills the room
    big_digit, small_digit = _glyph_height(view, 4, 4), _glyph_height(small, 4, 4)  # a "1" on light blue
    assert big_digit >= 0.18 * view._cell  # not a 13 px number lost in a 135 px cell
    assert big_digit > 1.8 * small_digit > 0


def test_zoomed_settings_are_tabbed_through_top_to_bottom_once_each(qtbot, restored_app):
    from PyQt6.QtCore import Qt

    window = _window(qtbot, (1024, 768))
    window.zoom.set_factor(1.5)
    studio, controls = window.studio, window.studio.controls
    qtbot.waitUntil(lambda: studio.controls_scroll.wrapped, timeout=3000)  # labels above fields
    stops = [w for w in controls.findChildren(QWidget) if w.focusPolicy() & Qt.FocusPolicy.TabFocus
             and w.isVisible() and w.isEnabled() and w.focusProxy() is None]
    first = min(stops, key=lambda w: (w.mapTo(controls, QPoint(0, 0)).y(), w.mapTo(controls, QPoint(0, 0)).x()))
    first.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first, timeout=2000)
    visited, viewport = [first], studio.controls_scroll.viewport()
    for _ in range(len(stops) - 1):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        visited.append(focused)
        shown = QRect(focused.mapTo(viewport, QPoint(0, 0)), focused.size())
        assert viewport.rect().contains(shown), focused  # the column scrolls to the focused control
    assert set(visited) == set(stops) and len(visited) == len(stops)  # each once, none missed
    tops = [w.mapTo(controls, QPoint(0, 0)).y() for w in visited]
    assert tops == sorted(tops)  # down the column, as a reader goes
