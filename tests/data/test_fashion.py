"""Fashion-MNIST: layouts, loading, checksums, spectra, downloads; the real files when present, else synthetic."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest

from symdae.cli import main
from symdae.data import check_file, checksums, download, load, locate, read_idx, spectrum, survey
from symdae.data.registry import (
    FASHION_MNIST_FILES,
    FASHION_MNIST_GZ_MD5,
    FASHION_MNIST_GZ_SIZES,
    FASHION_MNIST_URLS,
    MNIST_SIZES,
    KnownFile,
)
from tests.data.helpers import FileServer, sha256_of, tamper_keeping_size_and_times, write, write_mnist

NAMES = tuple(name for pair in FASHION_MNIST_FILES.values() for name in pair)
FIRST_TRAIN_LABELS = [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]  # ankle boot, T-shirt/top, T-shirt/top, dress, ...
FIRST_TEST_LABELS = [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]


@pytest.fixture(scope="session")
def fashion_folder(data_root: Path) -> Path:
    try:
        return locate("fashion-mnist", data_root).folder
    except FileNotFoundError as err:
        pytest.skip(f"fashion-mnist not under the data root: {err}")


def _register_as_official(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make the synthetic files in ``folder`` the official Fashion-MNIST ones (listed first, so also for downloads)."""
    known = tuple(KnownFile("fashion-mnist", path.name.removesuffix(".gz"), "sha256",
                            hashlib.sha256(gzip.decompress(path.read_bytes()) if path.suffix == ".gz"
                                           else path.read_bytes()).hexdigest(), "fashion-mnist-official")
                  for path in sorted(folder.iterdir()))
    monkeypatch.setattr(checksums, "KNOWN_FILES", known + checksums.KNOWN_FILES)


# --- layouts ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sub", [".", "fashion-mnist", "FashionMNIST/raw"])
def test_found_in_own_folder_or_standard_subfolder(tmp_path: Path, sub: str) -> None:
    folder = (tmp_path / sub).resolve()
    images, labels = write_mnist(folder, np.random.default_rng(20), gz=sub == "FashionMNIST/raw")
    assert locate("fashion-mnist", tmp_path).folder.resolve() == folder
    data = load("fashion-mnist", data_root=tmp_path, verify=False)
    np.testing.assert_array_equal(data.images, images)
    np.testing.assert_array_equal(data.labels, labels)
    assert data.name == "fashion-mnist" and data.format == "idx" and data.dim == 784


def test_mnist_and_fashion_mnist_side_by_side(tmp_path: Path) -> None:
    mnist, _ = write_mnist(tmp_path / "MNIST" / "raw", np.random.default_rng(21))
    fashion, _ = write_mnist(tmp_path / "FashionMNIST" / "raw", np.random.default_rng(22))
    assert [(loc.layout.dataset, loc.folder) for loc in survey(tmp_path)] == [
        ("mnist", tmp_path / "MNIST" / "raw"), ("fashion-mnist", tmp_path / "FashionMNIST" / "raw")]
    np.testing.assert_array_equal(load("mnist", data_root=tmp_path, verify=False).images, mnist)
    np.testing.assert_array_equal(load("fashion-mnist", data_root=tmp_path, verify=False).images, fashion)
    with pytest.raises(FileNotFoundError, match=r"no fashion-mnist files under data root .*: searched .*"
                                                r"fashion-mnist \(idx\); .*FashionMNIST/raw \(idx\)"):
        locate("fashion-mnist", tmp_path / "MNIST")


def test_a_root_holding_one_datasets_files_is_not_the_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_mnist(tmp_path, np.random.default_rng(23))
    assert [loc.layout.dataset for loc in survey(tmp_path)] == ["mnist", "fashion-mnist"]  # unrecognised: both
    _register_as_official(monkeypatch, tmp_path)
    assert [loc.layout.dataset for loc in survey(tmp_path)] == ["fashion-mnist"]
    with pytest.raises(FileNotFoundError, match=rf"searched {tmp_path} \(idx; it holds fashion-mnist's files\)"):
        locate("mnist", tmp_path)
    assert load("fashion-mnist", data_root=tmp_path).provenance == "fashion-mnist-official"


