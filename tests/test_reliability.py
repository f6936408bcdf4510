"""Reliability: every bad input a user can give, each with one clear message and nothing written.

One table per kind of input. The CLI must answer with exactly one line on stderr and exit code
2 (never a traceback); the GUI with one line in the view's MessageBar, the window alive. The
folder the files live in is compared before and after: nothing may be written or overwritten.
Where a case is already tested in depth elsewhere the table still lists it (it is cheap) so this
file is the one place that shows every bad input and its message; the long fault-injection
test of a crash mid-training stays in tests/test_training_tab.py.
"""

from __future__ import annotations

import errno
import hashlib
import os
import struct
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest

os.environ["CONVVIZ_OFFLINE"] = "1"

from convviz.app import main  # noqa: E402
from convviz.assets import bundled_digits  # noqa: E402
from convviz.training.errors import DataError, ModelFileError  # noqa: E402

RUN_TIMEOUT_MS = 120_000


def cli(args: list[str]) -> int:
    """Exit code of ``convviz ARGS`` run in-process (argparse's own errors exit via SystemExit)."""
    try:
        return main(args)
    except SystemExit as exc:
        return exc.code


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with a hash of its bytes (folders as "dir")."""
    found = {}
    for path in sorted(folder.rglob("*")):
        found[str(path.relative_to(folder))] = "dir" if path.is_dir() else hashlib.sha1(path.read_bytes()).hexdigest()
    return found


def one_error_line(capsys, command: str) -> str:
    """The single stderr line of a failed command, without its prefix; fails on anything else."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    prefix = f"convviz {command}: error: "
    assert err.startswith(prefix), err
    return err[len(prefix):].strip()


# ---------------------------------------------------------------------------------------------
# Data files: `convviz train --data X` and the loader the Training tab uses
# ---------------------------------------------------------------------------------------------

def _digits(n=40):
    x, y = bundled_digits()
    return x[:n], y[:n].astype(np.int64)


def _npz(name, **arrays):
    def build(folder: Path) -> Path:
        np.savez(folder / name, **{k: (v() if callable(v) else v) for k, v in arrays.items()})
        return folder / name
    return build


def _bytes(name, data: bytes):
    def build(folder: Path) -> Path:
        (folder / name).write_bytes(data)
        return folder / name
    return build


