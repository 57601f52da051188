"""Data-root resolution: own folder, parent with standard subfolders, MNIST/raw, raw vs .gz, errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from symdae.data import load
from symdae.data.roots import find_file, locate, resolve_root, survey
from tests.data.helpers import cifar_bin_bytes, py2_batch_pickle, random_images, write, write_mnist


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(3)


@pytest.mark.parametrize("sub", [".", "mnist", "MNIST/raw"])
def test_mnist_in_own_folder_or_standard_subfolder(tmp_path: Path, rng: np.random.Generator, sub: str) -> None:
    folder = (tmp_path / sub).resolve()
    images, labels = write_mnist(folder, rng)
    assert locate("mnist", tmp_path).folder.resolve() == folder
    data = load("mnist", data_root=tmp_path, verify=False)
    np.testing.assert_array_equal(data.images, images)
    np.testing.assert_array_equal(data.labels, labels)
    assert data.folder.resolve() == folder


def test_dataset_folder_itself_can_be_the_root(tmp_path: Path, rng: np.random.Generator) -> None:
    write_mnist(tmp_path / "mnist", rng)
    assert locate("mnist", tmp_path / "mnist").folder == tmp_path / "mnist"


def test_gz_and_raw_files_and_raw_preferred(tmp_path: Path, rng: np.random.Generator) -> None:
    gz_images, _ = write_mnist(tmp_path / "gz", rng, gz=True)
    assert find_file(tmp_path / "gz", "train-images-idx3-ubyte") == tmp_path / "gz" / "train-images-idx3-ubyte.gz"
    np.testing.assert_array_equal(load("mnist", data_root=tmp_path / "gz", verify=False).images, gz_images)
    both = tmp_path / "both"
    raw_images, _ = write_mnist(both, rng)
    write_mnist(both, np.random.default_rng(99), gz=True)
    assert find_file(both, "train-images-idx3-ubyte") == both / "train-images-idx3-ubyte"
    np.testing.assert_array_equal(load("mnist", data_root=both, verify=False).images, raw_images)


def test_cifar_binary_and_python_layouts(tmp_path: Path, rng: np.random.Generator) -> None:
    images, labels = random_images(rng, 4, (3, 32, 32))
    write(tmp_path / "cifar-10-batches-py" / "data_batch_1", py2_batch_pickle(images.reshape(4, -1), labels.tolist()))
    assert locate("cifar10", tmp_path).layout.format == "py"
    np.testing.assert_array_equal(load("cifar10", data_root=tmp_path, verify=False).images, images)
    write(tmp_path / "cifar-10-batches-bin" / "data_batch_1.bin", cifar_bin_bytes(images[::-1], labels[::-1]), gz=True)
    assert locate("cifar10", tmp_path).layout.format == "bin"  # binary preferred: no unpickling
    assert locate("cifar10", tmp_path, format="py").layout.format == "py"
    assert [loc.layout.format for loc in survey(tmp_path)] == ["bin", "py"]


def test_environment_variable_gives_the_root(tmp_path: Path, rng: np.random.Generator,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    write_mnist(tmp_path / "MNIST" / "raw", rng)
    monkeypatch.setenv("SYMDAE_DATA_ROOT", str(tmp_path))
    assert resolve_root(None) == tmp_path
    assert load("mnist", "test", n=3, verify=False).n == 3


def test_missing_dataset_names_the_folders_searched(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as info:
        locate("cifar10", tmp_path)
    message = str(info.value)
    for folder in (tmp_path, tmp_path / "cifar-10-batches-bin", tmp_path / "cifar-10-batches-py"):
        assert str(folder) in message


def test_root_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SYMDAE_DATA_ROOT", raising=False)
    with pytest.raises(FileNotFoundError, match=r"no data root given.*SYMDAE_DATA_ROOT"):
        resolve_root(None)
    with pytest.raises(FileNotFoundError, match=r"data_root .*nowhere is not a directory"):
        resolve_root(tmp_path / "nowhere")
    with pytest.raises(ValueError, match="dataset must be one of mnist, cifar10, fashion-mnist; got 'svhn'"):
        locate("svhn", tmp_path)
    with pytest.raises(ValueError, match="format for mnist must be one of idx; got 'bin'"):
        locate("mnist", tmp_path, format="bin")
