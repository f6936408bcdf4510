"""LiveCallback: a user's own model.fit written as a run folder, equal to what Keras reports."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from convviz import LiveCallback
from convviz.core.runs import RunReader
from convviz.training.events import EVENT_TYPES

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _digits(count=160, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((count, 16, 16, 1), dtype=np.float32), rng.integers(0, 10, count)


def _functional():
    inputs = keras.Input((16, 16, 1))
    x = keras.layers.Conv2D(4, 3, activation="relu", name="first_conv")(inputs)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="functional_net")


def _sequential():
    return keras.Sequential([keras.Input((16, 16, 1)), keras.layers.Conv2D(3, 5, name="conv_a"),
                             keras.layers.Conv2D(2, 3, activation="relu"), keras.layers.GlobalAveragePooling2D(),
                             keras.layers.Dense(10, activation="softmax")], name="sequential_net")


@pytest.mark.parametrize("build", [_functional, _sequential])
def test_the_run_folder_equals_the_history_keras_returned(build, tmp_path):
    keras.utils.set_random_seed(1)
    model = build()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = _digits()
    history = model.fit(x, y, batch_size=32, epochs=2, validation_split=0.25, verbose=0,
                        callbacks=[LiveCallback(tmp_path / "run", probe_every=2)])
    run = RunReader(tmp_path / "run", EVENT_TYPES)
    run.poll()
    logs = run.epoch_logs()
    assert {key: [epoch[key] for epoch in logs] for key in history.history} == history.history
    epochs = run.of_type("EpochEnd")
    assert [e.val_accuracy for e in epochs] == history.history["val_accuracy"]
    assert [b.step for b in run.of_type("BatchEnd")] == list(range(8))  # 120 images, batch 32, 2 epochs
    assert run.finished and run.info["source"] == "LiveCallback" and run.summary.total_params == model.count_params()
    last = run.of_type("Probe")[-1]
    np.testing.assert_array_equal(last.sample, x[0])  # the first training image
    conv = next(layer for layer in model.layers if type(layer).__name__ == "Conv2D")
    np.testing.assert_array_equal(last.kernels[conv.name], conv.kernel.numpy())
    first_output = keras.Model(model.inputs[0], conv.output)(x[:1]).numpy()[0]
    np.testing.assert_allclose(dict(last.activations)[conv.name], first_output, rtol=1e-5, atol=1e-6)
    saved = keras.models.load_model(run.model_path, safe_mode=True)
    np.testing.assert_array_equal(saved.get_layer(conv.name).kernel.numpy(), conv.kernel.numpy())


def test_a_given_sample_is_probed_and_a_dataset_works(tmp_path):
    import tensorflow as tf

    model = _functional()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = _digits(64)
    sample = np.ones((16, 16, 1), np.float32)
    model.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(16), epochs=1, verbose=0,
              callbacks=[LiveCallback(tmp_path / "run", sample=sample, sample_label=3)])
    run = RunReader(tmp_path / "run", EVENT_TYPES)
    run.poll()
    probes = run.of_type("Probe")
    assert all(p.sample_label == 3 and (p.sample == 1).all() for p in probes)
    preview = run.of_type("DataReady")[0]
    assert preview.preview_images.shape == (9, 16, 16) and list(preview.preview_labels) == list(y[:9])


def test_a_non_chief_worker_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("TF_CONFIG", json.dumps({"cluster": {"worker": ["a:1", "b:1"]},
                                                "task": {"type": "worker", "index": 1}}))
    model = _functional()
    model.compile("adam", "sparse_categorical_crossentropy")
    x, y = _digits(32)
    model.fit(x, y, epochs=1, verbose=0, callbacks=[LiveCallback(tmp_path / "run")])
    assert not (tmp_path / "run").exists()


def test_importing_convviz_stays_light_and_the_callback_needs_no_qt():
    code = ("import sys, convviz; light = 'keras' not in sys.modules and 'tensorflow' not in sys.modules; "
            "from convviz import LiveCallback; import keras; "
            "print(light, issubclass(LiveCallback, keras.callbacks.Callback), "
            "any(name.startswith(('PyQt6', 'pyqtgraph')) for name in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert out.stdout.split() == ["True", "True", "False"], out.stderr[-2000:]
