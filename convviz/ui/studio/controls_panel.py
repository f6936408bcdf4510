"""The studio's settings on the left: Input, Kernel, Convolution and Pooling groups.

Each control writes to :class:`StudioState`; when the state changes, the
controls are set from it with their signals blocked (no feedback loops).
"""

from __future__ import annotations

from PyQt6.QtCore import QSignalBlocker, pyqtSignal
from PyQt6.QtWidgets import (
    QCheckBox, QComboBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton,
    QSpinBox, QVBoxLayout, QWidget,
)

from convviz.arithmetic.presets import KERNEL_PRESETS
from convviz.core.studio import CUSTOM, INPUT_KINDS, MAX_INPUT_SIZE, MIN_INPUT_SIZE, MNIST_SIZE, digit_count
from convviz.ui.studio.control_helpers import digit_label, hint as _hint, pair as _pair, restyle_hints, spin as _spin
from convviz.ui.studio.depth_controls import DepthControls
from convviz.ui.studio.info_notes import add_info_buttons
from convviz.ui.studio.readable import needs_restyle
from convviz.ui.studio.studio_state import StudioState
from convviz.ui.studio.value_format import axis_value

PADDING_MODES = ("valid", "same", "explicit", "causal")


class ControlsPanel(QWidget):
    """All studio settings, grouped; ``noted`` carries an info text for the message bar."""

    noted = pyqtSignal(str)

    def __init__(self, state: StudioState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._input_group())
        self.depth = DepthControls(state)
        layout.addWidget(self.depth)
        layout.addWidget(self._kernel_group())
        layout.addWidget(self._conv_group())
        layout.addWidget(self._pool_group())
        layout.addStretch(1)
        self.info = add_info_buttons(state, {
            "padding": self.padding, "stride": self.stride, "dilation": self.dilation, "pooling": self.pool_mode,
            "filters": self.depth.filters, "channels": self.depth.in_channels})
        for button in self.info.values():
            button.explained.connect(self.noted)
        state.changed.connect(self.sync)
        self.sync()
        restyle_hints(self)

    def changeEvent(self, event) -> None:  # noqa: N802
        """A new palette or font: hints and the parameter count take readable colours again."""
        super().changeEvent(event)
        if needs_restyle(event):
            restyle_hints(self)

    # ----- groups -----
    def _input_group(self) -> QGroupBox:
        box = QGroupBox("Input")
        form = QFormLayout(box)
        self.input_kind = QComboBox()
        for key, label in INPUT_KINDS.items():
            self.input_kind.addItem(label, key)
        self.input_kind.setToolTip("What the convolution reads: a classic example, a digit, a photo or your drawing.")
        self.input_size = _spin(MIN_INPUT_SIZE, MAX_INPUT_SIZE, 7, " cells", "The input's height and width in cells.")
        self.digit_index = _spin(0, digit_count() - 1, 0, tip="Which bundled MNIST test digit to use.")
        self.new_random = QPushButton("New random values")
        self.new_random.setToolTip("Draw new random integers for the input.")
        self.brush = _spin(0, 255, 1, tip="The value the left mouse button paints.")
        self.clear_canvas = QPushButton("Clear")
        self.clear_canvas.setToolTip("Set every cell of the drawing to 0.")
        self.input_hint = _hint()
        form.addRow("Map", self.input_kind)
        form.addRow("Side", self.input_size)
        form.addRow("Digit #", self.digit_index)
        brush_row = QHBoxLayout()
        brush_row.addWidget(self.brush, 1)
        brush_row.addWidget(self.clear_canvas)
        form.addRow("Brush", brush_row)
        self._brush_row = brush_row
        form.addRow(self.new_random)
        form.addRow(self.input_hint)
        self._input_form = form
        self.input_kind.currentIndexChanged.connect(self._input_kind_chosen)
        self.input_size.valueChanged.connect(self.state.set_input_size)
        self.digit_index.valueChanged.connect(lambda v: self.state.update(digit_index=v))
        self.new_random.clicked.connect(lambda: self.state.update(random_seed=self.state.settings.random_seed + 1))
        self.clear_canvas.clicked.connect(self.state.clear_canvas)
        return box

    def _kernel_group(self) -> QGroupBox:
        box = QGroupBox("Kernel")
        form = QFormLayout(box)
        self.preset = QComboBox()
        for key, label in KERNEL_PRESETS.items():
            self.preset.addItem(label, key)
        self.preset.addItem("Custom (edited)", CUSTOM)
        self.preset.setToolTip("The kernel's values (in depth, every filter and channel gets a variant of it).")
        self.kernel_h = _spin(1, 9, 3, tip="The kernel's height in cells.")
        self.kernel_w = _spin(1, 9, 3, tip="The kernel's width in cells.")
        self.square = QCheckBox("square")
        self.square.setToolTip("Keep the kernel square: typing in either size field sets both.")
        self.square.setChecked(True)
        size_row = QHBoxLayout()
        size_row.addWidget(self.kernel_h)
        size_row.addWidget(QLabel("×"))
        size_row.addWidget(self.kernel_w)
        size_row.addWidget(self.square)
        form.addRow("Preset", self.preset)
        form.addRow("Size", size_row)
        form.addRow(_hint("Tab to the kernel grid: arrows pick a cell, type a number (Enter keeps, Esc cancels); "
                           "or double-click a cell; wheel or +/PgUp/PgDn: ±1 (Shift: ±0.1)."))
        self.preset.activated.connect(self._preset_chosen)
        self.kernel_h.valueChanged.connect(lambda: self._kernel_size_changed(self.kernel_h))
        self.kernel_w.valueChanged.connect(lambda: self._kernel_size_changed(self.kernel_w))
        self.square.toggled.connect(lambda on: on and self.kernel_w.setValue(self.kernel_h.value()))
        return box

    def _conv_group(self) -> QGroupBox:
        box = QGroupBox("Convolution")
        form = QFormLayout(box)
        self.padding = QComboBox()
        self.padding.addItems(PADDING_MODES)
        self.padding.setToolTip("valid: no padding; same: Keras pads so output = input / stride; explicit: you choose.")
        self.pad_spins = [_spin(0, 9, 1, tip="Zero cells added on this side.") for _ in range(4)]
        pads = QGridLayout()
        for i, (name, spin) in enumerate(zip(("top", "bottom", "left", "right"), self.pad_spins)):
            pads.addWidget(QLabel(name), i // 2, 2 * (i % 2))
            pads.addWidget(spin, i // 2, 2 * (i % 2) + 1)
        self.pad_box = QWidget()
        self.pad_box.setLayout(pads)
        pads.setContentsMargins(0, 0, 0, 0)
        self.stride = _spin(1, 4, 1, tip="How many cells the kernel moves between steps (rows, or both when linked).")
        self.stride_w = _spin(1, 4, 1, tip="How many cells the kernel moves along a row.")
        self.dilation = _spin(1, 3, 1, tip="The spacing between kernel taps (rows, or both when linked).")
        self.dilation_w = _spin(1, 3, 1, tip="The spacing between kernel taps along a row.")
        self.link_axes = QCheckBox("link h/w")
        self.link_axes.setChecked(True)
        self.link_axes.setToolTip("Use the same stride and dilation for rows and columns.")
        self.conv_hint = _hint()
        form.addRow("Padding", self.padding)
        form.addRow(self.pad_box)
        form.addRow("Stride h, w", _pair(self.stride, self.stride_w))
        form.addRow("Dilation h, w", _pair(self.dilation, self.dilation_w))
        form.addRow(self.link_axes)
        form.addRow(self.conv_hint)
        self.padding.currentTextChanged.connect(lambda _: self._padding_changed())
        for spin in self.pad_spins:
            spin.valueChanged.connect(lambda _: self._padding_changed())
        for spin in (self.stride, self.stride_w, self.dilation, self.dilation_w):
            spin.valueChanged.connect(lambda _: self._axes_changed())
        self.link_axes.toggled.connect(lambda _: self._axes_changed())
        return box

    def _pool_group(self) -> QGroupBox:
        box = QGroupBox("Pooling (after the convolution)")
        box.setCheckable(True)
        box.setChecked(False)
        self.pool_box = box
        form = QFormLayout(box)
        self.pool_mode = QComboBox()
        for key, label in (("max", "max"), ("avg", "average"), ("sum", "sum")):
            self.pool_mode.addItem(label, key)
        self.pool_mode.setToolTip("How a pooling window becomes one number: its max, its average or its sum.")
        self.pool_size = _spin(1, 4, 2, tip="The pooling window's side in cells.")
        self.pool_stride = _spin(0, 4, 0, tip="How far the pooling window moves; '= size' as in Keras.")
        self.pool_stride.setSpecialValueText("= size")
        self.pool_padding = QComboBox()
        self.pool_padding.addItems(("valid", "same"))
        self.pool_padding.setToolTip("valid: only whole windows; same: partial windows at the edges too.")
        form.addRow("Mode", self.pool_mode)
        form.addRow("Size", self.pool_size)
        form.addRow("Stride", self.pool_stride)
        form.addRow("Padding", self.pool_padding)
        box.toggled.connect(lambda on: self.state.update(pool=on))
        self.pool_mode.currentIndexChanged.connect(lambda: self.state.update(pool_mode=self.pool_mode.currentData()))
        self.pool_size.valueChanged.connect(lambda v: self.state.update(pool_size=v))
        self.pool_stride.valueChanged.connect(lambda v: self.state.update(pool_stride=v or None))
        self.pool_padding.currentTextChanged.connect(lambda t: self.state.update(pool_padding=t))
        return box

    # ----- control -> state -----
    def _input_kind_chosen(self) -> None:
        kind = self.input_kind.currentData()
        was = self.state.settings.input_kind
        self.state.set_input_kind(kind)
        if kind == "draw" and was != "draw":  # paint in the scale of the map being edited
            self.brush.setValue(max(1, min(255, int(self.state.result.x.max()))))

    def _preset_chosen(self) -> None:
        self.noted.emit(self.state.apply_preset(self.preset.currentData()) or "")

    def _kernel_size_changed(self, typed: QSpinBox) -> None:
        other = self.kernel_w if typed is self.kernel_h else self.kernel_h
        if self.square.isChecked() and other.isEnabled() and other.value() != typed.value():
            with QSignalBlocker(other):  # square: the field just typed in sets both
                other.setValue(typed.value())
        self.noted.emit(self.state.set_kernel_size(self.kernel_h.value(), self.kernel_w.value()) or "")

    def padding_value(self):
        """The padding the controls describe: "valid", "same" or ((top, bottom), (left, right))."""
        mode = self.padding.currentText()
        if mode != "explicit":
            return mode
        t, b, l, r = (spin.value() for spin in self.pad_spins)
        return (t, b), (l, r)

    def _axes_changed(self) -> None:
        linked = self.link_axes.isChecked() or self.state.settings.kind == "conv1d"
        changes = {}
        for name, (h, w) in (("stride", (self.stride, self.stride_w)), ("dilation", (self.dilation, self.dilation_w))):
            if linked and w.value() != h.value():
                with QSignalBlocker(w):
                    w.setValue(h.value())
            changes[name] = h.value() if h.value() == w.value() else (h.value(), w.value())
        self.state.update(**changes)

    def _padding_changed(self) -> None:
        self.pad_box.setVisible(self.padding.currentText() == "explicit")
        self.state.update(padding=self.padding_value())

    # ----- state -> controls -----
    def sync(self) -> None:
        """Set every control from the state, signals blocked."""
        s = self.state.settings
        widgets = [self.input_kind, self.input_size, self.digit_index, self.preset, self.kernel_h, self.kernel_w,
                   self.padding, *self.pad_spins, self.stride, self.dilation, self.stride_w, self.dilation_w,
                   self.link_axes, self.pool_box,
                   self.pool_mode, self.pool_size, self.pool_stride, self.pool_padding]
        blockers = [QSignalBlocker(w) for w in widgets]
        self.input_kind.setCurrentIndex(self.input_kind.findData(s.input_kind))
        fixed = {"seed": 5, "digit": MNIST_SIZE}.get(s.input_kind)
        if s.input_kind == "model":
            fixed = s.model_map.shape[0] if s.model_map is not None else s.input_size
        self.input_size.setValue(fixed or s.input_size)
        self.input_size.setEnabled(fixed is None)
        self.digit_index.setValue(s.digit_index)
        self.preset.setCurrentIndex(self.preset.findData(s.kernel_preset))
        self.kernel_h.setValue(s.kernel.shape[0])
        self.kernel_w.setValue(s.kernel.shape[1])
        explicit = not isinstance(s.padding, str)
        self.padding.setCurrentText("explicit" if explicit else s.padding)
        if explicit:
            for spin, value in zip(self.pad_spins, (*s.padding[0], *s.padding[1])):
                spin.setValue(value)
        self.pad_box.setVisible(explicit)
        for name, (h, w) in (("stride", (self.stride, self.stride_w)), ("dilation", (self.dilation, self.dilation_w))):
            h.setValue(axis_value(getattr(s, name), 0))
            w.setValue(axis_value(getattr(s, name), 1))
        if self.stride.value() != self.stride_w.value() or self.dilation.value() != self.dilation_w.value():
            self.link_axes.setChecked(False)
        one_d = s.kind == "conv1d"
        self.link_axes.setEnabled(not one_d)
        self.stride_w.setEnabled(not self.link_axes.isChecked() and not one_d)
        self.dilation_w.setEnabled(not self.link_axes.isChecked() and not one_d)
        self.kernel_h.setEnabled(not one_d)
        self.kernel_h.setToolTip("A 1-D kernel is one row (the kernel's middle row): its width is the taps."
                                 if one_d else "The kernel's height in cells.")
        self.link_axes.setToolTip("A sequence has one axis: one stride and one dilation." if one_d
                                  else "Use the same stride and dilation for rows and columns.")
        self.pool_box.setChecked(s.pool)
        self.pool_mode.setCurrentIndex(self.pool_mode.findData(s.pool_mode))
        self.pool_size.setValue(s.pool_size)
        self.pool_stride.setValue(s.pool_stride or 0)
        self.pool_padding.setCurrentText(s.pool_padding)
        del blockers
        self._sync_visibility(s)

    def _sync_visibility(self, s) -> None:
        kind = s.input_kind
        form = self._input_form
        form.setRowVisible(self.digit_index, kind == "digit")
        form.setRowVisible(self._brush_row, kind == "draw")
        self.new_random.setVisible(kind == "random")
        hints = {
            "seed": "The 5×5 map of the classic conv-arithmetic figure (size fixed).",
            "digit": f"MNIST digits are {MNIST_SIZE}×{MNIST_SIZE}, shown at their real size "
                     f"(not resampled); values 0–255. Label: {digit_label(s.digit_index)}.",
            "random": "Integers 0–9; size 3–64.",
            "checker": "0/1 blocks: edges in both directions.",
            "draw": "Paint on the input: left button paints the brush value, right button erases.",
            "photo": "Cropped square: 1 channel is grey, 3 are R, G, B, more add inverted colours.",
            "model": "A real feature map and learned kernel, sent here from the Inspector "
                     f"({s.caption or 'none yet'}).",
        }
        self.input_hint.setText(hints.get(kind, ""))
        self.padding.model().item(PADDING_MODES.index("causal")).setEnabled(s.kind == "conv1d")
        self.pool_box.setEnabled(s.is_classic)
        self.pool_box.setToolTip("Pool the convolution's output with a sliding window." if s.is_classic else
                                 "Pooling follows the single-channel convolution only, for now.")
        if max(self.stride.value(), self.stride_w.value()) > 1 and max(self.dilation.value(),
                                                                        self.dilation_w.value()) > 1:
            self.conv_hint.setText("Keras refuses stride > 1 with dilation > 1; the math is still shown.")
        else:
            self.conv_hint.setText("")
        self.conv_hint.setVisible(bool(self.conv_hint.text()))
