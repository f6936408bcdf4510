"""The :class:`Dataset` the training lab works on, and how raw arrays become one (numpy only).

Images may have any size and 1 to 4 channels; labels are whole numbers 0..K-1, and the number
of classes K is one more than the largest label (or the length of the given class names), at
least 2. :func:`split_single` holds out part of one set of images; :func:`split_train_test`
keeps a separate test set. Classes without a single image become a warning on the Dataset,
not an error: the model still gets an output for them, it just can never learn them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from convviz.core.gate import safe_line, safe_name
from convviz.training.errors import DataError

__all__ = ["Dataset", "prepare_arrays", "split_single", "split_train_test", "limited", "empty_class_warnings",
           "with_source", "IMAGE_SHAPE", "NUM_CLASSES", "MAX_CLASSES"]

IMAGE_SHAPE = (28, 28, 1)  # MNIST's
NUM_CLASSES = 10  # MNIST's
MAX_CLASSES = 1000
_SPLITS = ("x_train", "y_train", "labels_train", "x_val", "y_val", "labels_val",
           "x_test", "y_test", "labels_test")


@dataclass(frozen=True)
class Dataset:
    """Preprocessed splits: images float32 (N, H, W, C) in [0, 1], one-hot and int labels.

    ``source`` says in words where the data came from (escaped, as are ``class_names``); ``is_fallback`` is True when the full
    MNIST could not be had and the bundled sample is used instead. ``class_names`` has one name
    per class (``"0"``, ``"1"``, ... when the data names none). ``warnings`` are one-line notes
    about data that trains but probably not as meant (classes without images).
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
    warnings: tuple[str, ...] = ()

    def __post_init__(self):
        if not self.class_names:
            object.__setattr__(self, "class_names", [str(index) for index in range(self.num_classes)])
        # source and names (paths, folder and array names from others' files) reach terminals
        # and the window: escaped once here, so every reader shows the same safe text
        object.__setattr__(self, "class_names", [safe_name(str(name)) for name in self.class_names])
        object.__setattr__(self, "source", safe_line(str(self.source)))
        object.__setattr__(self, "warnings", tuple(safe_line(str(text)) for text in self.warnings))

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
    if top == min(int(labels.min()) for labels in label_sets):  # trains a model that always says one class
        count = sum(len(labels) for labels in label_sets)
        raise DataError(f"{name}: all {count:,} labels are class {top}: a classifier needs at least "
                        "2 classes")
    if class_names is not None:
        if top >= len(class_names):
            raise DataError(f"{name}: labels run up to {top} but only {len(class_names)} "
                            "class names are given")
        return len(class_names)
    return top + 1


def _ranges(numbers: list[int]) -> str:
    """``[0, 1, 2, 3, 7, 9, 10]`` -> ``"0-3, 7, 9-10"``."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def empty_class_warnings(name: str, label_sets: list[np.ndarray], num_classes: int) -> tuple[str, ...]:
    """One warning naming the classes (label numbers) that have no image in ``label_sets``."""
    present = np.unique(np.concatenate([np.asarray(labels, dtype=np.int64) for labels in label_sets]))
    empty = sorted(set(range(num_classes)) - {int(label) for label in present})
    if not empty:
        return ()
    noun = "1 class has" if len(empty) == 1 else f"{len(empty)} of {num_classes} classes have"
    return (f"{name}: {noun} no images: {_ranges(empty)} (labels run from {int(present.min())} "
            f"to {int(present.max())}); the model gets an output it can never learn for each",)


def _one_hot(labels: np.ndarray, num_classes: int = NUM_CLASSES) -> np.ndarray:
    return np.eye(num_classes, dtype=np.float32)[labels]


def _dataset(train, val, test, name: str, source: str, num_classes: int = NUM_CLASSES,
             class_names: list[str] | None = None) -> Dataset:
    """Build a Dataset from three ``(images, labels)`` pairs, warning about empty classes."""
    (x_tr, l_tr), (x_va, l_va), (x_te, l_te) = train, val, test
    k = num_classes
    return Dataset(x_tr, _one_hot(l_tr, k), l_tr, x_va, _one_hot(l_va, k), l_va,
                   x_te, _one_hot(l_te, k), l_te, source, class_names=list(class_names or []),
                   warnings=empty_class_warnings(name, [l_tr, l_va, l_te], k))


def split_single(x, y, name: str, source: str, class_names: list[str] | None = None) -> Dataset:
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
                    (images[val_end:], labels[val_end:]), name, source, num_classes, class_names)


def split_train_test(x_tr, y_tr, x_te, y_te, name: str, source: str, test_name: str | None = None,
                     class_names: list[str] | None = None, validation: int | None = None) -> Dataset:
    """Separate training and test sets; the last ``validation`` training images validate.

    By default that is the last 1/12 of training (5,000 of MNIST's 60,000).
    """
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
    held = max(1, n // 12) if validation is None else min(max(1, validation), n - 1)
    start = n - held
    return _dataset((images[:start], labels[:start]), (images[start:], labels[start:]), test,
                    name, source, num_classes, class_names)


def limited(dataset: Dataset, limit: int) -> Dataset:
    """At most ``limit`` samples per split (the first ones, so runs stay reproducible)."""
    fields = {name: getattr(dataset, name)[:limit] for name in _SPLITS}
    note = f"; first {limit:,} of each split" if len(dataset.x_train) > limit else ""
    return Dataset(**fields, source=dataset.source + note, is_fallback=dataset.is_fallback,
                   class_names=list(dataset.class_names), warnings=dataset.warnings)


def with_source(dataset: Dataset, source: str, is_fallback: bool) -> Dataset:
    """``dataset`` with another source text and fallback flag."""
    fields = {name: getattr(dataset, name) for name in dataset.__dataclass_fields__}
    fields.update(source=source, is_fallback=is_fallback)
    return Dataset(**fields)
