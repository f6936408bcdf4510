"""The value range a model expects is read from the model, and any photo is prepared for it."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from applications_zoo import application  # noqa: E402
from convviz.training.input_range import INPUT_RANGES, expected_input_range, prepare_image  # noqa: E402

L = keras.layers


def _tiny(name, *layers):
    x = inputs = keras.Input((8, 8, 3))
    for layer in layers:
        x = layer(x)
    return keras.Model(inputs, L.Conv2D(2, 3)(x), name=name)


def test_the_range_comes_from_the_model():
    assert expected_input_range(application("ResNet50")) == "caffe"
    assert expected_input_range(application("MobileNetV2")) == "tf"
    assert expected_input_range(application("EfficientNetB0")) == "[0,255]"  # it rescales itself
    assert expected_input_range(_tiny("densenet121")) == "torch"
    assert expected_input_range(_tiny("resnet50v2")) == "tf"
    assert expected_input_range(_tiny("mine")) == "[0,1]"
    assert expected_input_range(_tiny("mine", L.Rescaling(1 / 255))) == "[0,255]"
    backbone = _tiny("vgg16")
    inputs = keras.Input((8, 8, 3))
    head = keras.Model(inputs, L.Dense(2)(L.Flatten()(backbone(inputs))), name="classifier")
    assert expected_input_range(head) == "caffe"
    assert set(INPUT_RANGES) == {"[0,1]", "[0,255]", "caffe", "tf", "torch"}


def test_an_image_is_resized_keeping_its_aspect_then_cropped_or_padded():
    image = np.zeros((40, 80, 3), np.uint8)
    image[:, 20:60] = 255  # a white middle half, black sides
    cropped = prepare_image(image, (32, 32, 3), "[0,1]", "crop")
    assert cropped.shape == (32, 32, 3) and cropped.dtype == np.float32
    assert cropped[:, 4:28].min() > 0.99  # the crop keeps the middle
    padded = prepare_image(image, (32, 32, 3), "[0,1]", "pad")
    assert padded[:8].max() == 0 and padded[24:].max() == 0  # 40x80 → 16x32, centred on black
    assert padded[8:24, 12:20].min() > 0.99


def test_grey_and_colour_are_converted_and_scaled():
    red = np.zeros((10, 10, 3), np.uint8)
    red[..., 0] = 255
    np.testing.assert_allclose(prepare_image(red, (10, 10, 3), "caffe")[0, 0], [-103.939, -116.779, 255 - 123.68],
                               rtol=1e-5)
    np.testing.assert_allclose(prepare_image(red, (10, 10, 3), "tf")[0, 0], [1, -1, -1])
    np.testing.assert_allclose(prepare_image(red, (10, 10, 3), "torch")[0, 0],
                               [(1 - 0.485) / 0.229, -0.456 / 0.224, -0.406 / 0.225], rtol=1e-5)
    np.testing.assert_allclose(prepare_image(red, (10, 10, 1), "[0,255]")[0, 0], [0.299 * 255], rtol=1e-4)
    grey = np.full((12, 6), 51, np.uint8)
    np.testing.assert_allclose(prepare_image(grey, (6, 6, 3), "[0,1]"), 0.2, rtol=1e-5)
    with pytest.raises(ValueError, match="unknown fit 'stretch'"):
        prepare_image(grey, (6, 6, 3), fit="stretch")
    with pytest.raises(ValueError, match="unknown input range"):
        prepare_image(grey, (6, 6, 3), "[-2,2]")
