"""Every replayable layer kind, replayed from its true input with the arithmetic engine, equals the
output Keras computes for that layer: in small models made here and in real Keras Applications."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from applications_zoo import application, inspector, random_image  # noqa: E402
from convviz.training.inspection import ModelInspector  # noqa: E402

L = keras.layers


def _close(replay, truth):
    scale = max(1.0, abs(truth), float(np.abs(replay.contributions).sum()))
    return abs(replay.value - truth) <= 1e-4 * scale and abs(replay.model_value - truth) <= 1e-4 * scale


def every_kind():
    """One small functional model holding every layer kind the inspector replays."""
    keras.utils.set_random_seed(11)
    x = inputs = keras.Input((11, 11, 4))
    norm = L.Normalization(mean=[0.1, -0.2, 0.3, 0.0], variance=[2.0, 0.5, 1.0, 4.0], name="norm")(x)
    r = L.Rescaling(0.5, offset=0.25, name="rescale")(norm)
    g = L.Conv2D(6, 3, padding="same", groups=2, activation="swish", name="grouped")(r)
    d = L.DepthwiseConv2D(3, strides=2, depth_multiplier=2, activation="relu6", name="depthwise")(g)
    s = L.SeparableConv2D(5, 3, padding="same", depth_multiplier=2, activation="hard_silu",
                          dilation_rate=2, name="separable")(d)
    bn = L.BatchNormalization(name="bn")(s)
    t = L.Conv2DTranspose(5, 3, strides=2, padding="same", activation="sigmoid", name="transposed")(bn)
    tv = L.Conv2DTranspose(3, 2, strides=2, output_padding=1, name="transposed_valid")(bn)
    p = L.ZeroPadding2D(((1, 2), (0, 1)), name="pad")(L.ReLU(6.0, name="relu6")(t))
    mx = L.MaxPooling2D(3, strides=2, padding="same", name="max")(p)
    av = L.AveragePooling2D(2, padding="same", name="avg")(L.Activation("hard_swish", name="hswish")(mx))
    add = L.Add(name="add")([av, L.Conv2D(5, 1, activation="softmax", name="soft_conv")(av)])
    sub = L.Subtract(name="sub")([add, av])
    cat = L.Concatenate(name="cat")([sub, L.Activation("tanh", name="tanh")(add), L.Cropping2D(((2, 5), (3, 5)), name="crop")(tv)])
    scale = L.Reshape((1, 1, 13), name="se_reshape")(L.Dense(13, activation="sigmoid", name="se")(
        L.GlobalAveragePooling2D(name="gap")(cat)))
    mul = L.Multiply(name="mul")([cat, scale])
    mean = L.Average(name="mean")([mul, cat])
    drop = L.Dropout(0.3, name="drop")(L.Softmax(name="softmax_layer")(mean))
    out = L.Dense(3, name="head")(L.GlobalMaxPooling2D(name="gmp")(L.Activation("relu", name="relu")(drop)))
    model = keras.Model(inputs, out)
    bn_layer = model.get_layer("bn")
    rng = np.random.default_rng(0)
    bn_layer.set_weights([rng.uniform(0.5, 2, 5), rng.normal(0, 1, 5), rng.normal(0, 1, 5), rng.uniform(0.5, 2, 5)])
    return model


@pytest.fixture(scope="module")
def small():
    model = every_kind()
    return model, ModelInspector(model), random_image(5, (11, 11, 4))


def _truth(model, names, image):
    """Keras' own output of every named layer (one multi-output model of the original graph)."""
    outputs = keras.Model(model.input, [model.get_layer(n).output for n in names])(image[None])
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    return {n: np.asarray(o[0]) for n, o in zip(names, outputs)}


def _cells(shape, rng):
    if len(shape) != 3:
        return [((0, 0), int(rng.integers(shape[-1])))]
    h, w, c = shape
    return [((0, 0), 0), ((h - 1, w - 1), c - 1), ((int(rng.integers(h)), int(rng.integers(w))), int(rng.integers(c)))]


