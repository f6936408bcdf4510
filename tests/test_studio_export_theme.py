"""Exported studio images are print-friendly: light, whatever the window's theme."""

import numpy as np
import pytest
from PIL import Image, ImageSequence
from PyQt6.QtGui import QPalette
from PyQt6.QtWidgets import QApplication

from convviz.ui.studio import export


@pytest.fixture
def dark_app(qtbot):
    """The dark theme on for the test; the application's style and palette come back afterwards."""
    from convviz.ui.theme import Theme

    app = QApplication.instance()
    palette, style = app.palette(), app.style().name()
    theme = Theme()
    theme.set_choice("dark")
    assert app.palette().color(QPalette.ColorRole.Window).lightness() < 128
    yield app
    app.setStyle(style)
    app.setPalette(palette)


def _grey(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L")).astype(int)


def _is_light_print(grey: np.ndarray) -> bool:
    """A light background (corners and most pixels light) with dark text on it (some dark pixels)."""
    corners = [grey[2, 2], grey[2, -3], grey[-3, 2], grey[-3, -3]]
    return min(corners) > 200 and np.median(grey) > 200 and (grey < 90).mean() > 0.002


def test_png_export_is_light_in_the_dark_theme(studio_tab, dark_app, tmp_path, qtbot):
    qtbot.waitUntil(lambda: studio_tab.palette().color(QPalette.ColorRole.Window).lightness() < 128, timeout=3000)
    window_grey = _grey(export.qimage_to_pil(studio_tab.canvas.grab().toImage()))
    assert np.median(window_grey) < 100  # the window itself is dark: the export must not copy it
    studio_tab.state.update(padding="same")  # the dot product has grey padding terms
    written = studio_tab.export_png_to(tmp_path / "frame.png")
    with Image.open(written) as image:
        grey = _grey(image)
    assert _is_light_print(grey), (np.median(grey), grey[2, 2])


def test_gif_export_is_light_in_the_dark_theme(studio_tab, dark_app, tmp_path):
    written = studio_tab.export_gif_to(tmp_path / "steps.gif")
    with Image.open(written) as gif:
        frames = [_grey(frame.convert("RGB")) for frame in ImageSequence.Iterator(gif)]
    assert frames and all(_is_light_print(frame) for frame in frames)


def test_the_export_leaves_the_window_dark(studio_tab, dark_app, tmp_path):
    studio_tab.export_png_to(tmp_path / "frame.png")
    canvas = studio_tab.canvas
    assert canvas.palette().color(canvas.backgroundRole()).lightness() < 128
    assert canvas.dot_product.palette().color(QPalette.ColorRole.WindowText).lightness() > 128


def _max_contrast(image, rect, background) -> float:
    """The highest contrast of any (opaque) pixel of ``image`` in ``rect`` against ``background``."""
    from PyQt6.QtGui import QColor

    from convviz.ui.studio.readable import contrast_ratio

    best = 1.0
    for y in range(rect.top(), rect.bottom() + 1):
        for x in range(rect.left(), rect.right() + 1):
            colour = QColor(image.pixelColor(x, y))
            if colour.alpha() > 128:
                best = max(best, contrast_ratio(colour, background))
    return best


@pytest.mark.parametrize("kind", ["depthwise", "transposed"])
def test_the_in_depth_views_are_dark_in_the_dark_theme(studio_tab, dark_app, qtbot, kind):
    studio_tab.state.set_kind(kind)
    assert studio_tab.stack.currentWidget() is studio_tab.depth_canvas
    for view in (studio_tab.depth_canvas.input_view, studio_tab.depth_canvas.output_view):
        qtbot.waitUntil(lambda: view.width() > 20 and view.height() > 20, timeout=3000)
        grey = _grey(export.qimage_to_pil(view.grab().toImage()))
        corners = [grey[1, 1], grey[1, -2], grey[-2, 1], grey[-2, -2]]
        assert max(corners) < 100, (view, corners)  # no large white panel


def test_check_boxes_and_transport_icons_read_in_the_dark(studio_tab, dark_app, qtbot):
    from PyQt6.QtCore import QRect
    from PyQt6.QtWidgets import QStyle, QStyleOptionButton

    studio_tab.state.set_kind("transposed")
    box = studio_tab.depth_canvas.as_conv
    qtbot.waitUntil(box.isVisible, timeout=3000)
    option = QStyleOptionButton()
    box.initStyleOption(option)
    indicator = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    window = box.palette().color(QPalette.ColorRole.Window)
    assert _max_contrast(box.grab().toImage(), indicator, window) >= 3  # the box itself is visible
    transport = studio_tab.transport
    for button in (transport.start_button, transport.back_button, transport.play_button,
                   transport.forward_button, transport.end_button):
        icon = button.icon().pixmap(20, 20).toImage()
        background = button.palette().color(QPalette.ColorRole.Button)
        assert _max_contrast(icon, QRect(0, 0, icon.width(), icon.height()), background) >= 4.5, button.toolTip()
