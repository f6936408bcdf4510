"""The CNNs of the training lab, each described once as a tuple of layer specs.

``seed`` ("Tutorial CNN (with pooling)") is the classic Keras MNIST convnet (three convolutions,
two of them followed by max pooling, then two dense layers: 93,322 parameters). ``seed-literal``
("Tutorial code as printed (no pooling)") is the stack the tutorial's code actually prints: the
same layers without the pooling; see :data:`MODEL_PRESETS` for why that one has 2 million
weights. The keys are for the CLI and files; people read :attr:`ModelPreset.title`.

A preset is a tuple of :class:`~convviz.arithmetic.layer_stack.LayerSpec`. The arithmetic
engine reads it for shapes, parameter counts and fit checks (no TensorFlow); the layer editor
starts from it; :func:`~convviz.training.layer_builder.build_from_specs` builds it with Keras,
naming the layers, exactly as it builds a custom stack from the editor.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from numbers import Integral
from typing import Sequence

from convviz.arithmetic.layer_stack import LayerSpec, stack_rows
from convviz.core.model_titles import PRESET_TITLES
from convviz.training.errors import ModelFitError

__all__ = ["ModelFitError", "ModelPreset", "MODEL_PRESETS", "CUSTOM", "build_model",
           "build_custom_model", "check_preset_fits", "check_custom_fits", "custom_specs",
           "minimum_image_size", "compile_model", "preset_specs", "preset_param_count"]

CUSTOM = "custom"

SEED = (
    LayerSpec("Conv2D", filters=32, kernel=3, activation="relu"),
    LayerSpec("MaxPooling2D", kernel=2),
    LayerSpec("Conv2D", filters=64, kernel=3, activation="relu"),
    LayerSpec("MaxPooling2D", kernel=2),
    LayerSpec("Conv2D", filters=64, kernel=3, activation="relu"),
    LayerSpec("Flatten"),
    LayerSpec("Dense", units=64, activation="relu"),
)
SEED_LITERAL = tuple(spec for spec in SEED if spec.kind != "MaxPooling2D")

_LAYER_TEXT = {"Conv2D": "Conv {filters}", "MaxPooling2D": "MaxPool", "AveragePooling2D": "AvgPool",
               "Dropout": "Dropout {rate}", "Flatten": "Flatten", "Dense": "Dense {units}"}


@dataclass(frozen=True)
class ModelPreset:
    """A named architecture: its layers (the softmax head is added when it is built), a note
    on what to look at in it and the ``title`` people read (``name`` is the CLI's key)."""

    name: str
    specs: tuple[LayerSpec, ...]
    note: str
    title: str = ""

    def __post_init__(self):
        if not self.title:
            object.__setattr__(self, "title", PRESET_TITLES.get(self.name, self.name))

    @property
    def description(self) -> str:
        """The layers in one line: "Conv 32 - MaxPool - ... - Dense 64 - softmax head"."""
        texts = [_LAYER_TEXT[spec.kind].format(**asdict(spec)) for spec in self.specs]
        return " - ".join(texts + ["softmax head (one unit per class)"])


MODEL_PRESETS: dict[str, ModelPreset] = {
    preset.name: preset
    for preset in (
        ModelPreset("seed", SEED, note=(
            "Each 2x2 max pooling halves the feature maps (26 -> 13, 11 -> 5), so the last "
            "convolution leaves a 3x3x64 map: Flatten gives 576 values and the first Dense layer "
            "needs only 576 x 64 + 64 = 36,928 weights.")),
        ModelPreset("seed-literal", SEED_LITERAL, note=(
            "Without pooling each 3x3 convolution only trims 2 pixels (28 -> 26 -> 24 -> 22), "
            "so Flatten turns the 22x22x64 map into 30,976 values and the Dense layer after it "
            "needs 30,976 x 64 + 64 = 1,982,528 weights: 97% of the model, and ~7x slower to train.")),
    )
}


def _shape_text(input_shape) -> str:
    return "x".join(str(value) for value in input_shape)


def minimum_image_size(specs: Sequence[LayerSpec], channels: int = 1, largest: int = 1024) -> int | None:
    """The smallest square image side ``specs`` fit (None if none up to ``largest``)."""
    for side in range(1, largest + 1):
        try:
            stack_rows(specs, (side, side, channels))
            return side
        except ValueError:
            continue
    return None


def _check_classes(num_classes) -> int:
    if isinstance(num_classes, bool) or not isinstance(num_classes, Integral) or num_classes < 2:
        raise ValueError(f"the number of classes must be a whole number of at least 2, not {num_classes!r}")
    return int(num_classes)


def _softmax_head(num_classes: int) -> LayerSpec:
    return LayerSpec("Dense", units=_check_classes(num_classes), activation="softmax")


def preset_specs(name: str, num_classes: int = 10) -> tuple[LayerSpec, ...]:
    """The whole stack preset ``name`` is built from: its layers and the softmax head."""
    if name not in MODEL_PRESETS:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODEL_PRESETS)}")
    return MODEL_PRESETS[name].specs + (_softmax_head(num_classes),)


