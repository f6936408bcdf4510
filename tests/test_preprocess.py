"""Drawn digits are prepared the way MNIST's own digits were: checked against real MNIST digits."""

import numpy as np
import pytest
from PIL import Image

from convviz.assets import bundled_digits
from convviz.training.preprocess import center_of_mass, mnist_style


def _drawn_like(digit: np.ndarray, scale: int, offset: tuple[int, int], canvas: int = 140) -> np.ndarray:
    """Blow a real digit up and put it off-centre on a big canvas, as a user might draw it."""
    big = Image.fromarray(digit).resize((28 * scale, 28 * scale), Image.Resampling.BILINEAR)
    out = np.zeros((canvas, canvas), dtype=np.uint8)
    out[offset[0] : offset[0] + 28 * scale, offset[1] : offset[1] + 28 * scale] = np.asarray(big)
    return out


@pytest.mark.parametrize("index", [0, 1, 2, 7, 42])
def test_shifted_enlarged_digit_comes_back_like_the_mnist_original(index):
    x, _ = bundled_digits()
    original = x[index].astype(np.float32) / 255
    drawn = _drawn_like(x[index], scale=4, offset=(3, 25))
    prepared = mnist_style(drawn)
    assert prepared.shape == (28, 28) and prepared.dtype == np.float32
    assert 0.0 <= prepared.min() and prepared.max() <= 1.0
    row, col = center_of_mass(prepared)
    assert abs(row - 14) <= 0.75 and abs(col - 14) <= 0.75
    correlation = np.corrcoef(prepared.ravel(), original.ravel())[0, 1]
    assert correlation > 0.85, f"digit {index}: correlation {correlation:.3f}"


def test_digit_fits_the_20_pixel_box():
    canvas = np.zeros((200, 200))
    canvas[20:180, 95:105] = 1.0  # a tall thin stroke, like a "1"
    prepared = mnist_style(canvas)
    rows = np.flatnonzero((prepared > 0.05).any(axis=1))
    assert rows[-1] - rows[0] + 1 == 20


def test_blank_canvas_gives_blank_image_and_bad_shapes_are_refused():
    assert not mnist_style(np.zeros((50, 50))).any()
    with pytest.raises(ValueError, match="2-D image"):
        mnist_style(np.zeros((5, 5, 3)))
