"""Download MNIST, Fashion-MNIST or CIFAR-10 from their official locations, resumably, verified.

``download("mnist", root)`` fetches the four IDX files (``<name>.gz``) from
the first working mirror of :data:`~symdae.data.registry.MNIST_URLS` into
``root/mnist/``, ``download("fashion-mnist", root)`` those of
:data:`~symdae.data.registry.FASHION_MNIST_URLS` into ``root/fashion-mnist/``
(:data:`~symdae.data.registry.FILE_SETS`); ``download("cifar10", root)`` fetches the official
``cifar-10-binary.tar.gz``, checks its SHA-256 and MD5, and extracts the
batches into ``root/cifar-10-batches-bin/`` with a manifest recording the
archive's and each file's SHA-256 (:data:`~symdae.data.registry.MANIFEST_NAME`).

Each transfer writes ``<file>.part`` and resumes an interrupted one with an
HTTP ``Range`` request (RFC 9110 §14). Two limits bound a transfer:

- ``timeout`` (CLI ``--timeout``, default 600 s) is the **deadline of each
  file from each location**: connecting, waiting and receiving included,
  however the server paces its bytes. It is enforced by shutting the
  connection's socket when it passes (so even a server trickling one byte a
  second, in its headers or its body, is cut within a fraction of a second of
  it). The bytes received so far stay in ``<file>.part`` and the next
  location, or a rerun, resumes from them. Besides, no location may keep the
  client waiting for the next byte (or for a connection) longer than
  ``min(timeout, 60 s)``.
- ``max_bytes`` is the **size cap**: the official file's size (the ``.gz``
  sizes of :data:`~symdae.data.registry.MNIST_GZ_SIZES` and
  :data:`~symdae.data.registry.FASHION_MNIST_GZ_SIZES`, the archive
  size of :data:`~symdae.data.registry.ARCHIVES`), as a mirror serves the
  official files. A response announcing more (``Content-Length`` or
  ``Content-Range``) is refused before anything is written; a body that
  passes the cap is cut as soon as it does, and the bytes this response added
  are removed (a ``.part`` keeps only what earlier, well-behaved transfers
  wrote, being a possible prefix of the official file; it is removed when it
  holds nothing else). A ``.part`` already longer than the cap is removed
  before starting. Uncompressing an IDX download stops, and fails its
  check, as soon as it yields more than the official IDX file's size.

A finished transfer is verified
(checksum of the uncompressed content, or of the archive) before it is
renamed to its final name, so a final file is always complete and verified;
a corrupt download is removed. A base URL given as ``base_url`` or by
``$SYMDAE_DOWNLOAD_URL`` replaces the official locations (mirrors, tests).

Files already present and recognised are kept. An IDX file with an unknown
checksum stops the download (it is never overwritten). CIFAR-10 batches are
replaced by the verified archive's members; an archive already in the data
root is verified and used without any network access (and kept), which is
how a copy extracted by hand gets its manifest.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from symdae.data._extract import extract
from symdae.data._fetch import DEFAULT_TIMEOUT, Log, fetch, positive_seconds
from symdae.data._transfer import STALL_TIMEOUT, DownloadError
from symdae.data.checksums import Digests, FileCheck, check_file, hash_chunks, official_sha256, remember
from symdae.data.compression import iter_uncompressed
from symdae.data.registry import ARCHIVES, DATASETS, DOWNLOAD_URL_ENV, FILE_SETS, FileSet
from symdae.data.roots import find_file

__all__ = ["DEFAULT_TIMEOUT", "STALL_TIMEOUT", "DownloadError", "download", "fetch"]


def _base_urls(defaults: Sequence[str], base_url: str | None) -> tuple[str, ...]:
    override = base_url or os.environ.get(DOWNLOAD_URL_ENV)
    if not override:
        return tuple(defaults)
    if not override.startswith(("http://", "https://")):
        origin = "base_url" if base_url else DOWNLOAD_URL_ENV
        raise ValueError(f"{origin} must be an http:// or https:// URL; got {override!r}")
    return (override,)


def _join(base: str, name: str) -> str:
    return f"{base.rstrip('/')}/{name}"


def _existing(folder: Path, name: str, dataset: str) -> FileCheck | None:
    """The check of ``name`` (raw or .gz) in ``folder``, ``None`` if absent; an unknown file is an error."""
    path = find_file(folder, name)
    if path is None:
        return None
    try:
        return check_file(path, dataset)
    except ValueError as err:
        raise ValueError(f"{path} is in the way: {err}. Move it away and run again") from err


def _at_most(chunks: Iterable[bytes], limit: int) -> Iterator[bytes]:
    """``chunks``, failing with ``ValueError`` as soon as they add up to more than ``limit`` bytes."""
    seen = 0
    for chunk in chunks:
        seen += len(chunk)
        if seen > limit:
            raise ValueError(f"the uncompressed content exceeds the official {limit} bytes")
        yield chunk


def _make_dir(path: Path, what: str, *, create: bool = True) -> Path:
    """``path`` as a directory (created if need be), or ``ValueError`` saying why it cannot be one."""
    if path.exists() and not path.is_dir():
        raise ValueError(f"{what} {path} exists and is not a directory; move it away and run again")
    if not create:
        return path
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ValueError(f"{what} {path} cannot be created: {err.strerror or err}") from err
    return path


def _download_files(files: FileSet, root: Path, base_url: str | None, timeout: float,
                    log: Log | None) -> list[Path]:
    """Fetch each file of ``files`` not yet present and recognised, as ``<name>.gz``, verified."""
    folder = _make_dir(root / files.folder, f"the {files.label} folder")
    paths = []
    for name in files.names:
        present = _existing(folder, name, files.dataset)
        if present is not None:
            if log:
                log(f"{present.path}: present, verified")
            paths.append(present.path)
            continue
        expected = official_sha256(files.dataset, name)

        def check(path: Path, expected: str = expected, size: int = files.sizes[name]) -> Digests:
            digests = hash_chunks(_at_most(iter_uncompressed(path, gz=True), size))
            if digests.sha256 != expected:
                raise ValueError(f"SHA-256 of the uncompressed content is {digests.sha256}, "
                                 f"not the official {expected}")
            return digests

        dest = folder / f"{name}.gz"
        urls = [_join(base, f"{name}.gz") for base in _base_urls(files.urls, base_url)]
        remember(dest, fetch(urls, dest, check, timeout=timeout, max_bytes=files.gz_sizes[name], log=log))
        if log:
            log(f"{dest}: verified")
        paths.append(dest)
    return paths


def _is_official(folder: Path, name: str, dataset: str, source: str) -> bool:
    path = find_file(folder, name)
    try:
        return path is not None and check_file(path, dataset, verify=False).source.id == source
    except ValueError:  # unreadable: replaced by the extraction
        return False


def _download_archive(dataset: str, root: Path, base_url: str | None, keep_archive: bool, timeout: float,
                      log: Log | None) -> list[Path]:
    archive = ARCHIVES[dataset]
    folder = root / archive.folder
    names = [Path(member).name for member in archive.members]
    if all(_is_official(folder, name, dataset, archive.source) for name in names):
        if log:
            log(f"{folder}: present, verified")
        return [path for name in names if (path := find_file(folder, name)) is not None]

    def check(path: Path) -> None:
        size = path.stat().st_size
        if archive.size is not None and size != archive.size:
            raise ValueError(f"{size} bytes, not the official {archive.size}")
        digests = hash_chunks(iter_uncompressed(path, gz=False))
        if digests.sha256 != archive.sha256 or (archive.md5 is not None and digests.md5 != archive.md5):
            raise ValueError(f"SHA-256 {digests.sha256} (MD5 {digests.md5}) is not the official "
                             f"{archive.sha256} (MD5 {archive.md5})")

    _make_dir(folder, f"the {dataset} folder", create=False)  # created when extracting
    dest = root / archive.filename
    supplied = dest.is_file()
    urls = [_join(base, archive.filename) for base in _base_urls(archive.urls, base_url)]
    fetch(urls, dest, check, timeout=timeout, max_bytes=archive.size, log=log)
    if log:
        log(f"{dest}: verified; extracting into {folder}")
    paths = extract(dest, dataset, folder)
    if not (keep_archive or supplied):
        dest.unlink()
    return paths


def download(dataset: str, data_root: str | os.PathLike[str], *, base_url: str | None = None,
             keep_archive: bool = False, timeout: float = DEFAULT_TIMEOUT, log: Log | None = None) -> list[Path]:
    """Download ``dataset`` (``"mnist"``, ``"fashion-mnist"`` or ``"cifar10"``) into its subfolder of ``data_root``.

    Files already present and recognised are kept (see the module notes).
    ``base_url`` (else ``$SYMDAE_DOWNLOAD_URL``) replaces the official
    locations; ``keep_archive`` keeps a downloaded ``cifar-10-binary.tar.gz``
    after extraction; ``timeout`` is the deadline of each file from each
    location, in seconds; ``log`` receives progress lines. Returns the paths
    of the dataset's files. Errors as in :func:`fetch`; a ``data_root`` that
    is not (and cannot be made) a directory is a ``ValueError``.
    """
    if dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {', '.join(DATASETS)}; got {dataset!r}")
    timeout = positive_seconds(timeout)
    root = _make_dir(Path(data_root).expanduser(), "data_root")
    if dataset in FILE_SETS:
        return _download_files(FILE_SETS[dataset], root, base_url, timeout, log)
    return _download_archive(dataset, root, base_url, keep_archive, timeout, log)
