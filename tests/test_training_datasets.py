"""Datasets beside MNIST: any image size and channel count, folders of images, Keras' named datasets.

Files and folders are built here in tmp_path (PNGs written with Pillow); the Keras download is
replaced, and the offline rule is checked against an empty Keras cache.
"""

import gzip
import os
import struct

import numpy as np
import pytest
from PIL import Image

os.environ["CONVVIZ_OFFLINE"] = "1"

from convviz.training import keras_datasets
from convviz.training.data import DataError, dataset_names, load_dataset
from message_checks import one_line




def _all_splits(dataset):
    x = np.concatenate([dataset.x_train, dataset.x_val, dataset.x_test])
    labels = np.concatenate([dataset.labels_train, dataset.labels_val, dataset.labels_test])
    return x, labels


# --- arrays of any size and channel count ---------------------------------------------------


@pytest.mark.parametrize("shape", [(30, 20, 24), (30, 16, 16, 1), (30, 12, 10, 3), (30, 9, 9, 4)])
def test_npz_images_of_any_size_and_channel_count(tmp_path, shape):
    rng = np.random.default_rng(1)
    x = rng.integers(0, 256, size=shape, dtype=np.uint8)
    y = np.arange(30) % 3
    np.savez(tmp_path / "d.npz", x=x, y=y)
    dataset = load_dataset(tmp_path / "d.npz")
    channels = shape[3] if len(shape) == 4 else 1
    assert dataset.input_shape == (shape[1], shape[2], channels)
    assert dataset.num_classes == 3 and dataset.class_names == ["0", "1", "2"]
    assert dataset.y_train.shape == (len(dataset.x_train), 3)
    np.testing.assert_array_equal(dataset.y_test.argmax(axis=1), dataset.labels_test)
    expected = x.reshape(30, shape[1], shape[2], channels) / np.float32(255)
    np.testing.assert_array_equal(dataset.x_train, expected[: len(dataset.x_train)])


def test_number_of_classes_is_one_more_than_the_largest_label_over_train_and_test(tmp_path):
    rng = np.random.default_rng(2)
    x = rng.integers(0, 256, size=(20, 8, 8, 3), dtype=np.uint8)
    np.savez(tmp_path / "k.npz", x_train=x[:14], y_train=np.arange(14) % 4,
             x_test=x[14:], y_test=np.array([0, 1, 2, 3, 4, 0]))
    dataset = load_dataset(tmp_path / "k.npz")
    assert dataset.num_classes == 5 and dataset.y_train.shape[1] == 5 and dataset.y_test.shape[1] == 5


def test_npz_class_names_name_the_classes(tmp_path):
    x = np.zeros((12, 6, 6), np.uint8)
    np.savez(tmp_path / "n.npz", x=x, y=np.arange(12) % 2, class_names=np.array(["cat", "dog", "owl"]))
    dataset = load_dataset(tmp_path / "n.npz")
    assert dataset.class_names == ["cat", "dog", "owl"] and dataset.num_classes == 3
    np.savez(tmp_path / "m.npz", x=x, y=np.arange(12) % 4, class_names=np.array(["cat", "dog"]))
    with pytest.raises(DataError) as info:
        load_dataset(tmp_path / "m.npz")
    one_line(info, "m.npz", "labels run up to 3", "2 class names")


def test_train_and_test_images_of_different_shapes_are_refused(tmp_path):
    np.savez(tmp_path / "s.npz", x_train=np.zeros((6, 8, 8, 3)), y_train=np.arange(6) % 2,
             x_test=np.zeros((2, 8, 8)), y_test=np.array([0, 1]))
    with pytest.raises(DataError) as info:
        load_dataset(tmp_path / "s.npz")
    one_line(info, "test images are (8, 8, 1)", "(8, 8, 3)")


def _idx(array):
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + b"".join(struct.pack(">I", d) for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


def test_idx_folder_with_colour_images_of_another_size(tmp_path):
    rng = np.random.default_rng(3)
    x = rng.integers(0, 256, size=(20, 12, 14, 3), dtype=np.uint8)
    y = (np.arange(20) % 2).astype(np.uint8)
    with gzip.open(tmp_path / "train-images-idx4-ubyte.gz", "wb") as stream:
        stream.write(_idx(x))
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(_idx(y))
    dataset = load_dataset(tmp_path)
    assert dataset.input_shape == (12, 14, 3) and dataset.num_classes == 2
    np.testing.assert_array_equal(dataset.x_train, x[:16] / np.float32(255))


# --- folders of class subfolders of images --------------------------------------------------


def _png(path, pixels):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path)


