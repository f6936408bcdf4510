"""Training under tf.distribute strategies on the CPU: MirroredStrategy builds distributed weights,
training completes and probes still read the model; the multiworker strategy is left to its own
loop (tests/test_multiworker.py)."""

import os

os.environ["CONVVIZ_OFFLINE"] = "1"

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from convviz.training import events
from convviz.training.data import load_dataset
from convviz.training.session import TrainingConfig, TrainingSession
from convviz.training.strategies import describe_strategy, make_strategy


@pytest.fixture(scope="module")
def mirrored_run():
    dataset = load_dataset("mnist", limit=96)
    config = TrainingConfig(epochs=1, batch_size=32, limit=96, probe_every=2, strategy="mirrored")
    session = TrainingSession(config, dataset=dataset)
    received = []
    session.run(received.append)
    return session, received, dataset


def test_mirrored_training_on_the_cpu_completes(mirrored_run):
    session, received, dataset = mirrored_run
    kinds = [type(event).__name__ for event in received]
    assert kinds[-1] == "Finished", received[-1]
    assert kinds.count("BatchEnd") == 3 and kinds.count("EpochEnd") == 1
    assert isinstance(session.strategy, tf.distribute.MirroredStrategy)
    assert session.strategy.num_replicas_in_sync == max(1, len(tf.config.list_logical_devices("GPU")))
    # the weights were created under the strategy: they are distributed variables
    assert session.strategy.extended.variable_created_in_scope(session.model.trainable_weights[0].value)
    assert received[-1].confusion.sum() == len(dataset.x_test)


def test_probes_under_mirrored_strategy_match_the_model(mirrored_run):
    session, received, dataset = mirrored_run
    probes = [event for event in received if isinstance(event, events.Probe)]
    assert len(probes) >= 3
    last = probes[-1]
    expected = session.model.predict(dataset.x_val[:1], verbose=0)[0]
    np.testing.assert_allclose(last.probabilities, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(last.kernels["conv1"], session.model.get_layer("conv1").kernel.numpy())
    assert not np.array_equal(probes[0].kernels["conv1"], last.kernels["conv1"])  # it learned


def test_no_strategy_and_default_strategy():
    assert make_strategy(None) is None
    assert make_strategy("default") is tf.distribute.get_strategy()
    assert describe_strategy(None) == "no distribution strategy"


def test_multiworker_is_refused_by_the_model_fit_session_in_one_line():
    config = TrainingConfig(epochs=1, limit=32, strategy="multiworker")
    received = []
    TrainingSession(config).run(received.append)
    assert [type(event).__name__ for event in received] == ["Failed"]
    message = received[0].message
    assert "\n" not in message and "convviz train --strategy multiworker" in message
    assert "keras-team/keras#20585" in message
    with pytest.raises(ValueError, match="unknown strategy 'tpu'; choose one of default, mirrored, multiworker"):
        TrainingConfig(strategy="tpu")
