"""Datasets for the training lab: MNIST, Fashion-MNIST, CIFAR-10 or a user's own files.

``load_dataset("mnist")`` tries ``keras.datasets.mnist.load_data()`` (cached by Keras in
``~/.keras/datasets``) and falls back to the 10,000 real MNIST digits shipped in ``assets/``
when that fails; ``CONVVIZ_OFFLINE=1`` skips the download attempt entirely.
``load_dataset("fashion_mnist")`` and ``load_dataset("cifar10")`` use Keras too; they have no
bundled fallback, so offline they work only from Keras' cache (else a one-line DataError).
``load_dataset(path)`` reads an ``.npz`` file, a folder of IDX files, or a folder of class
subfolders of images (see :mod:`convviz.training.image_folder`).

Images may have any size and 1 to 4 channels; labels are whole numbers 0..K-1, and the number
of classes K is one more than the largest label (or the length of an .npz's ``class_names``
array), at least 2. Every problem with a user's file is a :class:`DataError` whose message is
one line naming the file and what is wrong with it. TensorFlow is imported only when a download
is attempted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from convviz.assets import bundled_digits
from convviz.core.errors import first_line
from convviz.training import keras_datasets
from convviz.training.errors import DataError
from convviz.training.idx import has_idx_files, read_idx_folder
from convviz.training.image_folder import class_folders, read_image_folder
from convviz.training.keras_datasets import NAMED_DATASETS, NamedDataset, named_dataset

__all__ = ["DataError", "Dataset", "load_dataset", "prepare_arrays", "dataset_names",
           "IMAGE_SHAPE", "NUM_CLASSES", "MAX_CLASSES"]

IMAGE_SHAPE = (28, 28, 1)  # MNIST's
NUM_CLASSES = 10  # MNIST's
MAX_CLASSES = 1000
DOWNLOAD_TIMEOUT_SECONDS = keras_datasets.DOWNLOAD_TIMEOUT_SECONDS
_MNIST = NAMED_DATASETS["mnist"]


@dataclass(frozen=True)
class Dataset:
    """Preprocessed splits: images float32 (N, H, W, C) in [0, 1], one-hot and int labels.

    ``source`` says in words where the data came from; ``is_fallback`` is True when the full
    MNIST could not be had and the bundled sample is used instead. ``class_names`` has one name
    per class (``"0"``, ``"1"``, ... when the data names none).
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
    class_names: list[str] = field(default_factory=list)

    def __post_init__(self):
        if not self.class_names:
            object.__setattr__(self, "class_names", [str(index) for index in range(self.num_classes)])

    @property
    def input_shape(self) -> tuple[int, ...]:
        """The shape of one image, (H, W, C)."""
        return tuple(self.x_train.shape[1:])

    @property
    def num_classes(self) -> int:
        """The number of classes K (the length of a one-hot label)."""
        return int(self.y_train.shape[1])

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
        dataset = _load_path(Path(data).expanduser())
    return _limited(dataset, limit) if limit is not None else dataset


