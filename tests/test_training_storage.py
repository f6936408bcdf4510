"""Saving and loading .keras models: round trip, atomic writes, one-line errors for bad files."""

import os

os.environ["CONVVIZ_OFFLINE"] = "1"

import zipfile

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from convviz.training.models import build_model
from convviz.training.storage import ModelFileError, check_model_fits, load_model, save_model
from message_checks import one_line


@pytest.fixture(scope="module")
def model():
    return build_model("seed")


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(1).random((5, 28, 28, 1), dtype=np.float32)




def test_round_trip_gives_identical_predictions(tmp_path, model, images):
    path = save_model(model, tmp_path / "m.keras")
    loaded = load_model(path)
    np.testing.assert_array_equal(loaded.predict(images, verbose=0), model.predict(images, verbose=0))
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    assert os.listdir(tmp_path) == ["m.keras"]


def test_failed_save_keeps_the_old_file_and_leaves_no_temp_file(tmp_path, model, monkeypatch):
    path = save_model(model, tmp_path / "m.keras")
    before = path.read_bytes()
    real_save = type(model).save

    def half_written(self, filepath, *args, **kwargs):
        real_save(self, filepath, *args, **kwargs)
        with open(filepath, "r+b") as stream:  # write into the temp file, then die
            stream.truncate(100)
        raise OSError("disk full")

    monkeypatch.setattr(type(model), "save", half_written)
    with pytest.raises(ModelFileError) as info:
        save_model(model, path)
    one_line(info, "m.keras", "disk full")
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.keras"]


@pytest.mark.parametrize("name", ["m.h5", "m", "m.keras.zip"])
def test_save_needs_a_keras_suffix(tmp_path, model, name):
    with pytest.raises(ModelFileError) as info:
        save_model(model, tmp_path / name)
    one_line(info, ".keras")
    assert os.listdir(tmp_path) == []


def test_save_into_a_missing_folder(tmp_path, model):
    with pytest.raises(ModelFileError) as info:
        save_model(model, tmp_path / "nope" / "m.keras")
    one_line(info, "does not exist")


def test_load_missing_file(tmp_path):
    with pytest.raises(ModelFileError) as info:
        load_model(tmp_path / "gone.keras")
    one_line(info, "gone.keras", "no such file")


def test_load_wrong_suffix(tmp_path):
    (tmp_path / "weights.h5").write_bytes(b"\x89HDF\r\n")
    with pytest.raises(ModelFileError) as info:
        load_model(tmp_path / "weights.h5")
    one_line(info, "weights.h5", "not a .keras file")


def test_load_empty_file(tmp_path):
    (tmp_path / "e.keras").write_bytes(b"")
    with pytest.raises(ModelFileError) as info:
        load_model(tmp_path / "e.keras")
    one_line(info, "e.keras", "empty")


def test_load_a_file_that_is_not_a_zip(tmp_path):
    (tmp_path / "t.keras").write_text("definitely not a model")
    with pytest.raises(ModelFileError) as info:
        load_model(tmp_path / "t.keras")
    one_line(info, "t.keras", "zip archive")


def test_load_a_zip_without_keras_config(tmp_path):
    with zipfile.ZipFile(tmp_path / "z.keras", "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ModelFileError) as info:
        load_model(tmp_path / "z.keras")
    one_line(info, "z.keras", "config.json")


def test_load_a_damaged_config(tmp_path, model):
    good = save_model(model, tmp_path / "good.keras")
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(tmp_path / "bad.keras", "w") as dst:
        for item in src.namelist():
            dst.writestr(item, b"{ not json" if item == "config.json" else src.read(item))
    with pytest.raises(ModelFileError) as info:
        load_model(tmp_path / "bad.keras")
    one_line(info, "bad.keras", "Keras cannot load", "config.json")


def test_load_a_model_with_an_unknown_custom_layer(tmp_path):
    class Doubler(keras.layers.Layer):  # not registered: Keras cannot rebuild it from the file
        def call(self, x):
            return x * 2

    inputs = keras.Input((28, 28, 1))
    outputs = keras.layers.Dense(10, activation="softmax")(keras.layers.Flatten()(Doubler()(inputs)))
    save_model(keras.Model(inputs, outputs), tmp_path / "custom.keras")
    with pytest.raises(ModelFileError) as info:
        load_model(tmp_path / "custom.keras")
    one_line(info, "custom.keras", "custom layer or object 'Doubler'")


def test_load_refuses_lambda_code_in_safe_mode(tmp_path):
    inputs = keras.Input((28, 28, 1))
    doubled = keras.layers.Lambda(lambda x: x * 2)(inputs)
    outputs = keras.layers.Dense(10, activation="softmax")(keras.layers.Flatten()(doubled))
    save_model(keras.Model(inputs, outputs), tmp_path / "lambda.keras")
    with pytest.raises(ModelFileError) as info:
        load_model(tmp_path / "lambda.keras")
    one_line(info, "lambda.keras", "Lambda layer", "safe mode")


def test_model_fit_checks(model):
    check_model_fits(model, (28, 28, 1), 10)  # the seed model fits MNIST
    with pytest.raises(ModelFileError) as info:
        check_model_fits(model, (32, 32, 3), 10, name="m.keras")
    one_line(info, "m.keras", "(28, 28, 1)", "(32, 32, 3)")
    with pytest.raises(ModelFileError) as info:
        check_model_fits(model, (28, 28, 1), 5, name="m.keras")
    one_line(info, "outputs shape (10,)", "5 class")


def test_model_file_error_is_a_value_error():
    assert issubclass(ModelFileError, ValueError)
