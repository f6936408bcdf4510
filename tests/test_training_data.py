"""Dataset loading: MNIST fallback, .npz and IDX files, and a one-line DataError for every bad file.

No TensorFlow here: the loaders are numpy only unless a download is attempted (and these tests
replace the download).
"""

import gzip
import os
import struct

import numpy as np
import pytest

os.environ["CONVVIZ_OFFLINE"] = "1"  # never download, even if conftest changes

from convviz.assets import ASSETS_DIR, bundled_digits
from convviz.training import data as data_module
from convviz.training.data import DataError, load_dataset, prepare_arrays
from message_checks import one_line


def _digits(n=40, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8), rng.integers(0, 10, size=n).astype(np.uint8)


def _idx_bytes(array: np.ndarray) -> bytes:
    magic = struct.pack(">BBBB", 0, 0, 0x08, array.ndim)
    dims = b"".join(struct.pack(">I", d) for d in array.shape)
    return magic + dims + array.astype(np.uint8).tobytes()


def _write_idx_folder(folder, x_train, y_train, x_test=None, y_test=None, gz=True):
    folder.mkdir(exist_ok=True)
    suffix = ".gz" if gz else ""
    opener = gzip.open if gz else open
    files = {"train-images-idx3-ubyte": x_train, "train-labels-idx1-ubyte": y_train}
    if x_test is not None:
        files.update({"t10k-images-idx3-ubyte": x_test, "t10k-labels-idx1-ubyte": y_test})
    for name, array in files.items():
        with opener(folder / (name + suffix), "wb") as stream:
            stream.write(_idx_bytes(array))
    return folder




# --- MNIST and the bundled fallback --------------------------------------------------------


def test_offline_mnist_uses_the_bundled_digits_without_trying_to_download(monkeypatch):
    calls = []
    monkeypatch.setattr(data_module, "_download_mnist", lambda: calls.append(1))
    dataset = load_dataset("mnist")
    assert calls == []
    assert dataset.is_fallback and "bundled" in dataset.source and "offline" in dataset.source
    x, y = bundled_digits()
    # all 10,000 bundled training digits, 9,000 / 1,000 in file order, scaled as the tutorial does
    assert dataset.x_train.shape == (9000, 28, 28, 1) and dataset.x_train.dtype == np.float32
    assert len(dataset.x_val) == 1000
    np.testing.assert_array_equal(dataset.x_val[-1, ..., 0], x[-1] / np.float32(255))
    np.testing.assert_array_equal(dataset.labels_val, y[9000:])
    np.testing.assert_array_equal(dataset.y_train.argmax(axis=1), dataset.labels_train)
    assert dataset.y_train.shape == (9000, 10) and set(np.unique(dataset.y_train)) == {0.0, 1.0}
    assert dataset.warnings == ()


def _official_test_file(name: str, header: int) -> np.ndarray:
    """One shipped t10k file, read here with gzip alone (not through convviz's readers)."""
    with gzip.open(ASSETS_DIR / name, "rb") as stream:
        return np.frombuffer(stream.read()[header:], dtype=np.uint8)


