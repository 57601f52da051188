"""Checksums of uncompressed content: the cache, manifests, identification."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from symdae.data import checksums
from symdae.data.checksums import check_file, digests_cache_path, file_digests
from symdae.data.registry import ARCHIVES, MANIFEST_NAME
from tests.data.helpers import tamper_keeping_size_and_times, write


def test_digests_are_of_the_uncompressed_content(tmp_path: Path, fresh_cache: Path) -> None:
    content = b"some bytes" * 1000
    raw, gz = write(tmp_path / "raw" / "f", content), write(tmp_path / "gz" / "f", content, gz=True)
    expected = hashlib.sha256(content).hexdigest()
    assert file_digests(raw)[0].sha256 == expected == file_digests(gz)[0].sha256
    assert file_digests(raw)[0].md5 == hashlib.md5(content).hexdigest()


def test_cache_hit_skips_hashing_and_a_change_invalidates_it(tmp_path: Path, fresh_cache: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            settle: Callable[[], None]) -> None:
    path = write(tmp_path / "f", b"abc")
    settle()
    first, cached = file_digests(path)
    assert not cached and digests_cache_path().is_file()
    calls: list[int] = []
    original = checksums.hash_chunks

    def counting(chunks: Iterable[bytes]) -> checksums.Digests:
        calls.append(1)
        return original(chunks)

    monkeypatch.setattr(checksums, "hash_chunks", counting)
    assert file_digests(path) == (first, True) and not calls
    path.write_bytes(b"abd")  # same size
    os.utime(path, ns=(1, 1))
    second, cached = file_digests(path)
    assert not cached and calls and second.sha256 == hashlib.sha256(b"abd").hexdigest()


def _one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def _valid_entry() -> dict[str, object]:
    return {"dev": 1, "ino": 2, "size": 3, "mtime_ns": 4, "ctime_ns": 5, "sha256": "a" * 64, "md5": "b" * 32}


DAMAGED_CACHES = {
    "empty": (b"", "empty"),
    "truncated": (b'{"version": 2, "files": {"/x": {"dev": 1', "not JSON"),
    "not utf-8": (b"\xff\xfe\x00", "not JSON"),
    "a list": (b"[1, 2]", "a JSON list instead of an object"),
    "unknown version": (b'{"version": "2", "files": {}}', "version '2', not 2"),
    "files not an object": (b'{"version": 2, "files": []}', "its 'files' is not an object"),
    "entry not an object": (b'{"version": 2, "files": {"/x": 5}}', "the entry for /x is malformed: a JSON int"),
    "entry without ctime": (json.dumps({"version": 2, "files": {"/x": {**_valid_entry(), "ctime_ns": None}}}).encode(),
                            "ctime_ns is None, not a whole number >= 0"),
    "entry with a bad digest": (json.dumps({"version": 2, "files": {"/x": {**_valid_entry(), "sha256": "z"}}}).encode(),
                                "its sha256 or md5 is not a hex digest"),
    "a directory": (None, "not a regular file"),
}


@pytest.mark.parametrize("kind", DAMAGED_CACHES)
def test_damaged_cache_is_reported_cleared_and_rebuilt(kind: str, tmp_path: Path, fresh_cache: Path,
                                                       capsys: pytest.CaptureFixture[str],
                                                       settle: Callable[[], None]) -> None:
    content, reason = DAMAGED_CACHES[kind]
    path = write(tmp_path / "f", b"abc")
    settle()
    cache = digests_cache_path()
    cache.parent.mkdir(parents=True)
    if content is None:
        (cache / "inner").mkdir(parents=True)
    else:
        cache.write_bytes(content)
    digests, cached = file_digests(path)
    assert not cached and digests.sha256 == hashlib.sha256(b"abc").hexdigest()
    line = _one_line(capsys.readouterr().err)
    assert line.startswith(f"symdae: cached checksums {cache} is damaged (") and reason in line, line
    assert line.endswith("; hashing the files again")
    if content is None:  # a directory is moved aside, not deleted
        assert "moved it aside to" in line
        assert [p.name.split("-")[0] for p in cache.parent.iterdir() if p.is_dir()] == ["digests.json.damaged"]
    else:
        assert "removed it" in line
    assert json.loads(cache.read_text())["version"] == 2  # rebuilt
    assert file_digests(path) == (digests, True) and capsys.readouterr().err == ""


def test_cache_of_an_older_version_is_replaced_quietly(tmp_path: Path, fresh_cache: Path,
                                                       capsys: pytest.CaptureFixture[str],
                                                       settle: Callable[[], None]) -> None:
    path = write(tmp_path / "f", b"abc")
    settle()
    digests_cache_path().parent.mkdir(parents=True)
    old = {"version": 1, "files": {str(path.resolve()): {"size": 3, "mtime_ns": path.stat().st_mtime_ns,
                                                        "sha256": "0" * 64, "md5": "0" * 32}}}
    digests_cache_path().write_text(json.dumps(old))
    digests, cached = file_digests(path)
    assert not cached and digests.sha256 == hashlib.sha256(b"abc").hexdigest()  # the old entry is not trusted
    assert capsys.readouterr().err == "" and json.loads(digests_cache_path().read_text())["version"] == 2


def test_unwritable_cache_is_reported_and_skipped(tmp_path: Path, fresh_cache: Path,
                                                  capsys: pytest.CaptureFixture[str],
                                                  settle: Callable[[], None]) -> None:
    path = write(tmp_path / "f", b"abc")
    settle()
    fresh_cache.mkdir()
    (fresh_cache / "data").write_text("a file where the cache folder should be")
    digests, cached = file_digests(path)
    assert not cached and digests.sha256 == hashlib.sha256(b"abc").hexdigest()
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("symdae: could not write the checksum cache ") and line.endswith("continuing without it")


def test_a_file_changed_moments_ago_is_not_cached(tmp_path: Path, fresh_cache: Path) -> None:
    path = write(tmp_path / "f", b"abcdef")  # a further edit within this clock tick could keep every time as it is
    assert not file_digests(path)[1] and not file_digests(path)[1] and not digests_cache_path().exists()


def test_same_size_same_mtime_edit_is_hashed_again(tmp_path: Path, fresh_cache: Path,
                                                   settle: Callable[[], None]) -> None:
    path = write(tmp_path / "f", b"abcdef")
    settle()
    first, _ = file_digests(path)
    assert file_digests(path) == (first, True)
    tamper_keeping_size_and_times(path)
    second, cached = file_digests(path)
    assert not cached and second.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() != first.sha256


def test_a_copy_with_the_same_times_is_hashed_again(tmp_path: Path, fresh_cache: Path,
                                                    settle: Callable[[], None]) -> None:
    original = write(tmp_path / "a" / "f", b"abcdef")
    settle()
    assert not file_digests(original)[1] and file_digests(original)[1]
    moved = tmp_path / "b" / "f"
    moved.parent.mkdir()
    shutil.copy2(original, moved)  # same size and mtime, another inode
    os.replace(moved, original)
    digests, cached = file_digests(original)
    assert not cached and digests.sha256 == hashlib.sha256(b"abcdef").hexdigest()


@pytest.mark.data
def test_tampered_copy_of_a_real_file_is_no_longer_official(tmp_path: Path, mnist_folder: Path,
                                                           fresh_cache: Path, settle: Callable[[], None]) -> None:
    source = next(mnist_folder.glob("t10k-labels-idx1-ubyte*"))
    content = gzip.decompress(source.read_bytes()) if source.suffix == ".gz" else source.read_bytes()
    path = write(tmp_path / "t10k-labels-idx1-ubyte", content)  # raw, as the reproduction
    settle()
    assert check_file(path, "mnist").source.id == "mnist-official"
    assert check_file(path, "mnist").cached
    tamper_keeping_size_and_times(path)
    check = check_file(path, "mnist", verify=False)
    assert not check.cached and check.source.id == "unverified"
    with pytest.raises(ValueError, match="matches no known version of t10k-labels-idx1-ubyte"):
        check_file(path, "mnist")


def test_manifest_of_a_verified_archive_identifies_its_files(tmp_path: Path, fresh_cache: Path) -> None:
    folder = tmp_path / "cifar-10-batches-bin"
    path = write(folder / "data_batch_4.bin", b"\x01" * 3073)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    archive = ARCHIVES["cifar10"]
    manifest = {"archive_sha256": archive.sha256, "files": {"data_batch_4.bin": sha}}
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest))
    check = check_file(path, "cifar10")
    assert check.source.id == "cifar10-official" and check.basis == "manifest" and check.recognised
    manifest["archive_sha256"] = "0" * 64  # not an official archive: not trusted
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match=r"no published checksum for a file named data_batch_4\.bin"):
        check_file(path, "cifar10")
    assert check_file(path, "cifar10", verify=False).source.id == "unverified"
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest)[:20])  # truncated: said so
    with pytest.raises(ValueError, match=r"Note: its manifest .*symdae-manifest\.json cannot be read \(.*run"
                                         r"ning `symdae data download --dataset cifar10`"):
        check_file(path, "cifar10")
