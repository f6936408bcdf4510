"""A run's dashboard as one PNG, drawn with Pillow (no Qt, no Keras): ``convviz report``.

Loss and accuracy curves (every batch faint, each epoch's training and validation points
bold), the first convolution's filters and the activations of the sample at the last kept
snapshot, the model summary and the final metrics, on one 1600x1000 image.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from convviz.atomic import atomic_write
from convviz.core.model_titles import model_title
from convviz.core.runs.reader import RunReader
from convviz.core.tiling import as_maps, grid_shape, tile_maps

__all__ = ["SIZE", "draw_report", "write_report"]

SIZE = (1600, 1000)
BACKGROUND, INK, FAINT, GRID = (255, 255, 255), (30, 30, 30), (120, 120, 120), (225, 225, 225)
TRAIN_BATCH, TRAIN, VALIDATION = (170, 195, 235), (31, 90, 200), (230, 110, 20)
MAX_ACTIVATION_ROWS, MAX_MAPS_PER_ROW = 6, 16


def write_report(run_dir, out) -> Path:
    """Draw the run in ``run_dir`` and write it to the PNG file ``out`` (whole or not at all)."""
    image = draw_report(RunReader(run_dir))
    return atomic_write(out, lambda temp: image.save(temp, format="PNG"), suffix=".png")


def draw_report(run: RunReader) -> Image.Image:
    """The dashboard of ``run`` (read to its end now) as an RGB image of :data:`SIZE`."""
    run.poll()
    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    fonts = {size: _font(size) for size in (14, 16, 20, 26)}
    _header(draw, run, fonts)
    batches, epochs = run.of_type("BatchEnd"), run.of_type("EpochEnd")
    _chart(draw, (20, 80, 790, 450), "loss", batches, epochs, fonts)
    _chart(draw, (810, 80, 1580, 450), "accuracy", batches, epochs, fonts)
    _summary(draw, (20, 480, 560, 980), run.summary, fonts)
    probes = run.of_type("Probe")
    last = probes[-1] if probes else None
    _filters(image, draw, (580, 480, 1000, 980), last, fonts)
    _activations(image, draw, (1020, 480, 1580, 980), last, fonts)
    return image


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow before 10.1: only the small bitmap font
        return ImageFont.load_default()


def _header(draw, run: RunReader, fonts) -> None:
    info = run.info
    draw.text((20, 14), f"convviz run: {run.path.name}", font=fonts[26], fill=INK)
    status = info.get("status", "?")
    if status == "running" and not run.finished:
        status = "running (or killed)"
    finished = run.of_type("Finished")
    parts = [f"source: {info.get('source') or '?'}", f"status: {status}", f"started {info.get('created')}"]
    if run.config.get("model"):
        parts.insert(0, f"model: {model_title(str(run.config['model']))}")
    if finished and not math.isnan(finished[-1].test_accuracy):
        parts.append(f"test accuracy {finished[-1].test_accuracy:.2%} (loss {finished[-1].test_loss:.4f})")
    epochs = run.of_type("EpochEnd")
    if epochs:
        last = epochs[-1]
        parts.append(f"epoch {last.epoch + 1}: loss {last.loss:.4f}, accuracy {_pct(last.accuracy)}, "
                     f"val loss {last.val_loss:.4f}, val accuracy {_pct(last.val_accuracy)}")
    draw.text((20, 48), "   ·   ".join(parts), font=fonts[16], fill=FAINT)


def _pct(value: float) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.2%}"


def _chart(draw, box, metric: str, batches, epochs, fonts) -> None:
    left, top, right, bottom = box
    draw.text((left, top), metric.capitalize(), font=fonts[20], fill=INK)
    plot = (left + 60, top + 34, right - 10, bottom - 40)
    steps = [b.step for b in batches]
    series = [
        ([b.step for b in batches], [getattr(b, metric) for b in batches], TRAIN_BATCH, 1, "train (batches)"),
        ([e.step for e in epochs], [getattr(e, metric) for e in epochs], TRAIN, 3, "train (epochs)"),
        ([e.step for e in epochs], [getattr(e, f"val_{metric}") for e in epochs], VALIDATION, 3, "validation"),
    ]
    values = [v for _, ys, *_ in series for v in ys if v is not None and math.isfinite(v)]
    if not values:
        draw.rectangle(plot, outline=GRID)
        draw.text((plot[0] + 10, plot[1] + 10), f"no {metric} recorded", font=fonts[16], fill=FAINT)
        return
    x_range = (min(steps + [0]), max(steps + [1]))
    y_range = (min(values), max(values)) if max(values) > min(values) else (min(values) - 0.5, max(values) + 0.5)
    _axes(draw, plot, x_range, y_range, fonts)
    for xs, ys, colour, width, label in series:
        _polyline(draw, plot, x_range, y_range, xs, ys, colour, width)
    _legend(draw, (plot[2] - 170, plot[1] + 6), [(label, colour) for *_, colour, _, label in series], fonts)


def _scale(plot, x_range, y_range, x: float, y: float) -> tuple[float, float]:
    left, top, right, bottom = plot
    fx = (x - x_range[0]) / ((x_range[1] - x_range[0]) or 1)
    fy = (y - y_range[0]) / ((y_range[1] - y_range[0]) or 1)
    return left + fx * (right - left), bottom - fy * (bottom - top)


def _axes(draw, plot, x_range, y_range, fonts) -> None:
    left, top, right, bottom = plot
    for i in range(5):
        value = y_range[0] + (y_range[1] - y_range[0]) * i / 4
        _, y = _scale(plot, x_range, y_range, x_range[0], value)
        draw.line([(left, y), (right, y)], fill=GRID)
        draw.text((left - 8, y), f"{value:.3g}", font=fonts[14], fill=FAINT, anchor="rm")
    for i in range(5):
        value = x_range[0] + (x_range[1] - x_range[0]) * i / 4
        x, _ = _scale(plot, x_range, y_range, value, y_range[0])
        draw.text((x, bottom + 6), f"{value:.0f}", font=fonts[14], fill=FAINT, anchor="mt")
    draw.text(((left + right) / 2, bottom + 22), "step", font=fonts[14], fill=FAINT, anchor="mt")
    draw.rectangle(plot, outline=FAINT)


def _polyline(draw, plot, x_range, y_range, xs, ys, colour, width) -> None:
    """Connected segments of finite points; a single point (one epoch) is drawn as a dot."""
    points = [_scale(plot, x_range, y_range, x, y) for x, y in zip(xs, ys)
              if y is not None and math.isfinite(y)]
    if len(points) > 1:
        draw.line(points, fill=colour, width=width, joint="curve")
    if width > 1:
        for x, y in points:
            draw.ellipse([x - 4, y - 4, x + 4, y + 4], fill=colour)


def _legend(draw, origin, entries, fonts) -> None:
    x, y = origin
    for label, colour in entries:
        draw.line([(x, y + 8), (x + 24, y + 8)], fill=colour, width=3)
        draw.text((x + 30, y), label, font=fonts[14], fill=INK)
        y += 20


def _summary(draw, box, summary, fonts) -> None:
    left, top, right, bottom = box
    draw.text((left, top), "Model summary", font=fonts[20], fill=INK)
    if summary is None:
        draw.text((left, top + 34), "no model summary recorded", font=fonts[16], fill=FAINT)
        return
    columns = (left, left + 190, left + 330, right)
    y = top + 34
    for x, heading in zip(columns, ("layer", "kind", "output shape")):
        draw.text((x, y), heading, font=fonts[14], fill=FAINT)
    draw.text((columns[3], y), "params", font=fonts[14], fill=FAINT, anchor="ra")
    y += 22
    rows = list(summary.layers)
    room = max(1, int((bottom - y - 50) // 20))
    for layer in rows[:room]:
        shape = "(" + ", ".join(str(d) for d in layer.output_shape) + ")"
        for x, text in zip(columns, (_clip(layer.name, 22), _clip(layer.kind, 16), shape)):
            draw.text((x, y), text, font=fonts[14], fill=INK)
        draw.text((columns[3], y), f"{layer.params:,}", font=fonts[14], fill=INK, anchor="ra")
        y += 20
    if len(rows) > room:
        draw.text((left, y), f"... and {len(rows) - room} more layers", font=fonts[14], fill=FAINT)
        y += 20
    draw.line([(left, y + 4), (right, y + 4)], fill=GRID)
    draw.text((left, y + 10), f"{model_title(summary.name)}: {summary.total_params:,} parameters "
              f"({summary.trainable_params:,} trainable)", font=fonts[16], fill=INK)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _filters(image, draw, box, probe, fonts) -> None:
    left, top, right, bottom = box
    kernels = list(getattr(probe, "kernels", {}).items()) if probe is not None else []
    if not kernels:
        draw.text((left, top), "Filters", font=fonts[20], fill=INK)
        draw.text((left, top + 34), "no convolution recorded", font=fonts[16], fill=FAINT)
        return
    name, kernel = kernels[0]
    draw.text((left, top), f"Filters: {name} at step {probe.step}", font=fonts[20], fill=INK)
    maps = np.asarray(kernel, dtype=np.float32).mean(axis=2)  # over input channels, as the app shows
    rows, cols = grid_shape(maps.shape[2])
    tiled = tile_maps(maps, cols=cols)
    limit = float(np.nanmax(np.abs(tiled))) or 1.0
    picture = _diverging(tiled / limit)
    _paste_fitted(image, picture, (left, top + 34, right, bottom - 24))
    draw.text((left, bottom - 20), f"{maps.shape[2]} filters {kernel.shape[0]}x{kernel.shape[1]} (mean of "
              f"{kernel.shape[2]} input ch.), blue − red + ±{limit:.2g}", font=fonts[14], fill=FAINT)


def _activations(image, draw, box, probe, fonts) -> None:
    left, top, right, bottom = box
    layers = [(name, out) for name, out in getattr(probe, "activations", ()) if np.ndim(out) >= 1]
    title = f"Activations at step {probe.step}" if layers else "Activations"
    draw.text((left, top), title, font=fonts[20], fill=INK)
    if not layers:
        draw.text((left, top + 34), "no activations recorded", font=fonts[16], fill=FAINT)
        return
    shown = [(name, out) for name, out in layers if np.ndim(out) == 3][: MAX_ACTIVATION_ROWS - 1]
    shown.append(layers[-1])  # the output (probabilities) always closes the list
    row_height = (bottom - top - 34) // len(shown)
    y = top + 34
    for name, out in shown:
        maps = as_maps(out)[:, :, :MAX_MAPS_PER_ROW]
        tiled = tile_maps(maps, cols=maps.shape[2])
        high = float(np.nanmax(tiled)) if np.isfinite(tiled).any() else 1.0
        low = min(0.0, float(np.nanmin(tiled)))
        grey = (tiled - low) / ((high - low) or 1.0)
        draw.text((left, y), f"{_clip(name, 28)} {tuple(np.shape(out))}", font=fonts[14], fill=FAINT)
        _paste_fitted(image, _grey(grey), (left, y + 18, right, y + row_height - 4))
        y += row_height


def _diverging(values: np.ndarray) -> Image.Image:
    """-1..1 to blue-white-red; NaN (gaps) white."""
    v = np.nan_to_num(np.clip(values, -1, 1), nan=0.0)
    red = np.where(v < 0, 1 + v, 1.0)
    blue = np.where(v > 0, 1 - v, 1.0)
    green = 1 - np.abs(v)
    return Image.fromarray((np.stack([red, green, blue], axis=-1) * 255).astype(np.uint8), "RGB")


def _grey(values: np.ndarray) -> Image.Image:
    """0..1 to black..white; NaN (gaps) white."""
    v = np.nan_to_num(np.clip(values, 0, 1), nan=1.0)
    return Image.fromarray((v * 255).astype(np.uint8), "L").convert("RGB")


def _paste_fitted(image, picture: Image.Image, box) -> None:
    """Paste ``picture`` scaled up (nearest, crisp cells) to fit ``box``, keeping its aspect."""
    left, top, right, bottom = box
    scale = min((right - left) / picture.width, (bottom - top) / picture.height)
    if scale <= 0:
        return
    size = (max(1, int(picture.width * scale)), max(1, int(picture.height * scale)))
    image.paste(picture.resize(size, Image.Resampling.NEAREST), (left, top))