def _truncated(folder: Path) -> Path:
    x, y = _digits()
    np.savez(folder / "cut.npz", x=x, y=y)
    raw = (folder / "cut.npz").read_bytes()
    (folder / "cut.npz").write_bytes(raw[: len(raw) // 2])
    return folder / "cut.npz"


def _labels(values):
    x, y = _digits()
    y = y.astype(np.asarray(values).dtype)
    y[: len(values)] = values
    return {"x": x, "y": y}


def _idx_wrong_magic(folder: Path) -> Path:
    x, y = _digits()
    idx = folder / "idx"
    idx.mkdir()
    (idx / "train-images-idx3-ubyte").write_bytes(struct.pack(">IIII", 0x0999, len(x), 28, 28) + x.tobytes())
    (idx / "train-labels-idx1-ubyte").write_bytes(struct.pack(">II", 0x0801, len(y)) + y.astype(np.uint8).tobytes())
    return idx


def _idx_short(folder: Path) -> Path:
    x, y = _digits()
    idx = folder / "idx"
    idx.mkdir()
    (idx / "train-images-idx3-ubyte").write_bytes(struct.pack(">IIII", 0x0803, len(x), 28, 28) + x.tobytes()[:999])
    (idx / "train-labels-idx1-ubyte").write_bytes(struct.pack(">II", 0x0801, len(y)) + y.astype(np.uint8).tobytes())
    return idx


def _folder_without_images(folder: Path) -> Path:
    for cls in ("cats", "dogs"):
        (folder / "pets" / cls).mkdir(parents=True)
        (folder / "pets" / cls / "notes.txt").write_text("no pictures here")
    return folder / "pets"


def _empty_folder(folder: Path) -> Path:
    (folder / "nothing").mkdir()
    return folder / "nothing"


def _broken_images(folder: Path) -> Path:
    for cls in ("a", "b"):
        (folder / "imgs" / cls).mkdir(parents=True)
        (folder / "imgs" / cls / "1.png").write_bytes(b"\x89PNG\r\n\x1a\n cut short")
    return folder / "imgs"


def _single_array(folder: Path) -> Path:
    np.save(folder / "one.npy", np.zeros((5, 28, 28)))
    os.replace(folder / "one.npy", folder / "one.npz")
    return folder / "one.npz"


X, Y = _digits()
BAD_DATA = [  # (case, builder, words the message must contain)
    ("missing file", lambda f: f / "nowhere.npz", "no such file"),
    ("empty file", _bytes("empty.npz", b""), "empty"),
    ("text renamed .npz", _bytes("text.npz", b"hello, I am a text file"), "not the zip archive"),
    ("truncated .npz", _truncated, "damaged or cut short"),
    ("single .npy renamed .npz", _single_array, "single array"),
    ("wrong keys", _npz("keys.npz", images=X, labels=Y), "expected arrays x and y"),
    ("images 2-D (N, 784)", _npz("flat.npz", x=X.reshape(len(X), -1), y=Y), "expected (N, H, W)"),
    ("images 5-D", _npz("five.npz", x=X[:, :, :, None, None], y=Y), "expected (N, H, W)"),
    ("too many channels", _npz("chan.npz", x=np.repeat(X[..., None], 5, axis=3), y=Y), "1 to 4 channels"),
    ("strings as images", _npz("str.npz", x=X.astype(str), y=Y), "must be numbers (pixel values), not text"),
    ("Python objects", _npz("obj.npz", x=lambda: np.empty((40, 28, 28), dtype=object), y=Y), "Python objects"),
    ("NaN pixels", _npz("nan.npz", x=np.full((40, 28, 28), np.nan, np.float32), y=Y), "NaN"),
    ("pixels above 255", _npz("bright.npz", x=X.astype(np.float32) * 10, y=Y), "expected 0 to 255"),
    ("negative label", _npz("neg.npz", **_labels([-1])), "from -1"),
    ("fractional label", _npz("frac.npz", **_labels([0.5])), "whole numbers"),
    ("label 10,000", _npz("big.npz", **_labels([10_000])), "at most"),
    ("labels all 0", _npz("zero.npz", x=X, y=np.zeros_like(Y)), "at least 2 classes"),
    ("2-D labels", _npz("y2d.npz", x=X, y=Y[:, None].repeat(2, 1)), "one label per image"),
    ("images/labels length mismatch", _npz("short.npz", x=X, y=Y[:30]), "40 images but 30 labels"),
    ("no images", _npz("none.npz", x=X[:0], y=Y[:0]), "no images"),
    ("2 images", _npz("two.npz", x=X[:2], y=Y[:2]), "need at least 3"),
    ("IDX wrong magic number", _idx_wrong_magic, "wrong IDX magic number"),
    ("IDX cut short", _idx_short, "header"),
    ("folder with no images", _folder_without_images, "its subfolders (cats, dogs) hold no .png, .jpg or other images"),
    ("empty folder", _empty_folder, "the folder is empty"),
    ("broken image files", _broken_images, "not a readable image"),
    ("unsupported suffix", _bytes("data.csv", b"1,2,3\n"), "unsupported data file"),
]


@pytest.mark.parametrize("case,build,words", BAD_DATA, ids=[row[0] for row in BAD_DATA])
def test_bad_data_cli_and_loader(tmp_path, capsys, case, build, words):
    from convviz.training.data import load_dataset

    data = build(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "model.keras").write_bytes(b"an earlier model")
    before = snapshot(tmp_path)
    assert cli(["train", "--data", str(data), "--epochs", "1", "--limit", "20", "--out", str(out / "model.keras")]) == 2
    message = one_error_line(capsys, "train")
    assert words in message
    with pytest.raises(DataError) as loader:  # what the Training tab shows (it runs this loader)
        load_dataset(data)
    assert str(loader.value) == message
    assert snapshot(tmp_path) == before


BAD_TRAIN_ARGS = [  # (arguments, words)
    (["--epochs", "0"], "argument --epochs: must be a whole number from 1 to 10,000, got 0"),
    (["--epochs", "abc"], "argument --epochs: must be a whole number from 1 to 10,000, got 'abc'"),
    (["--batch-size", "0"], "argument --batch-size: must be a whole number from 1"),
    (["--learning-rate", "-1"], "argument --learning-rate: must be a finite number above 0"),
    (["--learning-rate", "nan"], "argument --learning-rate: must be a finite number above 0"),
    (["--limit", "0"], "argument --limit: must be a whole number from 1"),
    (["--model", "resnet"], "invalid choice"),
    (["--out", "model.h5"], "use a name ending in .keras"),
    (["--out", "no_such_folder/model.keras"], "does not exist"),
    (["--out", "."], "is a folder; give a file name ending in .keras"),
    (["--data", "imagenet"], "no such file or folder (the datasets known by name are mnist, fashion_mnist, cifar10)"),
]


@pytest.mark.parametrize("args,words", BAD_TRAIN_ARGS, ids=[" ".join(a) for a, _ in BAD_TRAIN_ARGS])
def test_bad_train_arguments(tmp_path, capsys, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    assert cli(["train", "--epochs", "1", "--limit", "20", *args]) == 2
    assert words in one_error_line(capsys, "train")
    assert snapshot(tmp_path) == {}


def test_bad_data_in_the_training_tab(qtbot, tmp_path, training_tab):
    """The Training tab itself: each bad file gives the loader's message in its MessageBar."""
    from convviz.training.data import load_dataset

    tab = training_tab
    tab.limit = 20
    tab.controls.epochs.setValue(1)
    for index, (case, build, _) in enumerate(BAD_DATA):
        folder = tmp_path / str(index)
        folder.mkdir()
        data = build(folder)
        with pytest.raises(DataError) as loader:
            load_dataset(data)
        before = snapshot(folder)
        tab.use_data(data)
        with qtbot.waitSignal(tab.task_finished, timeout=RUN_TIMEOUT_MS):
            assert tab.start_training(), case
        assert (tab.messages.level, tab.messages.text) == ("error", str(loader.value)), case
        assert tab.controls.state == "idle" and tab.event_counts["BatchEnd"] == 0, case
        assert snapshot(folder) == before, case


# ---------------------------------------------------------------------------------------------
# Model files: `convviz evaluate --model X` and the Inspector's "Load .keras"
# ---------------------------------------------------------------------------------------------

def _custom_layer_model(path: Path) -> None:
    """Save a model with a registered custom layer, then forget the registration (a fresh app)."""
    import keras

    @keras.saving.register_keras_serializable(package="reliability")
    class Doubler(keras.layers.Layer):
        def call(self, x):
            return x * 2

    keras.Sequential([keras.Input((28, 28, 1)), Doubler(), keras.layers.Flatten(),
                      keras.layers.Dense(10, activation="softmax")]).save(path)
    from keras.src.saving import object_registration

    keras.saving.get_custom_objects().pop("reliability>Doubler")
    object_registration.GLOBAL_CUSTOM_NAMES.pop(Doubler, None)


def _sequential(path: Path, input_shape, *layers) -> None:
    import keras

    keras.Sequential([keras.Input(input_shape), *layers]).save(path)


@pytest.fixture(scope="module")
def bad_models(tmp_path_factory):
    """name -> (path, words of the evaluate message, what the Inspector says or None if it copes)."""
    import keras

    folder = tmp_path_factory.mktemp("models")
    (folder / "notes.keras").write_text("not a zip")
    (folder / "empty.keras").write_bytes(b"")
    with zipfile.ZipFile(folder / "photos.keras", "w") as archive:
        archive.writestr("holiday.txt", "a zip, but no model")
    with zipfile.ZipFile(folder / "garbled.keras", "w") as archive:
        archive.writestr("config.json", "{not json")
        archive.writestr("metadata.json", "{}")
    _custom_layer_model(folder / "custom.keras")
    _sequential(folder / "lambda.keras", (28, 28, 1), keras.layers.Lambda(lambda t: t * 2),
                keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax"))
    _sequential(folder / "colour32.keras", (32, 32, 3), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax"))
    _sequential(folder / "flat784.keras", (784,), keras.layers.Dense(10, activation="softmax"))
    _sequential(folder / "five.keras", (28, 28, 1), keras.layers.Flatten(), keras.layers.Dense(5, activation="softmax"))
    (folder / "model.h5").write_bytes(b"\x89HDF\r\n\x1a\n")
    (folder / "folder.keras").mkdir()
    return folder, {
        "missing": (folder / "gone.keras", "no such file", True),
        "not a zip": (folder / "notes.keras", "not a Keras model file", True),
        "empty": (folder / "empty.keras", "the file is empty", True),
        "zip, not a model": (folder / "photos.keras", "without a Keras model configuration", True),
        "garbled config": (folder / "garbled.keras", "Keras cannot load this model", True),
        "custom layer": (folder / "custom.keras", "custom layer or object 'Doubler'", True),
        "Lambda layer": (folder / "lambda.keras", "safe mode refuses", True),
        "wrong input shape": (folder / "colour32.keras", "inputs of shape (32, 32, 3), but the images are (28, 28, 1)", False),
        "not an image model": (folder / "flat784.keras", "inputs of shape (784,)", True),
        "too few outputs": (folder / "five.keras", "expected 10 class probabilities", False),
        "HDF5 .h5": (folder / "model.h5", "Keras 3 .keras models only", True),
        "a folder": (folder / "folder.keras", "is a folder", True),
    }


MODEL_CASES = ["missing", "not a zip", "empty", "zip, not a model", "garbled config", "custom layer", "Lambda layer",
               "wrong input shape", "not an image model", "too few outputs", "HDF5 .h5", "a folder"]


@pytest.mark.parametrize("case", MODEL_CASES)
def test_bad_model_files_on_the_cli(bad_models, capsys, case):
    folder, table = bad_models
    path, words, _ = table[case]
    before = snapshot(folder)
    assert cli(["evaluate", "--model", str(path), "--limit", "30"]) == 2
    assert words in one_error_line(capsys, "evaluate")
    assert snapshot(folder) == before


def test_bad_model_files_in_the_inspector(qtbot, bad_models, inspector_tab):
    """The Inspector's Load .keras: the loader's one-line message in its MessageBar, no model taken."""
    from convviz.training.storage import load_model

    folder, table = bad_models
    before = snapshot(folder)
    tab = inspector_tab
    for case in MODEL_CASES:
        path, _, refused = table[case]
        if not refused:  # the Inspector takes any image size and class count
            continue
        try:
            load_model(path)
            expected = None
        except ModelFileError as exc:
            expected = str(exc)
        with qtbot.waitSignal(tab.messages.shown, timeout=RUN_TIMEOUT_MS) as shown:
            tab.load_model_file(str(path))
        level, message = shown.args
        assert level == "error" and tab.messages.text == message, case
        assert "\n" not in message and "Traceback" not in message, case
        if expected is not None:
            assert message == expected, case
        else:  # loads, but cannot be inspected (not an image model)
            assert "needs a model whose input is an image" in message, case
        assert tab.info is None, case
    assert snapshot(folder) == before


# ---------------------------------------------------------------------------------------------
# Studio: `convviz animate` and the Studio tab's controls
# ---------------------------------------------------------------------------------------------

BAD_ANIMATE = [  # (arguments, words)
    (["--input-size", "0"], "between 3 and 64"),
    (["--input-size", "-5"], "between 3 and 64"),
    (["--input-size", "10000"], "between 3 and 64"),
    (["--kernel-size", "0"], "between 1 and 9"),
    (["--kernel-size", "-3"], "must be K or HxW"),
    (["--kernel-size", "10000"], "between 1 and 9"),
    (["--kernel-size", "3x0"], "between 1 and 9"),
    (["--kernel-size", "big"], "must be K or HxW"),
    (["--stride", "0"], "--stride must be between 1 and 64"),
    (["--stride", "-1"], "--stride must be between 1 and 64"),
    (["--stride", "10000"], "--stride must be between 1 and 64"),
    (["--dilation", "0"], "--dilation must be between 1 and 64"),
    (["--dilation", "10000"], "--dilation must be between 1 and 64"),
    (["--padding", "-1"], "--padding must be valid, same or a number"),
    (["--padding", "10000"], "--padding must be valid, same or a number"),
    (["--pool", "max", "--pool-size", "0"], "--pool-size must be between 1 and 64"),
    (["--pool", "max", "--pool-size", "10000"], "--pool-size must be between 1 and 64"),
    (["--pool", "max", "--pool-stride", "0"], "--pool-stride must be between 1 and 64"),
    (["--pool", "min"], "invalid choice"),
    (["--fps", "0"], "--fps must be between"),
    (["--input", "seed", "--kernel-size", "7"], "does not fit"),
    (["--input", "seed", "--kernel-size", "3", "--dilation", "3"], "does not fit"),
    (["--input-size", "4", "--kernel-size", "9", "--padding", "2"], "does not fit"),
    (["--input", "seed", "--pool", "max", "--pool-size", "4"], "pool window"),
    (["--input", "seed", "--pool", "avg", "--pool-size", "5", "--stride", "2"], "pool window"),
    (["--input", "seed", "--out-png", "--step", "0"], "--step must be between 1 and 9"),
    (["--input", "seed", "--out-png", "--step", "10000"], "--step must be between 1 and 9"),
    (["--step", "2"], "a .gif holds every step"),
    (["--input", "digit:10000000"], "digit index"),
    (["--kernel", "emboss"], "unknown --kernel"),
]


@pytest.mark.parametrize("args,words", BAD_ANIMATE, ids=[" ".join(a) for a, _ in BAD_ANIMATE])
def test_bad_studio_settings_on_the_cli(tmp_path, capsys, args, words):
    png = "--out-png" in args
    args = [a for a in args if a != "--out-png"]
    out = tmp_path / ("frame.png" if png else "anim.gif")
    tracemalloc.start()
    try:
        code = cli(["animate", *args, "--out", str(out)])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert code == 2
    assert words in one_error_line(capsys, "animate")
    assert peak < 50e6, f"refusing {args} allocated {peak / 1e6:.0f} MB"
    assert snapshot(tmp_path) == {}


@pytest.fixture
def studio(studio_tab):
    return studio_tab


def _engine_message(call) -> str:
    with pytest.raises(ValueError) as engine:
        call()
    return str(engine.value)


def test_impossible_studio_settings_with_the_controls(studio):
    """Each impossible combination made with the real controls shows the engine's own message."""
    from convviz.arithmetic import conv_output_shape, pool_output_shape

    c = studio.controls

    def random_input(size):
        c.input_kind.setCurrentIndex(c.input_kind.findData("random"))
        c.input_size.setValue(size)

    cases = [  # (set up with the controls, the engine's verdict on the same numbers)
        ("kernel larger than the map", lambda: (random_input(3), c.kernel_h.setValue(5)),
         lambda: conv_output_shape((3, 3), 5)),
        ("dilated kernel larger than the map", lambda: (random_input(5), c.dilation.setValue(3)),
         lambda: conv_output_shape((5, 5), 3, dilation=3)),
        ("explicit padding too small", lambda: (random_input(3), c.kernel_h.setValue(9), c.padding.setCurrentText("explicit"),
                                                [s.setValue(1) for s in c.pad_spins]),
         lambda: conv_output_shape((3, 3), 9, padding=((1, 1), (1, 1)))),
        ("pool window larger than the conv output", lambda: (random_input(4), c.pool_box.setChecked(True), c.pool_size.setValue(4)),
         lambda: pool_output_shape(conv_output_shape((4, 4), 3), 4)),
    ]
    for case, setup, verdict in cases:
        c.padding.setCurrentText("valid")
        c.pool_box.setChecked(False)
        c.dilation.setValue(1)
        c.kernel_h.setValue(3)
        assert studio.message_bar.level != "error", case
        setup()
        assert studio.message_bar.level == "error", case
        assert studio.message_bar.text in (_engine_message(verdict), "pooling: " + _engine_message(verdict)), case
        if not case.startswith("pool"):  # with a pooling error the convolution still animates
            assert not studio.export_gif_button.isEnabled(), case


def test_out_of_range_values_cannot_reach_the_studio(studio, qtbot):
    """0, negative and 10,000 typed or set into the spin boxes are clamped: no error, no huge map."""
    from PyQt6.QtCore import Qt

    from convviz.core.studio import MAX_INPUT_SIZE

    c = studio.controls
    c.input_kind.setCurrentIndex(c.input_kind.findData("random"))
    for spin in (c.input_size, c.kernel_h, c.stride, c.dilation, c.pool_size, *c.pad_spins):
        for value in (0, -5, 10_000):
            spin.setValue(value)
            assert spin.minimum() <= spin.value() <= spin.maximum()
    c.input_size.lineEdit().selectAll()
    qtbot.keyClicks(c.input_size.lineEdit(), "10000")
    qtbot.keyClick(c.input_size.lineEdit(), Qt.Key.Key_Return)
    assert studio.state.settings.input_size <= MAX_INPUT_SIZE
    assert studio.state.result.x.shape[0] <= MAX_INPUT_SIZE


# ---------------------------------------------------------------------------------------------
# Faults: a crash in the training thread, refused and full disks, interrupted exports
# ---------------------------------------------------------------------------------------------

def test_a_crash_in_the_training_thread_reaches_the_message_bar(qtbot, monkeypatch, training_tab):
    """A fault while the worker loads the data (the mid-training fault: tests/test_training_tab.py)."""
    import convviz.training.session as session_module

    def broken_loader(*args, **kwargs):
        raise RuntimeError("injected fault in the data loader")

    monkeypatch.setattr(session_module, "load_dataset", broken_loader)
    tab = training_tab
    tab.trainer = "thread"  # the fault is patched into this process: train here, not in the trainer process
    with qtbot.waitSignal(tab.task_finished, timeout=RUN_TIMEOUT_MS):
        assert tab.start_training()
    assert tab.messages.level == "error"
    assert tab.messages.text == "RuntimeError: injected fault in the data loader"
    assert tab.controls.state == "idle" and tab.controls.run_button.isEnabled()


@pytest.fixture(scope="module")
def small_model():
    import keras

    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])


def _refuse_replace(*args, **kwargs):
    raise PermissionError(errno.EACCES, "Permission denied")


def _disk_full_midway():
    """A ZipFile.open whose writes fill the disk after 100 bytes of a member (Keras writes its
    config.json and metadata through ZipFile.open)."""
    real_open = zipfile.ZipFile.open

    def open_(self, name, mode="r", *args, **kwargs):
        handle = real_open(self, name, mode, *args, **kwargs)
        if mode != "w":
            return handle
        real_write, written = handle.write, [0]

        def write(data):
            room = 100 - written[0]
            if len(data) > room:  # part of it lands, then the disk is full
                real_write(data[:max(room, 0)])
                written[0] = 100
                raise OSError(errno.ENOSPC, "No space left on device")
            written[0] += len(data)
            return real_write(data)

        handle.write = write
        return handle

    return open_


@pytest.mark.parametrize("fault,words", [
    ("read-only folder (os.replace refused)", "Permission denied"),
    ("disk full midway through the zip", "No space left on device"),
    ("folder refuses new files (/proc)", "could not save the model"),
])
def test_model_save_faults_keep_the_previous_file(tmp_path, monkeypatch, small_model, fault, words):
    from convviz.training import storage

    target = tmp_path / "model.keras"
    target.write_bytes(b"the previous model")
    if fault.startswith("read-only"):
        monkeypatch.setattr(storage.os, "replace", _refuse_replace)
    elif fault.startswith("disk full"):
        monkeypatch.setattr(zipfile.ZipFile, "open", _disk_full_midway())
    else:
        target = Path("/proc/convviz-test.keras")
    with pytest.raises(ModelFileError) as error:
        storage.save_model(small_model, target)
    assert words in str(error.value) and "\n" not in str(error.value)
    assert "[Errno" not in str(error.value)
    if target.parent == tmp_path:
        assert target.read_bytes() == b"the previous model"
        assert sorted(os.listdir(tmp_path)) == ["model.keras"]  # no temporary file left


def test_studio_export_faults_keep_the_previous_file(studio, tmp_path, monkeypatch):
    """Disk full midway through a GIF or a PNG, and a refused folder: one message, old file intact."""
    from PIL import Image

    from convviz.core import gif_stream

    studio.controls.input_kind.setCurrentIndex(studio.controls.input_kind.findData("seed"))
    gif, png = tmp_path / "anim.gif", tmp_path / "frame.png"
    gif.write_bytes(b"previous gif")
    png.write_bytes(b"previous png")
    real_add, frames = gif_stream.GifStream.add, []

    def add_until_full(self, frame):
        frames.append(1)
        if len(frames) > 3:
            self.fp.write(b"\x21\xf9partial")
            raise OSError(errno.ENOSPC, "No space left on device")
        real_add(self, frame)

    with monkeypatch.context() as patch:
        patch.setattr(gif_stream.GifStream, "add", add_until_full)
        assert studio.export_gif_to(gif) is None
    assert studio.message_bar.level == "error"
    assert studio.message_bar.text == "Could not export the animation to anim.gif: No space left on device"

    def save_until_full(self, fp, *args, **kwargs):
        Path(fp).write_bytes(b"\x89PNG half")
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(Image.Image, "save", save_until_full)
        assert studio.export_png_to(png) is None
    assert studio.message_bar.text == "Could not export the frame to frame.png: No space left on device"
    assert gif.read_bytes() == b"previous gif" and png.read_bytes() == b"previous png"
    assert sorted(os.listdir(tmp_path)) == ["anim.gif", "frame.png"]  # no temporary file left

    assert studio.export_png_to("/proc/convviz-frame.png") is None
    assert studio.message_bar.level == "error" and "[Errno" not in studio.message_bar.text
    assert not Path("/proc/convviz-frame.png").exists()


def test_animate_into_a_folder_that_refuses_files(capsys):
    assert cli(["animate", "--input", "seed", "--out", "/proc/convviz-anim.png"]) == 2
    assert one_error_line(capsys, "animate") == "could not write /proc/convviz-anim.png: No such file or directory"


def test_closing_the_window_mid_export_writes_nothing(qtbot, tmp_path, monkeypatch):
    """The real Save GIF… button; the main window is closed while the frames render: the export
    is cancelled (nothing written, no temp file) and the window closes."""
    from PyQt6.QtCore import QTimer
    from PyQt6.QtWidgets import QFileDialog

    from convviz.ui.main_window import MainWindow
    from convviz.ui.studio import export

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    studio = window.studio
    c = studio.controls
    c.input_kind.setCurrentIndex(c.input_kind.findData("random"))
    c.input_size.setValue(12)  # 100 frames: long enough to be closed midway
    target = tmp_path / "anim.gif"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "GIF animation (*.gif)"))
    rendered = []
    real_render = export.FrameRenderer.render

    def render(self, index):
        rendered.append(index)
        if len(rendered) == 5:  # mid-export: the user closes the window
            QTimer.singleShot(0, window.close)
        return real_render(self, index)

    monkeypatch.setattr(export.FrameRenderer, "render", render)
    studio.export_gif_button.click()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10000)
    qtbot.waitUntil(lambda: studio.message_bar.text != "", timeout=10000)
    assert len(rendered) < studio.state.n_steps
    assert os.listdir(tmp_path) == []
    assert studio.message_bar.text == "GIF export cancelled; nothing was written."


def test_a_cli_error_is_one_line_even_when_tensorflow_starts(bad_models):
    """A real process, TensorFlow's own logging untouched by the test: stderr is the one line."""
    import subprocess
    import sys

    folder, table = bad_models
    model = table["too few outputs"][0]
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    done = subprocess.run([sys.executable, "-m", "convviz", "evaluate", "--model", str(model),
                           "--limit", "30"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2
    assert done.stderr == f"convviz evaluate: error: {model}: the model outputs shape (5,); expected 10 class probabilities\n"
