"""The datasets Keras can download by name (MNIST, Fashion-MNIST, CIFAR-10): names, classes, cache.

Keras keeps downloaded files in ``$KERAS_HOME/datasets`` (``~/.keras/datasets`` by default, or
``/tmp/.keras/datasets`` when that is not writable). :func:`is_cached` looks there, so a cached
copy is used even when convviz may not download (``CONVVIZ_OFFLINE=1``). TensorFlow is
imported only by :func:`download`.
"""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

__all__ = ["NamedDataset", "NAMED_DATASETS", "named_dataset", "keras_cache_dirs", "is_cached", "download"]

DOWNLOAD_TIMEOUT_SECONDS = 20.0
_socket_timeout_lock = threading.Lock()

_FASHION_FILES = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
                  "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")


@dataclass(frozen=True)
class NamedDataset:
    """A dataset ``keras.datasets.<key>.load_data()`` provides."""

    key: str  # the keras.datasets module name
    title: str  # how people write its name
    class_names: tuple[str, ...]
    cache_files: tuple[str, ...]  # paths under the Keras cache dir that load_data needs
    items: str  # what one sample is, in words: "digits", "images"


NAMED_DATASETS: dict[str, NamedDataset] = {
    spec.key: spec
    for spec in (
        NamedDataset("mnist", "MNIST", tuple(str(digit) for digit in range(10)),
                     ("datasets/mnist.npz",), "digits"),
        NamedDataset("fashion_mnist", "Fashion-MNIST",
                     ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                      "Sneaker", "Bag", "Ankle boot"),
                     tuple(f"datasets/fashion-mnist/{name}" for name in _FASHION_FILES), "images"),
        NamedDataset("cifar10", "CIFAR-10",
                     ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
                      "ship", "truck"),
                     ("datasets/cifar-10-batches-py-target_archive",), "images"),
    )
}


def named_dataset(text) -> NamedDataset | None:
    """The named dataset ``text`` means ("fashion-mnist", "CIFAR10", ...), or None for a path."""
    key = str(text).strip().lower().replace("-", "_")
    key = {"cifar_10": "cifar10", "fashionmnist": "fashion_mnist"}.get(key, key)
    return NAMED_DATASETS.get(key)


def keras_cache_dirs() -> list[Path]:
    """Where Keras may keep its downloads, in the order it would use them."""
    home = os.environ.get("KERAS_HOME") or os.path.join("~", ".keras")
    return [Path(home).expanduser(), Path("/tmp") / ".keras"]


def is_cached(spec: NamedDataset) -> bool:
    """True when every file ``load_data()`` needs for ``spec`` is already in a Keras cache dir."""
    return any(all((folder / name).is_file() for name in spec.cache_files) for folder in keras_cache_dirs())


def download(spec: NamedDataset):
    """``keras.datasets.<key>.load_data()`` with a socket timeout so a dead network cannot hang it."""
    import keras

    loader = getattr(keras.datasets, spec.key)
    with _socket_timeout_lock:
        previous = socket.getdefaulttimeout()
        socket.setdefaulttimeout(DOWNLOAD_TIMEOUT_SECONDS)
        try:
            return loader.load_data()
        finally:
            socket.setdefaulttimeout(previous)
