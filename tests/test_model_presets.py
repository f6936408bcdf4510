"""Each preset is described once, as a tuple of LayerSpecs, and built through the layer builder.

These tests prove the models did not change with that: the model and layer names recorded
from the hand-written Keras code the presets used before, the total parameter counts, every
layer's Keras configuration (against the tutorial's convnet written out here with
``keras.layers``), names that survive a save and a load, and the arithmetic engine's counts
equal to Keras' for other image shapes and class counts.
"""

import os

os.environ["CONVVIZ_OFFLINE"] = "1"

import pytest

keras = pytest.importorskip("keras")

from convviz.arithmetic.layer_stack import stack_rows  # noqa: E402
from convviz.training.models import (  # noqa: E402
    MODEL_PRESETS, build_model, preset_param_count, preset_specs,
)
from convviz.training.storage import load_model, save_model  # noqa: E402

# Recorded by running build_model(name) at 28x28x1 with 10 classes before the presets became
# LayerSpec tuples: (model name, layer names, count_params()).
RECORDED = {
    "seed": ("seed", ("image", "conv1", "pool1", "conv2", "pool2", "conv3", "flatten", "dense1",
                      "probabilities"), 93_322),
    "seed-literal": ("seed_literal", ("image", "conv1", "conv2", "conv3", "flatten", "dense1",
                                      "probabilities"), 2_038_922),
}
OTHER_INPUTS = [((32, 32, 3), 5), ((64, 48, 1), 2), ((22, 30, 4), 100), ((28, 28, 3), 26)]


def tutorial_model(name, input_shape=(28, 28, 1), num_classes=10):
    """The Keras MNIST convnet written with keras.layers (pooling only in ``seed``)."""
    layers = keras.layers
    inputs = keras.Input(shape=input_shape, name="image")
    x = layers.Conv2D(32, (3, 3), activation="relu", name="conv1")(inputs)
    if name == "seed":
        x = layers.MaxPooling2D((2, 2), name="pool1")(x)
    x = layers.Conv2D(64, (3, 3), activation="relu", name="conv2")(x)
    if name == "seed":
        x = layers.MaxPooling2D((2, 2), name="pool2")(x)
    x = layers.Conv2D(64, (3, 3), activation="relu", name="conv3")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(64, activation="relu", name="dense1")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name=name.replace("-", "_"))


def _names(model):
    return tuple(layer.name for layer in model.layers)


@pytest.mark.parametrize("name", list(RECORDED))
def test_names_and_parameter_counts_are_the_recorded_ones(name):
    model_name, layer_names, total = RECORDED[name]
    model = build_model(name, (28, 28, 1), 10)
    assert model.name == model_name
    assert _names(model) == layer_names
    assert model.count_params() == total == preset_param_count(name, (28, 28, 1), 10)
    rows = stack_rows(preset_specs(name, 10), (28, 28, 1))
    assert [layer.count_params() for layer in model.layers[1:]] == [row.params for row in rows]
    assert [tuple(layer.output.shape[1:]) for layer in model.layers[1:]] == [row.output_shape for row in rows]


def test_every_preset_is_recorded():
    assert set(MODEL_PRESETS) == set(RECORDED)


@pytest.mark.parametrize("input_shape, num_classes", [((28, 28, 1), 10), *OTHER_INPUTS])
@pytest.mark.parametrize("name", list(RECORDED))
def test_the_keras_model_is_the_tutorials_layer_for_layer(name, input_shape, num_classes):
    built = build_model(name, input_shape, num_classes).get_config()
    assert built == tutorial_model(name, input_shape, num_classes).get_config()


@pytest.mark.parametrize("name", list(RECORDED))
def test_a_saved_and_loaded_preset_keeps_its_names(tmp_path, name):
    model = build_model(name)
    loaded = load_model(save_model(model, tmp_path / f"{name}.keras"))
    model_name, layer_names, total = RECORDED[name]
    assert loaded.name == model_name and _names(loaded) == layer_names
    assert loaded.count_params() == total


@pytest.mark.parametrize("input_shape, num_classes", OTHER_INPUTS)
@pytest.mark.parametrize("name", list(RECORDED))
def test_engine_counts_equal_keras_for_other_images_and_classes(name, input_shape, num_classes):
    model = tutorial_model(name, input_shape, num_classes)
    rows = stack_rows(preset_specs(name, num_classes), input_shape)
    assert [row.params for row in rows] == [layer.count_params() for layer in model.layers[1:]]
    assert [row.output_shape for row in rows] == [tuple(layer.output.shape[1:]) for layer in model.layers[1:]]
    assert preset_param_count(name, input_shape, num_classes) == model.count_params()


def test_description_is_read_from_the_layers():
    assert MODEL_PRESETS["seed-literal"].description == (
        "Conv 32 - Conv 64 - Conv 64 - Flatten - Dense 64 - softmax head (one unit per class)")
    assert MODEL_PRESETS["seed"].description.startswith("Conv 32 - MaxPool - Conv 64 - MaxPool - ")
