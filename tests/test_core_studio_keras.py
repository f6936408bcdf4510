"""The studio's numbers and layer outputs against Keras itself: one configuration per kind (the
studio's weights and bias loaded into the Keras layer), and the tutorial network's Conv2D rows."""

import os

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # oneDNN aborts on some Conv2DTranspose shapes

import numpy as np  # noqa: E402
import pytest  # noqa: E402

keras = pytest.importorskip("keras")

from convviz.arithmetic.presets import kernel_preset  # noqa: E402
from convviz.core.studio import StudioSettings, compute_studio  # noqa: E402
from convviz.core.studio_tutorial import tutorial_model_layers  # noqa: E402

L = keras.layers
CONFIGS = {
    "conv": (dict(in_channels=4, filters=6, groups=2, stride=2, padding="same"),
             lambda: L.Conv2D(6, 3, strides=2, padding="same", groups=2, activation="relu", dtype="float64")),
    "depthwise": (dict(in_channels=3, depth_multiplier=2, padding="same"),
                  lambda: L.DepthwiseConv2D(3, padding="same", depth_multiplier=2, activation="relu",
                                            dtype="float64")),
    "separable": (dict(in_channels=3, filters=5, depth_multiplier=2),
                  lambda: L.SeparableConv2D(5, 3, depth_multiplier=2, activation="relu", dtype="float64")),
    "transposed": (dict(in_channels=2, filters=3, stride=2, padding="same", output_padding=1),
                   lambda: L.Conv2DTranspose(3, 3, strides=2, padding="same", output_padding=1,
                                             activation="relu", dtype="float64")),
    "conv1d": (dict(in_channels=3, filters=4, dilation=2, padding="causal"),
               lambda: L.Conv1D(4, 3, dilation_rate=2, padding="causal", activation="relu", dtype="float64")),
}


@pytest.mark.parametrize("kind", CONFIGS)
def test_parameters_and_the_layers_output_equal_keras(kind):
    changes, make = CONFIGS[kind]
    cout = changes["in_channels"] * changes.get("depth_multiplier", 1) if kind == "depthwise" else changes["filters"]
    bias = tuple(np.linspace(-40, 40, cout))
    settings = StudioSettings(kind=kind, input_kind="photo", input_size=10, kernel=kernel_preset("sobel-x", 3),
                              kernel_preset="sobel-x", use_bias=True, bias=bias, activation="relu", **changes)
    result = compute_studio(settings)
    assert result.error is None
    layer = make()
    layer.build((1, *result.x.shape))
    assert result.numbers.params == layer.count_params()
    weights = [result.weights] + ([result.pointwise] if kind == "separable" else []) + [np.array(bias)]
    layer.set_weights([w.astype("float64") for w in weights])
    expected = np.asarray(layer(result.x[None].astype("float64")))[0]
    np.testing.assert_allclose(result.activated, expected, rtol=1e-9, atol=1e-9)


def test_the_tutorial_networks_conv_layers_have_keras_summary_rows():
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        L.Conv2D(32, (3, 3), activation="relu"), L.MaxPooling2D((2, 2)),
        L.Conv2D(64, (3, 3), activation="relu"), L.MaxPooling2D((2, 2)),
        L.Conv2D(64, (3, 3), activation="relu"),
    ])
    convs = [layer for layer in model.layers if isinstance(layer, L.Conv2D)]
    layers = tutorial_model_layers()
    assert [layer.count_params() for layer in convs] == [320, 18_496, 36_928]
    for keras_layer, studio_layer in zip(convs, layers):
        result = compute_studio(studio_layer.settings)
        assert result.error is None
        assert result.numbers.params == keras_layer.count_params()
        assert result.activated.shape == tuple(keras_layer.output.shape[1:]) == studio_layer.output_shape
        assert result.x.shape == tuple(keras_layer.input.shape[1:]) == studio_layer.input_shape
