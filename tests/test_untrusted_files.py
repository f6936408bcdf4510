"""Files from others, refused by construction: one row per attack, crafted small on disk
(by ``crafted_files.py``).

Each row runs the real command (``python -m convviz evaluate --model X`` or ``train --data X``)
in a subprocess with a temporary ``KERAS_HOME`` holding a canary, a temporary ``TMPDIR`` and
``CONVVIZ_MEMORY_BUDGET`` set, and checks: exit code 2, one stderr line naming the file and the
problem, no escape code reaching the terminal, time, peak memory under the budget, nothing
written anywhere, the canary intact. Known-good files still load.
"""

import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from crafted_files import (bzip2_bomb, escape_codes_in_names, escaping_member, expanding_assets,
                           huge_config, huge_layers, huge_weight_shapes, idx_gzip_bomb, idx_header,
                           idx_header_bomb, lambda_load_data, long_model_name, million_class_names,
                           newline_in_path, npz, pixel_bomb, symlink_out)

MODEL_BUDGET = 1536 * 2**20  # TensorFlow alone takes ~0.7 GB before the model is looked at
DATA_BUDGET = 256 * 2**20
REFUSAL_SECONDS = 5.0
MEASURE = """
import json, resource, subprocess, sys, time
started = time.monotonic()
done = subprocess.run(sys.argv[2:], capture_output=True, text=True)
json.dump({"seconds": time.monotonic() - started, "returncode": done.returncode, "stderr": done.stderr,
           "stdout": done.stdout,
           "peak": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024}, open(sys.argv[1], "w"))
"""


MODEL_ROWS = {  # attack: (craft, words in the one error line)
    "Lambda naming a Keras function": (lambda_load_data, ["lambda.keras:", "layer 'steal'", "Lambda layer"]),
    "config.json of 40 MB": (huge_config, ["config.keras:", "config.json is 40.0 MB"]),
    "weight shapes of 3.4 GB": (huge_weight_shapes, ["weights.keras:", "its weights would need 3.4 GB",
                                                     "the limit here is 384 MB (set by CONVVIZ_MEMORY_BUDGET)"]),
    "layers of 78 billion parameters": (huge_layers, ["layers.keras:", "78,500,000,000 parameters"]),
    "assets expanding to 100 MB": (expanding_assets, ["assets.keras:", "its assets would need 100 MB"]),
    "a member named ../../": (escaping_member, ["escape.keras:", "not a name Keras writes"]),
    "a name over 255 bytes": (long_model_name, ["mmm", "306 bytes; systems allow 255"]),
}
DATA_ROWS = {
    "bzip2 bomb in an .npz": (bzip2_bomb, ["bomb.npz:", "array x", "would need 80.0 MB", "limit here is 51.2 MB"]),
    "1,000,000 class names": (million_class_names, ["names.npz:", "class_names holds 1,000,000 entries"]),
    "gzip bomb behind an IDX header": (idx_gzip_bomb, ["train-images-idx3-ubyte.gz:", "more values than its header"]),
    "IDX header announcing 3.7 GB": (idx_header_bomb, ["train-images-idx3-ubyte.gz:", "would need 3.7 GB"]),
    "class folder linking out": (symlink_out, ["images:", "dogs leads outside the data folder"]),
    "escape codes in a folder name": (escape_codes_in_names, ["images:", "\\x1b]0;owned\\x07\\x1b[2J"]),
    "image of 81 million pixels": (pixel_bomb, ["huge.png:", "9,000x9,000 pixels"]),
    "a newline in the path": (newline_in_path, ["two\\nlines.npz", "no such file"]),
}


# --- running ------------------------------------------------------------------------------

def snapshot(*folders):
    return {path: (path.stat().st_size, path.stat().st_mtime_ns) for folder in folders
            for path in Path(folder).rglob("*") if not path.is_symlink()}


@pytest.fixture
def sandbox(tmp_path):
    """Folders for one run: the files, a KERAS_HOME with a canary, an empty TMPDIR."""
    files, keras_home, temp = tmp_path / "files", tmp_path / "keras_home", tmp_path / "tmp"
    for folder in (files, keras_home / "datasets", temp):
        folder.mkdir(parents=True)
    (keras_home / "datasets" / "victim.npz").write_bytes(b"canary")
    # Keras writes its settings file on first import when there is none: give it one
    (keras_home / "keras.json").write_text(json.dumps({"floatx": "float32", "epsilon": 1e-07,
                                                       "backend": "tensorflow", "image_data_format": "channels_last"}))
    return files, keras_home, temp


def run_convviz(sandbox, budget, *args):
    files, keras_home, temp = sandbox
    report = temp.parent / "report.json"
    env = dict(os.environ, KERAS_HOME=str(keras_home), TMPDIR=str(temp), CONVVIZ_OFFLINE="1",
               CONVVIZ_MEMORY_BUDGET=str(budget))
    subprocess.run([sys.executable, "-c", MEASURE, str(report), sys.executable, "-m", "convviz", *args],
                   cwd=files, env=env, check=True, timeout=120)
    return json.loads(report.read_text())


