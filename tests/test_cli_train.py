"""`convviz train` and `convviz evaluate`: tiny real runs, exit codes, one-line errors, --json."""

import os

os.environ["CONVVIZ_OFFLINE"] = "1"

import contextlib
import io
import json

import numpy as np
import pytest

pytest.importorskip("keras")

from convviz.app import main
from message_checks import cli_error_line

TINY = ["--limit", "96", "--epochs", "1", "--batch-size", "32"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One tiny training run with --json and --out, shared by the tests that need a model."""
    out = tmp_path_factory.mktemp("model") / "tiny.keras"
    stdout = io.StringIO()  # capsys is function-scoped, this fixture is not
    with contextlib.redirect_stdout(stdout):
        code = main(["train", *TINY, "--json", "--out", str(out)])
    return code, stdout.getvalue(), out




def test_train_json_prints_exactly_one_object_with_final_metrics(trained):
    code, stdout, out = trained
    assert code == 0
    assert len(stdout.strip().splitlines()) == 1
    result = json.loads(stdout)
    assert result["saved_to"] == str(out) and out.is_file()
    assert result["model"] == "seed" and result["params"] == 93_322
    assert result["is_fallback"] and result["train_samples"] == 96 and result["epochs_run"] == 1
    assert 0 <= result["test_accuracy"] <= 1 and np.isfinite(result["test_loss"])
    confusion = np.array(result["confusion"])
    assert confusion.sum() == result["test_samples"] == 96
    assert confusion.trace() / confusion.sum() == pytest.approx(result["test_accuracy"])


def test_evaluate_scores_the_saved_model_on_the_same_test_images(trained, capsys):
    _, stdout, out = trained
    trained_result = json.loads(stdout)
    assert main(["evaluate", "--model", str(out), "--limit", "96", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["samples"] == 96 and result["split"] == "test"
    # a saved and reloaded model scores exactly as the trained one did on the same images
    assert result["accuracy"] == pytest.approx(trained_result["test_accuracy"])
    assert result["loss"] == pytest.approx(trained_result["test_loss"], rel=1e-5)


def test_evaluate_prints_accuracy_and_loss(trained, capsys):
    _, _, out = trained
    assert main(["evaluate", "--model", str(out), "--limit", "50", "--split", "all"]) == 0
    text = capsys.readouterr().out
    assert "Accuracy: " in text and "of 150 images of all splits (training, validation, test) right" in text
    assert "Loss: " in text and text.startswith("Data: MNIST offline sample: ")


def test_train_prints_source_summary_progress_and_test_accuracy(capsys):
    assert main(["train", *TINY, "--model", "seed-literal"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Data: MNIST offline sample: ")
    assert "conv3 (Conv2D)" in text and "Total params: 2,038,922" in text and "30,976" in text
    assert "Epoch 1/1" in text and "3/3 [==============================]" in text
    assert "val_accuracy: " in text and "Test accuracy: " in text
    assert "Model not saved" in text


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--epochs", "0"], "argument --epochs: must be a whole number from 1"),
        (["--batch-size", "0"], "argument --batch-size: must be a whole number from 1"),
        (["--limit", "0"], "argument --limit: must be a whole number from 1"),
        (["--learning-rate", "-1"], "argument --learning-rate: must be a finite number above 0"),
        (["--out", "model.h5"], ".keras"),
        (["--out", "/no/such/folder/m.keras"], "does not exist"),
    ],
)
def test_train_rejects_bad_arguments_in_one_line(capsys, args, fragment):
    try:
        code = main(["train", *args])
    except SystemExit as exc:  # argparse refuses option values itself
        code = exc.code
    assert code == 2
    assert fragment in cli_error_line(capsys, "train")


def test_train_bad_data_file_is_a_one_line_error(tmp_path, capsys):
    bad = tmp_path / "digits.npz"
    np.savez(bad, x=np.zeros((4, 28, 28)), y=np.array([1, 2, 3, -1]))
    assert main(["train", "--data", str(bad)]) == 2
    assert "digits.npz: labels run from -1 to 3; expected class numbers from 0" in cli_error_line(capsys, "train")


def test_evaluate_bad_model_file_is_a_one_line_error(tmp_path, capsys):
    bad = tmp_path / "broken.keras"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    assert main(["evaluate", "--model", str(bad)]) == 2
    assert "broken.keras" in cli_error_line(capsys, "evaluate")


def test_evaluate_bad_data_is_a_one_line_error(trained, tmp_path, capsys):
    _, _, out = trained
    assert main(["evaluate", "--model", str(out), "--data", str(tmp_path / "missing")]) == 2
    assert "no such file or folder" in cli_error_line(capsys, "evaluate")


def test_evaluate_model_that_does_not_fit_mnist(tmp_path, capsys):
    import keras

    from convviz.training.storage import save_model

    inputs = keras.Input((32, 32, 3))
    outputs = keras.layers.Dense(10, activation="softmax")(keras.layers.Flatten()(inputs))
    path = save_model(keras.Model(inputs, outputs), tmp_path / "cifar.keras")
    assert main(["evaluate", "--model", str(path), "--limit", "10"]) == 2
    assert "takes inputs of shape (32, 32, 3)" in cli_error_line(capsys, "evaluate")


@pytest.fixture()
def upper_labels(tmp_path):
    """An .npz whose labels are 10-19 only: classes 0-9 get no images."""
    rng = np.random.default_rng(5)
    path = tmp_path / "upper.npz"
    np.savez(path, x=rng.integers(0, 256, (40, 28, 28), dtype=np.uint8), y=np.arange(40) % 10 + 10)
    return path


EMPTY_CLASSES = "upper.npz: 10 of 20 classes have no images: 0-9 (labels run from 10 to 19)"


def test_train_prints_data_warnings_on_stderr_one_line_each(upper_labels, capsys):
    assert main(["train", "--data", str(upper_labels), "--epochs", "1", "--batch-size", "16"]) == 0
    captured = capsys.readouterr()
    warning, = [line for line in captured.err.splitlines() if "warning" in line]
    assert warning.startswith("convviz train: warning: " + EMPTY_CLASSES)
    assert "no images" not in captured.out


def test_train_and_evaluate_json_list_data_warnings_and_keep_stdout_one_object(upper_labels, tmp_path, capsys):
    model = tmp_path / "upper.keras"
    assert main(["train", "--data", str(upper_labels), "--epochs", "1", "--batch-size", "16", "--json",
                 "--out", str(model)]) == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert len(captured.out.strip().splitlines()) == 1
    warning, = result["warnings"]
    assert warning.startswith(EMPTY_CLASSES) and result["num_classes"] == 20
    assert f"convviz train: warning: {warning}" in captured.err.splitlines()
    assert main(["evaluate", "--model", str(model), "--data", str(upper_labels), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["warnings"] == [warning]
    assert captured.err.splitlines() == [f"convviz evaluate: warning: {warning}"]


def test_json_warnings_are_an_empty_list_for_clean_data(trained):
    assert json.loads(trained[1])["warnings"] == []


def test_evaluate_json_says_which_data_it_scored(trained, capsys):
    _, _, out = trained
    assert main(["evaluate", "--model", str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["data"].startswith("MNIST offline sample: ") and "official 10,000-digit" in result["data"]
    assert result["samples"] == 10_000 and result["warnings"] == []
