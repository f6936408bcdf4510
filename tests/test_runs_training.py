"""`convviz train --run-dir`: a real short training written as a run folder and read back."""

import os

os.environ["CONVVIZ_OFFLINE"] = "1"

import contextlib
import io
import json

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from convviz.app import main
from convviz.core.runs import RunReader
from convviz.training.events import EVENT_TYPES


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    """One ``convviz train --limit 300 --epochs 1 --run-dir`` run: (its JSON output, the folder)."""
    folder = tmp_path_factory.mktemp("runs") / "run"
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = main(["train", "--limit", "300", "--epochs", "1", "--json", "--run-dir", str(folder)])
    assert code == 0
    return json.loads(stdout.getvalue()), folder


def test_the_run_folder_holds_what_the_training_reported(trained_run):
    result, folder = trained_run
    run = RunReader(folder, EVENT_TYPES)
    events = run.read_all()
    names = [type(event).__name__ for event in events]
    assert names[:3] == ["DataReady", "ModelReady", "Probe"] and names[-2:] == ["EpochEnd", "Finished"]
    assert run.finished and run.info["status"] == "finished" and run.info["source"] == "convviz train"
    assert run.config["limit"] == 300 and run.config["epochs"] == 1
    assert [b.step for b in run.of_type("BatchEnd")] == list(range(5))  # 300 images, batch 64
    (epoch,) = run.of_type("EpochEnd")
    assert (epoch.loss, epoch.accuracy, epoch.val_loss, epoch.val_accuracy) == (
        result["loss"], result["accuracy"], result["val_loss"], result["val_accuracy"])
    (done,) = run.of_type("Finished")
    assert done.test_accuracy == result["test_accuracy"] and done.confusion.tolist() == result["confusion"]
    assert run.summary.total_params == result["params"] == 93_322


def test_the_last_snapshot_holds_the_saved_models_kernels(trained_run):
    _, folder = trained_run
    run = RunReader(folder, EVENT_TYPES)
    run.poll()
    last = run.of_type("Probe")[-1]
    model = keras.models.load_model(run.model_path, safe_mode=True)
    for name, kernel in last.kernels.items():
        np.testing.assert_array_equal(kernel, model.get_layer(name).kernel.numpy())
    output = model(last.sample[np.newaxis], training=False).numpy()[0]
    np.testing.assert_allclose(last.probabilities, output, rtol=1e-5, atol=1e-6)


def test_an_unwritable_run_dir_is_one_line_before_training(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["train", "--limit", "96", "--epochs", "1", "--run-dir", str(blocker / "run")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("convviz train: error: ") and "cannot write the run" in err[0]
