"""The model gate: a .keras file is checked (zip, config allow-list, weight shapes) before Keras sees it."""

import json
import zipfile

import h5py
import pytest
from crafted_files import h5_bytes, keras_file, layer, sequential

from convviz.core.gate import Budgets, GateError, check_keras_file
from convviz.core.gate import model_gate

BUDGET = Budgets(memory=256 * 2**20, free_disk=100 * 2**30, source="test budget")


def write_keras(path, config, weights=None, extra=(), compression=zipfile.ZIP_STORED):
    return keras_file(path, config, weights, extra, compression)


def refused(path, *fragments, **options):
    with pytest.raises(GateError) as info:
        check_keras_file(path, BUDGET, **options)
    message = str(info.value)
    assert "\n" not in message and message.startswith(path.name + ":"), message
    for fragment in fragments:
        assert fragment in message, message
    return message


LOAD_DATA = {"module": "keras.datasets.mnist", "class_name": "function", "config": "load_data",
             "registered_name": "function"}
SET_FLOATX = {"module": "keras.config", "class_name": "function", "config": "set_floatx",
              "registered_name": "function"}

CONFIG_ROWS = {
    "Lambda calling a Keras function": (
        sequential(layer("Lambda", "steal", function=LOAD_DATA, arguments={"path": "victim.npz"})),
        ["layer 'steal'", "Lambda layer"]),
    "function as an activation": (
        sequential(layer("Dense", "head", units=10, activation=SET_FLOATX)),
        ["layer 'head'", "keras.config.set_floatx"]),
    "registered custom object": (
        sequential({"module": None, "class_name": "Doubler", "registered_name": "evil>Doubler",
                    "config": {"name": "twice"}}),
        ["custom layer or object 'Doubler'", "evil>Doubler"]),
    "module outside Keras": (
        sequential({"module": "os", "class_name": "system", "registered_name": None, "config": {"name": "cmd"}}),
        ["custom layer or object 'system'", "from os"]),
    "a layer Keras wraps foreign code in": (
        sequential(layer("TFSMLayer", "saved", filepath="/tmp/x")),
        ["layer 'saved'", "TFSMLayer"]),
    "activation by dotted name": (
        sequential(layer("Dense", "head", units=10, activation="keras.config.set_floatx")),
        ["layer 'head'", "activation 'keras.config.set_floatx'"]),
    "initializer that is not built in": (
        sequential(layer("Dense", "head", units=10, kernel_initializer="my_init")),
        ["layer 'head'", "initializer 'my_init'"]),
    "a python lambda": (
        sequential(layer("Dense", "head", units=10, activation={"class_name": "__lambda__", "config": {}})),
        ["layer 'head'"]),
}


@pytest.mark.parametrize("case", CONFIG_ROWS)
def test_config_outside_the_allow_list_is_refused(tmp_path, case):
    config, fragments = CONFIG_ROWS[case]
    refused(write_keras(tmp_path / "m.keras", config), *fragments)


def test_an_allowed_config_passes(tmp_path):
    config = sequential(layer("Dense", "head", units=10, activation="softmax",
                              kernel_initializer="glorot_uniform", kernel_regularizer=None))
    assert check_keras_file(write_keras(tmp_path / "ok.keras", config), BUDGET)["class_name"] == "Sequential"


@pytest.mark.parametrize("name", ["../escape.txt", "/etc/passwd", "assets/../../x", "assets\\..\\x",
                                  "assets/bell\x07", "notes.txt"])
def test_member_names_keras_never_writes_are_refused(tmp_path, name):
    path = write_keras(tmp_path / "m.keras", sequential(), extra=[(name, b"hi")])
    refused(path, "zip archive holds")


def test_too_many_members(tmp_path, monkeypatch):
    monkeypatch.setattr(model_gate, "MAX_MEMBERS", 5)
    extra = [(f"assets/{i}", b"") for i in range(5)]
    refused(write_keras(tmp_path / "m.keras", sequential(), extra=extra), "lists 8 members", "at most 5")


def test_a_huge_config_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(model_gate, "MAX_CONFIG_BYTES", 1000)
    config = json.dumps(sequential()) + " " * 5000
    refused(write_keras(tmp_path / "m.keras", config, compression=zipfile.ZIP_DEFLATED), "config.json is", "at most")


def test_a_config_nested_too_deeply(tmp_path):
    config = "[" * 100_000 + "]" * 100_000
    refused(write_keras(tmp_path / "m.keras", config, compression=zipfile.ZIP_DEFLATED), "config.json")


def test_assets_that_would_expand_past_the_budget(tmp_path):
    path = write_keras(tmp_path / "m.keras", sequential(), compression=zipfile.ZIP_DEFLATED,
                       extra=[("assets/vocab.txt", bytes(65 * 2**20))])
    assert path.stat().st_size < 200_000
    refused(path, "its assets would need 65.0 MB", "the limit here is 64.0 MB", "temporary folder")


def test_weight_shapes_past_the_budget_are_read_from_metadata_only(tmp_path):
    def huge(weights):  # 3.4 GB announced, nothing stored: h5py allocates chunks only when written
        weights.create_dataset("layers/dense/vars/0", shape=(30_000, 30_000), dtype="f4",
                               chunks=(1000, 1000), compression="gzip")

    path = write_keras(tmp_path / "m.keras", sequential(layer("Dense", "head", units=10)), h5_bytes(huge))
    assert path.stat().st_size < 50_000
    refused(path, "its weights would need 3.4 GB", "the limit here is 64.0 MB (test budget)")


@pytest.mark.parametrize("kind", ["external link", "soft link", "external storage"])
def test_weights_that_reach_outside_the_file(tmp_path, kind):
    secret = tmp_path / "secret.bin"
    secret.write_bytes(bytes(40))

    def reach(weights):
        if kind == "external link":
            weights["layers"] = h5py.ExternalLink(str(tmp_path / "other.h5"), "/")
        elif kind == "soft link":
            weights["layers"] = h5py.SoftLink("/elsewhere")
        else:
            weights.create_dataset("layers/x", shape=(10,), dtype="f4", external=[(str(secret), 0, 40)])

    refused(write_keras(tmp_path / "m.keras", sequential(), h5_bytes(reach)), "weights file")


def test_layers_whose_parameters_alone_pass_the_budget(tmp_path):
    path = write_keras(tmp_path / "m.keras", sequential(layer("Dense", "head", units=10**8)))
    refused(path, "78,500,000,000 parameters", "the limit here is 64.0 MB")


@pytest.mark.parametrize("content, words", [
    (b"just text", "not a Keras model file"),
    (b"PK\x03\x04" + bytes(40), "damaged or cut short"),
])
def test_files_that_are_not_zip_archives(tmp_path, content, words):
    path = tmp_path / "m.keras"
    path.write_bytes(content)
    refused(path, words)


def test_a_convviz_model_passes(tmp_path):
    from convviz.training.models import build_model
    from convviz.training.storage import save_model

    path = save_model(build_model("seed"), tmp_path / "seed.keras")
    assert check_keras_file(path)["config"]["layers"]
