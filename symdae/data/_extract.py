"""Extract an official archive's members flat into a folder, with a manifest of their SHA-256.

The manifest (:data:`~symdae.data.registry.MANIFEST_NAME`) records the
archive's SHA-256 and each extracted file's, so that those files are
recognised later although no per-file checksum is published for them.
"""

from __future__ import annotations

import json
import tarfile
import zlib
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO

from symdae._io import atomic_writer
from symdae.data.checksums import Digests, hash_chunks, remember
from symdae.data.registry import ARCHIVES, MANIFEST_NAME

__all__ = ["extract"]

_CHUNK = 1 << 20


def _copy(source: IO[bytes], target: IO[bytes]) -> Iterator[bytes]:
    """Copy ``source`` to ``target`` chunk by chunk, yielding each chunk (to hash while copying)."""
    while chunk := source.read(_CHUNK):
        target.write(chunk)
        yield chunk


def extract(archive_path: Path, dataset: str, folder: Path) -> list[Path]:
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
