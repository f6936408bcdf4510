"""Real `python -m convviz` processes: ``--json`` stdout is one JSON object, stderr holds no
TensorFlow start-up chatter (oneDNN, CUDA, absl, CPU-instruction notes).

TensorFlow's own logging is left as a user would have it: unset, or a user's lower level.
"""

import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("keras")

TIMEOUT = 240
NOISE = ("I0000", "W0000", "E0000", "oneDNN", "cuda", "absl", "WARNING: All log messages",
         "This TensorFlow binary", "rebuild TensorFlow", "tensorflow")


def _convviz(*args, tf_log_level=None):
    env = {k: v for k, v in os.environ.items() if k not in ("TF_CPP_MIN_LOG_LEVEL", "CONVVIZ_TF_LOGS")}
    env["CONVVIZ_OFFLINE"] = "1"
    if tf_log_level is not None:
        env["TF_CPP_MIN_LOG_LEVEL"] = tf_log_level
    return subprocess.run([sys.executable, "-m", "convviz", *args], capture_output=True, text=True,
                          env=env, timeout=TIMEOUT)


def _one_json_object(stdout: str) -> dict:
    """The JSON object that is the whole of stdout (raw_decode fails on anything before it)."""
    value, end = json.JSONDecoder().raw_decode(stdout)
    assert isinstance(value, dict)
    assert stdout[end:].strip() == "", stdout[end:]
    return value


def _no_tensorflow_noise(stderr: str) -> None:
    for line in stderr.splitlines():
        assert not any(word.lower() in line.lower() for word in NOISE), stderr


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    model = tmp_path_factory.mktemp("quiet") / "quiet.keras"
    done = _convviz("train", "--limit", "300", "--epochs", "1", "--json", "--out", str(model))
    return done, model


def test_train_json_is_one_object_and_tensorflow_stays_silent(trained):
    done, model = trained
    assert done.returncode == 0, done.stderr
    result = _one_json_object(done.stdout)
    assert result["train_samples"] == 300 and result["saved_to"] == str(model)
    assert "official 10,000-digit MNIST test set" in result["data"]
    _no_tensorflow_noise(done.stderr)
    assert done.stderr == ""


def test_evaluate_json_is_one_object_even_with_a_users_lower_log_level(trained):
    _, model = trained
    done = _convviz("evaluate", "--model", str(model), "--limit", "300", "--json", tf_log_level="0")
    assert done.returncode == 0, done.stderr
    result = _one_json_object(done.stdout)
    assert result["samples"] == 300 and result["split"] == "test"
    _no_tensorflow_noise(done.stderr)
    assert done.stderr == ""


def test_a_users_log_level_3_keeps_tensorflow_start_up_lines_away(trained):
    _, model = trained
    done = _convviz("evaluate", "--model", str(model), "--limit", "300", "--json", tf_log_level="3")
    assert done.returncode == 0, done.stderr
    assert _one_json_object(done.stdout)["samples"] == 300
    _no_tensorflow_noise(done.stderr)
    assert done.stderr == ""
