"""CIFAR-10 batch readers and the restricted unpickler."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import numpy as np
import pytest

from symdae.data.cifar import RECORD_BYTES, parse_cifar_bin, parse_cifar_py, read_cifar_bin, safe_unpickle
from tests.data.helpers import cifar_bin_bytes, py2_batch_pickle, random_images, write


@pytest.fixture
def batch() -> tuple[np.ndarray, np.ndarray]:
    return random_images(np.random.default_rng(7), 5, (3, 32, 32))


@pytest.mark.parametrize("gz", [False, True])
def test_binary_batch_round_trip(tmp_path: Path, batch: tuple[np.ndarray, np.ndarray], gz: bool) -> None:
    images, labels = batch
    path = write(tmp_path / "data_batch_1.bin", cifar_bin_bytes(images, labels), gz)
    read_images, read_labels = read_cifar_bin(path)
    assert read_images.shape == (5, 3, 32, 32) and read_images.dtype == np.uint8
    np.testing.assert_array_equal(read_images, images)
    np.testing.assert_array_equal(read_labels, labels)


def test_binary_record_layout_is_label_then_red_green_blue() -> None:
    record = np.zeros(RECORD_BYTES, dtype=np.uint8)
    record[0] = 7
    record[1:1025], record[1025:2049], record[2049:] = 10, 20, 30  # red, green, blue planes
    record[1 + 32 + 2] = 99  # red plane, row 1, column 2
    images, labels = parse_cifar_bin(record.tobytes())
    assert labels.tolist() == [7]
    assert [int(images[0, c, 0, 0]) for c in range(3)] == [10, 20, 30]
    assert images[0, 0, 1, 2] == 99


def test_binary_batch_of_wrong_length_or_bad_label(batch: tuple[np.ndarray, np.ndarray]) -> None:
    content = cifar_bin_bytes(*batch)
    with pytest.raises(ValueError, match=r"b\.bin: a CIFAR-10 binary batch is a whole number of 3073-byte records"):
        parse_cifar_bin(content[:-1], "b.bin")
    with pytest.raises(ValueError, match="got 0 bytes"):
        parse_cifar_bin(b"", "b.bin")
    bad = bytearray(content)
    bad[RECORD_BYTES] = 10
    with pytest.raises(ValueError, match="labels must be 0-9; found 10"):
        parse_cifar_bin(bytes(bad))


def test_python2_batch_as_officially_pickled(batch: tuple[np.ndarray, np.ndarray]) -> None:
    images, labels = batch
    content = py2_batch_pickle(images.reshape(5, -1), labels.tolist())
    read_images, read_labels = parse_cifar_py(content)
    np.testing.assert_array_equal(read_images, images)
    assert read_labels.dtype == np.uint8 and read_labels.tolist() == labels.tolist()
    bin_images, _ = parse_cifar_bin(cifar_bin_bytes(images, labels))
    np.testing.assert_array_equal(read_images, bin_images)


@pytest.mark.parametrize("protocol", [4, 5])
def test_python3_pickles_of_numpy_arrays(batch: tuple[np.ndarray, np.ndarray], protocol: int) -> None:
    images, labels = batch
    content = pickle.dumps({b"data": images.reshape(5, -1), b"labels": labels.tolist()}, protocol=protocol)
    np.testing.assert_array_equal(parse_cifar_py(content)[0], images)


class _RunsShell:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {self.marker}",)


def test_restricted_unpickler_refuses_code_execution(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    content = pickle.dumps({b"data": _RunsShell(marker)}, protocol=4)
    with pytest.raises(ValueError, match=r"evil: .*refusing to load global (posix|os|nt)\.system"):
        parse_cifar_py(content, "evil")
    assert not marker.exists()
    pickle.loads(content)  # the same bytes do run the command with the standard unpickler
    assert marker.exists()


@pytest.mark.parametrize("payload", [
    pickle.dumps(eval, protocol=2),
    pickle.dumps(np.array([1, "x"], dtype=object), protocol=2),
    pickle.dumps(np.float64(1.0), protocol=2),
])
def test_restricted_unpickler_refuses_other_globals_and_object_arrays(payload: bytes) -> None:
    with pytest.raises(ValueError, match="refusing"):
        safe_unpickle(payload, "payload")


def test_python_batch_with_wrong_structure(batch: tuple[np.ndarray, np.ndarray]) -> None:
    images, labels = batch
    with pytest.raises(ValueError, match="is a dict; got list"):
        parse_cifar_py(pickle.dumps([1, 2]))
    with pytest.raises(ValueError, match=r"'data' must be a uint8 array of shape \(n, 3072\); got int64"):
        parse_cifar_py(pickle.dumps({b"data": np.zeros((5, 3072), dtype=np.int64), b"labels": labels.tolist()}))
    with pytest.raises(ValueError, match="'labels' must be a list of 5 ints"):
        parse_cifar_py(pickle.dumps({b"data": images.reshape(5, -1), b"labels": labels.tolist()[:4]}))
    with pytest.raises(ValueError, match="not a safe pickle"):
        parse_cifar_py(b"\x80\x02}(", "cut")


@pytest.mark.data
def test_real_cifar_binary_batch(cifar_folder: Path) -> None:
    images, labels = read_cifar_bin(next(cifar_folder.glob("data_batch_1.bin*")))
    assert images.shape == (10000, 3, 32, 32) and images.dtype == np.uint8
    assert labels[:10].tolist() == [6, 9, 9, 4, 1, 1, 2, 7, 8, 3]
