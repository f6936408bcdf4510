"""The loss and accuracy curves up to one moment of a run, as a Pillow image (no Qt): a GIF frame's side.

A timeline GIF frame shows the network at one snapshot; beside it, this draws the curves as they
stood then: the trend of each metric up to the snapshot's x (in epochs) and the validation points
reached by then, on axes that span the whole run so nothing moves between frames.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

TREND = (31, 95, 158)  # the live plot's trend colour (#1f5f9e)
VALIDATION = (214, 39, 40)  # the live plot's validation dots (#d62728)
AXES = (120, 120, 120)
TEXT = (34, 34, 34)
MARGIN = (34, 18, 8, 16)  # left, top, right, bottom of each plot, in pixels


@dataclass(frozen=True)
class RunCurves:
    """A whole run's curves against epochs: trend lines per batch and validation points."""

    x: np.ndarray  # each batch's x (epochs), ascending
    loss: np.ndarray
    accuracy: np.ndarray
    val_x: np.ndarray
    val_loss: np.ndarray
    val_accuracy: np.ndarray
    x_max: float  # the right end of the x axis (the run's planned epochs)

    def loss_range(self) -> tuple[float, float]:
        """The loss axis' span: every finite loss of the run, batches and validation."""
        values = np.concatenate([self.loss, self.val_loss])
        values = values[np.isfinite(values)]
        if not len(values):
            return 0.0, 1.0
        low, high = float(values.min()), float(values.max())
        return (min(low, 0.0), high if high > min(low, 0.0) else 1.0)


def plot_box(size: tuple[int, int], which: int) -> tuple[int, int, int, int]:
    """The pixel box (x0, y0, x1, y1) of plot ``which`` (0: loss on top, 1: accuracy below)."""
    width, height = size
    half = height // 2
    left, top, right, bottom = MARGIN
    return left, which * half + top, width - right, (which + 1) * half - bottom


def x_pixel(x: float, curves: RunCurves, box: tuple[int, int, int, int]) -> float:
    """The column of ``x`` (epochs) in ``box``."""
    x0, _, x1, _ = box
    return x0 + (x1 - x0) * x / max(curves.x_max, 1e-9)


def curves_image(curves: RunCurves, until_x: float, size: tuple[int, int]) -> Image.Image:
    """Loss (top) and accuracy (bottom) as they stood at ``until_x`` epochs, an RGB image of ``size``."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    shown = curves.x <= until_x + 1e-9
    val_shown = curves.val_x <= until_x + 1e-9
    plots = (("loss trend", curves.loss, curves.val_loss, curves.loss_range(), "{:.3f}"),
             ("accuracy trend", curves.accuracy, curves.val_accuracy, (0.0, 1.0), "{:.1%}"))
    for which, (name, values, val_values, (low, high), form) in enumerate(plots):
        box = plot_box(size, which)
        x0, y0, x1, y1 = box

        def y_pixel(value: float) -> float:
            return y1 - (y1 - y0) * (value - low) / max(high - low, 1e-12)  # noqa: B023 (used at once)

        draw.rectangle(box, outline=AXES)
        draw.text((x0, y0 - 14), name, fill=TEXT, font=font)
        draw.text((2, y0), f"{high:.2g}", fill=AXES, font=font)
        draw.text((2, y1 - 10), f"{low:.2g}", fill=AXES, font=font)
        points = [(x_pixel(x, curves, box), y_pixel(v)) for x, v in zip(curves.x[shown], values[shown])
                  if np.isfinite(v)]
        if len(points) > 1:
            draw.line(points, fill=TREND, width=2)
        elif points:  # one batch so far: a dot, so it survives the GIF's palette
            (px, py), = points
            draw.ellipse((px - 1.5, py - 1.5, px + 1.5, py + 1.5), fill=TREND)
        for x, v in zip(curves.val_x[val_shown], val_values[val_shown]):
            if np.isfinite(v):
                cx, cy = x_pixel(x, curves, box), y_pixel(v)
                draw.ellipse((cx - 3, cy - 3, cx + 3, cy + 3), fill=VALIDATION)
        if points:
            draw.text((x0 + draw.textlength(name, font=font) + 8, y0 - 14), form.format(values[shown][-1]),
                      fill=TREND, font=font)
    x0, _, x1, y1 = plot_box(size, 1)
    draw.text((x0, y1 + 2), "0", fill=AXES, font=font)
    draw.text(((x0 + x1) // 2 - 14, y1 + 2), "epoch", fill=AXES, font=font)
    draw.text((x1 - 8, y1 + 2), f"{curves.x_max:g}", fill=AXES, font=font)
    return image
