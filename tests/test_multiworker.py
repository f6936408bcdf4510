"""``convviz train --strategy multiworker``: two worker processes on 127.0.0.1 train in lockstep
with MultiWorkerMirroredStrategy and end with the same weights as each other and as one process
training the same run alone; TF_CONFIG is checked before TensorFlow starts."""

import json
import os
import socket
import subprocess
import sys

os.environ["CONVVIZ_OFFLINE"] = "1"

import numpy as np
import pytest

from convviz.app import main
from convviz.training.multiworker import WORKER_SAVES, MultiWorkerSession
from convviz.training.session import TrainingConfig
from convviz.training.strategies import worker_of
from message_checks import cli_error_line

RUN = ["train", "--limit", "256", "--epochs", "1", "--batch-size", "32", "--json"]
TIMEOUT = 150  # seconds for every process together; a hung collective must not hang the suite


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _start(args, tmp_path, name, **env):
    environ = {key: value for key, value in os.environ.items() if key not in ("TF_CONFIG", WORKER_SAVES)}
    environ.update(CONVVIZ_OFFLINE="1", **env)
    log = open(tmp_path / f"{name}.err", "w")
    command = args if args[0] == "-c" else ["-m", "convviz", *args]
    process = subprocess.Popen([sys.executable, *command], env=environ, cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=log, text=True)
    log.close()
    return process


def _weights(path):
    import keras

    return keras.saving.load_model(path).get_weights()


def test_two_workers_train_in_lockstep_and_end_with_the_same_weights(tmp_path):
    ports = _free_ports(2)
    cluster = {"worker": [f"127.0.0.1:{port}" for port in ports]}
    processes = {}
    try:
        for index in (0, 1):
            tf_config = json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}})
            extra = {WORKER_SAVES: "1"} if index == 1 else {}  # the non-chief saves only when asked
            processes[f"worker{index}"] = _start(
                [*RUN, "--strategy", "multiworker", "--out", str(tmp_path / f"worker{index}.keras")],
                tmp_path, f"worker{index}", TF_CONFIG=tf_config, **extra)
        processes["alone"] = _start([*RUN, "--out", str(tmp_path / "alone.keras")], tmp_path, "alone")
        results = {name: process.communicate(timeout=TIMEOUT)[0] for name, process in processes.items()}
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
    for name, process in processes.items():
        assert process.returncode == 0, (tmp_path / f"{name}.err").read_text()[-2000:]
    summaries = {name: json.loads(stdout) for name, stdout in results.items()}
    chief, other, alone = summaries["worker0"], summaries["worker1"], summaries["alone"]
    assert chief["strategy"] == other["strategy"] == "multiworker"
    assert chief["epochs_run"] == other["epochs_run"] == 1 and not chief["stopped"]
    assert chief["saved_to"] == str(tmp_path / "worker0.keras")
    assert other["saved_to"] == str(tmp_path / "worker1.keras")
    # the same weights on both workers: each trained on its half of every global batch
    assert other["confusion"] == chief["confusion"] and other["test_loss"] == chief["test_loss"]
    for mine, theirs in zip(_weights(tmp_path / "worker0.keras"), _weights(tmp_path / "worker1.keras")):
        np.testing.assert_array_equal(mine, theirs)
    # and the weights of one process training the same 8 global batches of 32 with model.fit
    for mine, single in zip(_weights(tmp_path / "worker0.keras"), _weights(tmp_path / "alone.keras")):
        np.testing.assert_allclose(mine, single, atol=1e-4)
    assert chief["loss"] == pytest.approx(alone["loss"], abs=1e-4)
    assert chief["accuracy"] == pytest.approx(alone["accuracy"])


def test_tf_config_is_read_without_tensorflow():
    config = {"cluster": {"worker": ["127.0.0.1:1", "127.0.0.1:2"]}, "task": {"type": "worker", "index": 1}}
    assert worker_of({"TF_CONFIG": json.dumps(config)}) == (1, 2)
    assert worker_of({}) == (0, 1)
    for bad, fragment in [("{not json", "TF_CONFIG must be JSON like"),
                          ('{"cluster": {}}', "TF_CONFIG must be JSON like"),
                          (json.dumps({**config, "task": {"type": "worker", "index": 2}}),
                           "index from 0 to 1, not 'worker' 2"),
                          (json.dumps({**config, "task": {"type": "chief", "index": 0}}), "'chief' 0")]:
        with pytest.raises(ValueError, match=fragment) as raised:
            worker_of({"TF_CONFIG": bad})
        assert "\n" not in str(raised.value)


def test_a_malformed_tf_config_is_a_one_line_cli_error(monkeypatch, capsys):
    monkeypatch.setenv("TF_CONFIG", '{"cluster": ')
    assert main(["train", "--strategy", "multiworker", "--limit", "32"]) == 2
    assert "TF_CONFIG must be JSON like" in cli_error_line(capsys, "train")


class _Extended:
    should_checkpoint = False


class _NotChief:
    extended = _Extended()


def test_only_the_chief_saves_unless_every_worker_is_asked_to(monkeypatch):
    session = MultiWorkerSession(TrainingConfig(strategy="multiworker"))
    session.strategy = _NotChief()
    monkeypatch.delenv(WORKER_SAVES, raising=False)
    assert not session.should_save
    monkeypatch.setenv(WORKER_SAVES, "1")
    assert session.should_save
    with pytest.raises(ValueError, match="needs strategy='multiworker', not 'mirrored'"):
        MultiWorkerSession(TrainingConfig(strategy="mirrored"))


LATE = """
import tensorflow as tf
tf.constant(1.0) + 1  # TensorFlow work before the strategy
from convviz.training.multiworker import MultiWorkerSession
from convviz.training.session import TrainingConfig
received = []
MultiWorkerSession(TrainingConfig(strategy="multiworker", limit=32, epochs=1)).run(received.append)
print(type(received[-1]).__name__, received[-1].message)
"""


def test_a_strategy_created_after_other_tensorflow_work_is_a_one_line_failure(tmp_path):
    cluster = {"worker": [f"127.0.0.1:{port}" for port in _free_ports(2)]}
    tf_config = json.dumps({"cluster": cluster, "task": {"type": "worker", "index": 0}})
    process = _start(["-c", LATE], tmp_path, "late", TF_CONFIG=tf_config)
    try:
        stdout = process.communicate(timeout=TIMEOUT)[0]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    assert stdout.strip().splitlines() == ["Failed RuntimeError: the multiworker strategy must be created "
                                           "before any other TensorFlow work in this process (Collective "
                                           "ops must be configured at program startup)"]
