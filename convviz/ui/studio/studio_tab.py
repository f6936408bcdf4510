"""The Convolution Studio tab: settings on the left, the sliding kernel in the middle.

Assembles :class:`ControlsPanel`, :class:`StudioCanvas` and :class:`TransportBar`
around one :class:`StudioState`; errors and notes go to the tab's MessageBar.
"""

from __future__ import annotations

from PyQt6.QtCore import QSize, Qt, QTimer
from PyQt6.QtGui import QKeySequence, QShortcut
from PyQt6.QtWidgets import (
    QApplication, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget,
)

from convviz.ui.message_bar import MessageBar
from convviz.ui.studio.control_helpers import restyle_hints
from convviz.ui.studio.controls_column import ControlsColumn
from convviz.ui.studio.controls_panel import ControlsPanel
from convviz.ui.studio.depth_canvas import DepthCanvas
from convviz.ui.studio.dot_product_view import DotProductView
from convviz.ui.studio.formula_panel import FormulaPanel
from convviz.ui.studio.readable import needs_restyle
from convviz.ui.studio.studio_canvas import restyle_canvas
from convviz.ui.studio.studio_canvas import StudioCanvas
from convviz.ui.studio.studio_exports import StudioExports
from convviz.ui.studio.studio_state import StudioState
from convviz.ui.studio.transport_bar import TransportBar
from convviz.ui.zoom import zoom_level