def test_every_layer_kind_replays_to_keras_output(small):
    model, inspector_, image = small
    names = [v.name for v in inspector_.layers if v.replayable]
    truth = _truth(model, names, image)
    activations = inspector_.activations(image)
    rng = np.random.default_rng(1)
    kinds = set()
    for index, view in enumerate(inspector_.layers):
        if not view.replayable:
            continue
        for cell, channel in _cells(view.output_shape, rng):
            replay = inspector_.replay(image, index, cell, channel, activations)
            expected = float(truth[view.name][cell + (channel,)] if len(view.output_shape) == 3
                             else truth[view.name][channel])
            assert _close(replay, expected), f"{view.name} {cell} ch {channel}: {replay.value} vs {expected}"
            assert replay.matches and replay.layer_kind == view.kind and replay.formula
        kinds.add(view.kind)
    assert {"Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Conv2DTranspose", "MaxPooling2D",
            "AveragePooling2D", "GlobalAveragePooling2D", "GlobalMaxPooling2D", "BatchNormalization",
            "Add", "Subtract", "Concatenate", "Multiply", "Average", "ZeroPadding2D", "ReLU", "Activation",
            "Softmax", "Rescaling", "Dropout", "Cropping2D", "Normalization"} <= kinds


def test_replays_carry_what_explains_the_cell(small):
    model, inspector_, image = small
    index = {v.name: i for i, v in enumerate(inspector_.layers)}
    acts = inspector_.activations(image)
    grouped = inspector_.replay(image, index["grouped"], (4, 4), 4, acts)
    assert grouped.input_channels == (2, 3) and grouped.kernel.shape == (3, 3, 2)
    manual = [(grouped.window_values[:, :, c] * grouped.kernel[:, :, c]).sum() for c in range(2)]
    np.testing.assert_allclose(grouped.contributions, manual, rtol=1e-9)
    assert grouped.pre_activation == pytest.approx(grouped.contributions.sum() + grouped.bias)
    assert grouped.activation == "silu"
    depthwise = inspector_.replay(image, index["depthwise"], (2, 1), 7, acts)
    assert depthwise.input_channels == (3,) and depthwise.contributions.shape == (1,)
    assert depthwise.activation == "relu6"
    separable = inspector_.replay(image, index["separable"], (1, 2), 3, acts)
    assert separable.depthwise_kernel.shape == (3, 3, 12, 2) and separable.pointwise_weights.shape == (24,)
    manual = [(separable.window_values[:, :, c] * separable.kernel[:, :, c]).sum() for c in range(12)]
    np.testing.assert_allclose(separable.contributions, manual, rtol=1e-9, atol=1e-12)
    bn = inspector_.replay(image, index["bn"], (1, 1), 2, acts)
    gamma, beta, mean, var = (float(w[2]) for w in model.get_layer("bn").get_weights())
    assert (bn.batch_norm.gamma, bn.batch_norm.beta) == pytest.approx((gamma, beta))
    assert (bn.batch_norm.mean, bn.batch_norm.variance) == pytest.approx((mean, var))
    assert bn.branch_values[0] == pytest.approx(float(acts[index["separable"]][1, 1, 2]))
    add = inspector_.replay(image, index["add"], (1, 0), 1, acts)
    assert add.branches == ("avg", "soft_conv")
    assert add.branch_values == pytest.approx((acts[index["avg"]][1, 0, 1], acts[index["soft_conv"]][1, 0, 1]))
    cat = inspector_.replay(image, index["cat"], (0, 1), 7, acts)
    assert cat.branches == ("tanh",) and cat.branch_values[0] == pytest.approx(acts[index["tanh"]][0, 1, 2])
    transposed = inspector_.replay(image, index["transposed"], (3, 3), 0, acts)
    assert transposed.layer_input.shape[:2] == (12, 12) and transposed.stride == (1, 1)


