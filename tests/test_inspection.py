"""The inspector's replay lands on the value the model produced, for every replayable layer type."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from convviz.arithmetic import map_shapes, receptive_field_masks  # noqa: E402
from convviz.training.inspection import ModelInspector  # noqa: E402


def _model(input_shape, layers):
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input(input_shape), *layers])
    return model


MODELS = {
    "mnist-like 28x28x1": ((28, 28, 1), lambda: [
        keras.layers.Conv2D(4, 3, activation="relu"), keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(6, 3, padding="same", activation="tanh"),
        keras.layers.AveragePooling2D(3, strides=2, padding="same"),
        keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")]),
    "cifar-like 32x32x3": ((32, 32, 3), lambda: [
        keras.layers.Conv2D(5, 5, strides=2, padding="same", activation="relu"),
        keras.layers.Dropout(0.2),
        keras.layers.Conv2D(4, 3, dilation_rate=2, padding="same"),
        keras.layers.MaxPooling2D(2, padding="same"),
        keras.layers.ZeroPadding2D(((1, 0), (2, 1))),
        keras.layers.Conv2D(3, (2, 3), activation="sigmoid"),
        keras.layers.Flatten(), keras.layers.Dense(4, activation="softmax")]),
}


@pytest.mark.parametrize("name", list(MODELS))
def test_replay_equals_the_models_own_activations(name):
    input_shape, build = MODELS[name]
    model = _model(input_shape, build())
    inspector = ModelInspector(model)
    rng = np.random.default_rng(0)
    image = rng.uniform(0, 1, input_shape).astype("float32")
    activations = inspector.activations(image)

    # Activations equal each layer applied in turn by Keras itself.
    x = image[None]
    for layer, activation in zip(model.layers, activations):
        x = layer(x, training=False)
        np.testing.assert_allclose(activation, np.asarray(x[0]), rtol=1e-5, atol=1e-6)

    # The layer geometry reproduces every map size Keras reports.
    spatial = [v for v in inspector.layers if len(v.output_shape) == 3]
    shapes = map_shapes([v.geometry for v in spatial], input_shape)
    assert shapes[1:] == [v.output_shape[:2] for v in spatial]

    replayed = 0
    for index, view in enumerate(inspector.layers):
        if view.geometry.kind not in ("conv", "pool"):
            continue
        height, width, channels = view.output_shape
        for cell in [(0, 0), (height - 1, width - 1), (height // 2, width // 3)]:
            channel = int(rng.integers(channels))
            replay = inspector.replay(image, index, cell, channel, activations)
            assert replay.model_value == pytest.approx(float(activations[index][cell][channel]))
            assert replay.value == pytest.approx(replay.model_value, rel=1e-4, abs=1e-5), (
                f"{view.name} {cell} ch {channel}")
            replayed += 1
    assert replayed >= 9


def test_replay_of_a_conv_cell_sums_channels_bias_and_activation():
    model = _model((9, 9, 3), [keras.layers.Conv2D(2, 3, activation="relu", bias_initializer="ones")])
    inspector = ModelInspector(model)
    image = np.random.default_rng(3).uniform(-1, 1, (9, 9, 3)).astype("float32")
    replay = inspector.replay(image, 0, (4, 5), 1)
    assert replay.contributions.shape == (3,)
    assert replay.bias == pytest.approx(1.0)
    assert replay.pre_activation == pytest.approx(replay.contributions.sum() + 1.0)
    assert replay.value == pytest.approx(max(replay.pre_activation, 0.0))
    kernel = np.asarray(model.layers[0].kernel.numpy())[:, :, :, 1]
    manual = [(image[4:7, 5:8, c] * kernel[:, :, c]).sum() for c in range(3)]
    np.testing.assert_allclose(replay.contributions, manual, rtol=1e-5)


def test_receptive_field_of_a_deep_cell_covers_the_input_window():
    input_shape, build = MODELS["mnist-like 28x28x1"]
    inspector = ModelInspector(_model(input_shape, build()))
    masks = receptive_field_masks(inspector.chain_until(2), input_shape, 2, (5, 5))
    assert masks[0].shape == (28, 28) and masks[0].any()
    assert len(masks) == 4


def test_dense_layers_are_not_replayable_and_non_image_models_are_refused():
    model = _model((8, 8, 1), [keras.layers.Flatten(), keras.layers.Dense(3)])
    inspector = ModelInspector(model)
    with pytest.raises(ValueError, match="Dense layers mix every input value; convviz replays spatial layers only"):
        inspector.replay(np.zeros((8, 8, 1)), 1, (0, 0), 0)
    flat = keras.Sequential([keras.Input((5,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="input is an image"):
        ModelInspector(flat)
