"""File helpers: atomic writes (a result a user saved is never half-written), valid JSON, folder locks, the cache.

* :func:`atomic_writer` / :func:`write_atomic`: the new content replaces a
  file only when complete; a killed writer leaves at most a hidden temporary
  file ``.NAME.XXXXXXXX.tmp`` beside it, which :func:`remove_leftovers` cleans.
* :func:`json_text`: JSON that is always valid -- NaN and infinities become
  ``null`` (``json.dumps`` would write a bare ``NaN``), NumPy values become
  Python ones.
* :func:`folder_lock`: one writer per output folder (``fcntl.flock`` on
  ``DIR/.symdae.lock``, released by the kernel when the process ends, so a killed
  run never leaves a stale lock).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

try:
    import fcntl
except ImportError:  # not POSIX: no locking (documented in folder_lock)
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".symdae.lock"
"""The lock file of an output folder (a name of its own: a user's ``.lock`` is never touched)."""


class FolderBusy(RuntimeError):
    """Another process holds the folder's lock (:func:`folder_lock`)."""


@contextmanager
def atomic_writer(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Yield a binary handle whose content replaces ``path`` only on success.

    Writes go to a temporary file in the same folder, which is flushed, synced
    and renamed over ``path`` when the block exits normally; on any error it is
    removed and ``path`` is untouched. A reader sees the old content or the
    new, never a partial file.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o644)  # mkstemp's 0600 would hide the file from other users
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` atomically (see :func:`atomic_writer`)."""
    with atomic_writer(path) as handle:
        handle.write(data.encode() if isinstance(data, str) else data)
    return Path(path)


def cache_dir() -> Path:
    """The cache folder (created, and checked writable)."""
    configured = os.environ.get("SYMDAE_CACHE_DIR")
    if configured:
        root = Path(configured).expanduser()
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        root = (Path(xdg) if xdg else Path.home() / ".cache") / "symdae"
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ValueError(f"SYMDAE_CACHE_DIR {root} cannot be created: {err}") from err
    if not os.access(root, os.W_OK):
        raise ValueError(f"SYMDAE_CACHE_DIR {root} must be a writable directory")
    return root


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data`` as 64 hex digits."""
    return hashlib.sha256(data).hexdigest()


def jsonable(value: Any) -> Any:
    """``value`` with NumPy scalars and arrays as Python values, paths as text, tuples as lists,
    and every non-finite float (NaN, ±inf) as ``None``."""
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, str | bool) or value is None:
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if hasattr(value, "tolist") and callable(value.tolist):  # NumPy arrays and scalars
        return jsonable(value.tolist())
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, Iterable):
        return [jsonable(item) for item in value]
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def json_text(value: Any, *, indent: int | None = 2) -> str:
    """Valid JSON for ``value`` (see :func:`jsonable`), ending with a newline; never ``NaN``."""
    return json.dumps(jsonable(value), indent=indent, allow_nan=False, ensure_ascii=False) + "\n"


def remove_leftovers(folder: str | os.PathLike[str], names: Iterable[str]) -> list[Path]:
    """Delete the temporary files a killed :func:`atomic_writer` left for ``names`` in ``folder``.

    Only call it while holding the folder's lock (:func:`folder_lock`): the
    temporary file of a writer still at work would be removed too.
    """
    removed = []
    base = Path(folder)
    for name in names:
        for leftover in base.glob(f".{name}.*.tmp"):
            if leftover.is_file() and not leftover.is_symlink():
                leftover.unlink(missing_ok=True)
                removed.append(leftover)
    return removed


@contextmanager
def folder_lock(folder: str | os.PathLike[str], option: str = "--out") -> Iterator[Path]:
    """Hold the exclusive lock of ``folder`` (created if needed) for the block; yield the folder.

    A second holder, in this process or another, is refused at once with
    :class:`FolderBusy`, whose message names the holder's process id and
    ``option``. The lock is ``fcntl.flock`` on ``folder/.symdae.lock``: the kernel
    releases it when the holder exits, however it exits, so there are no
    stale locks; the (empty but for the pid) file is left in place, because
    deleting it would let two later writers lock two different files. Where
    ``fcntl`` is missing (not POSIX), the block runs unlocked.
    """
    path = Path(folder)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OSError(err.errno, f"cannot create the folder {path}: {err.strerror}") from None
    if fcntl is None:
        yield path
        return
    fd = os.open(path / LOCK_NAME, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip()
            by = f" (process {holder})" if holder.isdigit() else ""
            raise FolderBusy(f"{path} is in use by another symdae run{by}: wait for it to finish, "
                             f"or give another {option}") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)  # releases the lock
