"""How the data layer's caches report and clear away what they find damaged.

Every cache read is verified; a damaged artefact is reported in one line on
standard error, ``symdae: cached <what> <path> is damaged (<reason>); <action>``,
cleared away (a file is removed, since a cache holds nothing that cannot be
recomputed; anything else in its place, such as a directory, is moved aside
under a new name rather than deleted) and rebuilt by the caller. A cache that
cannot be written is reported the same way and the work goes on without it:
a cache never makes a computation fail, and neither does an unusable cache
folder (``$SYMDAE_CACHE_DIR``): that is reported once, and the work goes on
uncached.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from symdae._io import cache_dir

__all__ = ["cache_root", "discard", "notice"]

_REPORTED: set[str] = set()


def notice(message: str) -> None:
    """One line on standard error, prefixed ``symdae: ``."""
    print(f"symdae: {' '.join(message.split())}", file=sys.stderr, flush=True)


def _clear(path: Path) -> str:
    """Remove the file (or link) at ``path``, or move anything else aside; say which."""
    if path.is_symlink() or path.is_file() or not path.exists():
        path.unlink(missing_ok=True)
        return "removed it"
    aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}")
    os.replace(path, aside)
    return f"moved it aside to {aside}"


def discard(path: Path, what: str, reason: str, then: str) -> None:
    """Report the cached ``what`` at ``path`` as damaged for ``reason``, clear it away, and say ``then``.

    A failure to clear it is reported in the same line; the caller goes on
    (recomputing, and writing its result only if it can).
    """
    try:
        action = _clear(path)
    except OSError as err:
        action = f"could not clear it away ({err.strerror or err})"
    notice(f"cached {what} {path} is damaged ({reason}); {action}; {then}")


def cache_root() -> Path | None:
    """The cache folder, or ``None`` (reported once per problem) when it cannot be used."""
    try:
        return cache_dir()
    except ValueError as err:
        if str(err) not in _REPORTED:
            _REPORTED.add(str(err))
            notice(f"{err}; continuing without the data caches")
        return None