def _colour_folder(root, sizes=None):
    """3 classes x 4 images, each one flat colour, unique per image; returns {colour: class}."""
    truth = {}
    for class_index, name in enumerate(["zebra", "apple", "moon"]):
        for number in range(4):
            colour = (10 * class_index + 2 * number, 100 + 20 * number, 200 - 30 * class_index)
            size = (sizes or {}).get((name, number), (6, 5))  # (width, height)
            pixels = np.empty((size[1], size[0], 3), np.uint8)
            pixels[:] = colour
            _png(root / name / f"{number}.png", pixels)
            truth[colour] = sorted(["zebra", "apple", "moon"]).index(name)
    return truth


def test_folder_of_class_subfolders_reads_every_image_with_its_class(tmp_path):
    truth = _colour_folder(tmp_path / "pics")
    (tmp_path / "pics" / "apple" / "notes.txt").write_text("not an image")
    dataset = load_dataset(tmp_path / "pics")
    assert dataset.class_names == ["apple", "moon", "zebra"]  # sorted, as Keras numbers them
    assert dataset.input_shape == (5, 6, 3) and dataset.num_classes == 3
    x, labels = _all_splits(dataset)
    assert len(x) == 12
    for image, label in zip(x, labels):
        colour = tuple(int(v) for v in np.round(image[0, 0] * 255))
        assert truth[colour] == label
        assert np.all(image == image[0, 0])
    assert "3 classes" in dataset.source and str(tmp_path / "pics") in dataset.source


def test_images_of_other_sizes_are_resized_to_the_most_common_size(tmp_path):
    _colour_folder(tmp_path / "pics", sizes={("moon", 0): (12, 9), ("zebra", 3): (3, 3)})
    dataset = load_dataset(tmp_path / "pics")
    assert dataset.input_shape == (5, 6, 3)
    assert "2 resized" in dataset.source


def test_grey_images_give_one_channel_and_mixed_give_three(tmp_path):
    for name in ("a", "b"):
        for number in range(3):
            _png(tmp_path / "grey" / name / f"{number}.png", np.full((4, 4), 40 * number + 9, np.uint8))
    dataset = load_dataset(tmp_path / "grey")
    assert dataset.input_shape == (4, 4, 1)
    x, _ = _all_splits(dataset)
    assert sorted(np.unique(np.round(x * 255)).astype(int)) == [9, 49, 89]
    _png(tmp_path / "grey" / "b" / "colour.png", np.full((4, 4, 3), (255, 0, 0), np.uint8))
    assert load_dataset(tmp_path / "grey").input_shape == (4, 4, 3)


def test_train_and_test_subfolders_keep_their_split(tmp_path):
    _colour_folder(tmp_path / "set" / "train")
    _colour_folder(tmp_path / "set" / "test")
    (tmp_path / "set" / "test" / "zebra" / "0.png").unlink()
    dataset = load_dataset(tmp_path / "set")
    assert dataset.class_names == ["apple", "moon", "zebra"]
    assert len(dataset.x_train) + len(dataset.x_val) == 12 and len(dataset.x_test) == 11


def test_folder_with_class_subfolders_but_no_images(tmp_path):
    (tmp_path / "cats").mkdir()
    (tmp_path / "dogs").mkdir()
    (tmp_path / "dogs" / "readme.txt").write_text("no pictures yet")
    with pytest.raises(DataError) as info:
        load_dataset(tmp_path)
    one_line(info, str(tmp_path), "no class subfolders of images")


def test_folder_with_a_single_class(tmp_path):
    _png(tmp_path / "only" / "cats" / "1.png", np.zeros((4, 4), np.uint8))
    with pytest.raises(DataError) as info:
        load_dataset(tmp_path / "only")
    one_line(info, "only one class folder", "at least 2 classes")


@pytest.mark.parametrize("damage", ["junk", "truncated"])
def test_unreadable_image_names_the_file(tmp_path, damage):
    _colour_folder(tmp_path / "pics")
    bad = tmp_path / "pics" / "moon" / "broken.png"
    if damage == "junk":
        bad.write_bytes(b"this is not a png")
    else:
        _png(bad, np.random.default_rng(0).integers(0, 256, (40, 40, 3), dtype=np.uint8))
        bad.write_bytes(bad.read_bytes()[:200])
    with pytest.raises(DataError) as info:
        load_dataset(tmp_path / "pics")
    one_line(info, "broken.png", "not a readable image")


