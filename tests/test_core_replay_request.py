"""The typed inspector→studio hand-off, without Qt: a real Keras model's cell, replayed through the
studio's core, lands on the step whose value is the model's own number."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from convviz.core.replay_request import (  # noqa: E402
    PoolRequest,
    StudioRequest,
    WholeCellRequest,
    studio_request,
    whole_cell_request,
)
from convviz.core.studio import StudioSettings, compute_studio  # noqa: E402
from convviz.training.inspection import ModelInspector  # noqa: E402

ACTIVATIONS = {"relu": lambda v: max(v, 0.0), "tanh": np.tanh, "linear": lambda v: v}


@pytest.fixture(scope="module")
def inspected():
    keras.utils.set_random_seed(4)
    model = keras.Sequential([
        keras.Input((13, 13, 3)),
        keras.layers.Conv2D(4, 3, strides=2, padding="same", activation="tanh",
                            bias_initializer="random_normal", name="conv_strided"),
        keras.layers.Conv2D(3, 3, dilation_rate=2, padding="same", activation="relu", name="conv_dilated"),
        keras.layers.MaxPooling2D(2, padding="same", name="pool_max"),
        keras.layers.AveragePooling2D(2, strides=1, name="pool_avg"),
    ])
    image = np.random.default_rng(5).uniform(0, 1, (13, 13, 3)).astype("float32")
    inspector = ModelInspector(model)
    outputs, x = [], image[None]
    for layer in model.layers:  # Keras itself, layer by layer: the truth the studio must reach
        x = layer(x, training=False)
        outputs.append(np.asarray(x[0]))
    return model, inspector, image, outputs


def _landed(request: StudioRequest):
    result = compute_studio(request.settings(StudioSettings()))
    assert result.error is None and result.pool_error is None
    index = result.step_index(*request.cell)
    kind, step = result.step(index)
    return kind, step


@pytest.mark.parametrize("layer, cell, flt", [(0, (3, 5), 2), (0, (6, 6), 0), (1, (0, 6), 1), (1, (4, 2), 2)])
def test_conv_channels_replayed_in_the_studio_add_up_to_the_models_value(inspected, layer, cell, flt):
    model, inspector, image, outputs = inspected
    replay = inspector.replay(image, layer, cell, flt)
    shares = []
    for channel in range(replay.layer_input.shape[2]):
        request = studio_request(replay, channel)
        kind, step = _landed(request)
        assert kind == "conv" and step.position == cell
        shares.append(float(step.value))
    keras_layer = model.layers[layer]
    bias = float(np.asarray(keras_layer.bias)[flt])
    activation = ACTIVATIONS[keras_layer.get_config()["activation"]]
    assert activation(sum(shares) + bias) == pytest.approx(float(outputs[layer][cell][flt]), rel=1e-4, abs=1e-5)


@pytest.mark.parametrize("layer, cell, channel", [(2, (0, 0), 1), (2, (3, 1), 2), (3, (2, 1), 0)])
def test_pool_cells_land_on_the_pooling_step_with_the_models_value(inspected, layer, cell, channel):
    _, inspector, image, outputs = inspected
    request = studio_request(inspector.replay(image, layer, cell, channel), channel)
    assert isinstance(request.pool, PoolRequest) and request.cell == ("pool", *cell)
    kind, step = _landed(request)
    assert kind == "pool" and step.position == cell
    assert float(step.value) == pytest.approx(float(outputs[layer][cell][channel]), rel=1e-5, abs=1e-6)


def test_the_request_becomes_the_layers_settings(inspected):
    _, inspector, image, _ = inspected
    replay = inspector.replay(image, 1, (2, 3), 0)
    settings = studio_request(replay, 2).settings(StudioSettings(pool=True, input_kind="digit"))
    assert settings.input_kind == "model" and settings.kernel_preset == "custom"
    assert (settings.stride, settings.padding, settings.dilation, settings.pool) == (1, "same", 2, False)
    np.testing.assert_array_equal(settings.model_map, replay.layer_input[:, :, 2])
    np.testing.assert_array_equal(settings.kernel, replay.kernel[:, :, 2])
    assert "filter 0" in settings.caption and "Σ" in settings.model_note


@pytest.mark.parametrize("layer, cell, flt", [(0, (3, 5), 2), (0, (0, 0), 3), (1, (0, 6), 1), (1, (4, 2), 2)])
def test_a_whole_cell_lands_on_the_models_value(inspected, layer, cell, flt):
    model, inspector, image, outputs = inspected
    replay = inspector.replay(image, layer, cell, flt)
    request = whole_cell_request(replay)
    assert isinstance(request, WholeCellRequest)
    result = compute_studio(request.settings(StudioSettings(pool=True, input_kind="digit")))
    assert result.error is None and result.pool_error is None and result.in_depth
    stage, step = result.step(result.step_index(*request.cell))
    assert stage == "conv" and step.position == cell and step.filter == 0
    layer_input = np.asarray(outputs[layer - 1]) if layer else image
    keras_layer = model.layers[layer]
    kernel = np.asarray(keras_layer.kernel)[:, :, :, flt]
    np.testing.assert_allclose(result.x, layer_input, rtol=1e-6)
    np.testing.assert_array_equal(step.kernel, kernel)
    assert len(step.channel_dots) == layer_input.shape[2]
    assert step.total == pytest.approx(step.channel_dots.sum())
    bias = float(np.asarray(keras_layer.bias)[flt])
    np.testing.assert_allclose(result.bias, [bias])
    activation = ACTIVATIONS[keras_layer.get_config()["activation"]]
    model_value = float(outputs[layer][cell][flt])
    assert activation(step.total + bias) == pytest.approx(model_value, rel=1e-4, abs=1e-5)
    assert result.activated[(*cell, 0)] == pytest.approx(model_value, rel=1e-4, abs=1e-5)
    assert request.model_value == pytest.approx(model_value, rel=1e-5, abs=1e-6)


def test_a_pooling_cell_is_not_a_whole_conv_cell(inspected):
    _, inspector, image, _ = inspected
    with pytest.raises(ValueError, match="needs a convolution cell"):
        whole_cell_request(inspector.replay(image, 2, (0, 0), 1))
