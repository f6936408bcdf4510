"""A plain, legible frame for every step of the studio in depth, drawn with Pillow (no Qt).

One frame shows, top to bottom: the settings and the step; the input's channel slices
(padding tinted, the window's cells outlined on the channels this filter reads); the
current filter's kernel slices; the output channels being filled (cells not computed yet
are pale, the current one outlined); the arithmetic of the step and the layer's numbers.
``convviz animate`` draws the kinds in depth with it until the studio's Qt canvas does.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from convviz.arithmetic import conv2d_transpose, padding_2d
from convviz.arithmetic.conv1d import padding_1d
from convviz.core.studio_text import settings_text

WIDTH = 960
MAX_MAPS = 8  # channels drawn per row; a model's 64-channel map shows its first 8
PENDING = np.array([232, 238, 250], np.uint8)  # output cells not computed yet
PADDING = np.array([250, 222, 222], np.uint8)
WINDOW, CURRENT = (220, 30, 30), (20, 90, 220)
LABEL_H, GAP, MARGIN = 16, 10, 12


ASCII = str.maketrans({"×": "x", "→": "->", "−": "-", "Σ": "sum", "°": " deg", "·": "|"})
LINE_CHARS = 140


def _font() -> tuple[ImageFont.ImageFont, bool]:
    """DejaVu Sans when the system has it (it has ×, →, Σ), else Pillow's own font and ASCII text."""
    try:
        return ImageFont.truetype("DejaVuSans.ttf", 12), False
    except OSError:
        return ImageFont.load_default(size=13), True