def check_preset_fits(name: str, input_shape, num_classes: int = 10) -> None:
    """Raise ValueError in words unless preset ``name`` can be built for ``input_shape`` (H, W, C).

    Uses the arithmetic engine only (no TensorFlow), so callers can check before a long load.
    Images too small for the preset raise :class:`ModelFitError` (a ValueError).
    """
    specs = preset_specs(name, num_classes)
    input_shape = tuple(int(value) for value in input_shape)
    if len(input_shape) != 3:
        raise ModelFitError(f"the {name} model takes images of shape (H, W, C), not {input_shape}")
    try:
        stack_rows(specs, input_shape)
    except ValueError as exc:
        side = minimum_image_size(specs, input_shape[2])
        need = f" it needs at least {side}x{side} pixels" if side else ""
        raise ModelFitError(f"the {name} model does not fit {_shape_text(input_shape)} images:{need}"
                            f" ({exc})") from None


def preset_param_count(name: str, input_shape=(28, 28, 1), num_classes: int = 10) -> int:
    """Total parameters of preset ``name`` built for ``input_shape`` and ``num_classes``, as
    Keras counts them; raises ValueError in words if the preset does not fit."""
    check_preset_fits(name, input_shape, num_classes)
    return sum(row.params for row in stack_rows(preset_specs(name, num_classes), input_shape))


def custom_specs(specs: Sequence[LayerSpec], input_shape, num_classes: int) -> tuple[LayerSpec, ...]:
    """``specs`` with the classifier head a custom model gets; raises ValueError in words.

    The rule: a stack that already ends with ``Dense(num_classes)`` with a softmax activation
    is used as it is. Otherwise a ``Dense(num_classes, softmax)`` is added, after a Flatten
    when the stack ends with a feature map (H, W, C) rather than a flat vector.
    """
    specs = tuple(specs)
    if not specs:
        raise ValueError("a custom model needs at least one layer")
    if not all(isinstance(spec, LayerSpec) for spec in specs):
        raise ValueError("a custom model's layers must be LayerSpec objects")
    head = (_softmax_head(num_classes),)
    rows = stack_rows(specs, input_shape)
    last = specs[-1]
    if last.kind == "Dense" and last.units == num_classes and last.activation == "softmax":
        return specs
    if len(rows[-1].output_shape) != 1:
        head = (LayerSpec("Flatten"),) + head
    return specs + head


def check_custom_fits(specs: Sequence[LayerSpec], input_shape, num_classes: int = 10) -> None:
    """Raise ValueError in words unless the custom stack ``specs`` fits ``input_shape``."""
    try:
        custom_specs(specs, tuple(int(value) for value in input_shape), num_classes)
    except ValueError as exc:
        raise ModelFitError(f"the custom model does not fit {_shape_text(input_shape)} images: {exc}") from None


def _build(specs: Sequence[LayerSpec], input_shape, name: str, learning_rate: float):
    from convviz.training.layer_builder import build_from_specs

    model = build_from_specs(specs, tuple(int(value) for value in input_shape), name=name)
    compile_model(model, learning_rate)
    return model


def build_model(name: str = "seed", input_shape: tuple = (28, 28, 1), num_classes: int = 10,
                learning_rate: float = 1e-3):
    """Build and compile the preset ``name`` for images ``input_shape`` (H, W, C): softmax output.

    Raises ValueError (one line) for an unknown preset name or images the preset does not fit.
    """
    check_preset_fits(name, input_shape, num_classes)
    return _build(preset_specs(name, num_classes), input_shape, name.replace("-", "_"), learning_rate)


def build_custom_model(specs: Sequence[LayerSpec], input_shape: tuple = (28, 28, 1), num_classes: int = 10,
                       learning_rate: float = 1e-3, name: str = CUSTOM):
    """Build and compile the layer stack ``specs`` with the head :func:`custom_specs` describes.

    Layers are named like the seed's (conv1, pool1, ..., probabilities). Raises ValueError in
    words for a stack that does not fit ``input_shape``.
    """
    check_custom_fits(specs, input_shape, num_classes)
    full = custom_specs(specs, tuple(int(value) for value in input_shape), num_classes)
    return _build(full, input_shape, name, learning_rate)


def compile_model(model, learning_rate: float = 1e-3) -> None:
    """Compile ``model`` as the tutorial does: RMSprop, categorical cross-entropy, accuracy."""
    import keras

    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=learning_rate),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
