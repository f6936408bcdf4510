"""Model presets: layer shapes and parameter counts checked against arithmetic done here by hand."""

import os

os.environ["CONVVIZ_OFFLINE"] = "1"

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from convviz.training.models import MODEL_PRESETS, build_model


def _conv_params(k, c_in, c_out):
    return (k * k * c_in + 1) * c_out


def _dense_params(n_in, n_out):
    return (n_in + 1) * n_out


def _expected_layers(pooling: bool):
    """(name, kind, output shape, params) of the preset, derived from 3x3 valid convs and 2x2 pools."""
    size, channels, rows = 28, 1, []
    for index, filters in enumerate((32, 64, 64), start=1):
        size -= 2  # a 3x3 kernel without padding loses one pixel on each side
        rows.append((f"conv{index}", "Conv2D", (size, size, filters), _conv_params(3, channels, filters)))
        channels = filters
        if pooling and index < 3:
            size //= 2
            rows.append((f"pool{index}", "MaxPooling2D", (size, size, channels), 0))
    flat = size * size * channels
    rows.append(("flatten", "Flatten", (flat,), 0))
    rows.append(("dense1", "Dense", (64,), _dense_params(flat, 64)))
    rows.append(("probabilities", "Dense", (10,), _dense_params(64, 10)))
    return rows, flat


@pytest.mark.parametrize("name, pooling", [("seed", True), ("seed-literal", False)])
def test_layers_shapes_and_parameter_counts(name, pooling):
    model = build_model(name)
    expected, _ = _expected_layers(pooling)
    actual = [
        (layer.name, type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params())
        for layer in model.layers[1:]
    ]
    assert actual == expected
    assert model.count_params() == sum(row[3] for row in expected)


def test_seed_is_the_classic_93322_parameter_convnet():
    assert build_model("seed").count_params() == 93_322


def test_seed_literal_note_explains_its_flatten_with_the_real_numbers():
    rows, flat = _expected_layers(pooling=False)
    note = MODEL_PRESETS["seed-literal"].note
    dense = _dense_params(flat, 64)
    assert f"{flat:,}" in note and f"{dense:,}" in note
    total = sum(row[3] for row in rows)
    assert f"{round(100 * dense / total)}%" in note


def test_model_is_compiled_and_outputs_probabilities():
    model = build_model("seed", learning_rate=0.01)
    assert model.input_shape == (None, 28, 28, 1)
    assert type(model.optimizer).__name__ == "RMSprop"
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(0.01)
    x = np.random.default_rng(0).random((3, 28, 28, 1), dtype=np.float32)
    probabilities = model.predict(x, verbose=0)
    assert probabilities.shape == (3, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_unknown_preset_is_a_one_line_value_error():
    with pytest.raises(ValueError, match="unknown model 'resnet'; choose one of seed, seed-literal"):
        build_model("resnet")
