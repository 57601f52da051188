"""Command-line option types: each checks one rule at parse time and says it.

``argparse`` calls these as ``type=``; a rejected value becomes the usage
error ``argument --directions: must be >= 1, got -5`` (exit status 2), so no
option reaches the work with a value the work cannot use. Paths are checked
before any work too: an output folder must be (or be creatable as) a
writable directory, an output file a writable regular file.
"""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable
from pathlib import Path

__all__ = ["device", "existing_dir", "integer", "output_dir", "output_file", "real", "subset"]


def integer(minimum: int | None = None, maximum: int | None = None) -> Callable[[str], int]:
    """A whole number in ``[minimum, maximum]`` (either bound optional)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
        if minimum is not None and value < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"must be <= {maximum}, got {value}")
        return value

    parse.__name__ = "integer"
    return parse


def real(minimum: float | None = None, *, strict: bool = False, maximum: float | None = None,
         maximum_strict: bool = False) -> Callable[[str], float]:
    """A finite float ``>= minimum`` (``>`` when ``strict``) and ``<= maximum`` (``<`` when ``maximum_strict``)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be finite, got {text!r}")
        if minimum is not None and (value <= minimum if strict else value < minimum):
            raise argparse.ArgumentTypeError(f"must be {'>' if strict else '>='} {minimum:g}, got {value:g}")
        if maximum is not None and (value >= maximum if maximum_strict else value > maximum):
            raise argparse.ArgumentTypeError(f"must be {'<' if maximum_strict else '<='} {maximum:g}, "
                                             f"got {value:g}")
        return value

    parse.__name__ = "real"
    return parse


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(".")


def _writable_location(path: Path, what: str) -> None:
    """``path`` can be created: its nearest existing ancestor is a writable directory."""
    ancestor = _nearest_existing(path.parent if path.parent != path else path)
    if not ancestor.is_dir():
        raise argparse.ArgumentTypeError(f"{what} {str(path)!r} lies under {str(ancestor)!r}, which is not a "
                                         "directory")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"{what} {str(path)!r} cannot be created: {str(ancestor)!r} is not "
                                         "writable")


def _nonempty_path(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("must be a path, got an empty string")
    return Path(text).expanduser()


def output_dir(text: str) -> Path:
    """A folder to write into: an existing writable directory, or one that can be created."""
    path = _nonempty_path(text)
    if path.exists():
        if not path.is_dir():
            raise argparse.ArgumentTypeError(f"{text!r} exists and is not a directory")
        if not os.access(path, os.W_OK | os.X_OK):
            raise argparse.ArgumentTypeError(f"{text!r} is not writable")
        return path
    _writable_location(path, "folder")
    return path


def output_file(text: str) -> Path:
    """A file to write: an existing writable regular file, or one that can be created."""
    path = _nonempty_path(text)
    if path.exists() or path.is_symlink():
        if path.is_dir():
            raise argparse.ArgumentTypeError(f"{text!r} is a directory, not a file")
        if not path.is_file():
            raise argparse.ArgumentTypeError(f"{text!r} exists and is not a regular file")
        if not os.access(path.parent, os.W_OK | os.X_OK):  # replaced atomically: the folder must be writable
            raise argparse.ArgumentTypeError(f"{text!r} cannot be replaced: its folder is not writable")
        return path
    _writable_location(path, "file")
    return path


def existing_dir(text: str) -> Path:
    """A folder to read from: it must exist and be a readable directory."""
    path = _nonempty_path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"{text!r} does not exist")
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is not a directory")
    if not os.access(path, os.R_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"{text!r} is not readable")
    return path


def device(text: str) -> str:
    """A torch device name: ``auto``, ``cpu``, ``cuda`` or ``cuda:<index>`` (whether it exists is checked later)."""
    if text in ("auto", "cpu", "cuda") or (text.startswith("cuda:") and text[5:].isdigit()):
        return text
    raise argparse.ArgumentTypeError(f"must be auto, cpu, cuda or cuda:<index>, got {text!r}")


def subset(allowed: tuple[str, ...]) -> Callable[[str], str]:
    """A comma-separated, non-empty selection from ``allowed`` (repeats dropped), returned comma-joined."""

    def parse(text: str) -> str:
        chosen = [part.strip() for part in text.split(",") if part.strip()]
        if not chosen:
            raise argparse.ArgumentTypeError(f"must name at least one of {', '.join(allowed)}, got {text!r}")
        unknown = [part for part in chosen if part not in allowed]
        if unknown:
            raise argparse.ArgumentTypeError(f"must be a comma-separated list of {', '.join(allowed)}, "
                                             f"got {unknown[0]!r}")
        return ",".join(dict.fromkeys(chosen))

    parse.__name__ = "list"
    return parse


DATA_ROOT_HELP = "dataset folder or a parent of it (default: $SYMDAE_DATA_ROOT)"


def add_data_root(parser: argparse.ArgumentParser | argparse._ArgumentGroup, help: str = DATA_ROOT_HELP) -> None:
    """``--data-root DIR``: an existing folder, the dataset's or a parent of it."""
    parser.add_argument("--data-root", metavar="DIR", type=existing_dir, help=help)
