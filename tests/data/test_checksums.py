"""Checksums of uncompressed content: the cache, manifests, identification."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

import pytest

from symdae.data import checksums
from symdae.data.checksums import check_file, digests_cache_path, file_digests
from symdae.data.registry import ARCHIVES, MANIFEST_NAME
from tests.data.helpers import write


def test_digests_are_of_the_uncompressed_content(tmp_path: Path, fresh_cache: Path) -> None:
    content = b"some bytes" * 1000
    raw, gz = write(tmp_path / "raw" / "f", content), write(tmp_path / "gz" / "f", content, gz=True)
    expected = hashlib.sha256(content).hexdigest()
    assert file_digests(raw)[0].sha256 == expected == file_digests(gz)[0].sha256
    assert file_digests(raw)[0].md5 == hashlib.md5(content).hexdigest()


def test_cache_hit_skips_hashing_and_a_change_invalidates_it(tmp_path: Path, fresh_cache: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "f", b"abc")
    first, cached = file_digests(path)
    assert not cached and digests_cache_path().is_file()
    calls: list[int] = []
    original = checksums.hash_chunks

    def counting(chunks: Iterable[bytes]) -> checksums.Digests:
        calls.append(1)
        return original(chunks)

    monkeypatch.setattr(checksums, "hash_chunks", counting)
    assert file_digests(path) == (first, True) and not calls
    path.write_bytes(b"abd")  # same size; new modification time
    os.utime(path, ns=(1, 1))
    second, cached = file_digests(path)
    assert not cached and calls and second.sha256 == hashlib.sha256(b"abd").hexdigest()


def test_corrupt_cache_file_is_ignored(tmp_path: Path, fresh_cache: Path) -> None:
    path = write(tmp_path / "f", b"abc")
    digests_cache_path().parent.mkdir(parents=True)
    digests_cache_path().write_text("{not json")
    digests, cached = file_digests(path)
    assert not cached and digests.sha256 == hashlib.sha256(b"abc").hexdigest()
    assert file_digests(path) == (digests, True)
    assert json.loads(digests_cache_path().read_text())["version"] == 1


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