def test_layers_that_cannot_be_replayed_say_why_by_name(small):
    _, inspector_, image = small
    index = {v.name: i for i, v in enumerate(inspector_.layers)}
    assert not inspector_.layers[index["head"]].replayable
    with pytest.raises(ValueError, match="^head: Dense layers mix every input value; convviz replays spatial"):
        inspector_.replay(image, index["head"], (0, 0), 0)
    with pytest.raises(ValueError, match="^se_reshape: Reshape only rearranges the values"):
        inspector_.replay(image, index["se_reshape"], (0, 0), 0)


@pytest.mark.parametrize("name", ["ResNet50", "MobileNetV2", "EfficientNetB0"])
def test_real_networks_replay_every_kind_to_keras(name):
    model, inspector_ = application(name), inspector(name)
    image = random_image(6)
    activations = inspector_.activations(image)
    rng = np.random.default_rng(2)
    by_kind = {}
    for index, view in enumerate(inspector_.layers):
        if view.replayable:
            by_kind.setdefault(view.kind, []).append(index)
    picks = [i for indices in by_kind.values() for i in
             sorted(rng.choice(indices, min(2, len(indices)), replace=False).tolist())]
    truth = _truth(model, [inspector_.layers[i].name for i in picks], image)
    for index in picks:
        view = inspector_.layers[index]
        for cell, channel in _cells(view.output_shape, rng)[1:]:
            replay = inspector_.replay(image, index, cell, channel, activations)
            expected = float(truth[view.name][cell + (channel,)] if len(view.output_shape) == 3
                             else truth[view.name][channel])
            assert _close(replay, expected), f"{name} {view.name} {cell} ch {channel}: {replay.value} vs {expected}"
    expected_kinds = {"ResNet50": {"Conv2D", "BatchNormalization", "Add", "Activation", "ZeroPadding2D",
                                   "MaxPooling2D", "GlobalAveragePooling2D"},
                      "MobileNetV2": {"Conv2D", "DepthwiseConv2D", "ReLU", "Add", "BatchNormalization",
                                      "GlobalAveragePooling2D"},
                      "EfficientNetB0": {"Conv2D", "DepthwiseConv2D", "Multiply", "Activation", "Rescaling", "Normalization",
                                         "ZeroPadding2D", "Dropout", "GlobalAveragePooling2D"}}[name]
    assert expected_kinds <= set(by_kind)


def test_a_saved_mobilenet_reloaded_from_keras_file_replays_its_depthwise_cells(tmp_path):
    from convviz.training.storage import load_model, save_model

    path = save_model(application("MobileNetV2"), tmp_path / "mobilenet.keras")
    model = load_model(path)
    inspector_ = ModelInspector(model)
    image = random_image(9)
    activations = inspector_.activations(image)
    names = [v.name for v in inspector_.layers]
    picks = ["expanded_conv_depthwise", "block_3_depthwise", "block_13_depthwise"]
    truth = _truth(model, picks, image)
    for name in picks:
        view = inspector_.layers[names.index(name)]
        cell, channel = (view.output_shape[0] - 1, 0), view.output_shape[2] - 1
        replay = inspector_.replay(image, names.index(name), cell, channel, activations)
        assert _close(replay, float(truth[name][cell + (channel,)])), name


def test_a_resnet_shortcut_is_replayed_on_its_true_input():
    model, inspector_ = application("ResNet50"), inspector("ResNet50")
    names = [v.name for v in inspector_.layers]
    shortcut = names.index("conv2_block1_0_conv")
    assert names[shortcut - 1] != "pool1_pool"  # the layer before it in order is not what it reads
    image = random_image(10)
    activations = inspector_.activations(image)
    replay = inspector_.replay(image, shortcut, (3, 5), 7, activations)
    np.testing.assert_array_equal(replay.layer_input, activations[names.index("pool1_pool")])
    assert _close(replay, float(_truth(model, ["conv2_block1_0_conv"], image)["conv2_block1_0_conv"][3, 5, 7]))
