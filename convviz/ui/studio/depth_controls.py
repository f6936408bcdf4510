"""The layer in depth: kind, channels, filters, groups, multiplier, bias, activation, tutorial layers.

Controls a kind does not use are disabled with a tooltip saying why; the state is the
truth and :meth:`DepthControls.sync` sets every control from it with signals blocked.
"""

from __future__ import annotations

from PyQt6.QtCore import QSignalBlocker
from PyQt6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QLabel, QSpinBox, QWidget

from convviz.core.studio import KINDS
from convviz.core.studio_inputs import UI_MAX_CHANNELS
from convviz.ui.studio.studio_state import StudioState

PHOTOS = {"chelsea": "Chelsea the cat", "coffee": "A cup of coffee", "astronaut": "Astronaut"}
ACTIVATIONS = {"none": "none (linear)", "relu": "ReLU", "tanh": "tanh", "sigmoid": "sigmoid"}
PLAIN_KINDS = {
    "conv": "Standard convolution (Conv2D)",
    "depthwise": "Depthwise: one kernel per channel",
    "separable": "Separable: depthwise, then 1×1",
    "transposed": "Transposed: stamps, upsampling",
    "conv1d": "1-D convolution over a sequence",
}
TUTORIAL = ("—", "conv1: 3×3, 1 → 32 channels", "conv2: 3×3, 32 → 64 channels", "conv3: 3×3, 64 → 64 channels")
TIPS = {
    "kind": "Which convolution layer to animate.",
    "tutorial": "Load one Conv2D of the tutorial's MNIST network, with its real shapes and parameter count.",
    "in_channels": "How many channels the input volume has (its depth).",
    "filters": "How many filters the layer has: each one makes one output map.",
    "groups": "Split the channels into groups: each filter reads only the channels of its group.",
    "depth_multiplier": "How many kernels (output maps) each input channel gets in the depthwise stage.",
    "output_padding": "Extra rows and columns added to one side of a transposed convolution's output.",
    "bias": "Add one learned number per filter after the sum of the channels' dot products.",
    "activation": "The function applied to every output value after the bias.",
    "photo": "Which bundled colour photo to use as the input.",
}
UNUSED = {
    "groups": ("conv", "conv1d"),
    "depth_multiplier": ("depthwise", "separable"),
    "output_padding": ("transposed",),
}


