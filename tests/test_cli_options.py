"""Refusals that name the option, the file or the folder, in one line (exit code 2, nothing written),
and names from others' files escaped wherever ordinary output shows them. In-process, no TensorFlow."""

import io
import zipfile

import numpy as np
import pytest
from crafted_files import npz

from convviz.app import main
from message_checks import cli_error_line


def refused(capsys, command, *args):
    """The one error line of ``convviz COMMAND ARGS`` (exit code 2, argparse's own or ours)."""
    try:
        code = main([command, *args])
    except SystemExit as exc:
        code = exc.code
    assert code == 2
    return cli_error_line(capsys, command)


@pytest.mark.parametrize("command, args, words", [
    ("train", ["--seed", "4294967296"], "--seed: must be a whole number from 0 to 4,294,967,295, got 4294967296"),
    ("train", ["--seed", "-1"], "--seed: must be a whole number from 0"),
    ("train", ["--batch-size", "1e20"], "--batch-size: must be a whole number from 1 to 65,536, got '1e20'"),
    ("train", ["--batch-size", "100000000000000000000"], "--batch-size: must be a whole number from 1 to 65,536"),
    ("train", ["--epochs", "0"], "--epochs: must be a whole number from 1 to 10,000, got 0"),
    ("train", ["--epochs", "2.5"], "--epochs: must be a whole number"),
    ("train", ["--limit", "-3"], "--limit: must be a whole number from 1"),
    ("train", ["--learning-rate", "nan"], "--learning-rate: must be a finite number above 0, got 'nan'"),
    ("train", ["--learning-rate", "inf"], "--learning-rate: must be a finite number above 0"),
    ("train", ["--learning-rate", "0"], "--learning-rate: must be a finite number above 0"),
    ("evaluate", ["--model", "m.keras", "--limit", "0"], "--limit: must be a whole number from 1"),
    ("animate", ["--seed", "-1", "--out", "x.gif"], "--seed: must be a whole number from 0 to 4,294,967,295, got -1"),
    ("animate", ["--seed", "99999999999", "--out", "x.gif"], "--seed: must be a whole number from 0"),
])
def test_numbers_out_of_range_name_their_option(capsys, tmp_path, monkeypatch, command, args, words):
    monkeypatch.chdir(tmp_path)
    assert words in refused(capsys, command, *args)
    assert list(tmp_path.iterdir()) == []


def test_a_huge_number_is_quoted_short(capsys):
    line = refused(capsys, "train", "--seed", "9" * 4000)
    assert "--seed: must be a whole number" in line and len(line) < 200


@pytest.mark.parametrize("command, args, words", [
    ("train", ["--data", ""], "--data: is empty"),
    ("train", ["--data", "  "], "--data: is empty"),
    ("evaluate", ["--model", "", "--data", "x.npz"], "--model: is empty"),
    ("evaluate", ["--model", "m.keras", "--data", ""], "--data: is empty"),
    ("report", [""], "RUN_DIR: is empty"),
    ("watch", [""], "RUN_DIR: is empty"),
    ("train", ["--out", "notadir.txt/x.keras"], "--out: notadir.txt is a file, not a folder"),
    ("train", ["--out", "notadir.txt/deeper/x.keras"], "--out: notadir.txt is a file, not a folder"),
    ("report", ["run", "--out", "notadir.txt/r.png"], "--out: notadir.txt is a file, not a folder"),
    ("animate", ["--input", "seed", "--out", "notadir.txt/x.gif"], "--out: notadir.txt is a file, not a folder"),
])
def test_empty_paths_and_files_used_as_folders_are_refused(capsys, tmp_path, monkeypatch, command, args, words):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notadir.txt").write_text("notes")
    assert words in refused(capsys, command, *args)
    assert [path.name for path in tmp_path.iterdir()] == ["notadir.txt"]


def digits(count=40):
    return np.random.default_rng(0).integers(0, 255, (count, 28, 28), dtype=np.uint8)


def test_labels_all_of_one_class_are_refused(capsys, tmp_path):
    data = npz(tmp_path / "same.npz", {"x": digits(), "y": np.full(40, 3)})
    line = refused(capsys, "train", "--data", str(data))
    assert "same.npz: all 40 labels are class 3: a classifier needs at least 2 classes" in line


