"""TrainingSession: real short runs on the bundled digits, checked against Keras itself.

Event order and counts, probes equal to the layers' own outputs, pause/resume and stop from
another thread (synchronised with events, no sleeps), and faults that become Failed events.
"""

import os

os.environ["CONVVIZ_OFFLINE"] = "1"

import threading

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from convviz.training import events
from convviz.training.data import load_dataset
from convviz.training.session import TrainingConfig, TrainingSession

LIMIT, BATCH, EPOCHS, PROBE_EVERY = 200, 32, 2, 3
STEPS = -(-LIMIT // BATCH)  # 7 batches per epoch
JOIN_TIMEOUT = 120


def _config(**changes):
    values = dict(data="mnist", model="seed", epochs=EPOCHS, batch_size=BATCH, learning_rate=1e-3,
                  limit=LIMIT, probe_every=PROBE_EVERY, seed=0)
    values.update(changes)
    return TrainingConfig(**values)


def _kinds(received):
    return [type(event).__name__ for event in received]


@pytest.fixture(scope="module")
def finished_run():
    session = TrainingSession(_config())
    received = []
    session.run(received.append)
    return session, received


def test_events_come_in_the_documented_order(finished_run):
    _, received = finished_run
    kinds = _kinds(received)
    assert kinds[:3] == ["DataReady", "ModelReady", "Probe"], kinds
    assert kinds[-1] == "Finished", received[-1]
    assert kinds.count("BatchEnd") == EPOCHS * STEPS
    assert kinds.count("EpochEnd") == EPOCHS
    # expected stream, built independently: a probe after every 3rd batch and at each epoch end
    expected, step = ["DataReady", "ModelReady", "Probe"], 0
    for _ in range(EPOCHS):
        for _ in range(STEPS):
            expected.append("BatchEnd")
            step += 1
            if step % PROBE_EVERY == 0:
                expected.append("Probe")
        if expected[-1] != "Probe":
            expected.append("Probe")
        expected.append("EpochEnd")
    assert kinds == expected + ["Finished"]


def test_batch_and_epoch_numbers(finished_run):
    _, received = finished_run
    batches = [e for e in received if isinstance(e, events.BatchEnd)]
    assert [b.step for b in batches] == list(range(EPOCHS * STEPS))
    assert [(b.epoch, b.batch) for b in batches] == [(s // STEPS, s % STEPS) for s in range(EPOCHS * STEPS)]
    assert all(b.steps_per_epoch == STEPS and b.samples_per_second > 0 for b in batches)
    assert batches[-1].eta_seconds == 0
    assert all(np.isfinite(b.loss) and 0 <= b.accuracy <= 1 for b in batches)
    epochs = [e for e in received if isinstance(e, events.EpochEnd)]
    assert [(e.epoch, e.step) for e in epochs] == [(0, STEPS - 1), (1, 2 * STEPS - 1)]
    assert all(np.isfinite(e.val_loss) and 0 <= e.val_accuracy <= 1 for e in epochs)
    probes = [e for e in received if isinstance(e, events.Probe)]
    assert probes[0].step == -1 and probes[0].epoch == 0


def test_data_and_model_events_describe_what_is_trained(finished_run):
    session, received = finished_run
    data, model = received[0], received[1]
    assert data.is_fallback and "bundled" in data.source and data.warnings == ()
    assert data.shapes["x_train"] == (LIMIT, 28, 28, 1) and data.shapes["y_test"] == (LIMIT, 10)
    np.testing.assert_array_equal(data.preview_images, session.dataset.x_train[:9, ..., 0])
    assert model.total_params == session.model.count_params() == 93_322
    assert [layer.name for layer in model.layers] == [layer.name for layer in session.model.layers[1:]]
    assert sum(layer.params for layer in model.layers) == model.total_params


def test_last_probe_equals_each_layers_own_output(finished_run):
    session, received = finished_run
    probe = [e for e in received if isinstance(e, events.Probe)][-1]
    # The model does not change after the last epoch, so its layers must reproduce the probe:
    # apply them one by one, independently of the probe's multi-output model.
    x = probe.sample[np.newaxis]
    np.testing.assert_array_equal(probe.sample, session.dataset.x_val[0])
    for (name, activation), layer in zip(probe.activations, session.model.layers[1:], strict=True):
        x = layer(x)
        assert name == layer.name
        np.testing.assert_allclose(activation, np.asarray(x)[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(probe.probabilities, session.model.predict(probe.sample[None], verbose=0)[0],
                               rtol=1e-5, atol=1e-6)
    conv_names = [layer.name for layer in session.model.layers if isinstance(layer, keras.layers.Conv2D)]
    assert list(probe.kernels) == conv_names == ["conv1", "conv2", "conv3"]
    for name, kernel in probe.kernels.items():
        np.testing.assert_array_equal(kernel, session.model.get_layer(name).get_weights()[0])


def test_probe_kernels_are_copies_that_change_with_training(finished_run):
    _, received = finished_run
    probes = [e for e in received if isinstance(e, events.Probe)]
    first, last = probes[0].kernels["conv1"], probes[-1].kernels["conv1"]
    assert first.shape == (3, 3, 1, 32)
    assert not np.array_equal(first, last)


def test_finished_scores_the_test_split_as_keras_does(finished_run):
    session, received = finished_run
    done = received[-1]
    assert not done.stopped and done.seconds > 0
    data = session.dataset
    loss, accuracy = session.model.evaluate(data.x_test, data.y_test, verbose=0)
    assert done.test_accuracy == pytest.approx(accuracy, abs=1e-6)
    assert done.test_loss == pytest.approx(loss, rel=1e-4)
    assert done.confusion.shape == (10, 10) and done.confusion.sum() == len(data.x_test)
    predicted = session.model.predict(data.x_test, verbose=0).argmax(axis=1)
    assert done.confusion[data.labels_test[0], predicted[0]] >= 1
    assert done.confusion.trace() == np.sum(predicted == data.labels_test)


def test_same_seed_same_run_whether_the_session_loads_the_data_or_is_given_it():
    config = _config(epochs=1, limit=64, probe_every=0)
    first, second = [], []
    TrainingSession(config).run(first.append)
    dataset = load_dataset("mnist", limit=64)
    session = TrainingSession(config, dataset=dataset)
    session.run(second.append)
    assert session.dataset is dataset and isinstance(second[-1], events.Finished)
    losses = [[e.loss for e in run if isinstance(e, events.BatchEnd)] for run in (first, second)]
    assert len(losses[0]) == 2
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-4)


def test_pause_holds_between_batches_and_resume_continues():
    session = TrainingSession(_config(epochs=1, probe_every=0))
    received = []
    first_batch, paused_requested = threading.Event(), threading.Event()

    def emit(event):
        received.append(event)
        if isinstance(event, events.BatchEnd) and event.step == 0:
            first_batch.set()
            assert paused_requested.wait(JOIN_TIMEOUT)  # the test thread pauses now

    thread = threading.Thread(target=session.run, args=(emit,), daemon=True)
    thread.start()
    assert first_batch.wait(JOIN_TIMEOUT)
    session.pause()
    paused_requested.set()
    assert session.wait_until_paused(JOIN_TIMEOUT)
    assert session.paused
    # held after the first batch: nothing else has been emitted
    assert _kinds(received) == ["DataReady", "ModelReady", "Probe", "BatchEnd"]
    session.resume()
    thread.join(JOIN_TIMEOUT)
    assert not thread.is_alive()
    batches = [e.step for e in received if isinstance(e, events.BatchEnd)]
    assert batches == list(range(STEPS))
    assert isinstance(received[-1], events.Finished) and not received[-1].stopped


def test_stop_while_paused_finishes_early_with_a_usable_model():
    session = TrainingSession(_config(epochs=3, probe_every=0))
    received = []
    second_batch = threading.Event()

    def emit(event):
        received.append(event)
        if isinstance(event, events.BatchEnd) and event.step == 1:
            session.pause()  # from the training thread's callback...
            second_batch.set()

    thread = threading.Thread(target=session.run, args=(emit,), daemon=True)
    thread.start()
    assert second_batch.wait(JOIN_TIMEOUT)
    assert session.wait_until_paused(JOIN_TIMEOUT)
    session.stop()  # ...and stopped from this one
    thread.join(JOIN_TIMEOUT)
    assert not thread.is_alive()
    kinds = _kinds(received)
    assert kinds.count("BatchEnd") == 2
    assert kinds[-3:] == ["Probe", "EpochEnd", "Finished"]  # the partial epoch is closed
    done = received[-1]
    assert done.stopped and done.confusion.sum() == LIMIT
    assert session.model.predict(session.dataset.x_test[:4], verbose=0).shape == (4, 10)


def test_stop_before_training_skips_straight_to_finished():
    session = TrainingSession(_config(limit=40))
    session.stop()
    received = []
    session.run(received.append)
    assert _kinds(received) == ["DataReady", "ModelReady", "Probe", "Finished"]
    assert received[-1].stopped and received[-1].confusion.sum() == 40


def test_exception_mid_training_becomes_failed(monkeypatch):
    session = TrainingSession(_config(epochs=1, probe_every=0))
    original = session._on_batch

    def on_batch(batch, logs):
        original(batch, logs)
        if batch == 2:
            raise RuntimeError("injected fault")

    monkeypatch.setattr(session, "_on_batch", on_batch)
    received = []
    session.run(received.append)  # must not raise
    kinds = _kinds(received)
    assert kinds.count("BatchEnd") == 3 and "Finished" not in kinds
    failed = received[-1]
    assert isinstance(failed, events.Failed)
    assert failed.message == "RuntimeError: injected fault"
    assert "Traceback" in failed.details and "injected fault" in failed.details
    assert kinds.count("Failed") == 1


def test_bad_data_file_becomes_failed_with_the_loaders_message(tmp_path):
    (tmp_path / "empty.npz").write_bytes(b"")
    received = []
    TrainingSession(_config(data=str(tmp_path / "empty.npz"))).run(received.append)
    assert _kinds(received) == ["Failed"]
    assert received[0].message == "empty.npz: the file is empty"


def test_a_broken_receiver_does_not_escape_run():
    def emit(event):
        raise ValueError("receiver bug")

    session = TrainingSession(_config(epochs=1, limit=32))
    session.run(emit)  # nothing escapes, nothing hangs
    assert session.model is None  # failed at the first event


def test_a_session_runs_once(finished_run):
    session, _ = finished_run
    received = []
    session.run(received.append)
    assert _kinds(received) == ["Failed"] and "already run" in received[0].message


@pytest.mark.parametrize(
    "changes, fragment",
    [({"epochs": 0}, "epochs"), ({"batch_size": -1}, "batch size"), ({"limit": 0}, "limit"),
     ({"learning_rate": 0.0}, "learning rate"), ({"learning_rate": float("nan")}, "learning rate"),
     ({"model": "vgg"}, "unknown model"), ({"epochs": 2.5}, "epochs"), ({"probe_every": -1}, "probe_every")],
)
def test_config_rejects_bad_values(changes, fragment):
    with pytest.raises(ValueError, match=fragment):
        _config(**changes)


def test_a_second_run_reuses_the_compiled_model_and_trains_exactly_as_a_fresh_one():
    from convviz.arithmetic.layer_stack import LayerSpec
    from convviz.training import compiled_models

    layers = (LayerSpec("Conv2D", filters=4), LayerSpec("MaxPooling2D", kernel=2),
              LayerSpec("Dropout", rate=0.3), LayerSpec("Flatten"), LayerSpec("Dense", units=16))
    config = _config(model="custom", layers=layers, seed=11)

    def run():
        received = []
        session = TrainingSession(config)
        session.run(received.append)
        batches = [e.loss for e in received if isinstance(e, events.BatchEnd)]
        probe = [e for e in received if isinstance(e, events.Probe)][-1]
        return session.model, batches, probe

    compiled_models.clear()
    first_model, first_losses, first_probe = run()
    assert compiled_models.count() == 1
    second_model, second_losses, second_probe = run()
    assert second_model is first_model  # same compiled model, so no new traced functions
    np.testing.assert_allclose(second_losses, first_losses, rtol=1e-6)
    for name, kernel in first_probe.kernels.items():
        np.testing.assert_allclose(second_probe.kernels[name], kernel, rtol=1e-6, atol=1e-7)
    compiled_models.clear()
    fresh_model, fresh_losses, _ = run()
    assert fresh_model is not first_model
    np.testing.assert_allclose(fresh_losses, first_losses, rtol=1e-6)


def test_data_ready_carries_the_warning_about_empty_classes(tmp_path):
    rng = np.random.default_rng(3)
    path = tmp_path / "upper.npz"
    np.savez(path, x=rng.integers(0, 256, (40, 28, 28), dtype=np.uint8), y=np.arange(40) % 5 + 5)
    session = TrainingSession(_config(data=str(path), limit=None, epochs=1))
    session.stop()  # stopped before the first batch: data and model events, no training
    received = []
    session.run(received.append)
    data = received[0]
    assert isinstance(data, events.DataReady), received[-1]
    assert data.warnings == session.dataset.warnings
    warning, = data.warnings
    assert "upper.npz: 5 of 10 classes have no images: 0-4 (labels run from 5 to 9)" in warning
    assert isinstance(received[-1], events.Finished) and received[-1].stopped


def test_data_ready_warnings_default_to_none_for_older_senders():
    ready = events.DataReady(source="s", is_fallback=False, shapes={}, preview_images=np.zeros((0, 2, 2)),
                             preview_labels=np.zeros(0, dtype=int))
    assert ready.warnings == ()
