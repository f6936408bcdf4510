"""Datasets for the training lab: MNIST, Fashion-MNIST, CIFAR-10 or a user's own files.

``load_dataset("mnist")`` tries ``keras.datasets.mnist.load_data()`` (cached by Keras in
``~/.keras/datasets``) and falls back to the MNIST shipped in ``assets/`` when that fails
(10,000 training digits, 1,000 of them for validation, and the official 10,000-digit test
set); ``CONVVIZ_OFFLINE=1`` skips the download attempt entirely.
``load_dataset("fashion_mnist")`` and ``load_dataset("cifar10")`` use Keras too; they have no
bundled fallback, so offline they work only from Keras' cache (else a one-line DataError).
``load_dataset(path)`` reads an ``.npz`` file, a folder of IDX files, or a folder of class
subfolders of images (see :mod:`convviz.training.image_folder`).

Images may have any size and 1 to 4 channels; labels are whole numbers 0..K-1, and the number
of classes K is one more than the largest label (or the length of an .npz's ``class_names``
array), at least 2 (see :mod:`convviz.training.dataset`; .npz files: :mod:`convviz.training.npz_file`). Every problem with a user's file is a :class:`DataError` whose message is
one line naming the file and what is wrong with it. TensorFlow is imported only when a download
is attempted.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from convviz.assets import bundled_digits, bundled_test_digits
from convviz.core.errors import first_line
from convviz.core.gate import GateError, check_path
from convviz.training import keras_datasets
from convviz.training.dataset import (
    IMAGE_SHAPE, MAX_CLASSES, NUM_CLASSES, Dataset, limited, prepare_arrays, split_single,
    split_train_test, with_source,
)
from convviz.training.errors import DataError
from convviz.training.idx import has_idx_files, read_idx_folder
from convviz.training.image_folder import class_folders, read_image_folder
from convviz.training.keras_datasets import NAMED_DATASETS, NamedDataset, named_dataset
from convviz.training.npz_file import load_npz

__all__ = ["DataError", "Dataset", "load_dataset", "prepare_arrays", "dataset_names",
           "IMAGE_SHAPE", "NUM_CLASSES", "MAX_CLASSES"]

DOWNLOAD_TIMEOUT_SECONDS = keras_datasets.DOWNLOAD_TIMEOUT_SECONDS
_MNIST = NAMED_DATASETS["mnist"]


def offline() -> bool:
    """True when ``CONVVIZ_OFFLINE`` asks convviz never to download anything."""
    return os.environ.get("CONVVIZ_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def dataset_names() -> list[str]:
    """The names :func:`load_dataset` accepts besides a path: ``["mnist", "fashion_mnist", "cifar10"]``."""
    return list(NAMED_DATASETS)


def load_dataset(data: str | os.PathLike = "mnist", limit: int | None = None) -> Dataset:
    """Load ``"mnist"``, ``"fashion_mnist"``, ``"cifar10"`` or the file/folder at ``data``.

    ``limit`` keeps at most that many samples of each split (train, validation, test), for
    quick runs. Raises :class:`DataError` with a one-line message for any bad input.
    """
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, (int, np.integer))
                              or limit < 1):
        raise DataError(f"limit must be a whole number of at least 1, not {limit!r}")
    named = named_dataset(data) if isinstance(data, str) else None
    if named is _MNIST:
        dataset = _load_mnist()
    elif named is not None:
        dataset = _load_named(named)
    else:
        try:  # a name over 255 bytes makes os.stat raise instead of answering
            path = check_path(Path(data).expanduser())
        except GateError as exc:
            raise DataError(str(exc)) from None
        dataset = _load_path(path)
    return limited(dataset, limit) if limit is not None else dataset


def _load_mnist() -> Dataset:
    """Full MNIST through Keras if possible, else the bundled sample (saying why)."""
    if offline():
        return _bundled("offline: CONVVIZ_OFFLINE=1")
    try:
        (x_train, y_train), (x_test, y_test) = _download_mnist()
    except Exception as exc:  # no network, proxy, corrupt cache: all mean "use the sample"
        return _bundled(f"MNIST download failed: {first_line(exc, 80)}")
    source = f"MNIST ({len(x_train):,} training + {len(x_test):,} test digits, via Keras)"
    return split_train_test(x_train, y_train, x_test, y_test, "MNIST", source,
                            class_names=list(_MNIST.class_names))


def _download_mnist():
    """``keras.datasets.mnist.load_data()`` with a socket timeout so a dead network cannot hang it."""
    return keras_datasets.download(_MNIST)


def _load_named(spec: NamedDataset) -> Dataset:
    """Fashion-MNIST or CIFAR-10 through Keras (from its cache when offline); no fallback."""
    cache = keras_datasets.keras_cache_dirs()[0] / "datasets"
    if offline() and not keras_datasets.is_cached(spec):
        raise DataError(f"{spec.title} is not cached and cannot be downloaded (offline): unset "
                        f"CONVVIZ_OFFLINE to download it once into {cache}, or use mnist or a file")
    try:
        (x_train, y_train), (x_test, y_test) = keras_datasets.download(spec)
    except Exception as exc:  # no network, proxy, corrupt cache
        if offline():
            raise DataError(f"{spec.title}: the cached copy in {cache} cannot be read "
                            f"({first_line(exc, 80)})") from None
        raise DataError(f"{spec.title} is not cached and cannot be downloaded ({first_line(exc, 80)}); "
                        "check the network, or use mnist or a file") from None
    source = (f"{spec.title} ({len(x_train):,} training + {len(x_test):,} test {spec.items}, "
              "via Keras)")
    return split_train_test(x_train, y_train, x_test, y_test, spec.title, source,
                            class_names=list(spec.class_names))


def _bundled(reason: str) -> Dataset:
    """Shipped MNIST: 9,000 + 1,000 of the 10,000 bundled training digits, the official test set."""
    x, y = bundled_digits()
    x_test, y_test = bundled_test_digits()
    validation = len(x) // 10
    source = (f"MNIST offline sample: {len(x) - validation:,} training + {validation:,} validation of "
              f"the bundled {len(x):,} training digits; test: the official {len(x_test):,}-digit "
              f"MNIST test set ({reason})")
    dataset = split_train_test(np.asarray(x), np.asarray(y), np.asarray(x_test), np.asarray(y_test),
                               "bundled MNIST", source, class_names=list(_MNIST.class_names),
                               validation=validation)
    return with_source(dataset, source, is_fallback=True)


def _load_path(path: Path) -> Dataset:
    """A user's ``.npz`` file, folder of IDX files, or folder of class subfolders of images."""
    if not path.exists():
        looks_like_a_name = not path.suffix and len(path.parts) == 1
        hint = f" (the datasets known by name are {', '.join(dataset_names())})" if looks_like_a_name else ""
        raise DataError(f"{path}: no such file or folder{hint}")
    if path.is_dir():
        if not has_idx_files(path):
            if class_folders(path):
                return _load_image_folder(path)
            _explain_folder_without_data(path)
        pairs = read_idx_folder(path)
        if "test" in pairs and "train" in pairs:
            (x_tr, y_tr, tr_name), (x_te, y_te, te_name) = pairs["train"], pairs["test"]
            source = f"IDX files in {path} ({len(x_tr):,} training + {len(x_te):,} test images)"
            return split_train_test(x_tr, y_tr, x_te, y_te, tr_name, source, test_name=te_name)
        (x, y, name), = pairs.values()
        source = f"IDX files in {path} ({len(x):,} images)"
        return split_single(x, y, name, source)
    if path.suffix.lower() != ".npz":
        raise DataError(f"{path.name}: unsupported data file; use an .npz file, a folder of "
                        "MNIST IDX files or a folder of class subfolders of images")
    return load_npz(path)


