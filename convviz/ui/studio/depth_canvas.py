"""The studio in depth: input slices ∗ the current filter's kernel slices = the output maps.

Every input channel is drawn as its own slice with the window on it; the current
filter's kernel as one slice per channel it reads; the output maps with the current
filter's map large and filling up. A transposed convolution adds the stamps-per-cell
map (the checkerboard); as a convolution it plays over the zero-inserted input.
"""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QPalette
from PyQt6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from convviz.core.studio import StudioResult
from convviz.core.studio_text import padding_sides, plural
from convviz.ui.studio.depth_arith import channel_label
from convviz.ui.studio.dot_product_view import DotProductView
from convviz.ui.studio.formula_panel import FormulaPanel
from convviz.ui.studio.readable import needs_restyle
from convviz.ui.studio.full_height import WrappedLabel
from convviz.ui.studio.studio_canvas import MapPanel, _operator, restyle_canvas, semibold
from convviz.ui.studio.text_block import SHARE, TextBlock
from convviz.ui.studio.tile_render import CHANNEL_TINTS
from convviz.ui.studio.value_format import format_value
from convviz.ui.studio.volume_view import Highlights, VolumeView

KIND_SENTENCES = {
    "conv": "Each filter has one kernel slice per input channel it reads; their dot products are summed.",
    "depthwise": "Each input channel is convolved with its own kernel(s): no sum across channels.",
    "separable": "First a depthwise stage (each channel alone), then a 1×1 pointwise stage mixing the channels.",
    "transposed": "Each input cell stamps the kernel, scaled by its values, onto the output; stamps overlap.",
    "conv1d": "A 1-D kernel slides along the sequence; every channel is one strip.",
}


def as_maps(values: np.ndarray, one_d: bool) -> np.ndarray:
    """(C, rows, cols) slices of a volume (H, W, C) or of a sequence (L, C)."""
    values = np.asarray(values)
    return values.T[:, None, :] if one_d else np.moveaxis(values, -1, 0)


