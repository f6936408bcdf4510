"""Receptive fields against brute force: perturb one cell of a real Keras network, see what changes.

Random layer stacks use positive weights and inputs, so every cell that depends on a
perturbed cell strictly grows (max pooling included): "changed" is exactly "depends on".
"""

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = tf.keras

from convviz.arithmetic import (  # noqa: E402
    LayerGeometry,
    map_shapes,
    receptive_field_box,
    receptive_field_masks,
)


def random_stack(rng):
    """Return (keras layers, geometries, input size) for a random valid stack of 2-4 layers."""
    layers, chain = [], []
    shape = in_shape = (int(rng.integers(10, 17)),) * 2
    positive = keras.initializers.RandomUniform(0.1, 1.0, seed=int(rng.integers(1 << 30)))
    while len(chain) < rng.integers(2, 5):
        kind = rng.choice(["conv", "conv", "pool", "pad", "pointwise"])
        padding = str(rng.choice(["valid", "same"]))
        if kind == "conv":
            k = int(rng.integers(1, 5))
            d = int(rng.integers(1, 3))
            s = 1 if d > 1 else int(rng.integers(1, 3))
            geom = LayerGeometry("conv", k, s, padding, d)
            layer = keras.layers.Conv2D(2, k, strides=s, padding=padding, dilation_rate=d,
                                        kernel_initializer=positive, bias_initializer="zeros")
        elif kind == "pool":
            k, s = int(rng.integers(2, 4)), int(rng.integers(1, 4))
            geom = LayerGeometry("pool", k, s, padding)
            cls = keras.layers.MaxPooling2D if rng.random() < 0.5 else keras.layers.AveragePooling2D
            layer = cls(k, strides=s, padding=padding)
        elif kind == "pad":
            pads = ((int(rng.integers(0, 3)), int(rng.integers(0, 3))),
                    (int(rng.integers(0, 3)), int(rng.integers(0, 3))))
            geom = LayerGeometry("pad", padding=pads)
            layer = keras.layers.ZeroPadding2D(pads)
        else:
            geom = LayerGeometry("pointwise")
            layer = keras.layers.ReLU()
        try:
            shape = geom.output_shape(shape)
        except ValueError:
            continue
        layers.append(layer)
        chain.append(geom)
    return layers, chain, in_shape


def dependencies(layers, in_shape, channels):
    """Brute force: for every input cell, which cells of the last layer's output change."""
    inputs = keras.Input((*in_shape, channels))
    x = inputs
    for layer in layers:
        x = layer(x)
    model = keras.Model(inputs, x)
    rng = np.random.default_rng(0)
    base = rng.uniform(0.5, 1.0, (1, *in_shape, channels)).astype("float32")
    batch = np.repeat(base, in_shape[0] * in_shape[1] + 1, axis=0)
    for index in range(in_shape[0] * in_shape[1]):
        batch[index + 1, index // in_shape[1], index % in_shape[1], :] += 100.0
    out = model(batch, training=False).numpy()
    changed = np.abs(out[1:] - out[:1]).max(axis=-1) > 1e-3  # (cells, H', W')
    return changed.reshape(*in_shape, *out.shape[1:3])  # [in_r, in_c, out_r, out_c]


@pytest.mark.parametrize("seed", range(8))
def test_masks_match_brute_force_for_random_stacks(seed):
    rng = np.random.default_rng(seed)
    layers, chain, in_shape = random_stack(rng)
    shapes = map_shapes(chain, in_shape)
    x = keras.Input((*in_shape, 1))
    keras_shapes = [in_shape]
    for layer in layers:
        x = layer(x)
        keras_shapes.append(tuple(x.shape[1:3]))
    assert shapes == keras_shapes, f"seed {seed}: {chain}"

    last = len(chain) - 1
    for start in range(len(chain)):  # every earlier map, through a sub-network from there
        in_channels = 1 if start == 0 else _channels(layers, start, in_shape)
        truth = dependencies(layers[start:], shapes[start], in_channels)
        out_h, out_w = shapes[-1]
        for cell in [(0, 0), (out_h - 1, out_w - 1), (out_h // 2, out_w // 2)]:
            masks = receptive_field_masks(chain, in_shape, last, cell)
            expected = truth[:, :, cell[0], cell[1]]
            assert np.array_equal(masks[start], expected), (
                f"seed {seed}, map {start}, cell {cell}, chain {chain}"
            )


def _channels(layers, start, in_shape):
    inputs = keras.Input((*in_shape, 1))
    x = inputs
    for layer in layers[:start]:
        x = layer(x)
    return x.shape[-1]


def test_last_mask_is_the_cell_and_dilated_kernel_keeps_gaps():
    chain = [LayerGeometry("conv", 3, dilation=2)]
    masks = receptive_field_masks(chain, (7, 7), 0, (1, 2))
    assert masks[1].sum() == 1 and masks[1][1, 2]
    rows, cols = np.nonzero(masks[0])
    assert sorted(set(rows.tolist())) == [1, 3, 5]
    assert sorted(set(cols.tolist())) == [2, 4, 6]
    assert receptive_field_box(masks[0]) == ((1, 6), (2, 7))


def test_dense_layer_depends_on_everything_and_bad_cells_are_refused():
    chain = [LayerGeometry("conv", 3), LayerGeometry("dense")]
    masks = receptive_field_masks(chain, (6, 6), 1, (0, 0))
    assert masks[0].all() and masks[1].all()
    with pytest.raises(ValueError, match="outside the 4x4 map"):
        receptive_field_masks(chain, (6, 6), 0, (4, 0))
    with pytest.raises(ValueError, match="layer 2: kernel 5 does not fit"):
        map_shapes([LayerGeometry("conv", 3), LayerGeometry("conv", 5)], (6, 6))
    with pytest.raises(ValueError, match="unknown layer kind"):
        LayerGeometry("upsample")