def _explain_folder_without_data(path: Path) -> None:
    """Raise DataError saying what a folder without IDX files or class images holds instead."""
    try:
        entries = [entry for entry in path.iterdir() if not entry.name.startswith(".")]
    except OSError as exc:
        raise DataError(f"{path}: cannot list the folder ({exc.strerror or exc})") from None
    missing = ("no MNIST IDX files (*-images-idx3-ubyte[.gz], *-labels-idx1-ubyte[.gz]) "
               "and no class subfolders of images")
    subfolders = sorted(entry.name for entry in entries if entry.is_dir())
    if not entries:
        raise DataError(f"{path}: the folder is empty: {missing}")
    if subfolders:
        shown = ", ".join(subfolders[:5]) + (", ..." if len(subfolders) > 5 else "")
        raise DataError(f"{path}: {missing}: its subfolders ({shown}) hold no .png, .jpg or other images")
    raise DataError(f"{path}: {missing}")


def _load_image_folder(path: Path) -> Dataset:
    """Class subfolders of images; ``train``/``test`` subfolders of those keep their split."""
    split_dirs = {sub.lower(): path / sub for sub in class_folders(path)}
    nested = {key: class_folders(folder) for key, folder in split_dirs.items() if key in ("train", "test")}
    if set(split_dirs) == {"train", "test"} and all(nested.values()) and not _direct_images(path):
        train = read_image_folder(split_dirs["train"])
        height, width, channels = train.x.shape[1:]
        test = read_image_folder(split_dirs["test"], train.class_names, (width, height), channels)
        source = (f"images in {path} ({len(train.x):,} training + {len(test.x):,} test images, "
                  f"{len(train.class_names)} classes, {height}x{width}x{channels})")
        return split_train_test(*_shuffled(train.x, train.y), test.x, test.y, f"{path.name}/train",
                                source, test_name=f"{path.name}/test", class_names=train.class_names)
    folder = read_image_folder(path)
    height, width, channels = folder.x.shape[1:]
    resized = f"; {folder.resized:,} resized" if folder.resized else ""
    source = (f"images in {path} ({len(folder.x):,} images, {len(folder.class_names)} classes, "
              f"{height}x{width}x{channels}{resized})")
    return split_single(*_shuffled(folder.x, folder.y), path.name, source,
                        class_names=folder.class_names)


def _direct_images(path: Path) -> bool:
    """True when ``path/train`` or ``path/test`` hold images themselves (then they are classes)."""
    from convviz.training.image_folder import IMAGE_SUFFIXES

    return any(file.suffix.lower() in IMAGE_SUFFIXES
               for sub in ("train", "test") if (path / sub).is_dir()
               for file in (path / sub).iterdir() if file.is_file())


def _shuffled(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A fixed shuffle, so the held-out images come from every class folder, not just the last."""
    order = np.random.default_rng(0).permutation(len(x))
    return x[order], y[order]