# --- checksums ---------------------------------------------------------------------------------------------------


def test_unknown_checksum_names_the_published_version(tmp_path: Path) -> None:
    write_mnist(tmp_path / "fashion-mnist", np.random.default_rng(24))
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte: SHA-256 \w+ of the uncompressed content matches "
                                         r"no known version of train-images-idx3-ubyte \(fashion-mnist-official "
                                         r"sha256 c59f468a2f67…\); the file is corrupt"):
        load("fashion-mnist", data_root=tmp_path)
    data = load("fashion-mnist", "test", data_root=tmp_path, verify=False)
    assert data.provenance == "unverified" and not data.exact


def test_another_datasets_file_is_named_as_such(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_mnist(tmp_path / "fashion-mnist", np.random.default_rng(25))
    known = tuple(KnownFile("mnist", path.name, "sha256", sha256_of(path), "mnist-official")
                  for path in (tmp_path / "fashion-mnist").iterdir())
    monkeypatch.setattr(checksums, "KNOWN_FILES", checksums.KNOWN_FILES + known)
    with pytest.raises(ValueError, match=r"matches no known version of train-images-idx3-ubyte \(fashion-mnist-"
                                         r"official sha256 c59f468a2f67…\); it is the mnist-official file of dataset "
                                         r"'mnist': load that dataset"):
        load("fashion-mnist", data_root=tmp_path)


@pytest.mark.data
def test_real_files_are_official_and_both_splits_load(data_root: Path, fashion_folder: Path) -> None:
    train = load("fashion-mnist", data_root=data_root)
    test = load("fashion-mnist", "test", data_root=data_root)
    assert train.images.shape == (60000, 28, 28) and test.images.shape == (10000, 28, 28)
    assert train.labels[:10].tolist() == FIRST_TRAIN_LABELS and test.labels[:10].tolist() == FIRST_TEST_LABELS
    for data in (train, test):
        assert data.provenance == "fashion-mnist-official" and data.nature == "exact" and data.exact
        assert {check.basis for check in data.files} == {"registry"}
        assert np.bincount(data.labels).tolist() == [data.n // 10] * 10  # balanced classes
    assert "Fashion-MNIST" in train.describe()


@pytest.mark.data
def test_real_files_read_with_the_idx_reader(fashion_folder: Path) -> None:
    images = read_idx(next(fashion_folder.glob("t10k-images-idx3-ubyte*")))
    labels = read_idx(next(fashion_folder.glob("train-labels-idx1-ubyte*")))
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8 and int(images.max()) == 255
    assert labels.shape == (60000,) and labels[:10].tolist() == FIRST_TRAIN_LABELS


def _as_published(path: Path, name: str, mtime: int) -> bytes:
    """The archive's bytes with the gzip header's name and time as in the authors' archive (RFC 1952 §2.3)."""
    content = path.read_bytes()
    if content[3] & 0x08:  # the name is there: the archive as published
        return content
    assert content[:4] == b"\x1f\x8b\x08\x00", "a plain gzip header (no extra field, name or comment)"
    return b"\x1f\x8b\x08\x08" + mtime.to_bytes(4, "little") + content[8:10] + name.encode() + b"\x00" + content[10:]


@pytest.mark.data
@pytest.mark.parametrize("name", NAMES)
def test_real_archives_carry_the_published_deflate_streams(fashion_folder: Path, name: str) -> None:
    """The shared copies lack the name and time of the gzip header; put back, each is the published archive."""
    path = fashion_folder / f"{name}.gz"
    if not path.is_file():
        pytest.skip(f"{path} is not there (only the uncompressed file, whose SHA-256 the loading tests check)")
    mtime = 1504176627 if name.startswith("t10k") else 1504176606  # 2017-08-31 10:50:27 / 10:50:06 UTC
    published = _as_published(path, name, mtime)
    assert len(published) == FASHION_MNIST_GZ_SIZES[name]
    assert hashlib.md5(published).hexdigest() == FASHION_MNIST_GZ_MD5[name]
    content = gzip.decompress(published)
    assert len(content) == MNIST_SIZES[name] and hashlib.sha256(content).hexdigest() == checksums.official_sha256(
        "fashion-mnist", name)


@pytest.mark.data
def test_tampered_copy_of_a_real_file_is_detected(tmp_path: Path, fashion_folder: Path,
                                                  fresh_cache: Path) -> None:
    source = next(fashion_folder.glob("t10k-labels-idx1-ubyte*"))
    content = gzip.decompress(source.read_bytes()) if source.suffix == ".gz" else source.read_bytes()
    path = write(tmp_path / "t10k-labels-idx1-ubyte", content, gz=True)
    assert check_file(path, "fashion-mnist").source.id == "fashion-mnist-official"
    with pytest.raises(ValueError, match=r"matches no known version of t10k-labels-idx1-ubyte \(mnist-official"):
        check_file(path, "mnist")
    raw = write(tmp_path / "raw" / "t10k-labels-idx1-ubyte", content)
    tamper_keeping_size_and_times(raw)  # the last label changed: still a valid label, only the checksum tells
    with pytest.raises(ValueError, match=r"matches no known version of t10k-labels-idx1-ubyte \(fashion-mnist-"
                                         r"official sha256 0402a96d92fd…\); the file is corrupt"):
        check_file(raw, "fashion-mnist")
    assert check_file(raw, "fashion-mnist", verify=False).source.id == "unverified"


@pytest.mark.data
def test_real_dataset_folders_hold_one_dataset_each(data_root: Path, fashion_folder: Path) -> None:
    assert [loc.layout.dataset for loc in survey(fashion_folder)] == ["fashion-mnist"]
    with pytest.raises(FileNotFoundError, match=r"it holds fashion-mnist's files"):
        locate("mnist", fashion_folder)
    mnist = [loc.folder for loc in survey(data_root) if loc.layout.dataset == "mnist"]
    if mnist:
        assert [loc.layout.dataset for loc in survey(mnist[0])] == ["mnist"]
        with pytest.raises(FileNotFoundError, match=r"it holds mnist's files"):
            locate("fashion-mnist", mnist[0])


# --- spectra -----------------------------------------------------------------------------------------------------


def test_spectrum_of_synthetic_files_is_cached_under_its_name(tmp_path: Path, fresh_cache: Path) -> None:
    write_mnist(tmp_path / "fashion-mnist", np.random.default_rng(8), n=40)  # test_spectra's Σ: eigh done once
    data = load("fashion-mnist", data_root=tmp_path, verify=False)
    result = spectrum(data)
    assert result.dataset == "fashion-mnist" and result.eigenvalues.shape == (784,)
    assert result.path is not None and result.path.name.startswith("fashion-mnist-train-n40-none-")
    assert spectrum(data).from_cache
    mnist = spectrum(load("mnist", data_root=tmp_path / "fashion-mnist", verify=False))
    assert mnist.path != result.path and np.array_equal(mnist.eigenvalues, result.eigenvalues)  # same bytes


@pytest.mark.data
def test_real_spectrum_small_n(data_root: Path, fashion_folder: Path, fresh_cache: Path) -> None:
    data = load("fashion-mnist", n=1000, data_root=data_root)
    result = spectrum(data)
    x = data.images.reshape(1000, -1) / 255.0
    np.testing.assert_allclose(result.eigenvalues.sum(), np.sum(x * x), rtol=1e-12)
    assert result.provenance == "fashion-mnist-official" and np.all(np.diff(result.eigenvalues) <= 0)
    assert result.path is not None and result.path.name.startswith("fashion-mnist-train-n1000-none-")


# --- downloads ---------------------------------------------------------------------------------------------------


def test_download_asks_the_official_locations_within_the_official_sizes(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from symdae.data import downloads

    asked: list[tuple[list[str], int | None]] = []

    def record(urls: list[str], dest: Path, check: object, *, timeout: float, max_bytes: int | None,
               log: object) -> None:
        asked.append((list(urls), max_bytes))
        raise FileNotFoundError(f"{dest.name}: not fetched in this test")

    monkeypatch.setattr(downloads, "fetch", record)
    monkeypatch.delenv("SYMDAE_DOWNLOAD_URL")
    with pytest.raises(FileNotFoundError, match=r"train-images-idx3-ubyte\.gz: not fetched"):
        download("fashion-mnist", tmp_path)
    assert asked == [([f"{base}train-images-idx3-ubyte.gz" for base in FASHION_MNIST_URLS], 26_421_880)]
    assert (tmp_path / "fashion-mnist").is_dir()


def test_download_of_synthetic_files_registered_as_official(file_server: FileServer, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    write_mnist(file_server.root, np.random.default_rng(26), gz=True)
    _register_as_official(monkeypatch, file_server.root)
    root = tmp_path / "root"
    lines: list[str] = []
    paths = download("fashion-mnist", root, base_url=file_server.url, log=lines.append)
    assert sorted(p.name for p in paths) == sorted(f"{name}.gz" for name in NAMES)
    assert all(p.parent == root / "fashion-mnist" for p in paths) and not list(root.rglob("*.part"))
    assert load("fashion-mnist", "test", data_root=root).provenance == "fashion-mnist-official"
    served = len(file_server.requests)
    assert download("fashion-mnist", root, base_url=file_server.url, log=lines.append) == paths
    assert len(file_server.requests) == served and sum("present, verified" in line for line in lines) == 4


def test_download_rejects_mnist_files_served_as_fashion_mnist(file_server: FileServer, tmp_path: Path) -> None:
    write_mnist(file_server.root, np.random.default_rng(27), gz=True)
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte.gz failed verification after download and was "
                                         r"removed: SHA-256 of the uncompressed content is \w+, not the official "
                                         r"c59f468a2f672dc8"):
        download("fashion-mnist", tmp_path, base_url=file_server.url)
    assert not list((tmp_path / "fashion-mnist").iterdir())


@pytest.mark.data
def test_download_of_the_real_files_from_a_local_server(file_server: FileServer, fashion_folder: Path,
                                                        tmp_path: Path) -> None:
    for name in NAMES:
        raw = fashion_folder / name
        if raw.is_file():
            (file_server.root / f"{name}.gz").write_bytes(gzip.compress(raw.read_bytes(), mtime=0))
        else:
            shutil.copy(fashion_folder / f"{name}.gz", file_server.root)
    paths = download("fashion-mnist", tmp_path, base_url=file_server.url)
    assert len(paths) == 4 and all(check_file(path, "fashion-mnist").cached for path in paths)
    assert load("fashion-mnist", "test", data_root=tmp_path).labels[:10].tolist() == FIRST_TEST_LABELS


# --- the command line --------------------------------------------------------------------------------------------


def test_cli_spectrum_and_download_accept_the_dataset(tmp_path: Path, fresh_cache: Path, file_server: FileServer,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    write_mnist(tmp_path / "FashionMNIST" / "raw", np.random.default_rng(8), n=40)
    assert main(["data", "spectrum", "--dataset", "fashion-mnist", "--data-root", str(tmp_path), "--no-verify",
                 "--top", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("fashion-mnist train, first 40 images (D = 784)") and "λ_1 = " in out
    assert main(["data", "download", "--dataset", "fashion-mnist", "--data-root", str(tmp_path / "dl"),
                 "--base-url", file_server.url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("symdae data download: train-images-idx3-ubyte.gz not found at any location")
    assert main(["data", "info", "--data-root", str(tmp_path)]) == 1
    assert f"fashion-mnist (idx) in {tmp_path / 'FashionMNIST' / 'raw'}" in capsys.readouterr().out


@pytest.mark.data
def test_cli_info_on_the_real_data_root(data_root: Path, fashion_folder: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "info", "--data-root", str(fashion_folder)]) == 0
    out = capsys.readouterr().out
    assert f"fashion-mnist (idx) in {fashion_folder}" in out and "fashion-mnist-official (exact; registry" in out
    assert "\nmnist (idx)" not in out
