"""MNIST IDX reader: synthetic round trips, malformed files, the real files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from symdae.data.idx import parse_idx, read_idx
from tests.data.helpers import idx_bytes, write


@pytest.mark.parametrize("gz", [False, True])
def test_round_trip_raw_and_gz(tmp_path: Path, gz: bool) -> None:
    values = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    path = write(tmp_path / "x-idx3-ubyte", idx_bytes(values), gz)
    assert path.name.endswith(".gz") == gz
    read = read_idx(path)
    assert read.dtype == np.uint8 and read.shape == (2, 3, 4)
    np.testing.assert_array_equal(read, values)


@pytest.mark.parametrize("dtype", [np.int32, np.float64])
def test_multibyte_types_are_big_endian_on_disk_native_in_memory(dtype: type) -> None:
    values: np.ndarray = np.array([[1, -2, 300], [70000, 5, -6]], dtype=dtype)
    read = parse_idx(idx_bytes(values))
    assert read.dtype.isnative and read.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(read, values)


def test_bad_magic_number_is_rejected() -> None:
    with pytest.raises(ValueError, match="not an IDX file"):
        parse_idx(b"\x01\x02\x08\x01" + b"\x00" * 8, "bad.idx")


def test_truncated_file_names_the_byte_counts() -> None:
    content = idx_bytes(np.zeros((3, 2, 2), dtype=np.uint8))
    with pytest.raises(ValueError, match=r"short\.idx: IDX header promises shape \(3, 2, 2\).*28 bytes.*27 bytes"):
        parse_idx(content[:-1], "short.idx")
    with pytest.raises(ValueError, match="truncated IDX header"):
        parse_idx(content[:9], "short.idx")


def test_truncated_gzip_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path / "x-idx1-ubyte", idx_bytes(np.arange(5000, dtype=np.int32)), gz=True)
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(ValueError, match=r"x-idx1-ubyte\.gz is not a complete gzip file"):
        read_idx(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_idx(tmp_path / "nope")


@pytest.mark.data
def test_real_mnist_files(mnist_folder: Path) -> None:
    labels = read_idx(next(mnist_folder.glob("train-labels-idx1-ubyte*")))
    images = read_idx(next(mnist_folder.glob("t10k-images-idx3-ubyte*")))
    assert labels.shape == (60000,) and labels.dtype == np.uint8
    assert labels[:5].tolist() == [5, 0, 4, 1, 9]
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
