"""Grad-CAM and gradient×input equal a Grad-CAM written here from tf.GradientTape and Keras' own
layer outputs; the default layer is the last convolution with a spatial output."""

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = tf.keras

from applications_zoo import inspector, random_image  # noqa: E402
from convviz.training.inspection import ModelInspector  # noqa: E402

L = keras.layers


def small_classifier(final="softmax"):
    keras.utils.set_random_seed(31)
    x = inputs = keras.Input((16, 16, 3))
    a = L.Conv2D(6, 3, padding="same", activation="relu", name="conv_a")(x)
    b = L.Conv2D(8, 3, strides=2, activation="relu", name="conv_b")(L.MaxPooling2D(name="pool")(a))
    skip = L.Conv2D(8, 1, strides=2, name="skip")(L.MaxPooling2D(name="pool2")(a))
    merged = L.Add(name="add")([b, L.Cropping2D(((0, 1), (0, 1)), name="crop")(skip)])
    out = L.Dense(5, activation=final, name="head")(L.GlobalAveragePooling2D(name="gap")(merged))
    return keras.Model(inputs, out)


def reference_cam(model, layer_name, image, class_index=None):
    """Grad-CAM as published: mean gradient per channel weights the maps, ReLU, resize, normalise."""
    head = model.get_layer("head")
    probe = keras.Model(model.input, [model.get_layer(layer_name).output, model.get_layer("gap").output])
    with tf.GradientTape() as tape:
        maps, features = probe(image[None])
        logits = tf.matmul(features, head.kernel) + head.bias
        chosen = int(tf.argmax(logits[0])) if class_index is None else class_index
        score = logits[0, chosen]
    grads = tape.gradient(score, maps)[0]
    cam = tf.nn.relu(tf.reduce_sum(maps[0] * tf.reduce_mean(grads, axis=(0, 1)), axis=-1))
    cam = tf.image.resize(cam[..., None], (16, 16), method="bilinear")[..., 0].numpy()
    return cam / cam.max() if cam.max() > 0 else cam, chosen


@pytest.fixture(scope="module")
def classifier():
    model = small_classifier()
    return model, ModelInspector(model)


@pytest.mark.parametrize("seed", [0, 1])
def test_grad_cam_of_the_predicted_class_on_the_default_layer(classifier, seed):
    model, inspector_ = classifier
    image = random_image(seed, (16, 16, 3))
    # The last conv layer in graph order: the one nearest the output (the shortcut is further).
    assert inspector_.layers[inspector_.default_cam_layer()].name == "conv_b"
    cam = inspector_.grad_cam(image)
    expected, _ = reference_cam(model, "conv_b", image)
    assert cam.shape == (16, 16) and cam.min() >= 0 and cam.max() <= 1
    np.testing.assert_allclose(cam, expected, rtol=1e-4, atol=1e-5)


def test_grad_cam_of_a_chosen_class_on_a_chosen_layer(classifier):
    model, inspector_ = classifier
    image = random_image(2, (16, 16, 3))
    names = [v.name for v in inspector_.layers]
    for layer in ("conv_a", "skip", "add"):
        for class_index in (0, 3):
            cam = inspector_.grad_cam(image, class_index, names.index(layer))
            expected, _ = reference_cam(model, layer, image, class_index)
            np.testing.assert_allclose(cam, expected, rtol=1e-4, atol=1e-5, err_msg=f"{layer} class {class_index}")
    with pytest.raises(ValueError, match="^gap: Grad-CAM needs a layer with a spatial output"):
        inspector_.grad_cam(image, 0, names.index("gap"))


def test_gradient_times_input_equals_the_tape(classifier):
    model, inspector_ = classifier
    image = random_image(3, (16, 16, 3))
    head = model.get_layer("head")
    probe = keras.Model(model.input, model.get_layer("gap").output)
    x = tf.constant(image[None])
    with tf.GradientTape() as tape:
        tape.watch(x)
        logits = tf.matmul(probe(x), head.kernel) + head.bias
        score = logits[0, 4]
    expected = tf.reduce_sum(tape.gradient(score, x)[0] * x[0], axis=-1).numpy()
    np.testing.assert_allclose(inspector_.gradient_x_input(image, 4), expected, rtol=1e-4, atol=1e-6)
    predicted = int(np.argmax(inspector_.activations(image)[-1]))
    np.testing.assert_allclose(inspector_.gradient_x_input(image),
                               inspector_.gradient_x_input(image, predicted), rtol=1e-6)


def test_a_model_without_softmax_differentiates_its_output():
    model = small_classifier(final=None)
    inspector_ = ModelInspector(model)
    image = random_image(4, (16, 16, 3))
    expected, _ = reference_cam(model, "conv_b", image, 1)
    layer = [v.name for v in inspector_.layers].index("conv_b")
    np.testing.assert_allclose(inspector_.grad_cam(image, 1, layer), expected, rtol=1e-4, atol=1e-5)


def test_grad_cam_on_a_real_network_is_an_input_sized_map():
    inspector_ = inspector("MobileNetV2")
    assert inspector_.layers[inspector_.default_cam_layer()].name == "Conv_1"
    cam = inspector_.grad_cam(random_image(5), layer_index=[v.name for v in inspector_.layers].index("block_3_project"))
    assert cam.shape == (32, 32) and 0 <= cam.min() and cam.max() <= 1