class DepthCanvas(QWidget):
    """Volumes, the current filter, the arithmetic and the numbers of a :class:`StudioResult` in depth."""

    filterChosen = pyqtSignal(int)
    cellChosen = pyqtSignal(str, int, int, int)  # stage on show, filter, row, col of the cell its step is for
    asConvolutionToggled = pyqtSignal(bool)

    def __init__(self, parent: QWidget | None = None, with_formulas: bool = True) -> None:
        super().__init__(parent)
        self.input_view, self.kernel_view = VolumeView(), VolumeView()
        self.output_view, self.overlap_view = VolumeView(), VolumeView()
        self.input_panel = MapPanel("Input", self.input_view)
        self.kernel_panel = MapPanel("Kernel", self.kernel_view)
        self.output_panel = MapPanel("Output", self.output_view)
        self.overlap_panel = MapPanel("Stamps per output cell", self.overlap_view)
        maps = QHBoxLayout()
        maps.setSpacing(4)
        self._maps = maps
        for widget, stretch in ((self.input_panel, 5), (_operator("∗"), 0), (self.kernel_panel, 2),
                                (_operator("="), 0), (self.output_panel, 5), (self.overlap_panel, 4)):
            maps.addWidget(widget, stretch)
        self.kind_label = WrappedLabel()  # a long explanation wraps rather than widening the window
        self.step_label = WrappedLabel()  # so does a long step line (zoomed)
        self.step_label.setFont(semibold())
        self.filter_spin = QSpinBox()
        self.filter_spin.setPrefix("filter ")
        self.filter_spin.setToolTip("Jump to this filter (output channel), at the same position.")
        self.filter_spin.setKeyboardTracking(False)
        self.as_conv = QCheckBox("as a stride-1 convolution")
        self.as_conv.setToolTip("Play the same transposed result as a convolution over the zero-inserted, "
                                "padded input with the flipped kernel.")
        header = QHBoxLayout()
        header.addWidget(self.step_label, 1)
        header.addWidget(self.as_conv)
        header.addWidget(self.filter_spin)
        self.dot_product = DotProductView()
        self.formulas = FormulaPanel()
        self.formulas.setVisible(with_formulas)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.kind_label)
        layout.addLayout(maps, 1)
        layout.addLayout(header)
        # the dot product and formulas take at most their share of the height (they scroll inside it),
        # so zoomed text never pushes the transport off the window nor squeezes the maps to nothing
        self.text_block = TextBlock([self.dot_product, self.formulas])
        layout.addWidget(self.text_block)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAutoFillBackground(True)
        restyle_canvas(self, [self.kind_label])
        self.filter_spin.valueChanged.connect(lambda v: self.filterChosen.emit(v - 1))
        self.as_conv.toggled.connect(self.asConvolutionToggled.emit)
        self.output_view.cellClicked.connect(self._output_clicked)
        self.input_view.cellClicked.connect(self._input_clicked)
        self.result: StudioResult | None = None
        self._loaded: tuple | None = None

    def changeEvent(self, event) -> None:  # noqa: N802
        """A new palette or font: pick the colours and sizes again."""
        super().changeEvent(event)
        if needs_restyle(event):
            restyle_canvas(self, [self.kind_label])
            self.text_block.forget()

    def resizeEvent(self, event) -> None:  # noqa: N802
        """A new height: the text under the maps may take at most its share of it."""
        super().resizeEvent(event)
        self.text_block.set_cap(int(SHARE * self.height()))

    def show_result(self, result: StudioResult, as_conv: bool = False) -> None:
        """Load ``result`` (call when settings change); the maps are drawn at the first step."""
        self.result, self._loaded = result, None
        s = result.settings
        self.formulas.show_result(result)
        self.text_block.forget()
        self.kind_label.setText(f"<b>{s.kind}</b> · {KIND_SENTENCES.get(s.kind, '')}")
        transposed = s.kind == "transposed" and not result.error
        self.overlap_panel.setVisible(transposed)
        self._maps.setStretchFactor(self.input_panel, 3 if transposed else 5)  # room for the stamp counts
        self.as_conv.setVisible(transposed)
        self.as_conv.blockSignals(True)
        self.as_conv.setChecked(as_conv)
        self.as_conv.blockSignals(False)
        if result.error:
            for view in (self.input_view, self.kernel_view, self.output_view):
                view.set_volume(np.zeros((0, 1, 1)), ())
            self.output_panel.title.setText("Output: none")
            self.step_label.setText("No steps: " + result.error)
            self.dot_product.show_step(None, None)
            return
        if transposed:
            overlaps = result.transposed.overlaps
            self.overlap_view.set_volume(overlaps[None], ("stamps",))
            pattern = "checkerboard" if result.transposed.uneven else "even"
            self.overlap_panel.title.setText(f"Stamps per cell\n{overlaps.min()}–{overlaps.max()}: {pattern}")

    def _output_clicked(self, flt: int, row: int, col: int) -> None:
        if self._loaded is not None and self._loaded[0] != "transpose":  # an output cell gets many stamps
            self.cellChosen.emit(self._loaded[0], flt, row, col)

    def _input_clicked(self, _channel: int, row: int, col: int) -> None:
        if self._loaded is not None and self._loaded[0] == "transpose":  # a stamp's step is its input cell
            self.cellChosen.emit("transpose", self._loaded[1] or 0, row, col)

    # ----- one stage's maps -----
    def _stage_maps(self, stage: str):
        """(input maps, names, pads, shaded, output values, output title) of ``stage``."""
        r, s = self.result, self.result.settings
        one_d = s.kind == "conv1d"
        names = [channel_label(r, "conv", c) for c in range(r.x.shape[-1])]
        layer_out = r.activated
        finish = (" + bias" if s.use_bias else "") + (f", {s.activation}" if s.activation != "none" else "")
        title = f"Output {'×'.join(map(str, layer_out.shape))}{finish}"
        if stage == "depthwise" and r.middle is not None:
            dw = [f"dw{c + 1}" for c in range(r.middle.shape[2])]
            return as_maps(r.x, False), names, r.pads, None, r.middle, dw, "Depthwise maps " + \
                "×".join(map(str, r.middle.shape))
        if stage == "pointwise":
            dw = [f"dw{c + 1}" for c in range(r.middle.shape[2])]
            return as_maps(r.middle, False), dw, ((0, 0), (0, 0)), None, layer_out, None, title
        if stage == "equivalent":
            t = r.transposed
            return as_maps(t.zero_inserted, False), names, ((0, 0), (0, 0)), ~t.is_input, layer_out, None, title
        pads = r.pads if stage != "transpose" else ((0, 0), (0, 0))
        out_names = None
        if s.kind == "depthwise":  # output map c·M + m reads input channel c with its m-th kernel
            m = s.depth_multiplier
            out_names = [f"{names[f // m]} · kernel {f % m + 1}" for f in range(layer_out.shape[-1])]
        return as_maps(r.x, one_d), names, pads, None, layer_out, out_names, title

    def _load_stage(self, stage: str) -> None:
        r = self.result
        one_d = r.settings.kind == "conv1d"
        maps, names, pads, shaded, out, out_names, title = self._stage_maps(stage)
        rows, cols = maps.shape[1:]
        (t, b), (l, rr) = pads
        pad_text = f" · padding {padding_sides(pads)}" if (t or b or l or rr) else ""
        shape = f"{cols} long × {len(maps)}" if one_d else f"{rows}×{cols}×{len(maps)}"
        what = "zero-inserted input" if stage == "equivalent" else "depthwise maps" if stage == "pointwise" \
            else "Input"
        self.input_panel.title.setText(f"{what} {shape}{pad_text}\n{r.caption if stage != 'pointwise' else ''}")
        photo = r.settings.input_kind == "photo" and stage != "pointwise"
        tints = [CHANNEL_TINTS.get(name, "grey") for name in names] if photo else None
        self.input_view.set_volume(maps, names, pads, shaded=shaded, tints=tints)
        out_maps = as_maps(out, one_d)
        self.output_view.set_volume(out_maps, out_names or [f"filter {f + 1}" for f in range(len(out_maps))],
                                    focus_mode=not one_d)
        self.output_panel.title.setText(title)
        self._loaded = (stage, None)

    # ----- steps -----
    def show_step(self, result: StudioResult, stage: str | None, step, index: int, total: int) -> None:
        """Highlight ``step`` (of ``stage``; global ``index`` of ``total``)."""
        if result is not self.result or result.error or step is None:
            return
        if self._loaded is None or self._loaded[0] != stage:
            self._load_stage(stage)
        one_d = result.settings.kind == "conv1d"
        if self._loaded[1] != step.filter:
            self._load_kernel(stage, step, one_d)
        if stage == "transpose":
            self._show_stamp(step)
        else:
            self._show_window(step, one_d)
        self._label(stage, step, index, total)
        self.dot_product.show_depth_step(result, stage, step)
        self.text_block.refit()

    def _load_kernel(self, stage: str, step, one_d: bool) -> None:
        kernel = np.asarray(step.kernel)
        maps = kernel.T[:, None, :] if one_d else np.moveaxis(kernel, -1, 0)
        channels = range(len(maps)) if stage == "transpose" else step.channels
        names = [channel_label(self.result, stage, int(c)) for c in channels]
        self.kernel_view.set_volume(maps, names)
        size = f"{maps.shape[2]} taps" if one_d else f"{maps.shape[1]}×{maps.shape[2]}"
        flipped = ", turned 180°" if stage == "equivalent" else ""
        self.kernel_panel.title.setText(f"Kernel of filter {step.filter + 1}{flipped}\n{size}, {plural(len(maps), 'slice')}")
        self._loaded = (self._loaded[0], step.filter)

    def _show_window(self, step, one_d: bool) -> None:
        if one_d:
            left = self.input_view.pads[1][0]
            taps = np.stack([np.zeros(len(step.cells), int), np.asarray(step.cells) + left], axis=1)
            current = (0, int(step.position))
        else:
            taps = step.window.padded_cells.reshape(-1, 2)
            current = tuple(int(v) for v in step.position)
        channels = tuple(int(c) for c in step.channels)
        self.input_view.set_step(Highlights(taps=taps, channels=channels))
        self.kernel_view.set_step(Highlights(channels=tuple(range(len(channels)))))
        width = self.output_view.maps.shape[2]
        revealed = current[0] * width + current[1]
        self.output_view.set_step(Highlights(focus=step.filter, revealed=revealed, current=current))
        self.overlap_view.set_step(Highlights(focus=0, current=current))

    def _show_stamp(self, step) -> None:
        r, c = (int(v) for v in step.position)
        self.input_view.set_step(Highlights(taps=np.array([[r, c]]), channels=()))
        self.kernel_view.set_step(Highlights())
        cells = [tuple(int(v) for v in step.cells[i, j]) for i, j in np.argwhere(step.inside)]
        self.output_view.set_step(Highlights(focus=step.filter, cells=cells))
        self.overlap_view.set_step(Highlights(focus=0, cells=cells))

    def _label(self, stage: str, step, index: int, total: int) -> None:
        r = self.result
        filters = self.output_view.maps.shape[0]
        if stage == "transpose":
            cells = r.x.shape[0] * r.x.shape[1]
            position = step.index % cells
        else:
            cells = self.output_view.maps.shape[1] * self.output_view.maps.shape[2]
            position = (step.position if np.ndim(step.position) == 0
                        else step.position[0] * self.output_view.maps.shape[2] + step.position[1])
        stage_text = ""
        if len(r.stages) > 1:
            names = [name for name, _ in r.stages]
            stage_text = f"stage {names.index(stage) + 1} of {len(names)}: {stage} · "
        what = "input cell" if stage == "transpose" else "position"
        value = "" if stage == "transpose" else \
            f" · value {format_value(self.output_view.maps.reshape(filters, -1)[step.filter, int(position)])}"
        self.step_label.setText(f"{stage_text}filter {step.filter + 1} of {filters} · {what} {int(position) + 1} "
                                f"of {cells} · step {index + 1} of {total}{value}")
        self.filter_spin.blockSignals(True)
        self.filter_spin.setRange(1, filters)
        self.filter_spin.setValue(step.filter + 1)
        self.filter_spin.blockSignals(False)
