"""Downloads against a local HTTP server on 127.0.0.1: verify, resume, reject corrupt files, archives."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import numpy as np
import pytest

from symdae.data import DownloadError, download, fetch, load, registry
from symdae.data.registry import ARCHIVES, MANIFEST_NAME
from tests.data.helpers import FileServer, cifar_bin_bytes, random_images, write, write_mnist

SMALL = "t10k-labels-idx1-ubyte.gz"
LARGE = "t10k-images-idx3-ubyte.gz"
FIRST = "train-images-idx3-ubyte.gz"  # the first file download("mnist", ...) fetches


@pytest.fixture
def mnist_served(file_server: FileServer, mnist_folder: Path) -> FileServer:
    """The real MNIST .gz files, served from a copy."""
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                 "t10k-labels-idx1-ubyte"):
        raw = mnist_folder / name
        if raw.is_file():
            (file_server.root / f"{name}.gz").write_bytes(gzip.compress(raw.read_bytes(), compresslevel=1))
        else:
            shutil.copy(mnist_folder / f"{name}.gz", file_server.root)
    return file_server


@pytest.mark.data
def test_mnist_download_verifies_and_loads(mnist_served: FileServer, tmp_path: Path) -> None:
    root = tmp_path / "root"
    lines: list[str] = []
    paths = download("mnist", root, base_url=mnist_served.url, log=lines.append)
    assert sorted(p.name for p in paths) == sorted(p.name for p in mnist_served.root.iterdir())
    assert all(p.parent == root / "mnist" for p in paths) and not list(root.rglob("*.part"))
    data = load("mnist", "test", data_root=root)
    assert data.provenance == "mnist-official" and all(check.cached for check in data.files)
    served = len(mnist_served.requests)
    download("mnist", root, base_url=mnist_served.url, log=lines.append)  # all present: nothing fetched
    assert len(mnist_served.requests) == served and sum("present, verified" in line for line in lines) == 4


@pytest.mark.data
def test_interrupted_transfer_resumes_with_a_range_request(mnist_served: FileServer, tmp_path: Path) -> None:
    dest = tmp_path / "mnist" / LARGE
    part = dest.with_name(f"{LARGE}.part")
    url = mnist_served.url + LARGE
    mnist_served.drop_after[f"/{LARGE}"] = 500_000
    with pytest.raises(DownloadError, match=r"transfer interrupted after 500000 of \d+ bytes.*run again to resume"):
        fetch([url], dest, _check_t10k_images)
    assert part.stat().st_size == 500_000 and not dest.exists()
    fetch([url], dest, _check_t10k_images)
    assert mnist_served.requests[-1] == (f"/{LARGE}", "bytes=500000-")
    assert dest.read_bytes() == (mnist_served.root / LARGE).read_bytes() and not part.exists()


def _check_t10k_images(path: Path) -> str:
    with gzip.open(path) as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    official = next(k.digest for k in registry.KNOWN_FILES if k.name == "t10k-images-idx3-ubyte")
    if digest != official:
        raise ValueError(f"{digest} is not {official}")
    return digest


@pytest.mark.data
def test_server_ignoring_range_restarts_the_file(mnist_served: FileServer, tmp_path: Path) -> None:
    dest = tmp_path / LARGE
    dest.with_name(f"{LARGE}.part").write_bytes(b"stale bytes from elsewhere")
    mnist_served.ranges = False
    fetch([mnist_served.url + LARGE], dest, _check_t10k_images)
    assert dest.read_bytes() == (mnist_served.root / LARGE).read_bytes()


def test_corrupt_download_is_rejected_and_removed(file_server: FileServer, tmp_path: Path) -> None:
    (file_server.root / FIRST).write_bytes(gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x01\x07"))
    root = tmp_path / "root"
    with pytest.raises(ValueError, match=rf"{FIRST} failed verification after download and was removed: "
                                         r"SHA-256 of the uncompressed content is \w+, not the official"):
        download("mnist", root, base_url=file_server.url)
    assert not list((root / "mnist").iterdir())  # neither the final file nor the .part


def test_truncated_gzip_download_is_rejected_and_removed(file_server: FileServer, tmp_path: Path) -> None:
    (file_server.root / FIRST).write_bytes(gzip.compress(bytes(range(256)) * 400)[:-100])
    root = tmp_path / "root"
    with pytest.raises(ValueError, match="not a complete gzip file"):
        download("mnist", root, base_url=file_server.url)
    assert not list((root / "mnist").iterdir())


def test_missing_file_names_every_location_tried(file_server: FileServer, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=rf"{SMALL} not found at any location: {file_server.url}{SMALL}: "
                                                r"HTTP 404"):
        fetch([file_server.url + SMALL, file_server.url + "mirror/" + SMALL], tmp_path / "dl" / SMALL,
              _check_t10k_images)
    assert [path for path, _ in file_server.requests] == [f"/{SMALL}", f"/mirror/{SMALL}"]
    assert not list((tmp_path / "dl").iterdir())


def test_unreachable_server_keeps_nothing(tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match=r"could not download f.gz: http://127\.0\.0\.1:9/f\.gz: "):
        fetch(["http://127.0.0.1:9/f.gz"], tmp_path / "f.gz", _check_t10k_images, timeout=5)
    assert not list(tmp_path.iterdir())


def test_base_url_must_be_http(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="base_url must be an http:// or https:// URL; got 'file:///etc'"):
        download("mnist", tmp_path, base_url="file:///etc")
    monkeypatch.setenv("SYMDAE_DOWNLOAD_URL", "ftp://example.org/")
    with pytest.raises(ValueError, match="SYMDAE_DOWNLOAD_URL must be an http"):
        download("mnist", tmp_path)
    with pytest.raises(ValueError, match="dataset must be one of mnist, cifar10"):
        download("svhn", tmp_path)


def _synthetic_archive(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


@pytest.fixture
def cifar_archive(file_server: FileServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """A small archive laid out like cifar-10-binary.tar.gz, served, and registered as the official one."""
    rng = np.random.default_rng(11)
    official = ARCHIVES["cifar10"]
    members = {name: cifar_bin_bytes(*random_images(rng, 2, (3, 32, 32))) for name in official.members
               if name.endswith(".bin")}
    members["cifar-10-batches-bin/batches.meta.txt"] = b"airplane\n"
    members["cifar-10-batches-bin/readme.html"] = b"<html></html>"
    content = _synthetic_archive(members)
    (file_server.root / official.filename).write_bytes(content)
    patched = dataclasses.replace(official, urls=(file_server.url,), sha256=hashlib.sha256(content).hexdigest(),
                                  md5=hashlib.md5(content).hexdigest(), size=len(content))
    monkeypatch.setitem(ARCHIVES, "cifar10", patched)
    monkeypatch.delenv("SYMDAE_DOWNLOAD_URL")
    return members


def test_cifar_archive_download_extracts_and_is_recognised(cifar_archive: dict[str, bytes], tmp_path: Path) -> None:
    paths = download("cifar10", tmp_path)
    folder = tmp_path / "cifar-10-batches-bin"
    assert {p.name for p in paths} == {Path(m).name for m in ARCHIVES["cifar10"].members}
    assert not (tmp_path / "cifar-10-binary.tar.gz").exists() and not (folder / "readme.html").exists()
    manifest = json.loads((folder / MANIFEST_NAME).read_text())
    assert manifest["archive_sha256"] == ARCHIVES["cifar10"].sha256
    assert manifest["files"]["data_batch_1.bin"] == hashlib.sha256(
        cifar_archive["cifar-10-batches-bin/data_batch_1.bin"]).hexdigest()
    data = load("cifar10", data_root=tmp_path)
    assert data.n == 10 and data.provenance == "cifar10-official" and {c.basis for c in data.files} == {"manifest"}
    assert download("cifar10", tmp_path) == paths  # present and recognised: kept


def test_supplied_archive_verifies_a_copy_extracted_by_hand(cifar_archive: dict[str, bytes],
                                                            file_server: FileServer, tmp_path: Path) -> None:
    folder = tmp_path / "cifar-10-batches-bin"
    for member, content in cifar_archive.items():  # as `tar xzf` would leave them: no manifest
        write(folder / Path(member).name, content)
    with pytest.raises(ValueError, match=r"putting the archive in the data root and running `symdae data download"):
        load("cifar10", data_root=tmp_path)
    shutil.copy(file_server.root / "cifar-10-binary.tar.gz", tmp_path)
    download("cifar10", tmp_path)
    assert file_server.requests == [] and (tmp_path / "cifar-10-binary.tar.gz").is_file()
    assert load("cifar10", data_root=tmp_path).provenance == "cifar10-official"


def test_cifar_archive_kept_on_request(cifar_archive: dict[str, bytes], tmp_path: Path) -> None:
    download("cifar10", tmp_path, keep_archive=True)
    assert (tmp_path / "cifar-10-binary.tar.gz").is_file()


def test_corrupt_archive_is_rejected(cifar_archive: dict[str, bytes], file_server: FileServer,
                                     tmp_path: Path) -> None:
    served = file_server.root / "cifar-10-binary.tar.gz"
    content = bytearray(served.read_bytes())
    content[len(content) // 2] ^= 0xFF
    served.write_bytes(bytes(content))
    with pytest.raises(ValueError, match=r"cifar-10-binary.tar.gz failed verification after download and was "
                                         r"removed: SHA-256 \w+ \(MD5 \w+\) is not the official"):
        download("cifar10", tmp_path / "root")
    assert not list((tmp_path / "root").iterdir())


def test_archive_missing_a_member(cifar_archive: dict[str, bytes], file_server: FileServer, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    del cifar_archive["cifar-10-batches-bin/test_batch.bin"]
    content = _synthetic_archive(cifar_archive)
    (file_server.root / "cifar-10-binary.tar.gz").write_bytes(content)
    monkeypatch.setitem(ARCHIVES, "cifar10", dataclasses.replace(
        ARCHIVES["cifar10"], sha256=hashlib.sha256(content).hexdigest(), md5=None, size=None))
    with pytest.raises(ValueError, match=r"lacks the member .*test_batch\.bin"):
        download("cifar10", tmp_path)


def test_unknown_file_in_the_way_is_left_alone(tmp_path: Path) -> None:
    write_mnist(tmp_path / "mnist", np.random.default_rng(12))
    before = (tmp_path / "mnist" / "train-images-idx3-ubyte").read_bytes()
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte is in the way: .*Move it away and run again"):
        download("mnist", tmp_path)
    assert (tmp_path / "mnist" / "train-images-idx3-ubyte").read_bytes() == before
