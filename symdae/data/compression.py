"""Read a data file whether it is stored raw or gzip-compressed (RFC 1952).

A file is treated as gzip exactly when its name ends in ``.gz``; its
*uncompressed* content is what readers parse and checksums cover.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path

__all__ = ["iter_uncompressed", "read_uncompressed", "uncompressed_name"]

_CHUNK = 1 << 20


def uncompressed_name(path: str | Path) -> str:
    """The file's name without a trailing ``.gz`` (``data_batch_1.bin.gz`` → ``data_batch_1.bin``)."""
    name = Path(path).name
    return name[: -len(".gz")] if name.endswith(".gz") else name


def read_uncompressed(path: str | Path) -> bytes:
    """The uncompressed content of ``path``.

    Raises ``FileNotFoundError`` when it does not exist and ``ValueError``
    naming the file when a ``.gz`` file is truncated or corrupt (bad header,
    CRC or length check).
    """
    return b"".join(iter_uncompressed(path))


def iter_uncompressed(path: str | Path, gz: bool | None = None, chunk_size: int = _CHUNK) -> Iterator[bytes]:
    """Yield the uncompressed content of ``path`` in chunks (for streaming checksums).

    ``gz`` says whether the file is gzip-compressed; ``None`` (default)
    decides by the ``.gz`` suffix.
    """
    source = Path(path)
    if not source.is_file():
        raise FileNotFoundError(f"data file {source} does not exist")
    if source.name.endswith(".gz") if gz is None else gz:
        try:
            with gzip.open(source, "rb") as handle:
                while chunk := handle.read(chunk_size):
                    yield chunk
        except (OSError, EOFError, zlib.error) as err:
            raise ValueError(f"{source} is not a complete gzip file (truncated or corrupt: {err})") from err
    else:
        with source.open("rb") as handle:
            while chunk := handle.read(chunk_size):
                yield chunk
