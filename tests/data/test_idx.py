"""IDX files: round trips (plain and gzipped, every dtype), hand-made bytes, damaged files."""

import gzip
import struct

import numpy as np
import pytest

from chainrule.data import parse_idx, read_idx, write_idx


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "float32", "float64"])
@pytest.mark.parametrize("name", ["data-idx", "data-idx.gz"])
def test_round_trip_keeps_values_dtype_and_shape(tmp_path, dtype, name):
    array = (np.arange(24) - 5).reshape(2, 3, 4).astype(dtype)
    write_idx(tmp_path / name, array)
    back = read_idx(tmp_path / name)
    assert back.dtype == np.dtype(dtype) and back.dtype.isnative
    np.testing.assert_array_equal(back, array)
    back[0, 0, 0] = 1  # writable


def test_gzip_is_recognised_by_content_not_by_name(tmp_path):
    write_idx(tmp_path / "labels.gz", np.arange(5, dtype=np.uint8))
    (tmp_path / "labels.gz").rename(tmp_path / "labels")
    assert read_idx(tmp_path / "labels").tolist() == [0, 1, 2, 3, 4]


def test_reads_the_mnist_layout_written_by_hand(tmp_path):
    pixels = bytes(range(2 * 3 * 2))
    raw = struct.pack(">IIII", 0x00000803, 2, 3, 2) + pixels
    (tmp_path / "images-idx3-ubyte.gz").write_bytes(gzip.compress(raw))
    images = read_idx(tmp_path / "images-idx3-ubyte.gz")
    assert images.shape == (2, 3, 2) and images.dtype == np.uint8
    assert images.ravel().tolist() == list(pixels)


def test_big_endian_values_are_decoded():
    raw = struct.pack(">HBBI", 0, 0x0C, 1, 2) + struct.pack(">ii", 258, -7)
    assert parse_idx(raw).tolist() == [258, -7]


def test_python_integers_are_stored_in_the_smallest_type_that_holds_them(tmp_path):
    write_idx(tmp_path / "a", [1, 300])
    assert read_idx(tmp_path / "a").dtype == np.int16


def test_empty_and_zero_dimensional_arrays_round_trip(tmp_path):
    write_idx(tmp_path / "empty", np.zeros((0, 28, 28), dtype=np.uint8))
    assert read_idx(tmp_path / "empty").shape == (0, 28, 28)
    write_idx(tmp_path / "scalar", np.float32(2.5))
    assert read_idx(tmp_path / "scalar") == np.float32(2.5)


def test_bad_magic_number_is_named(tmp_path):
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(20))
    with pytest.raises(ValueError, match=r"photo.png: not an IDX file: magic number 0x89504e47"):
        read_idx(tmp_path / "photo.png")


def test_unknown_dtype_code_is_bad_magic():
    with pytest.raises(ValueError, match="not an IDX file: magic number 0x00000701"):
        parse_idx(bytes([0, 0, 7, 1, 0, 0, 0, 0]))


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"\x00\x00", r"2 bytes, shorter than its header"),
        (bytes([0, 0, 8, 3, 0, 0, 0, 2]), "the header says 3 dimensions"),
        (struct.pack(">HBBII", 0, 8, 2, 2, 3) + bytes(5), r"needs 18 bytes, the file has 17"),
    ],
)
def test_truncated_files_are_reported(raw, message):
    with pytest.raises(ValueError, match=f"truncated IDX file.*{message}"):
        parse_idx(raw)


def test_bytes_after_the_data_are_reported():
    with pytest.raises(ValueError, match="extra bytes after the data"):
        parse_idx(struct.pack(">HBBI", 0, 8, 1, 2) + bytes(3))


def test_truncated_gzip_is_reported_as_damaged(tmp_path):
    write_idx(tmp_path / "cut.gz", np.arange(1000, dtype=np.int32))
    raw = (tmp_path / "cut.gz").read_bytes()
    (tmp_path / "cut.gz").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ValueError, match=r"cut.gz: damaged gzip file.*download it again"):
        read_idx(tmp_path / "cut.gz")


def test_unsupported_dtypes_are_refused():
    with pytest.raises(TypeError, match="IDX has no code for dtype bool"):
        write_idx("unused", np.array([True]))
    with pytest.raises(TypeError, match="at most int32"):
        write_idx("unused", np.array([2**40]))
