"""``load``: verification, provenance, N limits, the real datasets."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import numpy as np
import pytest

from symdae.data import Dataset, load
from tests.data.helpers import cifar_bin_bytes, random_images, write, write_mnist


def test_unknown_checksum_is_an_error_unless_verify_is_false(tmp_path: Path) -> None:
    write_mnist(tmp_path, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte: SHA-256 .* matches no known version of "
                                         r"train-images-idx3-ubyte \(mnist-official sha256 ba891046e650…\)"):
        load("mnist", data_root=tmp_path)
    data = load("mnist", data_root=tmp_path, verify=False)
    assert data.provenance == "unverified" and data.nature == "unverified" and not data.exact
    assert all(not check.recognised for check in data.files)


def test_first_n_images_and_limits(tmp_path: Path) -> None:
    images, labels = write_mnist(tmp_path, np.random.default_rng(1), n=12)
    data = load("mnist", n=5, data_root=tmp_path, verify=False)
    np.testing.assert_array_equal(data.images, images[:5])
    assert data.n == 5 and data.dim == 784 and data.labels.tolist() == labels[:5].tolist()
    with pytest.raises(ValueError, match=r"n = 13 exceeds the 12 mnist train images available"):
        load("mnist", n=13, data_root=tmp_path, verify=False)
    for bad in (0, -1, 2.0, True):
        with pytest.raises(ValueError, match="n must be a positive integer or None"):
            load("mnist", n=bad, data_root=tmp_path, verify=False)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="split must be one of train, test; got 'valid'"):
        load("mnist", "valid", data_root=tmp_path)


def test_arrays_are_read_only(tmp_path: Path) -> None:
    write_mnist(tmp_path, np.random.default_rng(2))
    data = load("mnist", data_root=tmp_path, verify=False)
    with pytest.raises(ValueError, match="read-only"):
        data.images[0, 0, 0] = 1
    with pytest.raises(ValueError, match="read-only"):
        data.labels[0] = 1


def test_missing_mnist_file(tmp_path: Path) -> None:
    write_mnist(tmp_path, np.random.default_rng(2))
    (tmp_path / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(FileNotFoundError, match=r"holds no t10k-labels-idx1-ubyte \(nor t10k-labels-idx1-ubyte.gz\)"):
        load("mnist", "test", data_root=tmp_path, verify=False)


def test_mismatched_image_and_label_counts(tmp_path: Path) -> None:
    write_mnist(tmp_path, np.random.default_rng(2), n=4)
    labels = write_mnist(tmp_path / "other", np.random.default_rng(2), n=5)[1]
    shutil.copy(tmp_path / "other" / "train-labels-idx1-ubyte", tmp_path / "train-labels-idx1-ubyte")
    assert labels.size == 5
    with pytest.raises(ValueError, match=r"n uint8 labels; got uint8 \(4, 28, 28\) and uint8 \(5,\)"):
        load("mnist", data_root=tmp_path, verify=False)


def test_cifar_uses_the_leading_run_of_batches(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    first, second = random_images(rng, 3, (3, 32, 32)), random_images(rng, 2, (3, 32, 32))
    folder = tmp_path / "cifar-10-batches-bin"
    write(folder / "data_batch_1.bin", cifar_bin_bytes(*first), gz=True)
    write(folder / "data_batch_3.bin", cifar_bin_bytes(*second))
    data = load("cifar10", data_root=tmp_path, verify=False)
    assert data.n == 3 and [c.name for c in data.files] == ["data_batch_1.bin"]
    write(folder / "data_batch_2.bin", cifar_bin_bytes(*second))
    data = load("cifar10", n=4, data_root=tmp_path, verify=False)
    np.testing.assert_array_equal(data.images, np.concatenate([first[0], second[0][:1]]))
    with pytest.raises(ValueError, match=r"n = 9 exceeds the 7 cifar10 train images available in .* "
                                         r"\(data_batch_1.bin.gz, data_batch_2.bin, data_batch_3.bin\)"):
        load("cifar10", n=9, data_root=tmp_path, verify=False)
    with pytest.raises(FileNotFoundError, match=r"holds no test_batch\.bin"):
        load("cifar10", "test", data_root=tmp_path, verify=False)


@pytest.mark.data
def test_real_mnist_is_exact(mnist_train: Dataset) -> None:
    assert mnist_train.images.shape == (60000, 28, 28) and mnist_train.dim == 784
    assert mnist_train.labels[:5].tolist() == [5, 0, 4, 1, 9]
    assert mnist_train.provenance == "mnist-official" and mnist_train.nature == "exact" and mnist_train.exact
    assert {check.basis for check in mnist_train.files} == {"registry"}


@pytest.mark.data
def test_real_mnist_test_split(data_root: Path, mnist_folder: Path) -> None:
    data = load("mnist", "test", n=100, data_root=data_root)
    assert data.images.shape == (100, 28, 28) and data.provenance == "mnist-official"


@pytest.mark.data
def test_real_cifar_provenance_and_labels(cifar_train: Dataset) -> None:
    assert cifar_train.images.shape[1:] == (3, 32, 32) and cifar_train.dim == 3072
    assert cifar_train.labels[:10].tolist() == [6, 9, 9, 4, 1, 1, 2, 7, 8, 3]
    assert cifar_train.provenance in ("cifar10-official", "cifar10-jpeg-approx")
    if cifar_train.provenance == "cifar10-jpeg-approx":
        assert cifar_train.n == 30000 and not cifar_train.exact
        assert cifar_train.nature == "JPEG-decoded approximation"
        assert "JPEG" in cifar_train.describe()


@pytest.mark.data
def test_real_cifar_reads_only_the_batches_needed(data_root: Path, cifar_folder: Path) -> None:
    data = load("cifar10", n=10, data_root=data_root)
    assert len(data.files) == 1 and data.labels.tolist() == [6, 9, 9, 4, 1, 1, 2, 7, 8, 3]


@pytest.mark.data
def test_real_file_uncompressed_or_gz_and_corrupted(tmp_path: Path, mnist_folder: Path) -> None:
    source = next(mnist_folder.glob("t10k-labels-idx1-ubyte*"))
    content = gzip.decompress(source.read_bytes()) if source.suffix == ".gz" else source.read_bytes()
    raw_dir, gz_dir, bad_dir = tmp_path / "raw", tmp_path / "gz", tmp_path / "bad"
    for folder, gz in ((raw_dir, False), (gz_dir, True)):
        write(folder / "t10k-labels-idx1-ubyte", content, gz)
        write(folder / "t10k-images-idx3-ubyte", b"")  # present but unused by the label check below
    from symdae.data import check_file
    for folder in (raw_dir, gz_dir):
        check = check_file(next(folder.glob("t10k-labels*")), "mnist")
        assert check.source.id == "mnist-official" and check.basis == "registry"
    corrupted = bytearray(content)
    corrupted[-1] = (corrupted[-1] + 1) % 10  # still a valid label: only the checksum can tell
    path = write(bad_dir / "t10k-labels-idx1-ubyte", bytes(corrupted), gz=True)
    with pytest.raises(ValueError, match="matches no known version of t10k-labels-idx1-ubyte"):
        check_file(path, "mnist")
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises(ValueError, match="not a complete gzip file"):
        check_file(path, "mnist")