def test_class_names_that_are_not_utf8_name_the_file(capsys, tmp_path):
    data = npz(tmp_path / "latin.npz", {"x": digits(), "y": np.arange(40) % 2,
                                        "class_names": np.array([b"caf\xe9", b"th\xe9"])})
    line = refused(capsys, "train", "--data", str(data))
    assert "latin.npz: class_names[0] is not UTF-8 text (caf\\xe9)" in line


def test_an_npy_header_of_20_kb_is_called_too_large(capsys, tmp_path):
    data = tmp_path / "header.npz"
    text = "{'descr': '|u1', 'fortran_order': False, 'shape': (40, 28, 28), " + " " * 20_000 + "}\n"
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("x.npy", b"\x93NUMPY\x02\x00" + len(text).to_bytes(4, "little") + text.encode()
                         + bytes(40 * 784))
        labels = io.BytesIO()
        np.lib.format.write_array(labels, np.arange(40) % 2)
        archive.writestr("y.npy", labels.getvalue())
    line = refused(capsys, "train", "--data", str(data))
    assert "header.npz:" in line and "header of array x is too large" in line
    assert "Python objects" not in line


def test_hundreds_of_unused_array_names_are_listed_briefly(capsys, tmp_path):
    data = npz(tmp_path / "many.npz", {f"a{i}": np.zeros(1, np.uint8) for i in range(900)})
    line = refused(capsys, "train", "--data", str(data))
    assert "many.npz: has a0, a1, a10, a100, a101 … and 895 more; expected arrays x and y" in line
    assert len(line) < 300


def test_idx_dimensions_that_overflow_name_the_file(capsys, tmp_path):
    folder = tmp_path / "idx"
    folder.mkdir()
    (folder / "train-images-idx3-ubyte").write_bytes(bytes([0, 0, 8, 3]) + b"\xff" * 12)
    (folder / "train-labels-idx1-ubyte").write_bytes(bytes([0, 0, 8, 1]) + (40).to_bytes(4, "big") + bytes(40))
    line = refused(capsys, "train", "--data", str(folder))
    assert "train-images-idx3-ubyte:" in line and "(4294967295, 4294967295, 4294967295)" in line


HOSTILE = "\x1b]0;owned\x07\x1b[2J"


def test_names_from_an_npz_are_escaped_in_the_dataset(tmp_path):
    from convviz.training.npz_file import load_npz

    data = npz(tmp_path / f"{HOSTILE}.npz", {"x": digits(), "y": np.arange(40) % 2,
                                             "class_names": np.array([f"cat{HOSTILE}", "dog"])})
    dataset = load_npz(data)
    assert dataset.class_names == ["cat\\x1b]0;owned\\x07\\x1b[2J", "dog"]
    assert "\x1b" not in dataset.source and "\\x1b]0;owned" in dataset.source


def test_train_output_shows_names_escaped(capsys):
    """The reporter escapes what any event source sends (here raw, as a LiveCallback could)."""
    from types import SimpleNamespace

    from convviz.cli.train import _Reporter
    from convviz.training import events

    session = SimpleNamespace(dataset=SimpleNamespace(class_names=[f"a{HOSTILE}", "b\nc"]))
    reporter = _Reporter(SimpleNamespace(model="seed", strategy=None, epochs=1), quiet=False, session=session)
    shapes = {"x_train": (4, 28, 28, 1), "x_val": (1, 28, 28, 1), "x_test": (1, 28, 28, 1)}
    reporter(events.DataReady(source=f"{HOSTILE} (4 images)", is_fallback=False, shapes=shapes,
                              preview_images=np.zeros((1, 28, 28)), preview_labels=np.zeros(1, int),
                              warnings=(f"w{HOSTILE}",)))
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out + captured.err and "b\nc" not in captured.out
    assert "Data: \\x1b]0;owned\\x07\\x1b[2J (4 images)" in captured.out and "b\\nc" in captured.out
    assert "w\\x1b]0;owned" in captured.err
