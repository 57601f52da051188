"""Fetch one file from the first of its locations that works, verify it, and only then give it its name."""

from __future__ import annotations

import http.client
import os
import urllib.error
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from symdae.data._transfer import DownloadError, transfer

__all__ = ["DEFAULT_TIMEOUT", "Log", "fetch", "positive_seconds"]

DEFAULT_TIMEOUT = 600.0
"""Default deadline of one file from one location, in seconds."""
T = TypeVar("T")
Log = Callable[[str], None]


def positive_seconds(timeout: float) -> float:
    """``timeout`` as a float, or ``ValueError`` when it is not a finite number of seconds > 0."""
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout < float("inf"):
        raise ValueError(f"timeout must be a finite number of seconds > 0; got {timeout!r}")
    return float(timeout)


def fetch(urls: Sequence[str], dest: Path, check: Callable[[Path], T], *, timeout: float = DEFAULT_TIMEOUT,
          max_bytes: int | None = None, log: Log | None = None) -> T:
    """Download ``dest`` from the first of ``urls`` that works, verify it with ``check``, rename it.

    Data goes to ``dest.part``; a ``.part`` left by an interrupted run is
    resumed. ``timeout`` is the deadline in seconds of the transfer from each
    location, ``max_bytes`` the most the file may hold (see the notes of
    :mod:`symdae.data.downloads`). ``check(path)`` must raise ``ValueError`` for a bad file; its
    result is returned. An existing ``dest`` is only checked, not downloaded
    again. Raises ``FileNotFoundError`` when every URL answers 404,
    ``DownloadError`` on other transfer failures (a ``.part`` with a possible
    prefix of the file is kept, so rerunning resumes) and ``ValueError`` when
    the downloaded file fails ``check`` (the ``.part`` is removed; no final
    file is written).
    """
    timeout = positive_seconds(timeout)
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
            transfer(url, part, timeout, max_bytes)
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
