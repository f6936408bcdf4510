"""Models built for the data's shape: presets on any (H, W, C), custom layer stacks, and a whole
training session on small colour images with a number of classes other than 10.
"""

import os

os.environ["CONVVIZ_OFFLINE"] = "1"

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from convviz.arithmetic.layer_stack import LayerSpec
from convviz.training import events
from convviz.training.data import load_dataset
from convviz.training.models import MODEL_PRESETS, build_custom_model, build_model, check_preset_fits
from convviz.training.session import TrainingConfig, TrainingSession


def _conv(k, c_in, c_out):
    return (k * k * c_in + 1) * c_out


def test_seed_on_32x32x3_images_with_5_classes():
    model = build_model("seed", input_shape=(32, 32, 3), num_classes=5)
    # by hand: 32 -3x3-> 30 -pool-> 15 -3x3-> 13 -pool-> 6 -3x3-> 4; Flatten 4*4*64
    shapes = [tuple(layer.output.shape[1:]) for layer in model.layers[1:]]
    assert shapes == [(30, 30, 32), (15, 15, 32), (13, 13, 64), (6, 6, 64), (4, 4, 64), (1024,), (64,), (5,)]
    expected = _conv(3, 3, 32) + _conv(3, 32, 64) + _conv(3, 64, 64) + (1024 + 1) * 64 + (64 + 1) * 5
    assert model.count_params() == expected
    assert model.predict(np.zeros((2, 32, 32, 3), np.float32), verbose=0).shape == (2, 5)


def _keras_accepts(name, side):
    """Whether Keras itself can build the preset's layers on side x side x 1 images."""
    from convviz.training.layer_builder import keras_layer

    x = keras.Input((side, side, 1))
    try:
        for spec in MODEL_PRESETS[name].specs:  # Keras alone decides, no engine check first
            x = keras_layer(spec)(x)
        return True
    except ValueError:
        return False


@pytest.mark.parametrize("name", list(MODEL_PRESETS))
def test_too_small_images_are_refused_in_words_with_the_smallest_size_keras_accepts(name):
    with pytest.raises(ValueError) as info:
        build_model(name, input_shape=(5, 5, 1))
    message = str(info.value)
    assert "\n" not in message and f"the {name} model does not fit 5x5x1 images" in message
    side = int(message.split("at least ")[1].split("x")[0])
    assert _keras_accepts(name, side) and not _keras_accepts(name, side - 1)
    assert "layer" in message  # names the layer that no longer fits


def test_check_preset_fits_needs_no_tensorflow_objects():
    check_preset_fits("seed", (28, 28, 1))
    with pytest.raises(ValueError, match="unknown model 'vgg'"):
        check_preset_fits("vgg", (28, 28, 1))
    with pytest.raises(ValueError, match="at least 2"):
        check_preset_fits("seed", (28, 28, 1), num_classes=1)


STACK = (LayerSpec("Conv2D", filters=4, kernel=3), LayerSpec("MaxPooling2D", kernel=2))


def _kinds(model):
    return [type(layer).__name__ for layer in model.layers[1:]]


def test_custom_stack_ending_in_a_feature_map_gets_flatten_and_softmax_head():
    model = build_custom_model(STACK, (10, 10, 3), num_classes=4, learning_rate=0.02)
    assert _kinds(model) == ["Conv2D", "MaxPooling2D", "Flatten", "Dense"]
    assert [layer.name for layer in model.layers[1:]] == ["conv1", "pool1", "flatten", "probabilities"]
    assert model.output_shape == (None, 4) and model.layers[-1].activation.__name__ == "softmax"
    assert model.count_params() == _conv(3, 3, 4) + (4 * 4 * 4 + 1) * 4
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(0.02)


def test_custom_stack_already_ending_in_the_right_softmax_is_kept():
    head = LayerSpec("Dense", units=4, activation="softmax")
    specs = STACK + (LayerSpec("Flatten"), head)
    assert _kinds(build_custom_model(specs, (10, 10, 3), num_classes=4)) == ["Conv2D", "MaxPooling2D",
                                                                              "Flatten", "Dense"]
    relu = STACK + (LayerSpec("Flatten"), LayerSpec("Dense", units=4))
    assert _kinds(build_custom_model(relu, (10, 10, 3), num_classes=4))[-2:] == ["Dense", "Dense"]


