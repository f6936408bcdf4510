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
