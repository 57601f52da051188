"""File helpers: atomic writes (a result a user saved is never half-written) and the cache folder."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


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
