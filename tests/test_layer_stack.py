"""The layer editor's arithmetic (shapes, parameter counts, refusals) against what Keras builds."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from convviz.arithmetic.layer_stack import LayerSpec, stack_geometry, stack_rows  # noqa: E402
from convviz.arithmetic.receptive import map_shapes  # noqa: E402
from convviz.training.layer_builder import build_from_specs  # noqa: E402


def random_specs(rng, input_shape):
    """A random stack that the engine accepts (the engine is what decides validity here)."""
    specs = []
    for _ in range(int(rng.integers(2, 7))):
        kind = str(rng.choice(["Conv2D", "Conv2D", "MaxPooling2D", "AveragePooling2D", "Dropout"]))
        padding = str(rng.choice(["valid", "same"]))
        if kind == "Conv2D":
            dilation = int(rng.integers(1, 3))
            stride = 1 if dilation > 1 else int(rng.integers(1, 3))
            kernel = (int(rng.integers(1, 6)), int(rng.integers(1, 6)))
            spec = LayerSpec(kind, filters=int(rng.integers(1, 9)), kernel=kernel, stride=stride,
                             padding=padding, dilation=dilation)
        elif kind == "Dropout":
            spec = LayerSpec(kind, rate=0.3)
        else:
            size = int(rng.integers(2, 4))
            stride = None if rng.random() < 0.5 else int(rng.integers(1, 4))
            spec = LayerSpec(kind, kernel=size, stride=stride, padding=padding)
        try:
            stack_rows(specs + [spec], input_shape)
        except ValueError:
            continue
        specs.append(spec)
    specs += [LayerSpec("Flatten"), LayerSpec("Dense", units=int(rng.integers(2, 20)))]
    return specs


@pytest.mark.parametrize("seed", range(12))
def test_shapes_and_params_equal_keras(seed):
    rng = np.random.default_rng(seed)
    input_shape = (int(rng.integers(8, 33)), int(rng.integers(8, 33)), int(rng.integers(1, 4)))
    specs = random_specs(rng, input_shape)
    rows = stack_rows(specs, input_shape)
    model = build_from_specs(specs, input_shape)
    layers = model.layers[1:]  # [0] is the input
    keras_shapes = [tuple(layer.output.shape[1:]) for layer in layers]
    keras_params = [layer.count_params() for layer in layers]
    assert [row.output_shape for row in rows] == keras_shapes, specs
    assert [row.params for row in rows] == keras_params, specs
    spatial = [s for s, row in zip(specs, rows) if len(row.output_shape) == 3]
    chain = stack_geometry(spatial)
    assert map_shapes(chain, input_shape)[1:] == [row.output_shape[:2] for row in rows[: len(spatial)]]


def test_seed_network_has_93322_parameters():
    specs = [
        LayerSpec("Conv2D", filters=32), LayerSpec("MaxPooling2D", kernel=2),
        LayerSpec("Conv2D", filters=64), LayerSpec("MaxPooling2D", kernel=2),
        LayerSpec("Conv2D", filters=64), LayerSpec("Flatten"),
        LayerSpec("Dense", units=64), LayerSpec("Dense", units=10, activation="softmax"),
    ]
    assert sum(row.params for row in stack_rows(specs, (28, 28, 1))) == 93322


@pytest.mark.parametrize(
    "specs, message",
    [
        ([LayerSpec("Conv2D", kernel=2)] * 3 + [LayerSpec("MaxPooling2D", kernel=2),
          LayerSpec("Conv2D", kernel=3)],
         r"layer 5 \(Conv2D\): kernel 3 does not fit the 2x2 map that layer 4 produces"),
        ([LayerSpec("Conv2D", kernel=9)], r"layer 1 \(Conv2D\): kernel 9 does not fit the 8x8 input"),
        ([LayerSpec("Flatten"), LayerSpec("Conv2D")], r"layer 2 \(Conv2D\).*before the Flatten"),
        ([LayerSpec("Dense")], r"layer 1 \(Dense\).*add a Flatten"),
        ([LayerSpec("Conv2D", stride=2, dilation=2)], r"stride above 1 together with a dilation"),
        ([LayerSpec("Dropout", rate=1.5)], r"rate must be in \[0, 1\)"),
        ([LayerSpec("MaxPooling2D", padding="full")], r"unknown padding"),
        ([LayerSpec("Conv2D", filters=0)], r"filters must be at least 1"),
    ],
)
def test_impossible_stacks_are_explained(specs, message):
    with pytest.raises(ValueError, match=message):
        stack_rows(specs, (8, 8, 1))
