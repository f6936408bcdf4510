"""The CNNs of the training lab, built by plain functions that read like the tutorial's model.

``seed`` is the classic Keras MNIST convnet (three convolutions, two of them followed by
max pooling, then two dense layers: 93,322 parameters). ``seed-literal`` is the stack the
tutorial's code actually prints: the three convolutions with no pooling between them, plus the
Flatten a Dense layer needs; see :data:`MODEL_PRESETS` for why that one has 2 million weights.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

__all__ = ["ModelPreset", "MODEL_PRESETS", "build_model", "compile_model"]


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
        ),
        ModelPreset(
            name="seed-literal",
            description="Conv 32 - Conv 64 - Conv 64 - Flatten - Dense 64 - Dense 10 (no pooling)",
            note="Without pooling each 3x3 convolution only trims 2 pixels (28 -> 26 -> 24 -> 22), "
            "so Flatten turns the 22x22x64 map into 30,976 values and the Dense layer after it "
            "needs 30,976 x 64 + 64 = 1,982,528 weights: 97% of the model, and ~7x slower to train.",
            body=_seed_literal_layers,
        ),
    )
}


def build_model(name: str = "seed", input_shape: tuple = (28, 28, 1), num_classes: int = 10,
                learning_rate: float = 1e-3):
    """Build and compile the preset ``name``: float input in [0, 1], softmax output.

    Raises ValueError (one line) for an unknown preset name.
    """
    if name not in MODEL_PRESETS:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODEL_PRESETS)}")
    import keras

    inputs = keras.Input(shape=tuple(input_shape), name="image")
    features = MODEL_PRESETS[name].body(keras.layers, inputs)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="probabilities")(features)
    model = keras.Model(inputs, outputs, name=name.replace("-", "_"))
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