class StudioTab(StudioExports, QWidget):
    """Watch a kernel slide over a feature map, step by step, with every setting live."""

    def __init__(self, parent: QWidget | None = None, state: StudioState | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.state = state or StudioState(parent=self)
        self.message_bar = MessageBar()
        self.controls = ControlsPanel(self.state)
        self.canvas = StudioCanvas()
        self.depth_canvas = DepthCanvas()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.canvas)
        self.stack.addWidget(self.depth_canvas)
        self.transport = TransportBar(self.state)
        self.export_png_button = QPushButton("Save PNG…")
        self.export_png_button.setToolTip("Export the current frame as a PNG image")
        self.export_gif_button = QPushButton("Save GIF…")
        self.export_gif_button.setToolTip("Export the whole animation (one frame per step) as a GIF")
        for button in (self.export_png_button, self.export_gif_button):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # reachable by Tab; a click leaves the keys to the maps
        self._build_layout()
        for view in (self.canvas.input_view, self.canvas.output_view,  # the kernel grid is a Tab stop
                     self.canvas.pool_view):
            view.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.canvas.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # a click on the maps takes the keys
        self.state.changed.connect(self._on_changed)
        self.state.stepChanged.connect(self._on_step)
        self.controls.noted.connect(self._note)
        self.canvas.kernel_view.valueEdited.connect(self.state.set_kernel_value)
        self.canvas.input_view.cellPressed.connect(self._paint)
        self.canvas.input_view.cellDragged.connect(self._paint)
        self.canvas.output_view.cellPressed.connect(self._jump_to_output_cell)
        self.depth_canvas.filterChosen.connect(self.state.jump_to_filter)
        self.depth_canvas.cellChosen.connect(self._jump_to_depth_cell)
        self.depth_canvas.asConvolutionToggled.connect(self.state.set_transpose_as_conv)
        self.export_png_button.clicked.connect(self._ask_png)
        self.export_gif_button.clicked.connect(self._ask_gif)
        self._add_shortcuts()
        zoom_level().changed.connect(self.restyle)  # sizes in points follow the zoom
        self._on_changed()
        self._on_step(self.state.index)

    def _add_shortcuts(self) -> None:
        """Ctrl+Z / Ctrl+Shift+Z (or Ctrl+Y) undo and redo kernel edits anywhere in the tab."""
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (("Ctrl+Z", self._undo), ("Ctrl+Shift+Z", self._redo), ("Ctrl+Y", self._redo)):
            QShortcut(QKeySequence(keys), self, slot, context=context)

    def _undo(self) -> None:
        if not self.state.undo_kernel():
            self.message_bar.show_info("Nothing to undo: the kernel has not been edited.")

    def _redo(self) -> None:
        if not self.state.redo_kernel():
            self.message_bar.show_info("Nothing to redo.")

    def showEvent(self, event) -> None:  # noqa: N802
        """Take the keyboard when the tab shows, so ←/→ step at once (Ctrl+Tab still changes tabs)."""
        super().showEvent(event)
        focused = QApplication.focusWidget() or self.window().focusWidget()
        if focused is None or not self.isAncestorOf(focused):
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def _build_layout(self) -> None:
        """Controls (and the export buttons under them) on the left; the maps over the transport bar.

        The export buttons sit in the controls' column, so the bottom row is the transport bar alone;
        the column narrows (labels above fields) and the transport bar takes two rows when the
        window is narrow, so the tab fits 1000 px, and 1024 px at 150% zoom.
        """
        self.controls_scroll = scroll = ControlsColumn(self.controls)
        exports = QHBoxLayout()
        exports.setContentsMargins(0, 0, 0, 0)
        exports.addWidget(self.export_png_button)
        exports.addWidget(self.export_gif_button)
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(scroll, 1)
        left.addLayout(exports)
        self._right = right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.stack, 1)
        right.addWidget(self.transport)
        self._body = body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(left)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.message_bar)
        layout.addLayout(body, 1)
        self.fit_controls()
        self.restyle_timer = QTimer(self, singleShot=True, interval=0)
        self.restyle_timer.timeout.connect(self.restyle)

    def fit_controls(self) -> None:
        """Measure the controls' column at the current font (and zoom) and fit it to the tab's width."""
        self.controls_scroll.measure()
        self._fit_column()

    def _fit_column(self) -> None:
        margins = self.layout().contentsMargins()
        self.controls_scroll.fit(self.width() - margins.left() - margins.right(),
                                 self._right.minimumSize().width(), max(self._body.spacing(), 0))

    def resizeEvent(self, event) -> None:  # noqa: N802
        """A new width: the controls' column may widen (labels beside fields) or narrow."""
        super().resizeEvent(event)
        self._fit_column()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """The size with the controls' column narrow, so a narrow window can ask for it."""
        hint = super().minimumSizeHint()
        return QSize(hint.width() - self.controls_scroll.minimumWidth() + self.controls_scroll.narrow, hint.height())

    def restyle(self, *_zoom) -> None:
        """Pick the colours and font sizes of every studio label again, then fit the controls."""
        restyle_hints(self.controls)
        for button in self.controls.info.values():
            button.fit()
        self.canvas.restyle()
        restyle_canvas(self.depth_canvas, [self.depth_canvas.kind_label])
        for label in self.findChildren(QLabel):
            if isinstance(label, (DotProductView, FormulaPanel)):
                label.restyle()
        self.fit_controls()

    def changeEvent(self, event) -> None:  # noqa: N802
        """The font or palette changed (zoom, theme): restyle and fit the controls again."""
        super().changeEvent(event)
        if needs_restyle(event) and hasattr(self, "restyle_timer"):
            self.restyle_timer.start()  # once, after Qt's own handling of the change

    def _show_page(self, page: QWidget) -> None:
        """Show ``page`` in the stack; the hidden page does not count for the stack's size."""
        for other in (self.canvas, self.depth_canvas):
            policy = QSizePolicy.Policy.Preferred if other is page else QSizePolicy.Policy.Ignored
            other.setSizePolicy(policy, policy)
        self.stack.setCurrentWidget(page)
        self.stack.updateGeometry()

    # ----- state -> views -----
    def _on_changed(self) -> None:
        result = self.state.result
        if result.in_depth:
            self._show_page(self.depth_canvas)
            self.depth_canvas.show_result(result, self.state.equivalent)
        else:
            self._show_page(self.canvas)
            self.canvas.show_result(result)
        problem = result.error or result.pool_error
        if problem:
            self.message_bar.show_error(problem)
        elif self.message_bar.level in ("error", "info"):  # a note about earlier settings is stale now
            self.message_bar.clear()
        self.export_gif_button.setEnabled(result.n_steps > 0)

    def _on_step(self, index: int) -> None:
        result = self.state.result
        if result.in_depth:
            stage, step = self.state.current()
            self.depth_canvas.show_step(result, stage, step, index, self.state.n_steps)
        else:
            self.canvas.show_step(result, index)

    def _note(self, text: str) -> None:
        """Show a note about the kernel just chosen; "" retires an earlier one, now stale."""
        if self.message_bar.level == "error":  # an error on show matters more than a note
            return
        if text:
            self.message_bar.show_info(text)
        elif self.message_bar.level == "info":
            self.message_bar.clear()

    # ----- mouse on the maps -----
    def _paint(self, row: int, col: int, button: int) -> None:
        if self.state.settings.input_kind != "draw":
            return
        value = 0 if button == Qt.MouseButton.RightButton.value else self.controls.brush.value()
        self.state.paint_cell(row, col, value)

    def _jump_to_output_cell(self, row: int, col: int, _button: int) -> None:
        output = self.state.result.output
        if output is not None and not self.state.result.in_depth:
            self.state.set_step(row * output.shape[1] + col)

    def _jump_to_depth_cell(self, stage: str, flt: int, row: int, col: int) -> None:
        """Go to the step of a clicked cell: the output cell it writes (transposed: the input cell stamping)."""
        result = self.state.result
        if result.error:
            return
        if stage == "equivalent":
            _, _, cells, _ = self.state.filter_layout()
            self.state.set_step(flt * cells + row * result.output.shape[1] + col)
        elif result.settings.kind == "conv1d":
            self.state.set_step(result.step_index(stage, col, None, flt))
        else:
            self.state.set_step(result.step_index(stage, row, col, flt))

    # ----- keyboard -----
    def keyPressEvent(self, event) -> None:  # noqa: N802
        """Space plays/pauses, left/right step, Home/End jump."""
        key = event.key()
        if key == Qt.Key.Key_Space:
            self.transport.toggle_play()
        elif key == Qt.Key.Key_Right:
            self.state.step_by(1)
        elif key == Qt.Key.Key_Left:
            self.state.step_by(-1)
        elif key == Qt.Key.Key_Home:
            self.state.set_step(0)
        elif key == Qt.Key.Key_End:
            self.state.set_step(self.state.n_steps - 1)
        else:
            super().keyPressEvent(event)