def _spin(low: int, high: int, tip: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setKeyboardTracking(False)
    spin.setToolTip(tip)
    return spin


class DepthControls(QGroupBox):
    """The "Layer in depth" group of the studio's settings."""

    def __init__(self, state: StudioState, parent: QWidget | None = None) -> None:
        super().__init__("Layer in depth", parent)
        self.state = state
        form = QFormLayout(self)
        self.kind = QComboBox()
        for key in KINDS:
            self.kind.addItem(PLAIN_KINDS.get(key, KINDS[key]), key)
        self.tutorial = QComboBox()
        self.tutorial.addItems(TUTORIAL)
        self.in_channels = _spin(1, UI_MAX_CHANNELS, TIPS["in_channels"])
        self.filters = _spin(1, UI_MAX_CHANNELS, TIPS["filters"])
        self.groups = _spin(1, UI_MAX_CHANNELS, TIPS["groups"])
        self.depth_multiplier = _spin(1, 4, TIPS["depth_multiplier"])
        self.output_padding = _spin(-1, 3, TIPS["output_padding"])
        self.output_padding.setSpecialValueText("Keras default")
        self.bias = QCheckBox("add a bias")
        self.activation = QComboBox()
        for key, label in ACTIVATIONS.items():
            self.activation.addItem(label, key)
        self.photo = QComboBox()
        for key, label in PHOTOS.items():
            self.photo.addItem(label, key)
        for name in ("kind", "tutorial", "bias", "activation", "photo"):
            getattr(self, name).setToolTip(TIPS[name])
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setObjectName("summary")  # coloured by ControlsPanel.restyle
        for label, widget in (("Kind", self.kind), ("Tutorial model", self.tutorial), ("Photo", self.photo),
                              ("Input depth", self.in_channels), ("Filters", self.filters),
                              ("Groups", self.groups), ("Depth multiplier", self.depth_multiplier),
                              ("Output padding", self.output_padding), ("Bias", self.bias),
                              ("Activation", self.activation)):
            form.addRow(label, widget)
        form.addRow(self.summary)
        self._form = form
        self._connect()
        state.changed.connect(self.sync)
        self.sync()

    def _connect(self) -> None:
        s = self.state
        self.kind.currentIndexChanged.connect(lambda: s.set_kind(self.kind.currentData()))
        self.tutorial.activated.connect(self._tutorial_chosen)
        self.in_channels.valueChanged.connect(lambda v: s.set_depth(in_channels=v))
        self.filters.valueChanged.connect(lambda v: s.set_depth(filters=v))
        self.groups.valueChanged.connect(lambda v: s.set_depth(groups=v))
        self.depth_multiplier.valueChanged.connect(lambda v: s.set_depth(depth_multiplier=v))
        self.output_padding.valueChanged.connect(lambda v: s.set_depth(output_padding=None if v < 0 else v))
        self.bias.toggled.connect(self._bias_toggled)
        self.activation.currentIndexChanged.connect(lambda: s.set_depth(activation=self.activation.currentData()))
        self.photo.currentIndexChanged.connect(lambda: s.update(photo=self.photo.currentData()))

    def _tutorial_chosen(self, row: int) -> None:
        if row > 0:
            self.state.load_tutorial_layer(row - 1)

    def _bias_toggled(self, on: bool) -> None:
        """A bias of its own: 0.5 for every filter, so the + bias step is visible."""
        from convviz.core.studio_depth import out_channels

        cout = out_channels(self.state.settings, self.state.result.x.shape[-1])
        self.state.set_depth(use_bias=on, bias=(0.5,) * cout if on else None)

    def sync(self) -> None:
        """Set every control from the state, signals blocked; disable what the kind does not use."""
        s = self.state.settings
        widgets = (self.kind, self.tutorial, self.in_channels, self.filters, self.groups, self.depth_multiplier,
                   self.output_padding, self.bias, self.activation, self.photo)
        blockers = [QSignalBlocker(w) for w in widgets]
        self.kind.setCurrentIndex(self.kind.findData(s.kind))
        layer = self.state.tutorial_layer
        self.tutorial.setCurrentIndex(0 if layer is None else layer + 1)
        channels = self.state.result.x.shape[-1] if s.input_kind == "model" else s.in_channels
        self.in_channels.setMaximum(max(UI_MAX_CHANNELS, channels))
        self.in_channels.setValue(channels)
        self.filters.setMaximum(max(UI_MAX_CHANNELS, s.filters))
        self.filters.setValue(s.filters)
        self.groups.setValue(s.groups)
        self.depth_multiplier.setValue(s.depth_multiplier)
        op = s.output_padding
        self.output_padding.setValue(-1 if op is None else int(op if not isinstance(op, tuple) else op[0]))
        self.bias.setChecked(s.use_bias)
        self.activation.setCurrentIndex(self.activation.findData(s.activation))
        self.photo.setCurrentIndex(self.photo.findData(s.photo))
        del blockers
        self._enable(s)
        self.summary.setText(self._summary())

    def _enable(self, s) -> None:
        for name, kinds in UNUSED.items():
            widget = getattr(self, name)
            used = s.kind in kinds
            widget.setEnabled(used)
            names = " and ".join(PLAIN_KINDS[k].split(":")[0].split(" (")[0] for k in kinds)
            widget.setToolTip(TIPS[name] if used else f"Only for {names.lower()}: the {s.kind} kind has none.")
        depthwise = s.kind == "depthwise"
        self.filters.setEnabled(not depthwise)
        self.filters.setToolTip("A depthwise layer's outputs are its input channels × the depth multiplier."
                                if depthwise else TIPS["filters"])
        model = s.input_kind == "model"
        self.in_channels.setEnabled(not model)
        self.in_channels.setToolTip("A model's feature map brings its own channels." if model
                                    else TIPS["in_channels"])
        self._form.setRowVisible(self.photo, s.input_kind == "photo")

    def _summary(self) -> str:
        """The tutorial layer as the row of Keras' ``model.summary()`` it equals, or the counts."""
        r = self.state.result
        if r.error or r.numbers is None:
            return ""
        if self.state.tutorial_layer is not None:
            from convviz.core.studio_tutorial import tutorial_model_layers

            layer = tutorial_model_layers()[self.state.tutorial_layer]
            return (f"model.summary() row: {layer.name} (Conv2D) · output (None, "
                    f"{', '.join(map(str, layer.output_shape))}) · Param # {r.numbers.params:,}")
        return f"{r.numbers.params:,} parameters · {r.numbers.mult_adds:,} multiply-adds"
