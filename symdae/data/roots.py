"""Find a dataset's folder from a data root.

A data root is given explicitly (``data_root=`` / CLI ``--data-root DIR``) or
by the environment variable ``SYMDAE_DATA_ROOT``. It may be a dataset's own
folder (e.g. ``shared/data/mnist``) or a parent holding the standard
subfolders: ``mnist/`` or ``MNIST/raw/`` (torchvision's layout) for MNIST,
``fashion-mnist/`` or ``FashionMNIST/raw/`` for Fashion-MNIST,
``cifar-10-batches-bin/`` or ``cifar-10-batches-py/`` for CIFAR-10. Each file
may be stored raw or as ``<name>.gz``; a folder holds a dataset when at least
one of its files is there (only the files present are required).

MNIST and Fashion-MNIST files have the same names. A standard subfolder says
which dataset it holds; the data root itself, when it holds such files, is
passed over for a dataset whose files they are recognised *not* to be (its
smallest file's checksum is that of another dataset's file; an unrecognised
file leaves the question open, and the folder is kept for both).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from symdae.data.checksums import recognised_as
from symdae.data.registry import CIFAR10_BIN_FILES, CIFAR10_PY_FILES, DATASETS, FASHION_MNIST_FILES, MNIST_FILES

__all__ = ["DATA_ROOT_ENV", "LAYOUTS", "Layout", "Location", "find_file", "locate", "resolve_root", "survey"]

DATA_ROOT_ENV = "SYMDAE_DATA_ROOT"


@dataclass(frozen=True)
class Layout:
    """One on-disk format of a dataset: its standard subfolders and, per split, its files in order."""

    dataset: str
    format: str
    subfolders: tuple[str, ...]
    files: Mapping[str, tuple[str, ...]]

    @property
    def all_files(self) -> tuple[str, ...]:
        return tuple(name for names in self.files.values() for name in names)


LAYOUTS: tuple[Layout, ...] = (
    Layout("mnist", "idx", ("mnist", "MNIST/raw"), MNIST_FILES),
    Layout("fashion-mnist", "idx", ("fashion-mnist", "FashionMNIST/raw"), FASHION_MNIST_FILES),
    Layout("cifar10", "bin", ("cifar-10-batches-bin",), CIFAR10_BIN_FILES),
    Layout("cifar10", "py", ("cifar-10-batches-py",), CIFAR10_PY_FILES),
)
"""Known layouts; for CIFAR-10 the binary one is preferred (no unpickling)."""


@dataclass(frozen=True)
class Location:
    """A folder holding (some of) a dataset's files in ``layout``."""

    folder: Path
    layout: Layout


def resolve_root(data_root: str | os.PathLike[str] | None) -> Path:
    """The data root: ``data_root`` if given, else ``$SYMDAE_DATA_ROOT``; it must be a directory."""
    if data_root is None:
        configured = os.environ.get(DATA_ROOT_ENV)
        if not configured:
            raise FileNotFoundError(
                f"no data root given: pass data_root= (CLI: --data-root DIR) or set {DATA_ROOT_ENV}"
            )
        root, origin = Path(configured).expanduser(), DATA_ROOT_ENV
    else:
        root, origin = Path(data_root).expanduser(), "data_root"
    if not root.is_dir():
        raise FileNotFoundError(f"{origin} {root} is not a directory")
    return root


def find_file(folder: Path, name: str) -> Path | None:
    """``folder/name`` if it exists, else ``folder/name.gz`` if that exists, else ``None``."""
    for candidate in (folder / name, folder / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def _candidates(root: Path, layout: Layout) -> list[Path]:
    return [root, *(root / sub for sub in layout.subfolders)]


def _present(folder: Path, layout: Layout) -> list[Path]:
    return [path for name in layout.all_files if (path := find_file(folder, name)) is not None]


def _owner(root: Path, folder: Path, layout: Layout, present: list[Path]) -> str | None:
    """The dataset whose files the root's ``present`` files are, when not ``layout``'s; else ``None``.

    Only the data root itself is judged (a standard subfolder names its
    dataset), and only when another dataset has files of the same names.
    """
    if folder != root or not any(set(other.all_files) & set(layout.all_files) for other in LAYOUTS
                                 if other.dataset != layout.dataset):
        return None
    owners = recognised_as(min(present, key=lambda path: path.stat().st_size))
    return None if not owners or layout.dataset in owners else " or ".join(owners)


def _layouts(dataset: str, format: str | None) -> list[Layout]:
    if dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {', '.join(DATASETS)}; got {dataset!r}")
    layouts = [layout for layout in LAYOUTS if layout.dataset == dataset]
    if format is None:
        return layouts
    chosen = [layout for layout in layouts if layout.format == format]
    if not chosen:
        formats = ", ".join(layout.format for layout in layouts)
        raise ValueError(f"format for {dataset} must be one of {formats}; got {format!r}")
    return chosen


def locate(dataset: str, data_root: str | os.PathLike[str] | None = None, format: str | None = None) -> Location:
    """The first folder under the data root holding ``dataset`` (in ``format``, if given).

    Searches the root itself, then its standard subfolders. Raises
    ``FileNotFoundError`` naming every folder searched when none holds it.
    """
    root = resolve_root(data_root)
    searched: list[str] = []
    for layout in _layouts(dataset, format):
        for folder in _candidates(root, layout):
            present = _present(folder, layout)
            owner = _owner(root, folder, layout, present) if present else None
            if present and owner is None:
                return Location(folder, layout)
            searched.append(f"{folder} ({layout.format}" + (f"; it holds {owner}'s files" if owner else "") + ")")
    raise FileNotFoundError(
        f"no {dataset} files under data root {root}: searched {'; '.join(searched)} "
        f"for the official file names, raw or .gz"
    )


def survey(data_root: str | os.PathLike[str] | None = None) -> list[Location]:
    """Every (dataset, format) found under the data root, in :data:`LAYOUTS` order."""
    root = resolve_root(data_root)
    found = []
    for layout in LAYOUTS:
        for folder in _candidates(root, layout):
            present = _present(folder, layout)
            if present and _owner(root, folder, layout, present) is None:
                found.append(Location(folder, layout))
                break
    return found
