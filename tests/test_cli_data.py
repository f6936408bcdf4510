"""`convviz train` / `convviz evaluate` on data other than MNIST: a folder of colour images,
Keras' named datasets offline, images too small for the model, a model for other images.
"""

import contextlib
import io
import json
import os

os.environ["CONVVIZ_OFFLINE"] = "1"

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("keras")

from convviz.app import main
from convviz.training import keras_datasets
from message_checks import cli_error_line




@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    """Two classes of 20x20 colour PNGs: reddish squares and bluish squares, 12 of each."""
    root = tmp_path_factory.mktemp("pictures")
    rng = np.random.default_rng(6)
    for name, channel in (("blue", 2), ("red", 0)):
        (root / name).mkdir()
        for number in range(12):
            pixels = rng.integers(0, 80, size=(20, 20, 3), dtype=np.uint8)
            pixels[..., channel] += 150
            Image.fromarray(pixels).save(root / name / f"{number}.png")
    return root


@pytest.fixture(scope="module")
def trained_on_pictures(pictures, tmp_path_factory):
    out = tmp_path_factory.mktemp("model") / "pictures.keras"
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = main(["train", "--data", str(pictures), "--epochs", "1", "--batch-size", "8",
                     "--strategy", "mirrored", "--json", "--out", str(out)])
    return code, stdout.getvalue(), out


def test_train_on_a_folder_of_colour_images(trained_on_pictures):
    code, stdout, out = trained_on_pictures
    assert code == 0
    result = json.loads(stdout)
    assert result["input_shape"] == [20, 20, 3] and result["num_classes"] == 2
    assert result["class_names"] == ["blue", "red"] and result["strategy"] == "mirrored"
    assert np.array(result["confusion"]).shape == (2, 2) and out.is_file()


def test_evaluate_the_model_on_its_images(trained_on_pictures, pictures, capsys):
    _, _, out = trained_on_pictures
    assert main(["evaluate", "--model", str(out), "--data", str(pictures), "--split", "all", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["samples"] == 24 and result["class_names"] == ["blue", "red"]
    assert np.array(result["confusion"]).sum() == 24


def test_evaluate_a_model_made_for_other_images_is_a_one_line_error(trained_on_pictures, capsys):
    _, _, out = trained_on_pictures
    assert main(["evaluate", "--model", str(out), "--data", "mnist", "--limit", "10"]) == 2
    line = cli_error_line(capsys, "evaluate")
    assert "takes inputs of shape (20, 20, 3), but the images are (28, 28, 1)" in line


def test_evaluate_a_model_with_fewer_outputs_than_classes(trained_on_pictures, tmp_path, capsys):
    _, _, out = trained_on_pictures
    np.savez(tmp_path / "three.npz", x=np.zeros((6, 20, 20, 3), np.uint8), y=np.array([0, 1, 2, 0, 1, 2]))
    assert main(["evaluate", "--model", str(out), "--data", str(tmp_path / "three.npz")]) == 2
    assert "outputs shape (2,); expected 3 class probabilities" in cli_error_line(capsys, "evaluate")


def test_train_fashion_mnist_offline_without_cache(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(keras_datasets, "keras_cache_dirs", lambda: [tmp_path / "empty"])
    assert main(["train", "--data", "fashion_mnist", "--epochs", "1"]) == 2
    line = cli_error_line(capsys, "train")
    assert "Fashion-MNIST is not cached and cannot be downloaded (offline): " in line


def test_train_on_images_too_small_for_the_model(tmp_path, capsys):
    np.savez(tmp_path / "tiny.npz", x=np.zeros((12, 8, 8), np.uint8), y=np.arange(12) % 2)
    assert main(["train", "--data", str(tmp_path / "tiny.npz")]) == 2
    line = cli_error_line(capsys, "train")
    assert "the seed model does not fit 8x8x1 images: it needs at least 18x18 pixels" in line