def test_custom_stack_that_does_not_fit_is_a_value_error_in_words():
    with pytest.raises(ValueError) as info:
        build_custom_model((LayerSpec("Conv2D", kernel=7),), (5, 5, 1), num_classes=3)
    assert "custom model does not fit 5x5x1 images" in str(info.value) and "layer 1" in str(info.value)


def test_config_checks_custom_layers_and_strategy():
    with pytest.raises(ValueError, match="needs its layers"):
        TrainingConfig(model="custom")
    with pytest.raises(ValueError, match="only used with model='custom'"):
        TrainingConfig(model="seed", layers=STACK)
    with pytest.raises(ValueError, match="LayerSpec"):
        TrainingConfig(model="custom", layers=("Conv2D",))
    with pytest.raises(ValueError, match="unknown strategy 'tpu'"):
        TrainingConfig(strategy="tpu")
    assert TrainingConfig(model="custom", layers=list(STACK)).layers == STACK


@pytest.fixture(scope="module")
def colour_data(tmp_path_factory):
    rng = np.random.default_rng(5)
    x = rng.integers(0, 256, size=(90, 12, 12, 3), dtype=np.uint8)
    y = np.arange(90) % 3
    path = tmp_path_factory.mktemp("colour") / "colour.npz"
    np.savez(path, x=x, y=y, class_names=np.array(["red", "green", "blue"]))
    return load_dataset(path)


@pytest.fixture(scope="module")
def custom_run(colour_data):
    config = TrainingConfig(data="unused", model="custom", layers=STACK, epochs=1, batch_size=16,
                            probe_every=2)
    session = TrainingSession(config, dataset=colour_data)
    received = []
    session.run(received.append)
    return session, received


def test_custom_session_on_colour_images_reports_every_event_in_their_shapes(custom_run, colour_data):
    session, received = custom_run
    assert type(received[-1]).__name__ == "Finished", received[-1]
    data_ready = received[0]
    np.testing.assert_array_equal(data_ready.preview_images, colour_data.x_train[:9])
    assert data_ready.preview_images.shape == (9, 12, 12, 3)
    assert data_ready.class_names == ("red", "green", "blue")
    model_ready = received[1]
    assert model_ready.layers[-1].output_shape == (3,) and model_ready.name == "custom"
    probes = [event for event in received if isinstance(event, events.Probe)]
    assert all(probe.sample.shape == (12, 12, 3) for probe in probes)
    np.testing.assert_array_equal(probes[0].sample, colour_data.x_val[0])
    assert probes[-1].kernels["conv1"].shape == (3, 3, 3, 4)
    np.testing.assert_allclose(probes[-1].probabilities,
                               session.model.predict(colour_data.x_val[:1], verbose=0)[0], rtol=1e-5, atol=1e-6)
    finished = received[-1]
    assert finished.confusion.shape == (3, 3) and finished.confusion.sum() == len(colour_data.x_test)


def test_grey_data_preview_keeps_the_old_three_axis_shape():
    dataset = load_dataset("mnist", limit=20)
    session = TrainingSession(TrainingConfig(epochs=1, limit=20, batch_size=20, probe_every=0), dataset=dataset)
    received = []
    session.stop()  # stop before the first batch: data, model and one probe are enough here
    session.run(received.append)
    assert received[0].preview_images.shape == (9, 28, 28)
    assert isinstance(received[-1], events.Finished)


def test_custom_stack_too_big_for_the_images_fails_the_run_in_words(colour_data):
    config = TrainingConfig(model="custom", layers=(LayerSpec("Conv2D", kernel=13),), epochs=1)
    received = []
    TrainingSession(config, dataset=colour_data).run(received.append)
    assert [type(event).__name__ for event in received] == ["DataReady", "Failed"]
    assert received[-1].message == ("the custom model does not fit 12x12x3 images: layer 1 (Conv2D): "
                                    "kernel 13 does not fit the 12x12 input")
