"""The picture of one step: input ∗ kernel → output → pooled, the dot product, and the formulas.

The studio tab shows one; exports render another, offscreen, so an exported
frame looks exactly like the app.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QFont, QPalette
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from convviz.arithmetic import effective_kernel
from convviz.core.studio import StudioResult
from convviz.core.studio_text import padding_sides, plural
from convviz.ui.studio.dot_product_view import DotProductView
from convviz.ui.studio.formula_panel import FormulaPanel
from convviz.ui.studio.full_height import FullHeight
from convviz.ui.studio.grid_view import GridView
from convviz.ui.studio.kernel_editor import KernelEditor
from convviz.ui.studio.text_block import SHARE, TextBlock
from convviz.ui.studio.readable import accent, needs_restyle, set_point_scale, tint
from convviz.ui.studio.value_format import axes_text, axis_value, format_value


class PanelTitle(FullHeight, QLabel):
    """A centred, wrapping map title: two lines (name and shape, then details) at least, more when it wraps."""

    min_lines = 2


class MapPanel(QWidget):
    """A title (name and shape) above a grid view."""

    def __init__(self, title: str, grid: GridView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = grid
        self.title = PanelTitle(title)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)  # a long title wraps rather than widening the window (zoomed)
        self.title.setFont(semibold())  # only the weight: the size follows the app font (the zoom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(grid, 1)


def semibold() -> QFont:
    """A font that sets only the weight (semi-bold), so the rest follows the parent's font."""
    font = QFont()
    font.setWeight(QFont.Weight.DemiBold)
    return font


def _operator(text: str) -> QLabel:
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setObjectName("operator")
    return label


def restyle_canvas(canvas: QWidget, muted: list[QLabel]) -> None:
    """Colours and sizes from ``canvas``'s palette and the app font: the operators and ``muted`` labels."""
    grey = accent(canvas, "muted")
    for label in canvas.findChildren(QLabel, "operator"):
        set_point_scale(label, 2.0)
        tint(label, grey)
    for label in muted:
        tint(label, grey)


def _span_points(window):
    rows, cols = window.rows_padded, window.cols_padded
    return int(rows[0]), int(cols[0]), int(rows[-1]), int(cols[-1])


