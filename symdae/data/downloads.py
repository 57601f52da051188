"""Download MNIST or CIFAR-10 from their official locations, resumably, verified.

``download("mnist", root)`` fetches the four IDX files (``<name>.gz``) from
the first working mirror of :data:`~symdae.data.registry.MNIST_URLS` into
``root/mnist/``; ``download("cifar10", root)`` fetches the official
``cifar-10-binary.tar.gz``, checks its SHA-256 and MD5, and extracts the
batches into ``root/cifar-10-batches-bin/`` with a manifest recording the
archive's and each file's SHA-256 (:data:`~symdae.data.registry.MANIFEST_NAME`).

Each transfer writes ``<file>.part`` and resumes an interrupted one with an
HTTP ``Range`` request (RFC 9110 §14). A finished transfer is verified
(checksum of the uncompressed content, or of the archive) before it is
renamed to its final name, so a final file is always complete and verified;
a corrupt download is removed. A base URL given as ``base_url`` or by
``$SYMDAE_DOWNLOAD_URL`` replaces the official locations (mirrors, tests).

Files already present and recognised are kept. An MNIST file with an unknown
checksum stops the download (it is never overwritten). CIFAR-10 batches are
replaced by the verified archive's members; an archive already in the data
root is verified and used without any network access (and kept), which is
how a copy extracted by hand gets its manifest.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import tarfile
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import IO, TypeVar

from symdae import __version__
from symdae._io import atomic_writer
from symdae.data.checksums import Digests, FileCheck, check_file, hash_chunks, remember
from symdae.data.compression import iter_uncompressed
from symdae.data.registry import (
    ARCHIVES,
    DATASETS,
    DOWNLOAD_URL_ENV,
    KNOWN_FILES,
    MANIFEST_NAME,
    MNIST_FILES,
    MNIST_URLS,
)
from symdae.data.roots import find_file

__all__ = ["DownloadError", "download", "fetch"]

_CHUNK = 1 << 20
T = TypeVar("T")
Log = Callable[[str], None]


class DownloadError(OSError):
    """A transfer failed (network error, HTTP error or interruption); rerunning resumes it."""


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


def _range_start(content_range: str | None) -> int | None:
    match = re.fullmatch(r"bytes (\d+)-\d+/(\d+|\*)", (content_range or "").strip())
    return int(match.group(1)) if match else None


def _transfer(url: str, part: Path, timeout: float) -> None:
    """Append the rest of ``url`` to ``part`` (whole file when the server ignores the range)."""
    offset = part.stat().st_size if part.is_file() else 0
    headers = {"User-Agent": f"symdae/{__version__}"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    try:
        response = urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout)
    except urllib.error.HTTPError as err:
        if err.code == 416 and offset:
            return  # nothing left to send: the .part is complete (its check decides)
        raise
    with response:
        resumed = offset > 0 and response.status == 206
        if resumed and _range_start(response.headers.get("Content-Range")) != offset:
            raise DownloadError(f"asked to resume at byte {offset}, got Content-Range "
                                f"{response.headers.get('Content-Range')!r}")
        start = offset if resumed else 0
        length = response.headers.get("Content-Length")
        received = 0
        try:
            with part.open("ab" if resumed else "wb") as handle:
                while chunk := response.read(_CHUNK):
                    handle.write(chunk)
                    received += len(chunk)
        except (OSError, http.client.HTTPException) as err:
            raise DownloadError(f"transfer interrupted after {start + received} bytes ({err})") from err
        if length is not None and received < int(length):
            raise DownloadError(f"transfer interrupted after {start + received} of {start + int(length)} bytes")


def fetch(urls: Sequence[str], dest: Path, check: Callable[[Path], T], *, timeout: float = 60.0,
          log: Log | None = None) -> T:
    """Download ``dest`` from the first of ``urls`` that works, verify it with ``check``, rename it.

    Data goes to ``dest.part``; a ``.part`` left by an interrupted run is
    resumed. ``check(path)`` must raise ``ValueError`` for a bad file; its
    result is returned. An existing ``dest`` is only checked, not downloaded
    again. Raises ``FileNotFoundError`` when every URL answers 404,
    ``DownloadError`` on other transfer failures (the ``.part`` is kept, so
    rerunning resumes) and ``ValueError`` when the downloaded file fails
    ``check`` (the ``.part`` is removed; no final file is written).
    """
    if dest.is_file():
        try:
            return check(dest)
        except ValueError as err:
            raise ValueError(f"{dest} exists but fails verification ({err}); remove it and run again") from err
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(f"{dest.name}.part")
    failures: list[str] = []
    statuses: list[int] = []
    for url in urls:
        if log:
            log(f"downloading {url} -> {dest}" + (f" (resuming at byte {part.stat().st_size})"
                                                    if part.is_file() and part.stat().st_size else ""))
        try:
            _transfer(url, part, timeout)
        except urllib.error.HTTPError as err:
            failures.append(f"{url}: HTTP {err.code} {err.reason}")
            statuses.append(err.code)
        except (OSError, http.client.HTTPException) as err:
            failures.append(f"{url}: {err.reason if isinstance(err, urllib.error.URLError) else err}")
            statuses.append(0)
        else:
            break
    else:
        if part.is_file() and not part.stat().st_size:
            part.unlink()
        tried = "; ".join(failures)
        if statuses and all(code == 404 for code in statuses):
            raise FileNotFoundError(f"{dest.name} not found at any location: {tried}")
        resume = f"; the partial file {part} is kept: run again to resume" if part.is_file() else ""
        raise DownloadError(f"could not download {dest.name}: {tried}{resume}")
    try:
        result = check(part)
    except ValueError as err:
        part.unlink(missing_ok=True)
        raise ValueError(f"{dest.name} failed verification after download and was removed: {err}") from err
    os.replace(part, dest)
    return result


def _official_sha256(dataset: str, name: str) -> str:
    return next(k.digest for k in KNOWN_FILES if k.dataset == dataset and k.name == name and k.algorithm == "sha256")


def _existing(folder: Path, name: str, dataset: str) -> FileCheck | None:
    """The check of ``name`` (raw or .gz) in ``folder``, ``None`` if absent; an unknown file is an error."""
    path = find_file(folder, name)
    if path is None:
        return None
    try:
        return check_file(path, dataset)
    except ValueError as err:
        raise ValueError(f"{path} is in the way: {err}. Move it away and run again") from err


def _download_mnist(root: Path, base_url: str | None, timeout: float, log: Log | None) -> list[Path]:
    folder = root / "mnist"
    paths = []
    for name in (name for pair in MNIST_FILES.values() for name in pair):
        present = _existing(folder, name, "mnist")
        if present is not None:
            if log:
                log(f"{present.path}: present, verified")
            paths.append(present.path)
            continue
        expected = _official_sha256("mnist", name)

        def check(path: Path, expected: str = expected) -> Digests:
            digests = hash_chunks(iter_uncompressed(path, gz=True))
            if digests.sha256 != expected:
                raise ValueError(f"SHA-256 of the uncompressed content is {digests.sha256}, "
                                 f"not the official {expected}")
            return digests

        dest = folder / f"{name}.gz"
        urls = [_join(base, f"{name}.gz") for base in _base_urls(MNIST_URLS, base_url)]
        remember(dest, fetch(urls, dest, check, timeout=timeout, log=log))
        if log:
            log(f"{dest}: verified")
        paths.append(dest)
    return paths


def _copy(source: IO[bytes], target: IO[bytes]) -> Iterator[bytes]:
    """Copy ``source`` to ``target`` chunk by chunk, yielding each chunk (to hash while copying)."""
    while chunk := source.read(_CHUNK):
        target.write(chunk)
        yield chunk


def _extract(archive_path: Path, dataset: str, folder: Path) -> list[Path]:
    """Extract the archive's listed members flat into ``folder``, replacing files of the same names.

    Members are written to temporary files; the manifest (their SHA-256) is
    written next, and only then are they all renamed into place, so an
    extracted file is never left without its manifest entry.
    """
    archive = ARCHIVES[dataset]
    found: dict[Path, Digests] = {}
    try:
        with tarfile.open(archive_path, "r:gz") as tar, ExitStack() as outputs:
            for member in archive.members:
                info = tar.getmember(member)
                source = tar.extractfile(info) if info.isfile() else None
                if source is None:
                    raise ValueError(f"{archive_path}: member {member} is not a regular file")
                path = folder / Path(member).name
                found[path] = hash_chunks(_copy(source, outputs.enter_context(atomic_writer(path))))
            manifest = {"dataset": dataset, "source": archive.source, "archive": archive.filename,
                        "archive_sha256": archive.sha256, "files": {p.name: d.sha256 for p, d in found.items()}}
            with atomic_writer(folder / MANIFEST_NAME) as handle:
                handle.write(json.dumps(manifest, indent=1, sort_keys=True).encode())
    except KeyError as err:
        raise ValueError(f"{archive_path} lacks the member {err}") from err
    except (tarfile.TarError, EOFError, zlib.error) as err:
        raise ValueError(f"{archive_path} is not a readable tar.gz archive: {err}") from err
    for path, digests in found.items():
        remember(path, digests)
    return list(found)


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

    dest = root / archive.filename
    supplied = dest.is_file()
    urls = [_join(base, archive.filename) for base in _base_urls(archive.urls, base_url)]
    fetch(urls, dest, check, timeout=timeout, log=log)
    if log:
        log(f"{dest}: verified; extracting into {folder}")
    paths = _extract(dest, dataset, folder)
    if not (keep_archive or supplied):
        dest.unlink()
    return paths


def download(dataset: str, data_root: str | os.PathLike[str], *, base_url: str | None = None,
             keep_archive: bool = False, timeout: float = 60.0, log: Log | None = None) -> list[Path]:
    """Download ``dataset`` (``"mnist"`` or ``"cifar10"``) into its standard subfolder of ``data_root``.

    Files already present and recognised are kept (see the module notes).
    ``base_url`` (else ``$SYMDAE_DOWNLOAD_URL``) replaces the official
    locations; ``keep_archive`` keeps a downloaded ``cifar-10-binary.tar.gz``
    after extraction; ``log`` receives
    progress lines. Returns the paths of the dataset's files. Errors as in
    :func:`fetch`.
    """
    if dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {', '.join(DATASETS)}; got {dataset!r}")
    root = Path(data_root).expanduser()
    root.mkdir(parents=True, exist_ok=True)
    if dataset == "mnist":
        return _download_mnist(root, base_url, timeout, log)
    return _download_archive(dataset, root, base_url, keep_archive, timeout, log)
