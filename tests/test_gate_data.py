"""The data gates: .npz headers before loading, IDX headers before allocating, folders never left."""

import bz2
import gzip
import io
import lzma
import os
import struct
import zipfile

import numpy as np
import pytest

from convviz.core.gate import Budgets, GateError, check_npz, class_image_files, read_idx
from convviz.core.gate import folder_gate
from convviz.core.gate.folder_gate import check_decoded_total, check_image_pixels

BUDGET = Budgets(memory=50 * 2**20, free_disk=100 * 2**30, source="test budget")  # data: 10 MB
IMAGES = frozenset({".png"})


def refused(call, *fragments):
    with pytest.raises(GateError) as info:
        call()
    message = str(info.value)
    assert "\n" not in message, message
    for fragment in fragments:
        assert fragment in message, message
    return message


def npy_bytes(array) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=False)
    return buffer.getvalue()


def write_npz(path, members, compression=zipfile.ZIP_DEFLATED):
    """``members``: name -> array or raw bytes (written as the member's content)."""
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, value in members.items():
            archive.writestr(name + ".npy", value if isinstance(value, bytes) else npy_bytes(value))
    return path


def x_y(count=4):
    return {"x": np.zeros((count, 28, 28), np.uint8), "y": np.arange(count) % 2}


# --- .npz ---------------------------------------------------------------------------------

def test_headers_of_the_used_arrays(tmp_path):
    headers = check_npz(write_npz(tmp_path / "d.npz", {**x_y(), "notes": np.zeros(3)}), budget=BUDGET)
    assert set(headers) == {"x", "y"}
    assert headers["x"].shape == (4, 28, 28) and headers["x"].nbytes == 4 * 784


def test_a_bzip2_bomb_is_refused_by_its_declared_size(tmp_path):
    path = write_npz(tmp_path / "bomb.npz", {"x": np.zeros((20, 1024, 1024), np.uint8), "y": np.zeros(20)},
                     compression=zipfile.ZIP_BZIP2)
    assert path.stat().st_size < 10_000
    refused(lambda: check_npz(path, budget=BUDGET), "bomb.npz:", "array x", "would need 20.0 MB",
            "the limit here is 10.0 MB (test budget)")


def test_an_unused_huge_member_is_never_read(tmp_path):
    path = write_npz(tmp_path / "extra.npz", {**x_y(), "junk": np.zeros((64, 1024, 1024), np.uint8)})
    assert path.stat().st_size < 200_000
    assert set(check_npz(path, budget=BUDGET)) == {"x", "y"}


def test_a_header_announcing_more_than_its_member_holds(tmp_path):
    raw = npy_bytes(np.zeros(8, np.uint8))
    forged = raw.replace(b"(8,), }     ", b"(900000,), }")  # same header length: the padding gives way
    assert len(forged) == len(raw)
    path = write_npz(tmp_path / "lie.npz", {"x": forged, "y": np.zeros(8)})
    refused(lambda: check_npz(path, budget=BUDGET), "lie.npz:", "array x announces shape (900000,)",
            "cut short")


def test_class_names_past_the_limit(tmp_path):
    path = write_npz(tmp_path / "names.npz", {**x_y(), "class_names": np.array(["c"] * 1_000_000)})
    refused(lambda: check_npz(path, max_lengths={"class_names": 1000}, budget=Budgets(2**30, 0, "t")),
            "class_names holds 1,000,000 entries", "at most 1,000")


def test_arrays_that_fit_one_by_one_but_not_together(tmp_path):
    arrays = {"x_train": np.zeros((6, 1024, 1024), np.uint8), "x_test": np.zeros((6, 1024, 1024), np.uint8)}
    refused(lambda: check_npz(write_npz(tmp_path / "two.npz", arrays), budget=BUDGET),
            "the arrays x_train, x_test would need 12.0 MB")


@pytest.mark.parametrize("content, words", [
    (b"\x93NUMPY\x01\x00", "holds a single array"),
    (b"not a zip at all", "not the zip archive"),
    (b"PK\x03\x04" + bytes(30), "damaged or cut short"),
])
def test_files_that_are_not_npz_archives(tmp_path, content, words):
    path = tmp_path / "odd.npz"
    path.write_bytes(content)
    refused(lambda: check_npz(path, budget=BUDGET), "odd.npz:", words)


def test_an_unreadable_header(tmp_path):
    path = write_npz(tmp_path / "h.npz", {"x": b"\x93NUMPY\x01\x00\x10\x00{'descr': 'nonsense'", "y": np.zeros(2)})
    refused(lambda: check_npz(path, budget=BUDGET), "header of array x cannot be read")


# --- IDX ----------------------------------------------------------------------------------

def idx_bytes(dims, values=b"", ndim=None):
    return struct.pack(">BBBB", 0, 0, 8, ndim or len(dims)) + b"".join(struct.pack(">I", d) for d in dims) + values


@pytest.mark.parametrize("opener, suffix", [(gzip.open, ".gz"), (bz2.open, ".bz2"), (lzma.open, ".xz"), (open, "")])
def test_idx_files_read_in_every_compression(tmp_path, opener, suffix):
    path = tmp_path / f"train-images-idx3-ubyte{suffix}"
    with opener(path, "wb") as handle:
        handle.write(idx_bytes((2, 3, 4), bytes(range(24))))
    assert read_idx(path, 3, BUDGET).tolist() == np.arange(24).reshape(2, 3, 4).tolist()


