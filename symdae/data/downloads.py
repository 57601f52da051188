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

import http.client
import json
import os
import re
import socket
import ssl
import tarfile
import threading
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType
from typing import IO, Any, TypeVar

from symdae import __version__
from symdae._io import atomic_writer
from symdae.data.checksums import Digests, FileCheck, check_file, hash_chunks, official_sha256, remember
from symdae.data.compression import iter_uncompressed
from symdae.data.registry import (
    ARCHIVES,
    DATASETS,
    DOWNLOAD_URL_ENV,
    FILE_SETS,
    MANIFEST_NAME,
    FileSet,
)
from symdae.data.roots import find_file

__all__ = ["DEFAULT_TIMEOUT", "STALL_TIMEOUT", "DownloadError", "download", "fetch"]

_CHUNK = 1 << 20
DEFAULT_TIMEOUT = 600.0
"""Default deadline of one file from one location, in seconds."""
STALL_TIMEOUT = 60.0
"""The longest wait for a connection or for the next bytes (when the deadline is longer)."""
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


def _range_total(content_range: str | None) -> int | None:
    match = re.fullmatch(r"bytes (?:\d+-\d+|\*)/(\d+)", (content_range or "").strip())
    return int(match.group(1)) if match else None


def _shut(sock: socket.socket) -> None:
    try:  # the plain socket's shutdown, also for a TLS socket: wakes a thread blocked reading it
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