# --- Keras' named datasets ------------------------------------------------------------------


@pytest.fixture
def empty_keras_cache(tmp_path, monkeypatch):
    cache = tmp_path / "keras-home"
    monkeypatch.setattr(keras_datasets, "keras_cache_dirs", lambda: [cache])
    return cache


def _fake(shape, classes, n_train=48, n_test=12, column=False):
    rng = np.random.default_rng(4)
    x_tr = rng.integers(0, 256, size=(n_train, *shape), dtype=np.uint8)
    x_te = rng.integers(0, 256, size=(n_test, *shape), dtype=np.uint8)
    y_tr, y_te = np.arange(n_train) % classes, np.arange(n_test) % classes
    if column:
        y_tr, y_te = y_tr[:, None], y_te[:, None]
    return (x_tr, y_tr.astype(np.uint8)), (x_te, y_te.astype(np.uint8))


def test_names_of_the_keras_datasets():
    assert dataset_names() == ["mnist", "fashion_mnist", "cifar10"]


@pytest.mark.parametrize("name", ["fashion_mnist", "Fashion-MNIST"])
def test_fashion_mnist_comes_through_keras_with_its_class_names(monkeypatch, empty_keras_cache, name):
    keras = pytest.importorskip("keras")
    monkeypatch.delenv("CONVVIZ_OFFLINE")
    arrays = _fake((28, 28), 10)
    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data", lambda: arrays)
    dataset = load_dataset(name)
    assert dataset.input_shape == (28, 28, 1) and dataset.num_classes == 10
    assert dataset.class_names[0] == "T-shirt/top" and dataset.class_names[9] == "Ankle boot"
    assert "Fashion-MNIST" in dataset.source and not dataset.is_fallback
    np.testing.assert_array_equal(dataset.labels_test, arrays[1][1])
    assert len(dataset.x_train) + len(dataset.x_val) == 48


def test_cifar10_comes_through_keras_as_colour_images(monkeypatch, empty_keras_cache):
    keras = pytest.importorskip("keras")
    monkeypatch.delenv("CONVVIZ_OFFLINE")
    arrays = _fake((32, 32, 3), 10, column=True)  # CIFAR-10 labels are (N, 1)
    monkeypatch.setattr(keras.datasets.cifar10, "load_data", lambda: arrays)
    dataset = load_dataset("cifar10", limit=20)
    assert dataset.input_shape == (32, 32, 3) and dataset.class_names[0] == "airplane"
    np.testing.assert_array_equal(dataset.x_test, arrays[1][0][:20] / np.float32(255))
    np.testing.assert_array_equal(dataset.labels_test, arrays[1][1][:20, 0])
    assert dataset.class_names == load_dataset("cifar10").class_names  # the limit keeps them


def _refuse_download():
    raise AssertionError("must not download")


@pytest.mark.parametrize("name, title", [("fashion_mnist", "Fashion-MNIST"), ("cifar10", "CIFAR-10")])
def test_offline_and_not_cached_is_a_one_line_error(monkeypatch, empty_keras_cache, name, title):
    monkeypatch.setattr(keras_datasets, "download", lambda spec: _refuse_download())
    with pytest.raises(DataError) as info:
        load_dataset(name)
    one_line(info, f"{title} is not cached and cannot be downloaded (offline): ", "CONVVIZ_OFFLINE")


def test_offline_uses_a_cached_copy(monkeypatch, empty_keras_cache):
    keras = pytest.importorskip("keras")
    for name in keras_datasets.NAMED_DATASETS["fashion_mnist"].cache_files:
        (empty_keras_cache / name).parent.mkdir(parents=True, exist_ok=True)
        (empty_keras_cache / name).write_bytes(b"cached")
    arrays = _fake((28, 28), 10)
    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data", lambda: arrays)
    assert load_dataset("fashion_mnist").num_classes == 10


def test_failed_download_is_a_one_line_error(monkeypatch, empty_keras_cache):
    keras = pytest.importorskip("keras")
    monkeypatch.delenv("CONVVIZ_OFFLINE")

    def no_network():
        raise Exception("URL fetch failure on https://example: None -- [Errno -3] no name")

    monkeypatch.setattr(keras.datasets.cifar10, "load_data", no_network)
    with pytest.raises(DataError) as info:
        load_dataset("cifar10")
    one_line(info, "CIFAR-10 is not cached and cannot be downloaded (URL fetch failure")
