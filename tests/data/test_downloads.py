"""Downloads against a local HTTP server on 127.0.0.1: verify, resume, reject corrupt files, archives."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import json
import shutil
import tarfile
import time
from pathlib import Path

import numpy as np
import pytest

from symdae.data import DownloadError, check_file, download, fetch, load, registry
from symdae.data.registry import ARCHIVES, MANIFEST_NAME, MNIST_GZ_SIZES, MNIST_SIZES
from tests.data.helpers import (
    FileServer,
    cifar_bin_bytes,
    endless,
    random_images,
    slow_headers,
    trickle,
    write,
    write_mnist,
)

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
            (file_server.root / f"{name}.gz").write_bytes(gzip.compress(raw.read_bytes()))  # within the cap
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
    assert data.provenance == "mnist-official"
    assert not any(check.cached for check in data.files)  # loading hashes the bytes it parses
    assert all(check_file(path, "mnist").cached for path in paths)  # the download's digests, for `data info`
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
    with pytest.raises(ValueError, match="dataset must be one of mnist, cifar10, fashion-mnist; got 'svhn'"):
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


# --- limits: the size cap and the deadline --------------------------------------------------------------------


def _accept(path: Path) -> bytes:
    return path.read_bytes()


def test_endless_body_is_cut_at_the_cap(file_server: FileServer, tmp_path: Path) -> None:
    file_server.scripts["/f.gz"] = endless()
    dest = tmp_path / "dl" / "f.gz"
    started = time.monotonic()
    with pytest.raises(DownloadError, match=r"f\.gz: the server sent more than the 200000 bytes of the official "
                                            r"file; cut there, and the \d+ bytes it had sent were discarded$"):
        fetch([file_server.url + "f.gz"], dest, _accept, max_bytes=200_000, timeout=30)
    assert time.monotonic() - started < 5
    assert not list(dest.parent.iterdir())  # neither the file nor a .part


def test_endless_mnist_download_is_cut_at_the_official_size(file_server: FileServer, tmp_path: Path) -> None:
    file_server.scripts[f"/{FIRST}"] = endless()
    root = tmp_path / "root"
    with pytest.raises(DownloadError, match=rf"could not download {FIRST}: .*more than the "
                                            rf"{MNIST_GZ_SIZES['train-images-idx3-ubyte']} bytes"):
        download("mnist", root, base_url=file_server.url)
    assert not list((root / "mnist").iterdir())


@pytest.mark.parametrize("headers", [{"Content-Length": "200001"},
                                     {"Content-Length": "199000", "Content-Range": "bytes 1000-199999/200001"}],
                         ids=["content-length", "content-range"])
def test_announced_size_over_the_cap_is_refused_before_writing(file_server: FileServer, tmp_path: Path,
                                                              headers: dict[str, str]) -> None:
    status = 206 if "Content-Range" in headers else 200
    file_server.scripts["/f.gz"] = endless(status, headers)
    dest = tmp_path / "f.gz"
    part = tmp_path / "f.gz.part"
    part.write_bytes(b"p" * 1000)  # a prefix left by an earlier run
    with pytest.raises(DownloadError, match=r"announces 200001 bytes, more than the 200000 of the official file; "
                                            r"refused before writing anything; the partial file .* is kept"):
        fetch([file_server.url + "f.gz"], dest, _accept, max_bytes=200_000)
    assert part.read_bytes() == b"p" * 1000 and not dest.exists()


def test_overflow_after_a_resume_keeps_only_the_earlier_prefix(file_server: FileServer, tmp_path: Path) -> None:
    file_server.scripts["/f.gz"] = endless(206, {"Content-Range": "bytes 1000-199999/*"})
    part = tmp_path / "f.gz.part"
    part.write_bytes(b"p" * 1000)
    with pytest.raises(DownloadError, match="more than the 200000 bytes"):
        fetch([file_server.url + "f.gz"], tmp_path / "f.gz", _accept, max_bytes=200_000)
    assert part.read_bytes() == b"p" * 1000  # what this response added is gone; the earlier prefix stays
    assert file_server.requests == [("/f.gz", "bytes=1000-")]


def test_part_longer_than_the_cap_is_removed_first(file_server: FileServer, tmp_path: Path) -> None:
    (file_server.root / "f.gz").write_bytes(b"good")
    part = tmp_path / "f.gz.part"
    part.write_bytes(b"x" * 11)
    lines: list[str] = []
    assert fetch([file_server.url + "f.gz"], tmp_path / "f.gz", _accept, max_bytes=10, log=lines.append) == b"good"
    assert "more than the 10 of the official file: removed" in lines[0]
    assert file_server.requests == [("/f.gz", None)]  # started afresh, not resumed past the cap


def test_trickling_body_is_cut_at_the_deadline_and_resumed(file_server: FileServer, tmp_path: Path) -> None:
    content = bytes(range(256)) * 4
    (file_server.root / "f.gz").write_bytes(content)
    file_server.scripts["/f.gz"] = trickle(content, 0.05)
    dest = tmp_path / "f.gz"
    started = time.monotonic()
    with pytest.raises(DownloadError, match=r"not finished within the timeout of 1 s \(\d+ bytes received\); the "
                                            r"partial file .*f\.gz\.part is kept: run again to resume"):
        fetch([file_server.url + "f.gz"], dest, _accept, timeout=1, max_bytes=len(content))
    elapsed = time.monotonic() - started
    assert 0.9 < elapsed < 1.8, elapsed
    part = tmp_path / "f.gz.part"
    kept = part.read_bytes()
    assert 0 < len(kept) < 40 and content.startswith(kept)  # a true prefix, kept for resuming
    del file_server.scripts["/f.gz"]
    assert fetch([file_server.url + "f.gz"], dest, _accept, timeout=5, max_bytes=len(content)) == content
    assert file_server.requests[-1] == ("/f.gz", f"bytes={len(kept)}-")


def test_trickling_headers_are_cut_at_the_deadline(file_server: FileServer, tmp_path: Path) -> None:
    file_server.scripts["/f.gz"] = slow_headers(0.05)
    started = time.monotonic()
    with pytest.raises(DownloadError, match=r"could not download f\.gz: .*not finished within the timeout of 1 s"):
        fetch([file_server.url + "f.gz"], tmp_path / "dl" / "f.gz", _accept, timeout=1)
    assert 0.9 < time.monotonic() - started < 1.8
    assert not list((tmp_path / "dl").iterdir())


def test_deadline_and_cap_must_be_sensible(tmp_path: Path) -> None:
    for bad in (0, -1, float("nan"), float("inf"), True):
        with pytest.raises(ValueError, match="timeout must be a finite number of seconds > 0"):
            fetch(["http://127.0.0.1:9/f"], tmp_path / "f", _accept, timeout=bad)
        with pytest.raises(ValueError, match="timeout must be a finite number of seconds > 0"):
            download("mnist", tmp_path, timeout=bad)
    with pytest.raises(ValueError, match="max_bytes must be a whole number >= 1 or None; got 0"):
        fetch(["http://127.0.0.1:9/f"], tmp_path / "f", _accept, max_bytes=0)


def test_gzip_that_expands_past_the_official_size_fails_its_check(file_server: FileServer, tmp_path: Path) -> None:
    size = MNIST_SIZES["train-images-idx3-ubyte"]
    (file_server.root / FIRST).write_bytes(gzip.compress(bytes(size + 1), compresslevel=1))
    root = tmp_path / "root"
    with pytest.raises(ValueError, match=rf"failed verification after download and was removed: the uncompressed "
                                         rf"content exceeds the official {size} bytes"):
        download("mnist", root, base_url=file_server.url)
    assert not list((root / "mnist").iterdir())


def test_data_root_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match=r"data_root .*file exists and is not a directory"):
        download("mnist", tmp_path / "file")