class StudioCanvas(QWidget):
    """Maps, dot product and (optionally) formulas for a :class:`StudioResult` at one step."""

    def __init__(self, parent: QWidget | None = None, with_formulas: bool = True, bounded_text: bool = True) -> None:
        super().__init__(parent)
        self.input_view = GridView()
        self.kernel_view = KernelEditor()
        self.output_view = GridView()
        self.pool_view = GridView()
        self.input_panel = MapPanel("Input", self.input_view)
        self.kernel_panel = MapPanel("Kernel", self.kernel_view)
        self.output_panel = MapPanel("Output", self.output_view)
        self.pool_panel = MapPanel("Pooled", self.pool_view)
        self.pool_arrow = _operator("→")
        maps = QHBoxLayout()
        maps.setSpacing(4)
        maps.addWidget(self.input_panel, 5)
        maps.addWidget(_operator("∗"))
        maps.addWidget(self.kernel_panel, 2)
        maps.addWidget(_operator("="))
        maps.addWidget(self.output_panel, 4)
        maps.addWidget(self.pool_arrow)
        maps.addWidget(self.pool_panel, 3)
        self.step_label = QLabel()
        self.dot_product = DotProductView()
        self.formulas = FormulaPanel()
        self.formulas.setVisible(with_formulas)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(maps, 1)
        self._shown: tuple[StudioResult | None, int] = (None, 0)
        self.text_block = TextBlock([self.step_label, self.dot_product, self.formulas], bounded=bounded_text,
                                    measure=self._measure_steps)
        layout.addWidget(self.text_block)
        self.setBackgroundRole(QPalette.ColorRole.Base)  # white in light, near black in dark
        self.setAutoFillBackground(True)
        self.restyle()

    def restyle(self) -> None:
        """Pick the colours again (the theme changed)."""
        restyle_canvas(self, [self.step_label])

    def changeEvent(self, event) -> None:  # noqa: N802
        """A new palette or font: restyle (a new font also wraps the text anew)."""
        super().changeEvent(event)
        if needs_restyle(event):
            self.restyle()
            self.text_block.forget()

    def resizeEvent(self, event) -> None:  # noqa: N802
        """A new height: the text under the maps may take at most its share of it."""
        super().resizeEvent(event)
        self.text_block.set_cap(int(SHARE * self.height()))

    def _measure_steps(self) -> None:
        """Show a sample of the steps' dot products, so the text's reserved height fits (nearly) all."""
        result, index = self._shown
        if result is None or result.error or result.n_steps == 0:
            return
        for sample in {round(i * (result.n_steps - 1) / 15) for i in range(16)}:
            self.dot_product.show_step(*result.step(sample))
            self.text_block.refit()
        self.dot_product.show_step(*result.step(min(index, result.n_steps - 1)))

    def show_result(self, result: StudioResult) -> None:
        """Load the maps of ``result`` (call when settings change)."""
        s = result.settings
        self.formulas.show_result(result)
        self._shown = (result, self._shown[1])
        self.text_block.forget()
        (t, b), (l, r) = result.pads
        height, width = result.x.shape
        pad_text = f" · padding {padding_sides(result.pads)}" if (t or b or l or r) else ""
        self.input_panel.title.setText(f"Input {height}×{width}{pad_text}\n{result.caption}")
        self.input_view.set_data(result.x, result.pads, "0")
        kh, kw = s.kernel.shape
        dh, dw = axis_value(s.dilation, 0), axis_value(s.dilation, 1)
        span = f", spans {effective_kernel(kh, dh)}×{effective_kernel(kw, dw)}" if max(dh, dw) > 1 else ""
        self.kernel_panel.title.setText(f"Kernel {kh}×{kw} · stride {axes_text(s.stride)}\n"
                                        f"dilation {axes_text(s.dilation)}{span}")
        self.kernel_view.set_data(s.kernel)
        pooled = s.pool and result.output is not None
        self.pool_panel.setVisible(s.pool)
        self.pool_arrow.setVisible(s.pool)
        if result.error:
            self.output_panel.title.setText("Output: none")
            self.output_view.set_message(result.error)
            self.pool_view.set_message("No output to pool.")
            return
        oh, ow = result.output.shape
        self.output_panel.title.setText(f"Output {oh}×{ow}\n{plural(len(result.conv_steps), 'kernel position')}")
        self.output_view.set_data(result.output, result.pool_pads if pooled else ((0, 0), (0, 0)))
        if pooled and result.pool_error:
            self.pool_panel.title.setText("Pooled: none")
            self.pool_view.set_message(result.pool_error)
        elif pooled:
            ph, pw = result.pooled.shape
            stride = s.effective_pool_stride
            self.pool_panel.title.setText(f"Pooled {ph}×{pw}\n{s.pool_mode} {s.pool_size}×{s.pool_size}, stride {stride}")
            self.pool_view.set_data(result.pooled)

    def show_step(self, result: StudioResult, index: int) -> None:
        """Highlight step ``index`` of ``result`` (cheap: no cache is rebuilt)."""
        self._shown = (result, index)
        if result.error or result.n_steps == 0:
            self.input_view.set_step()
            self.step_label.setText("No steps: the kernel does not fit." if result.error else "")
            self.dot_product.show_step(None, None)
            self.text_block.refit()
            return
        kind, step = result.step(index)
        n_conv = len(result.conv_steps)
        if kind == "conv":
            window = step.window
            tags = [f"×{format_value(k)}" for k in step.kernel.ravel()]
            self.input_view.set_step(window=window.padded_cells, span=_span_points(window), tags=tags)
            self.output_view.set_step(revealed=index + 1, current=step.position)
            self.pool_view.set_step(revealed=0)
            where = f"convolution {index + 1} of {n_conv}"
        else:
            window = step.window
            winner = None
            if step.winner is not None:
                winner = (int(window.rows_padded[step.winner[0]]), int(window.cols_padded[step.winner[1]]))
            self.input_view.set_step()
            self.output_view.set_step(window=window.padded_cells, span=_span_points(window), winner=winner)
            self.pool_view.set_step(revealed=step.index + 1, current=step.position)
            where = f"pooling {step.index + 1} of {len(result.pool_steps)}"
        self.step_label.setText(f"Step {index + 1} / {result.n_steps} · {where}")
        self.dot_product.show_step(kind, step)
        self.text_block.refit()