def _load_mnist() -> Dataset:
    """Full MNIST through Keras if possible, else the bundled sample (saying why)."""
    if offline():
        return _bundled("offline: CONVVIZ_OFFLINE=1")
    try:
        (x_train, y_train), (x_test, y_test) = _download_mnist()
    except Exception as exc:  # no network, proxy, corrupt cache: all mean "use the sample"
        return _bundled(f"MNIST download failed: {first_line(exc, 80)}")
    source = f"MNIST ({len(x_train):,} training + {len(x_test):,} test digits, via Keras)"
    return _split_train_test(x_train, y_train, x_test, y_test, "MNIST", source,
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
    return _split_train_test(x_train, y_train, x_test, y_test, spec.title, source,
                             class_names=list(spec.class_names))


def _bundled(reason: str) -> Dataset:
    """The 10,000 shipped MNIST training digits: 8,000 train, 1,000 validation, 1,000 test."""
    x, y = bundled_digits()
    source = f"bundled MNIST sample ({len(x):,} digits; {reason})"
    dataset = _split_single(np.asarray(x), np.asarray(y), "bundled sample", source,
                            class_names=list(_MNIST.class_names))
    return _with_source(dataset, source, is_fallback=True)


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
            return _split_train_test(x_tr, y_tr, x_te, y_te, tr_name, source, test_name=te_name)
        (x, y, name), = pairs.values()
        source = f"IDX files in {path} ({len(x):,} images)"
        return _split_single(x, y, name, source)
    if path.suffix.lower() != ".npz":
        raise DataError(f"{path.name}: unsupported data file; use an .npz file, a folder of "
                        "MNIST IDX files or a folder of class subfolders of images")
    arrays = _read_npz(path)
    names = _npz_class_names(arrays, path.name)
    if {"x_train", "y_train", "x_test", "y_test"} <= arrays.keys():
        source = (f"{path.name} ({len(arrays['x_train']):,} training + "
                  f"{len(arrays['x_test']):,} test images)")
        return _split_train_test(arrays["x_train"], arrays["y_train"], arrays["x_test"],
                                 arrays["y_test"], path.name, source, class_names=names)
    if {"x", "y"} <= arrays.keys():
        return _split_single(arrays["x"], arrays["y"], path.name,
                             f"{path.name} ({len(arrays['x']):,} images)", class_names=names)
    found = ", ".join(sorted(arrays)) or "no arrays"
    raise DataError(f"{path.name}: has {found}; expected arrays x and y, "
                    "or x_train, y_train, x_test and y_test")


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


def _npz_class_names(arrays: dict[str, np.ndarray], name: str) -> list[str] | None:
    """The optional ``class_names`` array of an .npz (strings, one per class)."""
    if "class_names" not in arrays:
        return None
    names = arrays["class_names"]
    if names.ndim != 1 or names.dtype.kind not in "US" or len(names) < 2:
        raise DataError(f"{name}: class_names must be a list of at least 2 strings")
    return [str(value.decode() if isinstance(value, bytes) else value) for value in names]


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
        return _split_train_test(*_shuffled(train.x, train.y), test.x, test.y, f"{path.name}/train",
                                 source, test_name=f"{path.name}/test", class_names=train.class_names)
    folder = read_image_folder(path)
    height, width, channels = folder.x.shape[1:]
    resized = f"; {folder.resized:,} resized" if folder.resized else ""
    source = (f"images in {path} ({len(folder.x):,} images, {len(folder.class_names)} classes, "
              f"{height}x{width}x{channels}{resized})")
    return _split_single(*_shuffled(folder.x, folder.y), path.name, source,
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
        raise DataError(f"{path.name}: {_npz_problem(path, exc)}") from None


def _npz_problem(path: Path, exc: Exception) -> str:
    """What is wrong with an .npz numpy could not read, in a student's words (numpy's speak of pickles)."""
    import zipfile

    with open(path, "rb") as handle:
        magic = handle.read(6)
    if magic[:2] != b"PK" and magic != b"\x93NUMPY":
        return "not a readable .npz file: it is not the zip archive of numpy arrays numpy.savez writes"
    if "allow_pickle" in str(exc) or "pickled" in str(exc):
        return ("not a readable .npz file: it holds Python objects, not plain numbers (convviz never "
                "unpickles data); save numeric arrays, e.g. np.savez(file, x=images, y=labels)")
    if isinstance(exc, (zipfile.BadZipFile, EOFError)) or "zip" in str(exc).lower() or "CRC" in str(exc):
        return "not a readable .npz file: it is damaged or cut short (its zip archive cannot be read)"
    detail = first_line(exc, 100)
    return f"not a readable .npz file ({detail})"


def prepare_arrays(x: np.ndarray, y: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Validate raw images and labels and return ``(float32 (N,H,W,C) in [0,1], int64 labels)``.

    Images are (N, H, W) or (N, H, W, C) with C from 1 to 4; labels are whole numbers from 0.
    Integer images are divided by 255 as the tutorial does; float images whose values are all
    within [0, 1] are taken as already scaled, other floats must lie in [0, 255].
    """
    x, y = np.asarray(x), np.asarray(y)
    if x.dtype == bool or not np.issubdtype(x.dtype, np.number) or np.iscomplexobj(x):
        kind = {"U": "text", "S": "bytes", "O": "Python objects", "b": "true/false values", "c": "complex numbers",
                "M": "dates", "m": "time spans"}.get(x.dtype.kind, "records")
        raise DataError(f"{name}: images must be numbers (pixel values), not {kind} (numpy dtype {x.dtype})")
    if x.ndim == 3:
        x = x[..., np.newaxis]
    if x.ndim != 4 or not 1 <= x.shape[-1] <= 4 or 0 in x.shape[1:]:
        raise DataError(f"{name}: images have shape {x.shape}; expected (N, H, W) or "
                        "(N, H, W, C) with 1 to 4 channels")
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
    return images, labels


def _integer_labels(y: np.ndarray, name: str) -> np.ndarray:
    """Labels as int64 0, 1, 2, ... (at most MAX_CLASSES classes), or DataError."""
    if y.dtype == bool or not np.issubdtype(y.dtype, np.number) or np.iscomplexobj(y):
        raise DataError(f"{name}: labels must be whole numbers 0, 1, 2, ..., not {y.dtype}")
    if np.issubdtype(y.dtype, np.floating) and not np.all(np.isfinite(y) & (y == np.round(y))):
        raise DataError(f"{name}: labels must be whole numbers 0, 1, 2, ...")
    if y.min() < 0:
        raise DataError(f"{name}: labels run from {y.min():g} to {y.max():g}; "
                        "expected class numbers from 0")
    if y.max() >= MAX_CLASSES:
        raise DataError(f"{name}: labels run up to {y.max():g}; convviz handles at most "
                        f"{MAX_CLASSES:,} classes (0-{MAX_CLASSES - 1})")
    return y.astype(np.int64)


def _class_count(label_sets: list[np.ndarray], name: str, class_names: list[str] | None) -> int:
    """K: one more than the largest label, or the number of class names; at least 2."""
    top = max(int(labels.max()) for labels in label_sets)
    if class_names is not None:
        if top >= len(class_names):
            raise DataError(f"{name}: labels run up to {top} but only {len(class_names)} "
                            "class names are given")
        return len(class_names)
    if top < 1:
        raise DataError(f"{name}: every label is 0; need at least 2 classes to train a classifier")
    return top + 1


def _one_hot(labels: np.ndarray, num_classes: int = NUM_CLASSES) -> np.ndarray:
    return np.eye(num_classes, dtype=np.float32)[labels]


def _dataset(train, val, test, source: str, num_classes: int = NUM_CLASSES,
             class_names: list[str] | None = None) -> Dataset:
    """Build a Dataset from three ``(images, labels)`` pairs."""
    (x_tr, l_tr), (x_va, l_va), (x_te, l_te) = train, val, test
    k = num_classes
    return Dataset(x_tr, _one_hot(l_tr, k), l_tr, x_va, _one_hot(l_va, k), l_va,
                   x_te, _one_hot(l_te, k), l_te, source, class_names=list(class_names or []))


def _split_single(x, y, name: str, source: str, class_names: list[str] | None = None) -> Dataset:
    """One set of images: the last 20% is held out, half for validation, half for test."""
    images, labels = prepare_arrays(x, y, name)
    num_classes = _class_count([labels], name, class_names)
    n = len(images)
    if n < 3:
        raise DataError(f"{name}: only {n} image(s); need at least 3 to train, validate and test")
    held = max(2, n // 5)
    val_end = n - held // 2
    start = n - held
    return _dataset((images[:start], labels[:start]), (images[start:val_end], labels[start:val_end]),
                    (images[val_end:], labels[val_end:]), source, num_classes, class_names)


def _split_train_test(x_tr, y_tr, x_te, y_te, name: str, source: str, test_name: str | None = None,
                      class_names: list[str] | None = None) -> Dataset:
    """Separate training and test sets: the last 1/12 of training (5,000 of MNIST's 60,000) validates."""
    images, labels = prepare_arrays(x_tr, y_tr, f"{name} (training)")
    test_name = test_name or f"{name} (test)"
    test = prepare_arrays(x_te, y_te, test_name)
    if test[0].shape[1:] != images.shape[1:]:
        raise DataError(f"{test_name}: test images are {test[0].shape[1:]} but training images "
                        f"are {images.shape[1:]}")
    num_classes = _class_count([labels, test[1]], name, class_names)
    n = len(images)
    if n < 2:
        raise DataError(f"{name}: only {n} training image; need at least 2 to train and validate")
    start = n - max(1, n // 12)
    return _dataset((images[:start], labels[:start]), (images[start:], labels[start:]), test,
                    source, num_classes, class_names)


def _limited(dataset: Dataset, limit: int) -> Dataset:
    """At most ``limit`` samples per split (the first ones, so runs stay reproducible)."""
    fields = {name: getattr(dataset, name)[:limit]
              for name in ("x_train", "y_train", "labels_train", "x_val", "y_val", "labels_val",
                           "x_test", "y_test", "labels_test")}
    note = f"; first {limit:,} of each split" if len(dataset.x_train) > limit else ""
    return Dataset(**fields, source=dataset.source + note, is_fallback=dataset.is_fallback,
                   class_names=list(dataset.class_names))


def _with_source(dataset: Dataset, source: str, is_fallback: bool) -> Dataset:
    fields = {name: getattr(dataset, name) for name in dataset.__dataclass_fields__}
    fields.update(source=source, is_fallback=is_fallback)
    return Dataset(**fields)
