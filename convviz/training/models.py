"""The CNNs of the training lab, built by plain functions that read like the tutorial's model.

``seed`` is the classic Keras MNIST convnet (three convolutions, two of them followed by
max pooling, then two dense layers: 93,322 parameters). ``seed-literal`` is the stack the
tutorial's code actually prints: the three convolutions with no pooling between them, plus the
Flatten a Dense layer needs; see :data:`MODEL_PRESETS` for why that one has 2 million weights.

Presets are built for any image shape they fit, (H, W, C), and any number of classes;
:func:`check_preset_fits` says in words (before TensorFlow starts) when an image is too small.
``build_custom_model`` builds a stack of :class:`~convviz.arithmetic.layer_stack.LayerSpec`
from the layer editor with the same softmax head.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral
from typing import Callable, Sequence

from convviz.arithmetic.layer_stack import LayerSpec, stack_rows
from convviz.training.errors import ModelFitError

__all__ = ["ModelFitError", "ModelPreset", "MODEL_PRESETS", "CUSTOM", "build_model",
           "build_custom_model", "check_preset_fits", "check_custom_fits", "custom_specs",
           "minimum_image_size", "compile_model"]

CUSTOM = "custom"


def _seed_layers(layers, inputs):
    x = layers.Conv2D(32, (3, 3), activation="relu", name="conv1")(inputs)
    x = layers.MaxPooling2D((2, 2), name="pool1")(x)
    x = layers.Conv2D(64, (3, 3), activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D((2, 2), name="pool2")(x)
    x = layers.Conv2D(64, (3, 3), activation="relu", name="conv3")(x)
    x = layers.Flatten(name="flatten")(x)
    return layers.Dense(64, activation="relu", name="dense1")(x)


def _seed_literal_layers(layers, inputs):
    x = layers.Conv2D(32, (3, 3), activation="relu", name="conv1")(inputs)
    x = layers.Conv2D(64, (3, 3), activation="relu", name="conv2")(x)
    x = layers.Conv2D(64, (3, 3), activation="relu", name="conv3")(x)
    x = layers.Flatten(name="flatten")(x)
    return layers.Dense(64, activation="relu", name="dense1")(x)


@dataclass(frozen=True)
class ModelPreset:
    """A named architecture: a short description and a note on what to look at in it."""

    name: str
    description: str
    note: str
    body: Callable  # (keras.layers, inputs) -> the tensor the classifier head is put on
    specs: tuple[LayerSpec, ...] = ()  # the body as LayerSpecs, for checks without TensorFlow


MODEL_PRESETS: dict[str, ModelPreset] = {
    preset.name: preset
    for preset in (
        ModelPreset(
            name="seed",
            description="Conv 32 - MaxPool - Conv 64 - MaxPool - Conv 64 - Flatten - Dense 64 - Dense 10",
            note="Each 2x2 max pooling halves the feature maps (26 -> 13, 11 -> 5), so the last "
            "convolution leaves a 3x3x64 map: Flatten gives 576 values and the first Dense layer "
            "needs only 576 x 64 + 64 = 36,928 weights.",
            body=_seed_layers,
            specs=(LayerSpec("Conv2D", filters=32), LayerSpec("MaxPooling2D", kernel=2),
                   LayerSpec("Conv2D", filters=64), LayerSpec("MaxPooling2D", kernel=2),
                   LayerSpec("Conv2D", filters=64), LayerSpec("Flatten"), LayerSpec("Dense", units=64)),
        ),
        ModelPreset(
            name="seed-literal",
            description="Conv 32 - Conv 64 - Conv 64 - Flatten - Dense 64 - Dense 10 (no pooling)",
            note="Without pooling each 3x3 convolution only trims 2 pixels (28 -> 26 -> 24 -> 22), "
            "so Flatten turns the 22x22x64 map into 30,976 values and the Dense layer after it "
            "needs 30,976 x 64 + 64 = 1,982,528 weights: 97% of the model, and ~7x slower to train.",
            body=_seed_literal_layers,
            specs=(LayerSpec("Conv2D", filters=32), LayerSpec("Conv2D", filters=64),
                   LayerSpec("Conv2D", filters=64), LayerSpec("Flatten"), LayerSpec("Dense", units=64)),
        ),
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


def check_preset_fits(name: str, input_shape, num_classes: int = 10) -> None:
    """Raise ValueError in words unless preset ``name`` can be built for ``input_shape`` (H, W, C).

    Uses the arithmetic engine only (no TensorFlow), so callers can check before a long load.
    Images too small for the preset raise :class:`ModelFitError` (a ValueError).
    """
    if name not in MODEL_PRESETS:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODEL_PRESETS)}")
    _check_classes(num_classes)
    specs = MODEL_PRESETS[name].specs
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
    _check_classes(num_classes)
    rows = stack_rows(specs, input_shape)
    last = specs[-1]
    if last.kind == "Dense" and last.units == num_classes and last.activation == "softmax":
        return specs
    head = (LayerSpec("Dense", units=num_classes, activation="softmax"),)
    if len(rows[-1].output_shape) != 1:
        head = (LayerSpec("Flatten"),) + head
    return specs + head


def check_custom_fits(specs: Sequence[LayerSpec], input_shape, num_classes: int = 10) -> None:
    """Raise ValueError in words unless the custom stack ``specs`` fits ``input_shape``."""
    try:
        custom_specs(specs, tuple(int(value) for value in input_shape), num_classes)
    except ValueError as exc:
        raise ModelFitError(f"the custom model does not fit {_shape_text(input_shape)} images: {exc}") from None


def build_model(name: str = "seed", input_shape: tuple = (28, 28, 1), num_classes: int = 10,
                learning_rate: float = 1e-3):
    """Build and compile the preset ``name`` for images ``input_shape`` (H, W, C): softmax output.

    Raises ValueError (one line) for an unknown preset name or images the preset does not fit.
    """
    check_preset_fits(name, input_shape, num_classes)
    import keras

    inputs = keras.Input(shape=tuple(input_shape), name="image")
    features = MODEL_PRESETS[name].body(keras.layers, inputs)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="probabilities")(features)
    model = keras.Model(inputs, outputs, name=name.replace("-", "_"))
    compile_model(model, learning_rate)
    return model


_SHORT_NAMES = {"Conv2D": "conv", "MaxPooling2D": "pool", "AveragePooling2D": "avgpool",
                "Dropout": "dropout", "Flatten": "flatten", "Dense": "dense"}


def _layer_names(specs: Sequence[LayerSpec]) -> list[str]:
    """conv1, pool1, conv2, ..., flatten, dense1, and "probabilities" for the last layer."""
    counts: dict[str, int] = {}
    names = []
    for spec in specs:
        short = _SHORT_NAMES[spec.kind]
        counts[short] = counts.get(short, 0) + 1
        names.append(short if short == "flatten" and counts[short] == 1 else f"{short}{counts[short]}")
    names[-1] = "probabilities"
    return names


def build_custom_model(specs: Sequence[LayerSpec], input_shape: tuple = (28, 28, 1), num_classes: int = 10,
                       learning_rate: float = 1e-3, name: str = CUSTOM):
    """Build and compile the layer stack ``specs`` with the head :func:`custom_specs` describes.

    Layers are named like the seed's (conv1, pool1, ..., probabilities). Raises ValueError in
    words for a stack that does not fit ``input_shape``.
    """
    check_custom_fits(specs, input_shape, num_classes)
    full = custom_specs(specs, tuple(int(value) for value in input_shape), num_classes)
    import keras

    from convviz.training.layer_builder import keras_layer

    inputs = keras.Input(shape=tuple(input_shape), name="image")
    x = inputs
    for spec, layer_name in zip(full, _layer_names(full)):
        x = keras_layer(spec, name=layer_name)(x)
    model = keras.Model(inputs, x, name=name)
    compile_model(model, learning_rate)
    return model


def compile_model(model, learning_rate: float = 1e-3) -> None:
    """Compile ``model`` as the tutorial does: RMSprop, categorical cross-entropy, accuracy."""
    import keras

    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=learning_rate),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
