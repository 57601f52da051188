"""Checksums of data files' uncompressed content, cached, and what they identify.

A file is recognised when its uncompressed name and SHA-256 (or, for the
CIFAR-10 python batches, whose published checksums are MD5, its MD5) match an
entry of :data:`symdae.data.registry.KNOWN_FILES`, or when it is listed with
that SHA-256 in a manifest written by :func:`symdae.data.downloads.download`
after verifying an official archive.

Digests are cached in ``<cache>/data/digests.json`` (``<cache>`` is
``$SYMDAE_CACHE_DIR``, else ``$XDG_CACHE_HOME/symdae``, else
``~/.cache/symdae``), keyed by the file's resolved path, device, inode, size,
modification time and status-change time (``st_ctime_ns``). An edit that
keeps the size and resets the modification time with ``os.utime`` still
changes the status-change time, which no system call can set back, as does
replacing or copying the file; any change to the key means hashing again.
File times advance in clock ticks (a few ms), so an edit within the same tick
as the hashing could keep them all; as in Git's "racy clean" rule, a file is
therefore only cached once its status-change time is 2 s in the past when
it is hashed (files symdae itself has just written and verified, such as a
download, are cached at once).

Loading a dataset does not use the cache to identify what it reads: it
hashes the very bytes it parses with SHA-256 (:func:`read_and_check`; 30 ms
for the 47 MB MNIST training images, against 0.1 ms for a cache lookup and
about 200 ms to decompress them), so a dataset's checksum, and the cached
spectra keyed by it, always describe the data actually used. (Their MD5,
needed only to recognise CIFAR-10 python batches and 2.3 times as costly,
is taken from the cache when the cached SHA-256 is the same, which makes
the content the same.) The cache only spares ``symdae data info`` and
:func:`check_file` the hashing of unchanged files.

The cache is verified when read; a damaged one (not JSON, not the expected
structure, a malformed entry, a directory in its place) is reported in one
line on standard error, cleared away and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from symdae._io import cache_dir, write_atomic
from symdae.data._cache import cache_root, discard, notice
from symdae.data.compression import iter_uncompressed, read_uncompressed, uncompressed_name
from symdae.data.registry import ARCHIVES, KNOWN_FILES, MANIFEST_NAME, SOURCES, UNVERIFIED, KnownFile, Source

__all__ = ["Digests", "FileCheck", "check_file", "digests_cache_path", "file_digests", "hash_chunks",
           "official_sha256", "read_and_check", "recognised_as", "remember", "require_recognised"]

_CACHE_VERSION = 2
_STAMP_FIELDS = ("dev", "ino", "size", "mtime_ns", "ctime_ns")
_HEX = frozenset("0123456789abcdef")
_SETTLE_NS = 2_000_000_000
"""A file is cached only when its status-change time is this much older than the hashing (racy-clean rule)."""

Stamp = tuple[int, int, int, int, int]


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


def _is_hex(value: object, length: int) -> bool:
    return isinstance(value, str) and len(value) == length and set(value) <= _HEX


def _entry_problem(entry: object) -> str | None:
    """Why a cache entry is malformed, or ``None`` when it is well formed."""
    if not isinstance(entry, dict):
        return f"a JSON {type(entry).__name__} instead of an object"
    for field in _STAMP_FIELDS:
        value = entry.get(field)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return f"{field} is {value!r}, not a whole number >= 0"
    if not _is_hex(entry.get("sha256"), 64) or not _is_hex(entry.get("md5"), 32):
        return "its sha256 or md5 is not a hex digest"
    return None


def _cache_problem(path: Path) -> tuple[str | None, dict[str, Any]]:
    """(why the cache file is damaged or ``None``, its entries); a missing or outdated file has none."""
    if not path.exists() and not path.is_symlink():
        return None, {}
    if not path.is_file():
        return "not a regular file", {}
    try:
        text = path.read_bytes()
    except OSError as err:
        return f"unreadable: {err.strerror or err}", {}
    if not text.strip():
        return "empty", {}
    try:
        data = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        return f"not JSON: {err}", {}
    if not isinstance(data, dict):
        return f"a JSON {type(data).__name__} instead of an object", {}
    version = data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and 1 <= version < _CACHE_VERSION:
        return None, {}  # written by an older symdae: replaced on the next write
    if version != _CACHE_VERSION:
        return f"version {version!r}, not {_CACHE_VERSION}", {}
    files = data.get("files")
    if not isinstance(files, dict):
        return "its 'files' is not an object", {}
    for key, entry in files.items():
        problem = _entry_problem(entry)
        if problem is not None:
            return f"the entry for {key} is malformed: {problem}", {}
    return None, files


def _usable_cache_path() -> Path | None:
    root = cache_root()
    return None if root is None else root / "data" / "digests.json"


def _read_cache() -> dict[str, Any]:
    path = _usable_cache_path()
    if path is None:
        return {}
    problem, files = _cache_problem(path)
    if problem is not None:
        discard(path, "checksums", problem, "hashing the files again")
    return files


def _stamp(path: Path) -> tuple[str, Stamp]:
    """The cache key of ``path``: its resolved path, and what any change to the file changes."""
    resolved = path.resolve()
    stat = resolved.stat()
    return str(resolved), (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def _store(key: str, stamp: Stamp, digests: Digests, *, observed: bool = True) -> None:
    """Cache ``digests`` for the file at ``key`` in state ``stamp``.

    ``observed`` (someone else's file, hashed as found) applies the racy-clean
    rule: a file changed less than 2 s ago is not cached, as a further edit
    within the same clock tick could leave its stamp as it is.
    """
    if observed and stamp[4] > time.time_ns() - _SETTLE_NS:
        return
    path = _usable_cache_path()
    if path is None:
        return
    files = _read_cache()
    entry = {**dict(zip(_STAMP_FIELDS, stamp, strict=True)), "sha256": digests.sha256, "md5": digests.md5}
    if files.get(key) == entry:
        return
    files[key] = entry
    payload = {"version": _CACHE_VERSION, "files": files}
    try:
        write_atomic(path, json.dumps(payload, indent=1, sort_keys=True))
    except OSError as err:
        notice(f"could not write the checksum cache {path} ({err.strerror or err}); continuing without it")


def remember(path: str | Path, digests: Digests) -> None:
    """Record ``digests`` as the uncompressed content digests of ``path`` as it is now.

    Only for content the caller has just hashed and that nobody else writes
    (a verified download); anything else goes through :func:`file_digests`.
    """
    key, stamp = _stamp(Path(path))
    _store(key, stamp, digests, observed=False)


def _lookup(key: str, stamp: Stamp) -> Digests | None:
    entry = _read_cache().get(key)
    if not isinstance(entry, dict) or tuple(entry[field] for field in _STAMP_FIELDS) != stamp:
        return None
    return Digests(entry["sha256"], entry["md5"])


def file_digests(path: str | Path, content: bytes | None = None) -> tuple[Digests, bool]:
    """Digests of the uncompressed content of ``path``, and whether they came from the cache.

    ``content``, when given, must be that uncompressed content: it is always
    hashed (never looked up), and not cached, as nothing ties it to the
    file's current state. Otherwise a cache entry counts only if the file's
    device, inode, size, modification and status-change times are all
    unchanged; the file is hashed and the entry replaced when any differ.
    """
    source = Path(path)
    if content is not None:
        return hash_chunks([content]), False
    key, stamp = _stamp(source)  # taken before reading: a change while hashing shows up next time
    found = _lookup(key, stamp)
    if found is not None:
        return found, True
    digests = hash_chunks(iter_uncompressed(source))
    if _stamp(source)[1] == stamp:
        _store(key, stamp, digests)
    return digests, False


def _read_manifest(folder: Path) -> tuple[dict[str, Any] | None, str | None]:
    """(the manifest in ``folder``, or ``None``; why it exists but cannot be used, or ``None``)."""
    path = folder / MANIFEST_NAME
    if not path.exists():
        return None, None
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        return None, f"its manifest {path} cannot be read ({err})"
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        return None, f"its manifest {path} is not a symdae manifest"
    return manifest, None


def _from_manifest(folder: Path, dataset: str, name: str, sha256: str) -> Source | None:
    manifest, _ = _read_manifest(folder)
    if manifest is None:
        return None
    for archive in ARCHIVES.values():
        if (archive.dataset == dataset and archive.sha256 == manifest.get("archive_sha256")
                and manifest["files"].get(name) == sha256):
            return SOURCES[archive.source]
    return None


def _known_versions(name: str, digests: Digests) -> list[KnownFile]:
    """The registry's entries for a file named ``name`` with these content digests (of any dataset)."""
    return [known for known in KNOWN_FILES if known.name == name
            and known.digest == (digests.sha256 if known.algorithm == "sha256" else digests.md5)]


def official_sha256(dataset: str, name: str) -> str:
    """The published SHA-256 of the uncompressed content of ``dataset``'s file ``name`` (the first listed)."""
    return next(k.digest for k in KNOWN_FILES if k.dataset == dataset and k.name == name and k.algorithm == "sha256")


def recognised_as(path: str | Path) -> tuple[str, ...]:
    """The datasets one of whose published files ``path`` is (by name and content); none when unreadable."""
    try:
        digests, _ = file_digests(path)
    except (OSError, ValueError):
        return ()
    return tuple(dict.fromkeys(known.dataset for known in _known_versions(uncompressed_name(path), digests)))


def _unrecognised(path: Path, dataset: str, name: str, digests: Digests) -> str:
    """The error message for a file whose checksum matches no known version."""
    versions = [f"{k.source} {k.algorithm} {k.digest[:12]}…" for k in KNOWN_FILES
                if k.dataset == dataset and k.name == name]
    known = "; ".join(versions) if versions else f"no published checksum for a file named {name}"
    elsewhere = [f"{k.source} file of dataset '{k.dataset}'" for k in _known_versions(name, digests)]
    what = (f"it is the {' and the '.join(elsewhere)}: load that dataset, or put the file in its own folder"
            if elsewhere else "the file is corrupt or from another distribution")
    message = (f"{path}: SHA-256 {digests.sha256} of the uncompressed content matches no known version of {name} "
               f"({known}); {what}. Pass verify=False "
               f"(or --no-verify to 'symdae data spectrum') to use it anyway, labelled 'unverified'.")
    problem = _read_manifest(path.parent)[1]
    if problem:
        message += f" Note: {problem}."
    for archive in ARCHIVES.values():
        if archive.dataset == dataset and name in {Path(member).name for member in archive.members}:
            message += (f" Files extracted by hand from {archive.filename} are verified by putting the archive in "
                        f"the data root and running `symdae data download --dataset {dataset}` (no network needed).")
    return message


def _identify(path: Path, dataset: str, digests: Digests, cached: bool, verify: bool) -> FileCheck:
    name = uncompressed_name(path)
    for known in _known_versions(name, digests):
        if known.dataset == dataset:
            return FileCheck(path, name, digests, SOURCES[known.source], "registry", cached)
    from_manifest = _from_manifest(path.parent, dataset, name, digests.sha256)
    if from_manifest is not None:
        return FileCheck(path, name, digests, from_manifest, "manifest", cached)
    check = FileCheck(path, name, digests, UNVERIFIED, "unrecognised", cached)
    return require_recognised(check, dataset) if verify else check


def require_recognised(check: FileCheck, dataset: str) -> FileCheck:
    """``check`` itself if its file was recognised, else ``ValueError`` naming the file and the known versions."""
    if not check.recognised:
        raise ValueError(_unrecognised(check.path, dataset, check.name, check.digests))
    return check


def check_file(path: str | Path, dataset: str, *, content: bytes | None = None, verify: bool = True) -> FileCheck:
    """Identify the file at ``path`` (a file of ``dataset``) by its content checksums.

    ``content`` (its uncompressed content, if the caller holds it) is hashed
    instead of the file; else the digests come from the cache when the file
    is unchanged (:func:`file_digests`). Raises ``ValueError`` when the
    checksum matches no known version of the file and ``verify`` is true;
    with ``verify=False`` such a file is reported with source ``unverified``.
    """
    source_path = Path(path)
    digests, cached = file_digests(source_path, content)
    return _identify(source_path, dataset, digests, cached, verify)


def read_and_check(path: str | Path, dataset: str, *, verify: bool = True) -> tuple[bytes, FileCheck]:
    """The uncompressed content of ``path``, identified by the digests of exactly those bytes.

    What a reader parses is what was hashed, so no edit of the file (whatever
    it keeps of its size and times) can be labelled with another content's
    source. The digests are also cached for :func:`check_file` when the file
    did not change while it was read. Errors as in :func:`check_file` and
    :func:`~symdae.data.compression.read_uncompressed`.
    """
    source_path = Path(path)
    key, before = _stamp(source_path)
    content = read_uncompressed(source_path)
    sha256 = hashlib.sha256(content).hexdigest()
    entry = _read_cache().get(key)
    if isinstance(entry, dict) and entry["sha256"] == sha256:
        md5 = str(entry["md5"])  # same SHA-256, same content: its MD5 is known (and 2.3x as costly as SHA-256)
    else:
        md5 = hashlib.md5(content, usedforsecurity=False).hexdigest()
    digests = Digests(sha256, md5)
    if _stamp(source_path)[1] == before:
        _store(key, before, digests)
    return content, _identify(source_path, dataset, digests, False, verify)