class _Deadline:
    """Shuts every socket of one transfer when ``seconds`` have passed since entering."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _opener(deadline: _Deadline) -> urllib.request.OpenerDirector:
    """An opener whose connections (redirects included) are registered with ``deadline``."""

    class Connection(http.client.HTTPConnection):
        def connect(self) -> None:
            super().connect()
            deadline.watch(self.sock)

    class SecureConnection(http.client.HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            deadline.watch(self.sock)

    context = ssl.create_default_context()

    class Handler(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(Connection, req)

    class SecureHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(SecureConnection, req, context=context)

    return urllib.request.build_opener(Handler, SecureHandler)


class _TooLarge(DownloadError):
    """The server sends more than the file can be."""


def _late(deadline: _Deadline, received: int) -> DownloadError:
    return DownloadError(f"not finished within the timeout of {deadline.seconds:g} s ({received} bytes received)")


def _cut_back(part: Path, size: int) -> None:
    """Keep only the first ``size`` bytes of ``part`` (remove it when ``size`` is 0)."""
    if size:
        os.truncate(part, size)
    else:
        part.unlink(missing_ok=True)


def _transfer(url: str, part: Path, timeout: float, max_bytes: int | None) -> None:
    """Append the rest of ``url`` to ``part`` (whole file when the server ignores the range), within the limits."""
    offset = part.stat().st_size if part.is_file() else 0
    headers = {"User-Agent": f"symdae/{__version__}"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    with _Deadline(timeout) as deadline:
        try:
            response = _opener(deadline).open(urllib.request.Request(url, headers=headers),
                                              timeout=min(timeout, STALL_TIMEOUT))
        except urllib.error.HTTPError as err:
            if err.code == 416 and offset:
                return  # nothing left to send: the .part is complete (its check decides)
            raise
        except (OSError, http.client.HTTPException) as err:
            if deadline.expired:
                raise _late(deadline, offset) from err
            raise
        with response:
            _receive(response, part, offset, deadline, max_bytes)


def _receive(response: Any, part: Path, offset: int, deadline: _Deadline, max_bytes: int | None) -> None:
    resumed = offset > 0 and response.status == 206
    content_range = response.headers.get("Content-Range")
    if resumed and _range_start(content_range) != offset:
        raise DownloadError(f"asked to resume at byte {offset}, got Content-Range {content_range!r}")
    start = offset if resumed else 0
    length = response.length  # Content-Length as http.client parsed it; None when absent or chunked
    announced = _range_total(content_range) if resumed else None
    if announced is None and length is not None:
        announced = start + length
    if max_bytes is not None and announced is not None and announced > max_bytes:
        raise _TooLarge(f"the server announces {announced} bytes, more than the {max_bytes} of the official "
                        f"file; refused before writing anything")
    received = 0
    too_large = False
    try:
        with part.open("ab" if resumed else "wb") as handle:
            while True:
                room = _CHUNK if max_bytes is None else min(_CHUNK, max_bytes - start - received + 1)
                chunk = response.read1(room)
                if not chunk:
                    break
                if max_bytes is not None and start + received + len(chunk) > max_bytes:
                    too_large = True
                    break
                handle.write(chunk)
                received += len(chunk)
    except (OSError, http.client.HTTPException) as err:
        if deadline.expired:
            raise _late(deadline, start + received) from err
        raise DownloadError(f"transfer interrupted after {start + received} bytes ({err})") from err
    if too_large:
        _cut_back(part, start)
        raise _TooLarge(f"the server sent more than the {max_bytes} bytes of the official file; cut there, "
                        f"and the {received} bytes it had sent were discarded")
    if deadline.expired:
        raise _late(deadline, start + received)
    if length is not None and received < length:
        raise DownloadError(f"transfer interrupted after {start + received} of {start + length} bytes")


def _positive_seconds(timeout: float) -> float:
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout < float("inf"):
        raise ValueError(f"timeout must be a finite number of seconds > 0; got {timeout!r}")
    return float(timeout)


def fetch(urls: Sequence[str], dest: Path, check: Callable[[Path], T], *, timeout: float = DEFAULT_TIMEOUT,
          max_bytes: int | None = None, log: Log | None = None) -> T:
    """Download ``dest`` from the first of ``urls`` that works, verify it with ``check``, rename it.

    Data goes to ``dest.part``; a ``.part`` left by an interrupted run is
    resumed. ``timeout`` is the deadline in seconds of the transfer from each
    location, ``max_bytes`` the most the file may hold (see the module
    notes). ``check(path)`` must raise ``ValueError`` for a bad file; its
    result is returned. An existing ``dest`` is only checked, not downloaded
    again. Raises ``FileNotFoundError`` when every URL answers 404,
    ``DownloadError`` on other transfer failures (a ``.part`` with a possible
    prefix of the file is kept, so rerunning resumes) and ``ValueError`` when
    the downloaded file fails ``check`` (the ``.part`` is removed; no final
    file is written).
    """
    timeout = _positive_seconds(timeout)
    if max_bytes is not None and (isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1):
        raise ValueError(f"max_bytes must be a whole number >= 1 or None; got {max_bytes!r}")
    if dest.is_file():
        try:
            return check(dest)
        except ValueError as err:
            raise ValueError(f"{dest} exists but fails verification ({err}); remove it and run again") from err
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(f"{dest.name}.part")
    if max_bytes is not None and part.is_file() and part.stat().st_size > max_bytes:
        if log:
            log(f"{part}: {part.stat().st_size} bytes, more than the {max_bytes} of the official file: removed")
        part.unlink()
    failures: list[str] = []
    statuses: list[int] = []
    for url in urls:
        if log:
            log(f"downloading {url} -> {dest}" + (f" (resuming at byte {part.stat().st_size})"
                                                    if part.is_file() and part.stat().st_size else ""))
        try:
            _transfer(url, part, timeout, max_bytes)
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

    _make_dir(folder, f"the {dataset} folder", create=False)  # created when extracting
    dest = root / archive.filename
    supplied = dest.is_file()
    urls = [_join(base, archive.filename) for base in _base_urls(archive.urls, base_url)]
    fetch(urls, dest, check, timeout=timeout, max_bytes=archive.size, log=log)
    if log:
        log(f"{dest}: verified; extracting into {folder}")
    paths = _extract(dest, dataset, folder)
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
    timeout = _positive_seconds(timeout)
    root = _make_dir(Path(data_root).expanduser(), "data_root")
    if dataset in FILE_SETS:
        return _download_files(FILE_SETS[dataset], root, base_url, timeout, log)
    return _download_archive(dataset, root, base_url, keep_archive, timeout, log)