def _wrap(text: str) -> list[str]:
    """``text`` cut at spaces into lines of at most LINE_CHARS characters."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > LINE_CHARS:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + [line]


def _fmt(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e9 else f"{value:.3g}"


def _levels(values: np.ndarray) -> tuple[float, float]:
    low, high = float(np.min(values)), float(np.max(values))
    return (low, high) if high > low else (low - 1, high + 1)


def _as_maps(values: np.ndarray, one_d: bool) -> np.ndarray:
    """(channels, rows, cols): a volume (H, W, C) or a sequence (L, C) as maps to draw."""
    return values.T[:, None, :] if one_d else np.moveaxis(values, -1, 0)


class DepthFrameRenderer:
    """Renders step ``index`` of a :class:`StudioResult` in depth as an RGB image of fixed size."""

    def __init__(self, result, width: int = WIDTH) -> None:
        if result.error or not result.in_depth:
            raise ValueError("the frame renderer draws working settings in depth only")
        self.result, self.width = result, width
        self.one_d = result.settings.kind == "conv1d"
        self.font, self.ascii = _font()
        self._masks: dict[str, Image.Image] = {}
        self._images: dict[tuple, Image.Image] = {}  # maps that repeat: a few per stage and filter
        self.text_lines = 3 + sum(len(_wrap(line)) for line in result.numbers.lines())
        kernel_shape = np.shape(result.conv_steps[0].kernel)
        self.kernel_rows = 1 if self.one_d else kernel_shape[0]
        self.kernel_cell = self._cell(min(kernel_shape[-1], MAX_MAPS), kernel_shape[1] if not self.one_d
                                      else kernel_shape[0], self.kernel_rows, 28)
        self.rows = [self._row_layout(self._stage_input(name).shape, name) for name, _ in result.stages]
        self.height = MARGIN * 2 + 2 * LABEL_H + max(h for h, _ in self.rows) + self.text_lines * LABEL_H

    def _stage_input(self, stage: str) -> np.ndarray:
        return self.result.middle if stage == "pointwise" else self.result.x

    def _stage_output(self, stage: str) -> np.ndarray:
        if stage == "depthwise" and self.result.middle is not None:
            return self.result.middle
        return self.result.output

    def _cell(self, count: int, cols: int, rows: int, biggest: int) -> int:
        room = (self.width - 2 * MARGIN - GAP * (count - 1)) // max(count * cols, 1)
        return int(max(2, min(biggest, room, 140 // max(rows, 1))))

    def _row_layout(self, shape, stage: str) -> tuple[int, tuple[int, int]]:
        """(height of the three map rows, (input cell px, output cell px)) for a stage."""
        pads = self._pads(stage)
        in_maps = _as_maps(np.zeros(shape), self.one_d)
        out_maps = _as_maps(self._stage_output(stage), self.one_d)
        rows_in = in_maps.shape[1] + pads[0][0] + pads[0][1]
        cols_in = in_maps.shape[2] + pads[1][0] + pads[1][1]
        cell_in = self._cell(min(len(in_maps), MAX_MAPS), cols_in, rows_in, 24)
        cell_out = self._cell(min(len(out_maps), MAX_MAPS), out_maps.shape[2], out_maps.shape[1], 24)
        kernel_h = self.kernel_rows * self.kernel_cell
        height = rows_in * cell_in + out_maps.shape[1] * cell_out + kernel_h + 3 * (LABEL_H + GAP)
        return height, (cell_in, cell_out)

    def _pads(self, stage: str):
        s, x = self.result.settings, self.result.x
        if stage in ("pointwise", "transpose"):
            return ((0, 0), (0, 0))
        w = self.result.weights
        if self.one_d:
            return ((0, 0), padding_1d(x.shape[0], w.shape[0], s.stride, s.padding, s.dilation))
        return padding_2d(x.shape, w.shape[:2], s.stride, s.padding, s.dilation)

    def _map_image(self, values, cell, levels, pending=None, pads=((0, 0), (0, 0))) -> Image.Image:
        low, high = levels
        grey = np.clip((np.asarray(values, np.float64) - low) / (high - low) * 255, 0, 255).astype(np.uint8)
        rgb = np.repeat(grey[:, :, None], 3, axis=2)
        if pending is not None:
            rgb[pending] = PENDING
        rgb = np.pad(rgb, (*pads, (0, 0)))
        if any(sum(p) for p in pads):
            mask = np.ones(rgb.shape[:2], bool)
            mask[pads[0][0]:pads[0][0] + grey.shape[0], pads[1][0]:pads[1][0] + grey.shape[1]] = False
            rgb[mask] = PADDING
        big = rgb.repeat(cell, axis=0).repeat(cell, axis=1)
        if cell >= 6:
            big[::cell], big[:, ::cell] = 200, 200
        return Image.fromarray(big)

    def _outline(self, draw, origin, cells, cell, colour) -> None:
        for r, c in cells:
            x0, y0 = origin[0] + c * cell, origin[1] + r * cell
            draw.rectangle((x0, y0, x0 + cell - 1, y0 + cell - 1), outline=colour, width=2 if cell >= 8 else 1)

    def _draw_row(self, canvas, draw, y, label, maps, cell, levels, pads=((0, 0), (0, 0)), pending=None,
                  marks=None, numbers=False, keys=None) -> int:
        """Draw a labelled row of maps; ``keys[i]`` names a map that looks the same on other frames."""
        self._text(draw, y, label)
        y += LABEL_H
        x, height = MARGIN, 0
        for index, values in enumerate(maps[:MAX_MAPS]):
            key = None if keys is None else keys[index]
            image = self._images.get(key) if key is not None else None
            if image is None:
                image = self._map_image(values, cell, levels, None if pending is None else pending[index], pads)
                if key is not None:
                    self._images[key] = image
            canvas.paste(image, (x, y))
            if numbers and cell >= 24:
                for (r, c), v in np.ndenumerate(values):
                    self._text(draw, y + r * cell + 6, _fmt(v)[:4], x + c * cell + 3, (200, 0, 120))
            for cells, colour in (marks or {}).get(index, []):
                self._outline(draw, (x, y), cells, cell, colour)
            x += image.width + GAP
            height = max(height, image.height)
        return y + height + GAP

    def render(self, index: int) -> Image.Image:
        """The frame of global step ``index`` (0-based)."""
        result = self.result
        stage, step = result.step(index)
        canvas = Image.new("RGB", (self.width, self.height), "white")
        draw = ImageDraw.Draw(canvas)
        y = MARGIN
        self._text(draw, y, settings_text(result.settings)[:LINE_CHARS])
        y += LABEL_H
        self._text(draw, y, f"step {index + 1} of {result.n_steps} · {stage}")
        y += LABEL_H
        stage_number = [name for name, _ in result.stages].index(stage)
        cell_in, cell_out = self.rows[stage_number][1]
        if stage == "transpose":
            y = self._transpose_rows(canvas, draw, y, step, cell_in, cell_out)
        else:
            y = self._filter_rows(canvas, draw, y, stage, step, index, cell_in, cell_out)
        self._text(draw, y, self._arithmetic(stage, step)[:LINE_CHARS])
        for line in [part for line in result.numbers.lines() for part in _wrap(line)]:
            y += LABEL_H
            self._text(draw, y, line)
        return canvas

    def _text(self, draw, y: int, text: str, x: int = MARGIN, fill=(0, 0, 0)) -> None:
        mask = self._text_mask(text.translate(ASCII) if self.ascii else text)
        draw.bitmap((x, y), mask, fill=fill)

    def _text_mask(self, text: str) -> Image.Image:
        """``text`` rendered once as a mask: most lines repeat on every frame (bounded cache)."""
        mask = self._masks.get(text)
        if mask is None:
            if len(self._masks) >= 1024:
                self._masks.clear()
            left, top, right, bottom = self.font.getbbox(text)
            mask = Image.new("L", (max(right, 1), max(bottom, 1)))
            ImageDraw.Draw(mask).text((0, 0), text, fill=255, font=self.font)
            self._masks[text] = mask
        return mask

    def _filter_rows(self, canvas, draw, y, stage, step, index, cell_in, cell_out) -> int:
        source, target = self._stage_input(stage), self._stage_output(stage)
        pads = self._pads(stage)
        in_maps, out_maps = _as_maps(source, self.one_d), _as_maps(target, self.one_d)
        if self.one_d:
            taps = [(0, int(c) + pads[1][0]) for c in step.cells]
            out_cell = (0, int(step.position))
        else:
            taps = [tuple(p) for p in step.window.padded_cells.reshape(-1, 2)]
            out_cell = tuple(step.position)
        marks = {int(c): [(taps, WINDOW)] for c in step.channels}
        label = f"input ({len(in_maps)} channel(s)): the window of filter {step.filter + 1}"
        y = self._draw_row(canvas, draw, y, label, in_maps, cell_in, _levels(source), pads, marks=marks,
                           keys=[("in", stage, c) for c in range(len(in_maps))])
        kernel = np.asarray(step.kernel)
        kernel_maps = kernel.T[:, None, :] if self.one_d else np.moveaxis(kernel, -1, 0)
        y = self._draw_row(canvas, draw, y, f"kernel of filter {step.filter + 1}, one slice per input channel read",
                           kernel_maps, self.kernel_cell, _levels(kernel), numbers=True,
                           keys=[("kernel", stage, step.filter, c) for c in range(len(kernel_maps))])
        first = sum(count for name, count in self.result.stages[:[n for n, _ in self.result.stages].index(stage)])
        done = index - first
        per = out_maps.shape[1] * out_maps.shape[2]
        flat = np.arange(len(out_maps) * per).reshape(len(out_maps), out_maps.shape[1], out_maps.shape[2])
        pending = flat > done
        marks = {int(step.filter): [([out_cell], CURRENT)]}
        keys = [None if f == step.filter else ("out", stage, f, f < step.filter) for f in range(len(out_maps))]
        return self._draw_row(canvas, draw, y, f"output ({len(out_maps)} channel(s)) being filled", out_maps,
                              cell_out, _levels(target), pending=pending, marks=marks, keys=keys)

    def _transpose_rows(self, canvas, draw, y, step, cell_in, cell_out) -> int:
        result, s = self.result, self.result.settings
        x = result.x
        in_maps = _as_maps(x, False)
        marks = {c: [([tuple(step.position)], WINDOW)] for c in range(len(in_maps))}
        y = self._draw_row(canvas, draw, y, f"input ({len(in_maps)} channel(s)): the cell that stamps",
                           in_maps, cell_in, _levels(x), marks=marks,
                           keys=[("in", "transpose", c) for c in range(len(in_maps))])
        kernel = np.asarray(step.kernel)
        y = self._draw_row(canvas, draw, y, f"kernel of filter {step.filter + 1}, one slice per input channel",
                           np.moveaxis(kernel, -1, 0), self.kernel_cell, _levels(kernel), numbers=True,
                           keys=[("kernel", "transpose", step.filter, c) for c in range(kernel.shape[-1])])
        cells = x.shape[0] * x.shape[1]
        done = step.position[0] * x.shape[1] + step.position[1]
        mask = (np.arange(cells) <= done).reshape(x.shape[:2])[:, :, None]
        partial = conv2d_transpose(x * mask, result.weights, s.stride, s.padding, s.output_padding, s.dilation)
        shown = np.where(np.arange(partial.shape[2]) < step.filter, result.output, partial)
        shown = np.where(np.arange(partial.shape[2]) > step.filter, 0, shown)
        pending = np.zeros((partial.shape[2], *partial.shape[:2]), bool)
        pending[step.filter + 1:] = True
        hits = [tuple(p) for p in step.cells[step.inside]]
        return self._draw_row(canvas, draw, y, "output: stamps add up (overlaps counted in the numbers)",
                              np.moveaxis(shown, -1, 0), cell_out, _levels(result.output), pending=pending,
                              marks={int(step.filter): [(hits, CURRENT)]},
                              keys=[None if f == step.filter else ("out", "transpose", f, f < step.filter)
                                    for f in range(partial.shape[2])])

    def _arithmetic(self, stage, step) -> str:
        if stage == "transpose":
            most = int(step.overlaps[step.inside].max()) if step.inside.any() else 0
            return (f"input cell {tuple(step.position)} × kernel of filter {step.filter + 1}, summed over "
                    f"{len(step.inputs)} channel(s), stamped; up to {most} stamp(s) overlap so far")
        shares = " + ".join(f"ch{c}: {_fmt(d)}" for c, d in zip(step.channels[:6], step.channel_dots[:6]))
        more = " + …" if len(step.channels) > 6 else ""
        where = step.position if self.one_d else tuple(step.position)
        text = f"filter {step.filter + 1} at {where}: {shares}{more} = {_fmt(step.total)}"
        s = self.result.settings
        if stage != "depthwise" or s.kind == "depthwise":
            cell = (step.position, step.filter) if self.one_d else (*step.position, step.filter)
            if s.use_bias or s.activation != "none":
                text += (f" + bias {_fmt(self.result.bias[step.filter])} → {s.activation} → "
                         f"{_fmt(self.result.activated[cell])}")
        return text
