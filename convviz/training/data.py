"""Datasets for the training lab: MNIST (downloaded, or the bundled sample offline) or a user's files.

``load_dataset("mnist")`` tries ``keras.datasets.mnist.load_data()`` (cached by Keras in
``~/.keras/datasets``) and falls back to the 10,000 real MNIST digits shipped in ``assets/``
when that fails; ``CONVVIZ_OFFLINE=1`` skips the download attempt entirely.
``load_dataset(path)`` reads an ``.npz`` file or a folder of MNIST IDX files.

Every problem with a user's file is a :class:`DataError` whose message is one line naming the
file and what is wrong with it. TensorFlow is imported only when a download is attempted.
"""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from convviz.assets import bundled_digits
from convviz.training.errors import DataError
from convviz.training.idx import read_idx_folder

__all__ = ["DataError", "Dataset", "load_dataset", "prepare_arrays", "IMAGE_SHAPE", "NUM_CLASSES"]

IMAGE_SHAPE = (28, 28, 1)
NUM_CLASSES = 10
DOWNLOAD_TIMEOUT_SECONDS = 20.0
_socket_timeout_lock = threading.Lock()


@dataclass(frozen=True)
class Dataset:
    """Preprocessed splits: images float32 (N, 28, 28, 1) in [0, 1], one-hot and int labels.

    ``source`` says in words where the data came from; ``is_fallback`` is True when the full
    MNIST could not be had and the bundled sample is used instead.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    labels_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    labels_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    labels_test: np.ndarray
    source: str
    is_fallback: bool = False

    @property
    def shapes(self) -> dict[str, tuple]:
        """The shape of every array, as DataReady reports them."""
        return {
            name: tuple(getattr(self, name).shape)
            for name in ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test")
        }


def offline() -> bool:
    """True when ``CONVVIZ_OFFLINE`` asks convviz never to download anything."""
    return os.environ.get("CONVVIZ_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def load_dataset(data: str | os.PathLike = "mnist", limit: int | None = None) -> Dataset:
    """Load ``"mnist"`` or the ``.npz`` file / IDX folder at ``data`` and preprocess it.

    ``limit`` keeps at most that many samples of each split (train, validation, test), for
    quick runs. Raises :class:`DataError` with a one-line message for any bad input.
    """
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, (int, np.integer))
                              or limit < 1):
        raise DataError(f"limit must be a whole number of at least 1, not {limit!r}")
    if str(data).strip().lower() == "mnist":
        dataset = _load_mnist()
    else:
        dataset = _load_path(Path(data).expanduser())
    return _limited(dataset, limit) if limit is not None else dataset


def _load_mnist() -> Dataset:
    """Full MNIST through Keras if possible, else the bundled sample (saying why)."""
    if offline():
        return _bundled("offline: CONVVIZ_OFFLINE=1")
    try:
        (x_train, y_train), (x_test, y_test) = _download_mnist()
    except Exception as exc:  # no network, proxy, corrupt cache: all mean "use the sample"
        reason = str(exc).splitlines()[0][:80] if str(exc) else type(exc).__name__
        return _bundled(f"MNIST download failed: {reason}")
    source = f"MNIST ({len(x_train):,} training + {len(x_test):,} test digits, via Keras)"
    return _split_train_test(x_train, y_train, x_test, y_test, "MNIST", source)


def _download_mnist():
    """``keras.datasets.mnist.load_data()`` with a socket timeout so a dead network cannot hang it."""
    import keras

    with _socket_timeout_lock:
        previous = socket.getdefaulttimeout()
        socket.setdefaulttimeout(DOWNLOAD_TIMEOUT_SECONDS)
        try:
            return keras.datasets.mnist.load_data()
        finally:
            socket.setdefaulttimeout(previous)


def _bundled(reason: str) -> Dataset:
    """The 10,000 shipped MNIST training digits: 8,000 train, 1,000 validation, 1,000 test."""
    x, y = bundled_digits()
    source = f"bundled MNIST sample ({len(x):,} digits; {reason})"
    dataset = _split_single(np.asarray(x), np.asarray(y), "bundled sample", source)
    return _with_source(dataset, source, is_fallback=True)


def _load_path(path: Path) -> Dataset:
    """A user's ``.npz`` file or folder of IDX files."""
    if not path.exists():
        raise DataError(f"{path}: no such file or folder")
    if path.is_dir():
        pairs = read_idx_folder(path)
        if "test" in pairs and "train" in pairs:
            (x_tr, y_tr, tr_name), (x_te, y_te, te_name) = pairs["train"], pairs["test"]
            source = f"IDX files in {path} ({len(x_tr):,} training + {len(x_te):,} test digits)"
            return _split_train_test(x_tr, y_tr, x_te, y_te, tr_name, source, test_name=te_name)
        (x, y, name), = pairs.values()
        source = f"IDX files in {path} ({len(x):,} digits)"
        return _split_single(x, y, name, source)
    if path.suffix.lower() != ".npz":
        raise DataError(f"{path.name}: unsupported data file; use an .npz file or a folder of MNIST IDX files")
    arrays = _read_npz(path)
    if {"x_train", "y_train", "x_test", "y_test"} <= arrays.keys():
        source = (f"{path.name} ({len(arrays['x_train']):,} training + "
                  f"{len(arrays['x_test']):,} test digits)")
        return _split_train_test(arrays["x_train"], arrays["y_train"], arrays["x_test"],
                                 arrays["y_test"], path.name, source)
    if {"x", "y"} <= arrays.keys():
        return _split_single(arrays["x"], arrays["y"], path.name,
                             f"{path.name} ({len(arrays['x']):,} digits)")
    found = ", ".join(sorted(arrays)) or "no arrays"
    raise DataError(f"{path.name}: has {found}; expected arrays x and y, "
                    "or x_train, y_train, x_test and y_test")


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    """Every array of an .npz file, read fully now so truncation shows up here."""
    if path.stat().st_size == 0:
        raise DataError(f"{path.name}: the file is empty")
    try:
        archive = np.load(path, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise DataError(f"{path.name}: holds a single array, not an .npz archive of x and y")
        with archive:
            return {name: np.asarray(archive[name]) for name in archive.files}
    except DataError:
        raise
    except PermissionError:
        raise DataError(f"{path.name}: permission denied") from None
    except Exception as exc:  # BadZipFile, CRC errors, EOFError, pickled objects, ...
        detail = str(exc).splitlines()[0][:100] if str(exc) else type(exc).__name__
        raise DataError(f"{path.name}: not a readable .npz file ({detail})") from None


def prepare_arrays(x: np.ndarray, y: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Validate raw images and labels and return ``(float32 (N,28,28,1) in [0,1], int64 labels)``.

    Integer images are divided by 255 as the tutorial does; float images whose values are all
    within [0, 1] are taken as already scaled, other floats must lie in [0, 255].
    """
    x, y = np.asarray(x), np.asarray(y)
    if x.dtype == bool or not np.issubdtype(x.dtype, np.number) or np.iscomplexobj(x):
        raise DataError(f"{name}: images must be numbers, not {x.dtype}")
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim != 3 or x.shape[1:] != IMAGE_SHAPE[:2]:
        raise DataError(f"{name}: images have shape {x.shape}; expected (N, 28, 28) or (N, 28, 28, 1)")
    if len(x) == 0:
        raise DataError(f"{name}: there are no images")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise DataError(f"{name}: labels have shape {y.shape}; expected one label per image, (N,)")
    if len(y) != len(x):
        raise DataError(f"{name}: {len(x):,} images but {len(y):,} labels")
    labels = _integer_labels(y, name)
    images = x.astype(np.float32)
    if not np.all(np.isfinite(images)):
        raise DataError(f"{name}: images contain NaN or infinite values")
    low, high = float(images.min()), float(images.max())
    if low < 0 or high > 255:
        raise DataError(f"{name}: pixel values run from {low:g} to {high:g}; expected 0 to 255")
    if np.issubdtype(x.dtype, np.integer) or high > 1.0:
        images /= 255.0
    return images[..., np.newaxis], labels


def _integer_labels(y: np.ndarray, name: str) -> np.ndarray:
    """Labels as int64 0-9, or DataError."""
    if y.dtype == bool or not np.issubdtype(y.dtype, np.number) or np.iscomplexobj(y):
        raise DataError(f"{name}: labels must be whole numbers 0-9, not {y.dtype}")
    if np.issubdtype(y.dtype, np.floating) and not np.all(np.isfinite(y) & (y == np.round(y))):
        raise DataError(f"{name}: labels must be whole numbers 0-9")
    if y.min() < 0 or y.max() >= NUM_CLASSES:
        raise DataError(f"{name}: labels run from {y.min():g} to {y.max():g}; expected 0-9")
    return y.astype(np.int64)


def _one_hot(labels: np.ndarray) -> np.ndarray:
    return np.eye(NUM_CLASSES, dtype=np.float32)[labels]


def _dataset(train, val, test, source: str) -> Dataset:
    """Build a Dataset from three ``(images, labels)`` pairs."""
    (x_tr, l_tr), (x_va, l_va), (x_te, l_te) = train, val, test
    return Dataset(x_tr, _one_hot(l_tr), l_tr, x_va, _one_hot(l_va), l_va,
                   x_te, _one_hot(l_te), l_te, source)


def _split_single(x, y, name: str, source: str) -> Dataset:
    """One set of digits: the last 20% is held out, half for validation, half for test."""
    images, labels = prepare_arrays(x, y, name)
    n = len(images)
    if n < 3:
        raise DataError(f"{name}: only {n} digit(s); need at least 3 to train, validate and test")
    held = max(2, n // 5)
    val_end = n - held // 2
    start = n - held
    return _dataset((images[:start], labels[:start]), (images[start:val_end], labels[start:val_end]),
                    (images[val_end:], labels[val_end:]), source)


def _split_train_test(x_tr, y_tr, x_te, y_te, name: str, source: str, test_name: str | None = None) -> Dataset:
    """Separate training and test sets: the last 1/12 of training (5,000 of MNIST's 60,000) validates."""
    images, labels = prepare_arrays(x_tr, y_tr, f"{name} (training)")
    test = prepare_arrays(x_te, y_te, test_name or f"{name} (test)")
    n = len(images)
    if n < 2:
        raise DataError(f"{name}: only {n} training digit; need at least 2 to train and validate")
    start = n - max(1, n // 12)
    return _dataset((images[:start], labels[:start]), (images[start:], labels[start:]), test, source)


def _limited(dataset: Dataset, limit: int) -> Dataset:
    """At most ``limit`` samples per split (the first ones, so runs stay reproducible)."""
    fields = {name: getattr(dataset, name)[:limit]
              for name in ("x_train", "y_train", "labels_train", "x_val", "y_val", "labels_val",
                           "x_test", "y_test", "labels_test")}
    note = f"; first {limit:,} of each split" if len(dataset.x_train) > limit else ""
    return Dataset(**fields, source=dataset.source + note, is_fallback=dataset.is_fallback)


def _with_source(dataset: Dataset, source: str, is_fallback: bool) -> Dataset:
    fields = {name: getattr(dataset, name) for name in dataset.__dataclass_fields__}
    fields.update(source=source, is_fallback=is_fallback)
    return Dataset(**fields)
