"""The inspector reads a model as Keras built it: every layer's true inputs, nested models opened,
and what it cannot follow refused in one sentence naming the layer."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from applications_zoo import application, inspector, random_image  # noqa: E402
from convviz.training.inspection import ModelInspector  # noqa: E402
from convviz.training.model_graph import MODEL_INPUT, read_graph  # noqa: E402

L = keras.layers


def branchy():
    """Two conv branches merged by Add, Concatenate, Multiply and Average."""
    keras.utils.set_random_seed(2)
    x = inputs = keras.Input((12, 12, 3))
    a = L.Conv2D(4, 3, padding="same", name="a")(x)
    b = L.Conv2D(4, 1, name="b")(x)
    add = L.Add(name="add")([a, b])
    cat = L.Concatenate(name="cat")([add, a])
    mul = L.Multiply(name="mul")([cat, L.Conv2D(8, 1, name="c")(x)])
    avg = L.Average(name="avg")([mul, cat, cat])
    out = L.Dense(3, activation="softmax", name="head")(L.GlobalAveragePooling2D(name="gap")(avg))
    return keras.Model(inputs, out)


def _sources(graph):
    names = {node.index: node.name for node in graph.nodes} | {MODEL_INPUT: "input"}
    return {node.name: [names[s] for s in node.sources] for node in graph.nodes}


def test_a_sequential_is_a_chain():
    model = keras.Sequential([keras.Input((8, 8, 1)), L.Conv2D(2, 3, name="c1"), L.ReLU(name="r"),
                              L.Flatten(name="f"), L.Dense(3, name="d")])
    graph = read_graph(model)
    assert [n.name for n in graph.nodes] == ["c1", "r", "f", "d"]
    assert [n.sources for n in graph.nodes] == [(MODEL_INPUT,), (0,), (1,), (2,)]
    assert graph.output == 3


def test_branches_are_the_true_inbound_layers_and_activations_equal_keras():
    model = branchy()
    sources = _sources(read_graph(model))
    assert sources["add"] == ["a", "b"] and sources["cat"] == ["add", "a"]
    assert sources["mul"] == ["cat", "c"] and sources["avg"] == ["mul", "cat", "cat"]
    assert sources["a"] == sources["b"] == sources["c"] == ["input"]
    inspector_ = ModelInspector(model)
    image = random_image(1, (12, 12, 3))
    truth = keras.Model(model.input, [model.get_layer(v.name).output for v in inspector_.layers])(image[None])
    for view, mine, keras_out in zip(inspector_.layers, inspector_.activations(image), truth):
        np.testing.assert_allclose(mine, np.asarray(keras_out[0]), rtol=1e-5, atol=1e-6, err_msg=view.name)


def test_resnet50_skip_connections_are_followed():
    model = application("ResNet50")
    graph = inspector("ResNet50").graph
    sources = _sources(graph)
    adds = [layer for layer in model.layers if type(layer).__name__ == "Add"]
    assert len(adds) == 16
    for layer in adds:  # Keras' own record of the call
        recorded = [t._keras_history.operation.name for t in layer._inbound_nodes[0].arguments.keras_tensors]
        assert sources[layer.name] == recorded
    assert sources["conv2_block1_add"] == ["conv2_block1_0_bn", "conv2_block1_3_bn"]
    assert sources["conv2_block2_add"] == ["conv2_block1_out", "conv2_block2_3_bn"]
    assert len(graph.nodes) == len(model.layers) - 1  # every layer but the InputLayer, once


def test_activations_of_real_networks_equal_keras():
    for name in ("ResNet50", "MobileNetV2", "EfficientNetB0"):
        model, inspector_ = application(name), inspector(name)
        image = random_image(3)
        mine = inspector_.activations(image)
        names = [v.name for v in inspector_.layers]
        picks = [i for i, v in enumerate(inspector_.layers) if v.kind in ("Add", "Multiply", "DepthwiseConv2D")][:6]
        picks.append(len(names) - 1)
        truth = keras.Model(model.input, [model.get_layer(names[i]).output for i in picks])(image[None])
        for index, keras_out in zip(picks, truth):
            np.testing.assert_allclose(mine[index], np.asarray(keras_out[0]), rtol=1e-4, atol=1e-5,
                                       err_msg=f"{name} {names[index]}")


def test_a_backbone_nested_under_a_head_is_flattened():
    backbone = application("MobileNetV2")
    keras.utils.set_random_seed(3)
    inner = keras.Model(backbone.inputs, backbone.get_layer("out_relu").output, name="backbone")
    x = inputs = keras.Input((32, 32, 3))
    y = L.GlobalAveragePooling2D(name="pool")(inner(x))
    block = keras.Sequential([keras.Input((y.shape[-1],)), L.Dense(8, name="hidden"), L.ReLU(name="act")],
                             name="block")
    model = keras.Model(inputs, L.Dense(4, name="logits")(block(y)))
    inspector_ = ModelInspector(model)
    names = [v.name for v in inspector_.layers]
    assert names[-4:] == ["pool", "hidden", "act", "logits"]
    assert names[0] == "Conv1" and inspector_.layers[0].inputs == (MODEL_INPUT,)
    assert inspector_.layers[names.index("pool")].inputs == (names.index("out_relu"),)
    assert "backbone" not in names and "block" not in names
    image = random_image(4)
    activations = inspector_.activations(image)
    np.testing.assert_allclose(activations[-1], np.asarray(model(image[None])[0]), rtol=1e-4, atol=1e-5)
    inner_out = np.asarray(inner([image[None]])[0])
    np.testing.assert_allclose(activations[names.index("out_relu")], inner_out, rtol=1e-4, atol=1e-5)


def test_a_shared_layer_and_a_subclassed_model_are_refused_by_name():
    shared = L.Conv2D(3, 3, padding="same", name="twice")
    x = inputs = keras.Input((8, 8, 3))
    model = keras.Model(inputs, L.Flatten()(shared(shared(x))))
    with pytest.raises(ValueError, match=r"^twice is called more than once \(a shared layer\)") as info:
        ModelInspector(model)
    assert "\n" not in str(info.value)

    class Custom(keras.Model):
        def call(self, x):
            return x * 2

    custom = Custom(name="custom_net")
    custom(np.zeros((1, 8, 8, 1), np.float32))
    outer_in = keras.Input((8, 8, 1))
    with pytest.raises(ValueError, match=r"^custom_net is a subclassed model"):
        ModelInspector(keras.Model(outer_in, L.Flatten()(custom(outer_in))))
