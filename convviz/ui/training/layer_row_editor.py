"""The in-place settings of one row of the layer editor: spin boxes and combos for one LayerSpec."""

from __future__ import annotations

from dataclasses import replace

from PyQt6.QtCore import QObject, QTimer, pyqtSignal
from PyQt6.QtWidgets import QComboBox, QDoubleSpinBox, QSpinBox, QWidget

from convviz.arithmetic.layer_stack import LayerSpec

# The setting columns of the editor, in order; each row fills the ones its kind uses.
SETTING_KEYS = ("size", "kernel", "stride", "padding", "dilation", "activation")
ACTIVATIONS = ("relu", "sigmoid", "tanh", "softmax", "linear")
PADDINGS = ("valid", "same")
POOL_STRIDE_AUTO = "= size"  # shown for stride None: Keras uses the pool window as the stride

_KIND_KEYS = {
    "Conv2D": SETTING_KEYS,
    "MaxPooling2D": ("kernel", "stride", "padding"),
    "AveragePooling2D": ("kernel", "stride", "padding"),
    "Dropout": ("size",),
    "Flatten": (),
    "Dense": ("size", "activation"),
}


def default_spec(kind: str) -> LayerSpec:
    """A sensible new layer of ``kind`` (2x2 windows for pooling, as in the seed model)."""
    return LayerSpec(kind, kernel=2) if kind.endswith("Pooling2D") else LayerSpec(kind)


def changed_setting(before, after) -> tuple[int, str] | None:
    """(row, setting key) of the one setting shown differently in stacks ``before`` and ``after``;
    None when they differ in structure (layers added, removed or moved) or not visibly."""
    if len(before) != len(after):
        return None
    rows = [row for row, (old, new) in enumerate(zip(before, after)) if old != new]
    if len(rows) != 1 or before[rows[0]].kind != after[rows[0]].kind:
        return None
    row = rows[0]
    keys = [key for key in _KIND_KEYS[after[row].kind] if _shown(before[row], key) != _shown(after[row], key)]
    return (row, keys[0]) if keys else None


def _shown(spec: LayerSpec, key: str):
    """The value the widget for ``key`` shows for ``spec`` (what :meth:`LayerRowEditor.spec` reads back)."""
    if key == "size":
        return {"Dropout": spec.rate, "Dense": spec.units}.get(spec.kind, spec.filters)
    if key in ("kernel", "stride", "dilation"):
        default = {"kernel": 3, "stride": 0 if spec.kind.endswith("Pooling2D") else 1, "dilation": 1}[key]
        return _first(getattr(spec, key), default)
    return spec.padding if key == "padding" else spec.activation or "linear"


def _first(value, fallback: int) -> int:
    """An int setting from an int or an (h, w) pair (the editor edits square windows)."""
    if value is None:
        return fallback
    return int(value[0]) if isinstance(value, (tuple, list)) else int(value)


class _SelectOnFocus:
    """Selects the text when the spin box gets the focus, so typing replaces the value (typing 2
    into "32" gives 2, not 232), however the focus came (Tab or a click)."""

    def focusInEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """Select all, after a click has placed the cursor too."""
        super().focusInEvent(event)
        QTimer.singleShot(0, self.selectAll)


class SelectingSpinBox(_SelectOnFocus, QSpinBox):
    """A whole-number spin box whose text is selected on focus."""


class SelectingDoubleSpinBox(_SelectOnFocus, QDoubleSpinBox):
    """A decimal spin box whose text is selected on focus (the dropout rate)."""


def _spin(low: int, high: int, value: int, tip: str) -> QSpinBox:
    box = SelectingSpinBox(minimum=low, maximum=high)
    box.setValue(value)
    box.setToolTip(tip)
    return box


def _combo(items, current: str, tip: str) -> QComboBox:
    combo = QComboBox()
    combo.addItems(items)
    if current not in items:
        combo.addItem(current)
    combo.setCurrentText(current)
    combo.setToolTip(tip)
    return combo


class LayerRowEditor(QObject):
    """The widgets that edit one layer's settings; :meth:`spec` reads them back.

    ``widgets`` maps a key of :data:`SETTING_KEYS` to its widget, only for the keys the
    layer's kind uses; the editor puts each one in its column.
    """

    changed = pyqtSignal()

    def __init__(self, spec: LayerSpec, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.base = spec
        self.widgets: dict[str, QWidget] = {}
        pool = spec.kind.endswith("Pooling2D")
        for key in _KIND_KEYS[spec.kind]:
            widget = self._make(key, spec, pool)
            signal = widget.currentTextChanged if isinstance(widget, QComboBox) else widget.valueChanged
            signal.connect(lambda _value, key=key: self._changed(key))
            self.widgets[key] = widget
        self.last_key = ""  # the setting edited last, so an undo step can group its keystrokes

    def _changed(self, key: str) -> None:
        self.last_key = key
        self.changed.emit()

    @staticmethod
    def _make(key: str, spec: LayerSpec, pool: bool) -> QWidget:
        if key == "size" and spec.kind == "Dropout":
            box = SelectingDoubleSpinBox(decimals=2, minimum=0.0, maximum=0.95, singleStep=0.05)
            box.setValue(float(spec.rate))
            box.setToolTip("Dropout rate: the share of values set to zero while training")
            return box
        if key == "size":
            if spec.kind == "Dense":
                return _spin(1, 4096, int(spec.units), "Units: the number of outputs of this layer")
            return _spin(1, 512, int(spec.filters), "Filters: the number of feature maps this layer makes")
        if key == "kernel":
            return _spin(1, 15, _first(spec.kernel, 3),
                         "Pool window: the side of the square it takes the max or mean over" if pool
                         else "Kernel size: the side of the square window each filter looks through")
        if key == "stride":
            if pool:
                box = _spin(0, 8, _first(spec.stride, 0), f"Stride: how far the window moves; '{POOL_STRIDE_AUTO}' moves it by its own size")
                box.setSpecialValueText(POOL_STRIDE_AUTO)
                return box
            return _spin(1, 8, _first(spec.stride, 1), "Stride: how far the kernel moves each step")
        if key == "padding":
            return _combo(PADDINGS, spec.padding, "valid: no padding; same: pad so stride 1 keeps the size")
        if key == "dilation":
            return _spin(1, 8, _first(spec.dilation, 1), "Dilation: the gap between kernel taps")
        return _combo(ACTIVATIONS, spec.activation or "linear", "Activation: the function applied to each output value")

    def spec(self) -> LayerSpec:
        """The layer as its widgets now describe it."""
        values = {}
        for key, widget in self.widgets.items():
            value = widget.currentText() if isinstance(widget, QComboBox) else widget.value()
            if key == "size":
                key = {"Dropout": "rate", "Dense": "units"}.get(self.base.kind, "filters")
            elif key == "stride" and value == 0:
                value = None
            values[key] = value
        return replace(self.base, **values)
