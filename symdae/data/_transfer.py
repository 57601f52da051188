"""One transfer from one URL into ``<file>.part``: resumed by an HTTP ``Range`` request, within two limits.

The limits (a deadline and a size cap) are described in the notes of
:mod:`symdae.data.downloads`: a response announcing more than the cap is
refused before anything is written, a body passing it is cut and what this
response added removed, and the deadline shuts the connection however the
server paces its bytes (:mod:`symdae.data._deadline`).
"""

from __future__ import annotations

import http.client
import os
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from symdae import __version__
from symdae.data._deadline import Deadline, opener

__all__ = ["STALL_TIMEOUT", "DownloadError", "transfer"]

_CHUNK = 1 << 20
STALL_TIMEOUT = 60.0
"""The longest wait for a connection or for the next bytes (when the deadline is longer)."""


class DownloadError(OSError):
    """A transfer failed (network error, HTTP error or interruption); rerunning resumes it."""


def _range_start(content_range: str | None) -> int | None:
    match = re.fullmatch(r"bytes (\d+)-\d+/(\d+|\*)", (content_range or "").strip())
    return int(match.group(1)) if match else None


def _range_total(content_range: str | None) -> int | None:
    match = re.fullmatch(r"bytes (?:\d+-\d+|\*)/(\d+)", (content_range or "").strip())
    return int(match.group(1)) if match else None


class _TooLarge(DownloadError):
    """The server sends more than the file can be."""


def _late(deadline: Deadline, received: int) -> DownloadError:
    return DownloadError(f"not finished within the timeout of {deadline.seconds:g} s ({received} bytes received)")


def _cut_back(part: Path, size: int) -> None:
    """Keep only the first ``size`` bytes of ``part`` (remove it when ``size`` is 0)."""
    if size:
        os.truncate(part, size)
    else:
        part.unlink(missing_ok=True)


def transfer(url: str, part: Path, timeout: float, max_bytes: int | None) -> None:
    """Append the rest of ``url`` to ``part`` (whole file when the server ignores the range), within the limits."""
    offset = part.stat().st_size if part.is_file() else 0
    headers = {"User-Agent": f"symdae/{__version__}"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    with Deadline(timeout) as deadline:
        try:
            response = opener(deadline).open(urllib.request.Request(url, headers=headers),
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


def _receive(response: Any, part: Path, offset: int, deadline: Deadline, max_bytes: int | None) -> None:
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