def test_offline_mnist_is_tested_on_the_official_10000_digit_test_set():
    dataset = load_dataset("mnist")
    images = _official_test_file("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28)
    labels = _official_test_file("t10k-labels-idx1-ubyte.gz", 8)
    # the class counts the MNIST test set is known for
    assert np.bincount(dataset.labels_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    np.testing.assert_array_equal(dataset.labels_test, labels)
    np.testing.assert_array_equal(dataset.x_test[..., 0], images / np.float32(255))
    assert not (dataset.x_train == dataset.x_test[0]).all(axis=(1, 2, 3)).any()  # not a training digit
    assert ("9,000 training + 1,000 validation of the bundled 10,000 training digits; "
            "test: the official 10,000-digit MNIST test set") in dataset.source


def test_failed_download_falls_back_and_says_why(monkeypatch):
    monkeypatch.delenv("CONVVIZ_OFFLINE")

    def no_network():
        raise OSError("Name or service not known")

    monkeypatch.setattr(data_module, "_download_mnist", no_network)
    dataset = load_dataset("mnist", limit=10)
    assert dataset.is_fallback
    assert "download failed" in dataset.source and "Name or service not known" in dataset.source


def test_downloaded_mnist_keeps_the_official_test_set(monkeypatch):
    monkeypatch.delenv("CONVVIZ_OFFLINE")
    (x_tr, y_tr), (x_te, y_te) = _digits(120, 1), _digits(30, 2)
    monkeypatch.setattr(data_module, "_download_mnist", lambda: ((x_tr, y_tr), (x_te, y_te)))
    dataset = load_dataset("mnist")
    assert not dataset.is_fallback and dataset.source.startswith("MNIST")
    assert (len(dataset.x_train), len(dataset.x_val), len(dataset.x_test)) == (110, 10, 30)
    np.testing.assert_array_equal(dataset.labels_test, y_te)


def test_limit_keeps_the_first_samples_of_each_split():
    dataset = load_dataset("mnist", limit=50)
    assert {len(dataset.x_train), len(dataset.x_val), len(dataset.x_test)} == {50}
    assert "first 50" in dataset.source
    with pytest.raises(DataError):
        load_dataset("mnist", limit=0)


# --- good user files -----------------------------------------------------------------------


def test_npz_with_x_and_y_is_split_into_train_validation_test(tmp_path):
    x, y = _digits(40)
    np.savez(tmp_path / "d.npz", x=x, y=y)
    dataset = load_dataset(tmp_path / "d.npz")
    assert (len(dataset.x_train), len(dataset.x_val), len(dataset.x_test)) == (32, 4, 4)
    assert not dataset.is_fallback and "d.npz" in dataset.source
    np.testing.assert_allclose(dataset.x_train[..., 0], x[:32] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(dataset.labels_test, y[36:])


def test_npz_with_keras_keys_and_channel_axis(tmp_path):
    (x_tr, y_tr), (x_te, y_te) = _digits(24, 3), _digits(6, 4)
    np.savez_compressed(tmp_path / "k.npz", x_train=x_tr[..., None], y_train=y_tr, x_test=x_te, y_test=y_te)
    dataset = load_dataset(str(tmp_path / "k.npz"))
    assert (len(dataset.x_train), len(dataset.x_val), len(dataset.x_test)) == (22, 2, 6)
    np.testing.assert_array_equal(dataset.labels_test, y_te)


def test_labels_that_leave_classes_empty_are_named_in_a_warning(tmp_path):
    x, _ = _digits(60)
    np.savez(tmp_path / "upper.npz", x=x, y=np.arange(60) % 10 + 10)  # labels 10-19 only
    dataset = load_dataset(tmp_path / "upper.npz")
    assert dataset.num_classes == 20
    warning, = dataset.warnings
    assert "\n" not in warning
    assert "upper.npz: 10 of 20 classes have no images: 0-9 (labels run from 10 to 19)" in warning


def test_gaps_between_labels_and_unused_class_names_are_warned_about(tmp_path):
    x, _ = _digits(30)
    names = np.array(["a", "b", "c", "d", "e", "f", "g"])
    np.savez(tmp_path / "gaps.npz", x=x, y=np.arange(30) % 3 * 2, class_names=names)  # 0, 2, 4
    warning, = load_dataset(tmp_path / "gaps.npz").warnings
    assert "gaps.npz: 4 of 7 classes have no images: 1, 3, 5-6 (labels run from 0 to 4)" in warning
    np.savez(tmp_path / "one.npz", x=x, y=np.array([0, 1, 3] * 10))
    assert load_dataset(tmp_path / "one.npz").warnings == (
        "one.npz: 1 class has no images: 2 (labels run from 0 to 3); "
        "the model gets an output it can never learn for each",)
    np.savez(tmp_path / "full.npz", x=x, y=np.arange(30) % 3)
    assert load_dataset(tmp_path / "full.npz").warnings == ()


def test_float_images_already_in_unit_range_are_not_divided_again():
    x, y = _digits(5)
    images, labels = prepare_arrays(x.astype(np.float64) / 255.0, y.astype(np.float32), "f")
    np.testing.assert_allclose(images[..., 0], x / 255.0, rtol=1e-6)
    assert labels.dtype == np.int64 and list(labels) == list(y)


@pytest.mark.parametrize("gz", [True, False])
def test_idx_folder_with_train_and_t10k_files(tmp_path, gz):
    (x_tr, y_tr), (x_te, y_te) = _digits(24, 5), _digits(7, 6)
    folder = _write_idx_folder(tmp_path / "mnist", x_tr, y_tr, x_te, y_te, gz=gz)
    dataset = load_dataset(folder)
    assert (len(dataset.x_train) + len(dataset.x_val), len(dataset.x_test)) == (24, 7)
    np.testing.assert_array_equal(dataset.x_test[..., 0], x_te / np.float32(255))
    np.testing.assert_array_equal(dataset.labels_train, y_tr[: len(dataset.x_train)])


def test_idx_folder_with_only_training_files_is_split(tmp_path):
    x, y = _digits(20, 7)
    folder = _write_idx_folder(tmp_path / "only", x, y)
    dataset = load_dataset(folder)
    assert (len(dataset.x_train), len(dataset.x_val), len(dataset.x_test)) == (16, 2, 2)


# --- bad files: each one a one-line DataError naming the file ------------------------------


def _npz(tmp_path, name="bad.npz", **arrays):
    np.savez(tmp_path / name, **arrays)
    return tmp_path / name


def test_missing_file(tmp_path):
    with pytest.raises(DataError) as info:
        load_dataset(tmp_path / "nope.npz")
    one_line(info, "nope.npz", "no such file")


def test_empty_file(tmp_path):
    (tmp_path / "empty.npz").write_bytes(b"")
    with pytest.raises(DataError) as info:
        load_dataset(tmp_path / "empty.npz")
    one_line(info, "empty.npz", "empty")


def test_not_a_zip(tmp_path):
    (tmp_path / "text.npz").write_text("hello, I am not numpy")
    with pytest.raises(DataError) as info:
        load_dataset(tmp_path / "text.npz")
    one_line(info, "text.npz", "not a readable .npz")


def test_truncated_npz(tmp_path):
    x, y = _digits(40)
    path = _npz(tmp_path, "cut.npz", x=x, y=y)
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(DataError) as info:
        load_dataset(path)
    one_line(info, "cut.npz", "not a readable .npz")


def test_zip_with_a_corrupted_member(tmp_path):
    x, y = _digits(40)
    path = _npz(tmp_path, "crc.npz", x=x, y=y)
    raw = bytearray(path.read_bytes())
    raw[200] ^= 0xFF  # inside x.npy's data: the CRC check fails on reading
    path.write_bytes(bytes(raw))
    with pytest.raises(DataError) as info:
        load_dataset(path)
    one_line(info, "crc.npz")


def test_single_npy_array_renamed_npz(tmp_path):
    np.save(tmp_path / "one.npy", np.zeros((3, 28, 28)))
    os.replace(tmp_path / "one.npy", tmp_path / "one.npz")
    with pytest.raises(DataError) as info:
        load_dataset(tmp_path / "one.npz")
    one_line(info, "one.npz", "single array")


def test_pickled_object_array_is_refused(tmp_path):
    images = np.empty(3, dtype=object)
    np.savez(tmp_path / "obj.npz", x=images, y=np.zeros(3))
    with pytest.raises(DataError) as info:
        load_dataset(tmp_path / "obj.npz")
    one_line(info, "obj.npz")


def test_wrong_keys(tmp_path):
    path = _npz(tmp_path, "keys.npz", images=np.zeros((3, 28, 28)), labels=np.zeros(3))
    with pytest.raises(DataError) as info:
        load_dataset(path)
    one_line(info, "keys.npz", "images, labels", "x and y")


@pytest.mark.parametrize(
    "x, y, fragment",
    [
        (np.full((3, 28, 28), "a"), np.zeros(3, int), "must be numbers"),
        (np.zeros((3, 28, 28), bool), np.zeros(3, int), "must be numbers"),
        (np.zeros((3, 28, 28, 5)), np.zeros(3, int), "1 to 4 channels"),
        (np.zeros((3, 28, 28, 3, 1)), np.zeros(3, int), "(N, H, W)"),
        (np.zeros((28, 28)), np.zeros(3, int), "(N, H, W)"),
        (np.zeros((3, 0, 28)), np.zeros(3, int), "(N, H, W)"),
        (np.zeros((0, 28, 28)), np.zeros(0, int), "no images"),
        (np.zeros((3, 28, 28)), np.zeros(4, int), "3 images but 4 labels"),
        (np.zeros((3, 28, 28)), np.array([0, 1, 1000]), "at most 1,000 classes"),
        (np.zeros((3, 28, 28)), np.array([0, -1, 2]), "from 0"),
        (np.zeros((3, 28, 28)), np.zeros(3, int), "at least 2 classes"),
        (np.zeros((3, 28, 28)), np.array([0.5, 1, 2]), "whole numbers"),
        (np.zeros((3, 28, 28)), np.zeros((3, 10)), "one label per image"),
        (np.full((3, 28, 28), 300.0), np.zeros(3, int), "0 to 255"),
        (np.full((3, 28, 28), np.nan), np.zeros(3, int), "NaN"),
    ],
)
def test_arrays_that_are_not_images_and_labels(tmp_path, x, y, fragment):
    path = _npz(tmp_path, x=x, y=y)
    with pytest.raises(DataError) as info:
        load_dataset(path)
    one_line(info, "bad.npz", fragment)


def test_unsupported_suffix(tmp_path):
    (tmp_path / "digits.csv").write_text("0,0,0")
    with pytest.raises(DataError) as info:
        load_dataset(tmp_path / "digits.csv")
    one_line(info, "digits.csv", ".npz")


def test_folder_without_idx_files(tmp_path):
    (tmp_path / "readme.txt").write_text("no digits here")
    with pytest.raises(DataError) as info:
        load_dataset(tmp_path)
    one_line(info, str(tmp_path), "no MNIST IDX files")


def test_idx_wrong_magic_number(tmp_path):
    x, y = _digits(5)
    folder = _write_idx_folder(tmp_path / "m", x, y, gz=False)
    raw = bytearray((folder / "train-labels-idx1-ubyte").read_bytes())
    raw[3] = 3  # claims 3 dimensions
    (folder / "train-labels-idx1-ubyte").write_bytes(bytes(raw))
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    one_line(info, "train-labels-idx1-ubyte", "magic number 0x00000803", "0x00000801")


def test_idx_size_mismatch(tmp_path):
    x, y = _digits(5)
    folder = _write_idx_folder(tmp_path / "m", x, y, gz=False)
    path = folder / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    one_line(info, "train-images-idx3-ubyte", "header announces 3,920")


def test_idx_truncated_gzip(tmp_path):
    x, y = _digits(5)
    folder = _write_idx_folder(tmp_path / "m", x, y, gz=True)
    path = folder / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    one_line(info, "train-images-idx3-ubyte.gz", "truncated")


def test_idx_images_and_labels_of_different_length(tmp_path):
    x, y = _digits(5)
    folder = _write_idx_folder(tmp_path / "m", x, y[:4], gz=False)
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    one_line(info, "5 images", "4 labels")


def test_idx_images_without_labels(tmp_path):
    x, y = _digits(5)
    folder = _write_idx_folder(tmp_path / "m", x, y, gz=False)
    (folder / "train-labels-idx1-ubyte").unlink()
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    one_line(info, "train-images-idx3-ubyte", "no matching train labels")


def test_idx_empty_file(tmp_path):
    x, y = _digits(5)
    folder = _write_idx_folder(tmp_path / "m", x, y, gz=False)
    (folder / "train-labels-idx1-ubyte").write_bytes(b"")
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    one_line(info, "train-labels-idx1-ubyte", "empty")


def test_data_error_is_a_value_error():
    assert issubclass(DataError, ValueError)