def test_idx_dimensions_whose_product_overflows_are_checked_before_allocating(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes((2**32 - 1, 2**32 - 1, 2**32 - 1))))
    refused(lambda: read_idx(path, 3, BUDGET), "shape (4294967295, 4294967295, 4294967295)",
            "would need", "the limit here is 10.0 MB")


def test_idx_header_against_the_real_size_of_a_plain_file(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(idx_bytes((60000, 28, 28), bytes(10)))
    refused(lambda: read_idx(path, 3, BUDGET), "holds 10 values but its header announces 47,040,000")


def test_a_gzip_bomb_behind_an_honest_header_is_cut_off(tmp_path):
    one = gzip.compress(bytes(2**20), 9)
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes((4,), bytes(4))) + one * 200)  # 200 MB more once decompressed
    assert path.stat().st_size < 300_000
    refused(lambda: read_idx(path, 1, BUDGET), "holds more values than its header announces")


def test_a_gzip_stream_shorter_than_its_header(tmp_path):
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes((100,), bytes(10))))
    refused(lambda: read_idx(path, 1, BUDGET), "cut short: 10 of 100 bytes")


def test_a_damaged_gzip_stream(tmp_path):
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    raw = bytearray(gzip.compress(idx_bytes((100,), os.urandom(100))))
    raw[-8] ^= 0xFF  # the CRC
    path.write_bytes(bytes(raw))
    refused(lambda: read_idx(path, 1, BUDGET), "damaged or truncated")


def test_wrong_magic(tmp_path):
    path = tmp_path / "x-idx1-ubyte"
    path.write_bytes(idx_bytes((1,), b"\x00", ndim=3))
    refused(lambda: read_idx(path, 1, BUDGET), "wrong IDX magic number 0x00000803")



# --- image folders ------------------------------------------------------------------------

def png(path):
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("L", (4, 4)).save(path)
    return path


def test_class_folders_stay_inside_the_root(tmp_path):
    root = tmp_path / "data"
    png(root / "cats" / "1.png")
    png(tmp_path / "outside" / "secret.png")
    (root / "dogs").symlink_to(tmp_path / "outside")
    refused(lambda: class_image_files(root, IMAGES), "data:", "dogs leads outside the data folder")


def test_an_image_linked_from_outside_is_refused(tmp_path):
    root = tmp_path / "data"
    png(root / "cats" / "1.png")
    png(tmp_path / "secret.png")
    (root / "cats" / "2.png").symlink_to(tmp_path / "secret.png")
    refused(lambda: class_image_files(root, IMAGES), "cats/2.png leads outside")


def test_links_inside_the_root_are_followed_once(tmp_path):
    root = tmp_path / "data"
    png(root / "cats" / "1.png")
    (root / "cats" / "loop").symlink_to(root / "cats")
    (root / "kittens").symlink_to(root / "cats")
    classes = class_image_files(root, IMAGES)
    assert [path.name for path in classes["cats"]] == ["1.png"]
    assert [path.name for path in classes["kittens"]] == ["1.png"]


def test_class_names_are_shown_safely(tmp_path):
    png(tmp_path / "data" / "red\x1b[31m" / "1.png")
    assert list(class_image_files(tmp_path / "data", IMAGES)) == ["red\\x1b[31m"]


def test_too_many_files(tmp_path, monkeypatch):
    for index in range(4):
        (tmp_path / "data" / "c").mkdir(parents=True, exist_ok=True)
        (tmp_path / "data" / "c" / f"{index}.png").write_bytes(b"")
    refused(lambda: class_image_files(tmp_path / "data", IMAGES, max_files=3), "more than 3 image files")
    assert folder_gate.MAX_FILES >= 100_000


def test_pixel_and_decoded_bounds(tmp_path):
    refused(lambda: check_image_pixels(tmp_path / "big.png", (9000, 9000), BUDGET), "big.png:", "9,000x9,000 pixels")
    check_image_pixels(tmp_path / "ok.png", (256, 256), BUDGET)
    refused(lambda: check_decoded_total(tmp_path, 200, (256, 256, 3), BUDGET), "200 images of 256x256x3",
            "would need 37.5 MB")


# --- bounded streams ----------------------------------------------------------------------

@pytest.mark.parametrize("opener", [gzip.open, bz2.open, lzma.open])
def test_read_bounded_stops_at_the_limit(tmp_path, opener):
    from convviz.core.gate.streams import open_decompressed, read_bounded

    path = tmp_path / "bomb"
    with opener(path, "wb") as handle:
        for _ in range(40):
            handle.write(bytes(2**20))
    assert path.stat().st_size < 100_000
    with open_decompressed(path) as stream:
        refused(lambda: read_bounded(stream, 8 * 2**20, path, "the data", BUDGET),
                "bomb:", "the data decompressed would need more than 8.0 MB", "the limit here is 8.0 MB")
    with open_decompressed(path) as stream:
        assert len(read_bounded(stream, 40 * 2**20, path, "the data", BUDGET)) == 40 * 2**20
