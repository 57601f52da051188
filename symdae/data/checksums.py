"""Checksums of data files' uncompressed content, cached, and what they identify.

A file is recognised when its uncompressed name and SHA-256 (or, for the
CIFAR-10 python batches, whose published checksums are MD5, its MD5) match an
entry of :data:`symdae.data.registry.KNOWN_FILES`, or when it is listed with
that SHA-256 in a manifest written by :func:`symdae.data.downloads.download`
after verifying an official archive.

Hashing 90 MB costs a fraction of a second, but it is still skipped when the
file has not changed: results are cached in ``<cache>/data/digests.json``
keyed by the file's resolved path, size and modification time (ns), where
``<cache>`` is ``$SYMDAE_CACHE_DIR`` (else ``$XDG_CACHE_HOME/symdae``, else
``~/.cache/symdae``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from symdae._io import cache_dir, write_atomic
from symdae.data.compression import iter_uncompressed, uncompressed_name
from symdae.data.registry import ARCHIVES, KNOWN_FILES, MANIFEST_NAME, SOURCES, UNVERIFIED, Source

__all__ = ["Digests", "FileCheck", "check_file", "digests_cache_path", "file_digests", "hash_chunks", "remember"]

_CACHE_VERSION = 1


@dataclass(frozen=True)
class Digests:
    """Hex SHA-256 and MD5 of a file's uncompressed content."""

    sha256: str
    md5: str


@dataclass(frozen=True)
class FileCheck:
    """The outcome of checking one file.

    ``basis`` says how the source was established: ``"registry"`` (a
    published checksum), ``"manifest"`` (extracted from a verified official
    archive) or ``"unrecognised"`` (``source`` is then
    :data:`~symdae.data.registry.UNVERIFIED`). ``cached`` is true when the
    digests came from the cache instead of hashing.
    """

    path: Path
    name: str
    digests: Digests
    source: Source
    basis: str
    cached: bool

    @property
    def recognised(self) -> bool:
        return self.basis != "unrecognised"


def hash_chunks(chunks: Iterable[bytes]) -> Digests:
    """SHA-256 and MD5 of the concatenated ``chunks``."""
    sha256 = hashlib.sha256()
    md5 = hashlib.md5(usedforsecurity=False)
    for chunk in chunks:
        sha256.update(chunk)
        md5.update(chunk)
    return Digests(sha256.hexdigest(), md5.hexdigest())


def digests_cache_path() -> Path:
    """The JSON file caching digests (``<cache>/data/digests.json``)."""
    return cache_dir() / "data" / "digests.json"


def _read_cache() -> dict[str, Any]:
    try:
        data = json.loads(digests_cache_path().read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != _CACHE_VERSION or not isinstance(data.get("files"), dict):
        return {}
    return data["files"]


def _stamp(path: Path) -> tuple[str, int, int]:
    resolved = path.resolve()
    stat = resolved.stat()
    return str(resolved), stat.st_size, stat.st_mtime_ns


def remember(path: str | Path, digests: Digests) -> None:
    """Record ``digests`` as the uncompressed content digests of ``path`` as it is now."""
    key, size, mtime_ns = _stamp(Path(path))
    files = _read_cache()
    files[key] = {"size": size, "mtime_ns": mtime_ns, "sha256": digests.sha256, "md5": digests.md5}
    payload = {"version": _CACHE_VERSION, "files": files}
    write_atomic(digests_cache_path(), json.dumps(payload, indent=1, sort_keys=True))


def file_digests(path: str | Path, content: bytes | None = None) -> tuple[Digests, bool]:
    """Digests of the uncompressed content of ``path``, and whether they came from the cache.

    ``content``, when given, must be that uncompressed content (a reader that
    already holds it saves a second read). A cache entry counts only if the
    file's size and modification time are unchanged.
    """
    source = Path(path)
    key, size, mtime_ns = _stamp(source)
    entry = _read_cache().get(key)
    if isinstance(entry, dict) and entry.get("size") == size and entry.get("mtime_ns") == mtime_ns:
        return Digests(str(entry["sha256"]), str(entry["md5"])), True
    digests = hash_chunks([content] if content is not None else iter_uncompressed(source))
    remember(source, digests)
    return digests, False


def _from_manifest(folder: Path, dataset: str, name: str, sha256: str) -> Source | None:
    try:
        manifest = json.loads((folder / MANIFEST_NAME).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        return None
    for archive in ARCHIVES.values():
        if (archive.dataset == dataset and archive.sha256 == manifest.get("archive_sha256")
                and manifest["files"].get(name) == sha256):
            return SOURCES[archive.source]
    return None


def _unrecognised(path: Path, dataset: str, name: str, digests: Digests) -> str:
    """The error message for a file whose checksum matches no known version."""
    versions = [f"{k.source} {k.algorithm} {k.digest[:12]}…" for k in KNOWN_FILES
                if k.dataset == dataset and k.name == name]
    known = "; ".join(versions) if versions else f"no published checksum for a file named {name}"
    message = (f"{path}: SHA-256 {digests.sha256} of the uncompressed content matches no known version of {name} "
               f"({known}); the file is corrupt or from another distribution. Pass verify=False "
               f"(or --no-verify to 'symdae data spectrum') to use it anyway, labelled 'unverified'.")
    for archive in ARCHIVES.values():
        if archive.dataset == dataset and name in {Path(member).name for member in archive.members}:
            message += (f" Files extracted by hand from {archive.filename} are verified by putting the archive in "
                        f"the data root and running `symdae data download --dataset {dataset}` (no network needed).")
    return message


def check_file(path: str | Path, dataset: str, *, content: bytes | None = None, verify: bool = True) -> FileCheck:
    """Identify the file at ``path`` (a file of ``dataset``) by its content checksums.

    Raises ``ValueError`` when the checksum matches no known version of the
    file and ``verify`` is true; with ``verify=False`` such a file is reported
    with source ``unverified``.
    """
    source_path = Path(path)
    name = uncompressed_name(source_path)
    digests, cached = file_digests(source_path, content)
    for known in KNOWN_FILES:
        actual = digests.sha256 if known.algorithm == "sha256" else digests.md5
        if known.dataset == dataset and known.name == name and known.digest == actual:
            return FileCheck(source_path, name, digests, SOURCES[known.source], "registry", cached)
    from_manifest = _from_manifest(source_path.parent, dataset, name, digests.sha256)
    if from_manifest is not None:
        return FileCheck(source_path, name, digests, from_manifest, "manifest", cached)
    if verify:
        raise ValueError(_unrecognised(source_path, dataset, name, digests))
    return FileCheck(source_path, name, digests, UNVERIFIED, "unrecognised", cached)
