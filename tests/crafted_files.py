"""Files from others, crafted small on disk: hostile models, data files and folders.

Shared by the command-line attacks (``test_untrusted_files.py``) and the window's
(``test_untrusted_gui.py``). Each function writes its file under ``folder`` and returns the path.
"""

import gzip
import io
import json
import struct
import zipfile
import zlib

import h5py
import numpy as np


def layer(cls, name, **config):
    return {"module": "keras.layers", "class_name": cls, "config": {"name": name, **config}, "registered_name": None}


def sequential(*layers, shape=(28, 28, 1)):
    return {"module": "keras", "class_name": "Sequential", "registered_name": None, "config": {
        "name": "s", "layers": [layer("InputLayer", "input", batch_shape=[None, *shape], dtype="float32"),
                                layer("Flatten", "flatten"), *layers]}}


def h5_bytes(fill=None) -> bytes:
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as weights:
        if fill:
            fill(weights)
    return buffer.getvalue()


def keras_file(path, config, weights=None, extra=(), compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        archive.writestr("metadata.json", json.dumps({"keras_version": "3.15.1"}))
        archive.writestr("config.json", config if isinstance(config, (str, bytes)) else json.dumps(config))
        archive.writestr("model.weights.h5", h5_bytes() if weights is None else weights)
        for name, data in extra:
            archive.writestr(name, data)
    return path


def lambda_load_data(folder):
    steal = {"module": "keras.datasets.mnist", "class_name": "function", "config": "load_data",
             "registered_name": "function"}
    return keras_file(folder / "lambda.keras", sequential(layer("Lambda", "steal", function=steal,
                                                                arguments={"path": "victim.npz"})))


def huge_config(folder):
    return keras_file(folder / "config.keras", json.dumps(sequential()) + " " * (40 * 2**20))


def huge_weight_shapes(folder):
    def huge(weights):  # 3.4 GB announced; chunks are allocated only when written, so none are
        weights.create_dataset("layers/dense/vars/0", shape=(30_000, 30_000), dtype="f4",
                               chunks=(1000, 1000), compression="gzip")
    return keras_file(folder / "weights.keras", sequential(layer("Dense", "head", units=10)), h5_bytes(huge))


def huge_layers(folder):
    return keras_file(folder / "layers.keras", sequential(layer("Dense", "head", units=10**8)))


def expanding_assets(folder):
    return keras_file(folder / "assets.keras", sequential(layer("Dense", "head", units=10)),
                      extra=[("assets/vocabulary.txt", bytes(100 * 2**20))])


def escaping_member(folder):
    return keras_file(folder / "escape.keras", sequential(), extra=[("../../escape.txt", b"x")])


def long_model_name(folder):
    return folder / ("m" * 300 + ".keras")


def npz(path, members, compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, array in members.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=False)
            archive.writestr(name + ".npy", buffer.getvalue())
    return path


def bzip2_bomb(folder):
    return npz(folder / "bomb.npz", {"x": np.zeros((80, 1024, 1024), np.uint8), "y": np.zeros(80, np.uint8)},
               compression=zipfile.ZIP_BZIP2)


def million_class_names(folder):
    return npz(folder / "names.npz", {"x": np.zeros((40, 28, 28), np.uint8), "y": np.arange(40) % 2,
                                      "class_names": np.array(["c"] * 1_000_000)})


def idx_header(dims):
    return struct.pack(">BBBB", 0, 0, 8, len(dims)) + b"".join(struct.pack(">I", d) for d in dims)


def idx_gzip_bomb(folder):
    data = folder / "idx"
    data.mkdir()
    (data / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_header((40, 28, 28)) + bytes(40 * 784))
                                                      + gzip.compress(bytes(2**20), 9) * 300)
    (data / "train-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_header((40,)) + bytes(40)))
    return data


def idx_header_bomb(folder):
    data = folder / "idx"
    data.mkdir()
    (data / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_header((5_000_000, 28, 28))))
    (data / "train-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_header((5_000_000,))))
    return data


def png(path, size=(4, 4)):
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("L", size).save(path)


def png_header(path, width, height):
    """A PNG whose header claims ``width`` x ``height``: enough for Pillow to open it."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))


def symlink_out(folder):
    data = folder / "images"
    png(data / "cats" / "1.png")
    png(folder / "private" / "photo.png")
    (data / "dogs").symlink_to(folder / "private")
    return data


def escape_codes_in_names(folder):
    data = folder / "images"
    png(data / "\x1b]0;owned\x07\x1b[2J" / "1.png")
    return data


def pixel_bomb(folder):
    data = folder / "images"
    png(data / "cats" / "1.png")
    png_header(data / "dogs" / "huge.png", 9000, 9000)
    return data


def newline_in_path(folder):
    return folder / "two\nlines.npz"


def header_bomb_npz(folder):
    """An .npz whose x announces 10^12 bytes (a terabyte) but holds a few: refused by its header."""
    path = folder / "headerbomb.npz"
    with zipfile.ZipFile(path, "w") as archive:
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(header, {"descr": "|u1", "fortran_order": False,
                                                      "shape": (1_000_000, 1000, 1000)})
        archive.writestr("x.npy", header.getvalue() + bytes(64))
        labels = io.BytesIO()
        np.lib.format.write_array(labels, np.arange(40) % 2)
        archive.writestr("y.npy", labels.getvalue())
    return path
