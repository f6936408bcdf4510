"""Receptive fields over a model's graph equal the support of the gradient (GradientTape of one
output cell w.r.t. the input and every earlier map): exactly on linear models with branches,
and as a superset on real networks, where ReLU and max pooling zero some gradients."""

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = tf.keras

from applications_zoo import application, inspector, random_image  # noqa: E402
from convviz.arithmetic import receptive_field_masks  # noqa: E402
from convviz.training.inspection import ModelInspector  # noqa: E402
from convviz.training.model_graph import MODEL_INPUT  # noqa: E402

L = keras.layers


def linear_branches():
    """No ReLU and no max: every dependency shows in the gradient."""
    keras.utils.set_random_seed(21)
    x = inputs = keras.Input((14, 14, 2))
    a = L.Conv2D(3, 3, strides=2, padding="same", name="strided")(x)
    b = L.Conv2D(3, 3, dilation_rate=2, name="dilated")(L.ZeroPadding2D(((2, 2), (3, 1)), name="pad")(x))
    b = L.AveragePooling2D(2, padding="same", name="avg")(L.Cropping2D(((1, 0), (0, 1)), name="crop")(b))
    add = L.Add(name="add")([a, b])
    d = L.DepthwiseConv2D(3, padding="same", name="depthwise")(L.BatchNormalization(name="bn")(add))
    s = L.SeparableConv2D(4, 2, name="separable")(d)
    t = L.Conv2DTranspose(2, 3, strides=2, padding="valid", name="transposed")(s)
    u = L.UpSampling2D(2, name="up")(s)
    cat = L.Concatenate(name="cat")([L.Cropping2D(((0, 1), (0, 1)), name="tc")(t), u])
    se = L.Reshape((1, 1, 6), name="se")(L.Dense(6, name="se_dense")(L.GlobalAveragePooling2D(name="gap")(cat)))
    mul = L.Multiply(name="mul")([cat, se])
    out = L.Dense(3, name="head")(L.Flatten(name="flat")(L.Conv2D(2, 1, name="last")(mul)))
    return keras.Model(inputs, out)


def gradient_supports(model, names, queries, image):
    """For each (target, cell): {name: (H, W) bool} where d(cell of target, a random channel mix)
    / d(map of name) is nonzero, and the same for the input (key MODEL_INPUT)."""
    targets = sorted({target for target, _ in queries})
    wanted = list(dict.fromkeys(names + targets))
    multi = keras.Model(model.input, [model.get_layer(n).output for n in wanted])
    x = tf.constant(image[None])
    scores = []
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        outputs = multi(x)
        outputs = dict(zip(wanted, outputs if isinstance(outputs, (list, tuple)) else [outputs]))
        for target, cell in queries:
            out = outputs[target][0]
            mix = np.random.default_rng(3).uniform(0.5, 1.5, out.shape[-1]).astype("float32")
            scores.append(tf.reduce_sum((out[cell[0], cell[1]] if len(out.shape) == 3 else out) * mix))
    results = []
    for score in scores:
        grads = tape.gradient(score, [x] + [outputs[name] for name in names])
        supports = {MODEL_INPUT: np.abs(grads[0][0].numpy()).max(axis=-1) > 0}
        for name, grad in zip(names, grads[1:]):
            value = outputs[name]
            grid = np.zeros(value.shape[1:3] if len(value.shape) == 4 else (1, 1), bool)
            if grad is not None:
                g = np.abs(grad[0].numpy())
                grid = g.max(axis=-1) > 0 if g.ndim == 3 else np.array([[g.max() > 0]])
            supports[name] = grid
        results.append(supports)
    return results


@pytest.fixture(scope="module")
def linear():
    model = linear_branches()
    return model, ModelInspector(model), np.random.default_rng(4).uniform(-1, 1, (14, 14, 2)).astype("float32")


def test_fields_equal_the_gradient_support_on_every_map_of_a_branched_linear_model(linear):
    model, inspector_, image = linear
    names = [v.name for v in inspector_.layers]
    queries = []
    for target in ("add", "depthwise", "separable", "transposed", "up", "cat", "mul", "last", "head"):
        shape = inspector_.layers[names.index(target)].output_shape
        cells = [(0, 0), (shape[0] - 1, shape[1] // 2), (shape[0] // 2, 1)] if len(shape) == 3 else [(0, 0)]
        queries += [(target, cell) for cell in cells]
    checked = 0
    for (target, cell), supports in zip(queries, gradient_supports(model, names, queries, image)):
        index = names.index(target)
        masks = inspector_.receptive_fields(index, cell)
        assert np.array_equal(masks[MODEL_INPUT], supports[MODEL_INPUT]), f"{target} {cell}: input"
        assert np.array_equal(inspector_.receptive_field(index, cell), masks[MODEL_INPUT])
        for earlier, name in enumerate(names):
            got = masks.get(earlier, np.zeros_like(supports[name]))
            assert np.array_equal(got, supports[name]), f"{target} {cell}: map of {name}"
        checked += 1
    assert checked >= 20


def test_global_pooling_dense_and_flatten_cover_the_whole_input(linear):
    _, inspector_, _ = linear
    names = [v.name for v in inspector_.layers]
    for target in ("gap", "se", "mul", "head"):
        assert inspector_.receptive_field(names.index(target), (0, 0)).all()
    early = inspector_.receptive_field(names.index("strided"), (2, 3))
    assert early.sum() == 9


def test_a_chain_gets_the_same_masks_as_the_arithmetic_engine():
    keras.utils.set_random_seed(5)
    model = keras.Sequential([keras.Input((20, 20, 1)), L.Conv2D(2, 3, strides=2), L.MaxPooling2D(2, padding="same"),
                              L.ZeroPadding2D(1), L.Conv2D(2, 3, dilation_rate=2, padding="same"), L.ReLU()])
    inspector_ = ModelInspector(model)
    for layer, cell in [(4, (2, 3)), (3, (0, 0)), (1, (4, 4))]:
        chain = receptive_field_masks(inspector_.chain_until(layer), (20, 20), layer, cell)
        graph = inspector_.receptive_fields(layer, cell)
        for index, mask in enumerate(chain):
            assert np.array_equal(graph[index - 1], mask)


@pytest.mark.parametrize("name, targets", [
    ("ResNet50", [("pool1_pool", (3, 4)), ("conv2_block1_add", (0, 7)), ("conv3_block2_out", (1, 2)),
                  ("conv4_block1_add", (1, 0))]),
    ("MobileNetV2", [("expanded_conv_depthwise", (5, 9)), ("block_2_add", (3, 3)), ("block_6_depthwise", (1, 1))]),
])
def test_real_networks_fields_hold_every_gradient(name, targets):
    model, inspector_ = application(name), inspector(name)
    names = [v.name for v in inspector_.layers]
    image = random_image(8)
    for (target, cell), supports in zip(targets, gradient_supports(model, [], targets, image)):
        masks = inspector_.receptive_fields(names.index(target), cell)
        gradient = supports[MODEL_INPUT]
        assert gradient.any() and not (gradient & ~masks[MODEL_INPUT]).any(), f"{name} {target} {cell}"
    first = inspector_.receptive_field(names.index(targets[0][0]), targets[0][1])
    assert 0 < first.sum() < first.size  # an early cell sees part of the input
    top = names.index(inspector_.layers[inspector_.output_index].name)
    assert inspector_.receptive_field(top, (0, 0)).all()