@pytest.fixture(scope="module")
def evaluate_start_up(tmp_path_factory):
    """Seconds ``convviz evaluate`` takes to refuse a missing model: TensorFlow's start-up."""
    folder = tmp_path_factory.mktemp("start")
    for name in ("files", "keras_home", "tmp"):
        (folder / name).mkdir()
    result = run_convviz((folder / "files", folder / "keras_home", folder / "tmp"), MODEL_BUDGET,
                         "evaluate", "--model", "missing.keras", "--limit", "30")
    assert result["returncode"] == 2
    return result["seconds"]


def check_refusal(result, sandbox, before, words, budget):
    files, keras_home, temp = sandbox
    lines = result["stderr"].strip().splitlines()
    assert result["returncode"] == 2 and len(lines) == 1, result["stderr"]
    assert "Traceback" not in result["stderr"] and "\x1b" not in result["stderr"]
    for fragment in words:
        assert fragment in lines[0], lines[0]
    assert result["peak"] < budget, f"peak {result['peak'] / 2**20:.0f} MB"
    assert snapshot(files, keras_home) == before
    assert list(temp.iterdir()) == []
    assert (keras_home / "datasets" / "victim.npz").read_bytes() == b"canary"


@pytest.mark.parametrize("attack", MODEL_ROWS)
def test_model_attacks_are_refused_by_evaluate(sandbox, evaluate_start_up, attack):
    craft, words = MODEL_ROWS[attack]
    model = craft(sandbox[0])
    assert not os.path.exists(model) or model.stat().st_size < 200_000
    before = snapshot(sandbox[0], sandbox[1])
    result = run_convviz(sandbox, MODEL_BUDGET, "evaluate", "--model", model.name, "--limit", "30")
    check_refusal(result, sandbox, before, words, MODEL_BUDGET)
    assert result["seconds"] - evaluate_start_up < REFUSAL_SECONDS


@pytest.mark.parametrize("attack", DATA_ROWS)
def test_data_attacks_are_refused_by_train(sandbox, attack):
    craft, words = DATA_ROWS[attack]
    data = craft(sandbox[0])
    on_disk = sum(path.stat().st_size for path in sandbox[0].rglob("*") if path.is_file())
    assert on_disk < 1_000_000
    before = snapshot(sandbox[0], sandbox[1])
    result = run_convviz(sandbox, DATA_BUDGET, "train", "--data", str(data.relative_to(sandbox[0])),
                         "--epochs", "1", "--limit", "30")
    check_refusal(result, sandbox, before, words, DATA_BUDGET)
    assert result["seconds"] < REFUSAL_SECONDS


# --- known-good files ---------------------------------------------------------------------

LOAD = "import sys; from convviz.training.data import load_dataset; d = load_dataset(sys.argv[1]); print(d.source)"


def test_an_unused_huge_member_costs_nothing(sandbox):
    files = sandbox[0]
    npz(files / "extra.npz", {"x": np.zeros((40, 28, 28), np.uint8), "y": np.arange(40) % 2,
                              "junk": np.zeros((300, 1024, 1024), np.uint8)})
    files_before = snapshot(files)
    report = files.parent / "load.json"
    subprocess.run([sys.executable, "-c", MEASURE, str(report), sys.executable, "-c", LOAD, "extra.npz"],
                   cwd=files, env=dict(os.environ, CONVVIZ_MEMORY_BUDGET=str(DATA_BUDGET)), check=True)
    loaded = json.loads(report.read_text())
    assert loaded["returncode"] == 0, loaded["stderr"]
    assert "extra.npz (40 images)" in loaded["stdout"]
    assert loaded["peak"] < DATA_BUDGET
    assert snapshot(files) == files_before


def test_real_mnist_files_still_load(tmp_path):
    from convviz.assets import bundled_digits
    from convviz.training.data import load_dataset

    x, y = (np.asarray(part) for part in bundled_digits())
    folder = tmp_path / "mnist"
    folder.mkdir()
    (folder / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_header(x.shape) + x.tobytes()))
    (folder / "train-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_header(y.shape) + y.astype(np.uint8).tobytes()))
    assert load_dataset(folder).num_classes == 10
    bundled = Path(__file__).resolve().parents[1] / "assets" / "mnist_train_10k.npz"
    assert load_dataset(bundled).num_classes == 10


def test_saved_models_still_load(tmp_path):
    import keras

    from convviz.training.models import build_model
    from convviz.training.storage import load_model, save_model

    ours = load_model(save_model(build_model("seed"), tmp_path / "seed.keras"))
    assert ours.output_shape == (None, 10)
    mobile = keras.applications.MobileNetV2(weights=None, input_shape=(32, 32, 3))
    mobile.save(tmp_path / "mobilenet.keras")
    started = time.monotonic()
    assert load_model(tmp_path / "mobilenet.keras").count_params() == mobile.count_params()
    assert time.monotonic() - started < 20
