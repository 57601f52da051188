"""Load MNIST, Fashion-MNIST or CIFAR-10 from a data root, verified, with its provenance.

>>> data = load("mnist", n=50000, data_root="../shared/data")   # doctest: +SKIP
>>> data.images.shape, data.provenance, data.nature                # doctest: +SKIP
((50000, 28, 28), 'mnist-official', 'exact')
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from symdae.data.checksums import FileCheck, read_and_check, require_recognised
from symdae.data.cifar import parse_cifar_bin, parse_cifar_py
from symdae.data.idx import parse_idx
from symdae.data.registry import Source
from symdae.data.roots import Location, find_file, locate

__all__ = ["SPLITS", "Dataset", "load"]

SPLITS = ("train", "test")


@dataclass(frozen=True, eq=False)
class Dataset:
    """The first ``n`` images of one split, as stored (``uint8``, read-only).

    ``images`` has shape ``(n, 28, 28)`` for MNIST and Fashion-MNIST and ``(n, 3, 32, 32)``
    (channel-major, the official order) for CIFAR-10; ``labels`` has shape
    ``(n,)``. ``files`` are the checked files the images come from, in order.
    """

    name: str
    split: str
    images: np.ndarray
    labels: np.ndarray
    folder: Path
    format: str
    files: tuple[FileCheck, ...]

    @property
    def n(self) -> int:
        """Number of images."""
        return int(self.images.shape[0])

    @property
    def dim(self) -> int:
        """Values per image, D (784 for MNIST and Fashion-MNIST, 3072 for CIFAR-10)."""
        return int(np.prod(self.images.shape[1:]))

    @property
    def sources(self) -> tuple[Source, ...]:
        """The distinct sources of the files, in file order."""
        return tuple({check.source.id: check.source for check in self.files}.values())

    @property
    def provenance(self) -> str:
        """Source id(s): ``mnist-official``, ``fashion-mnist-official``, ``cifar10-official``,
        ``cifar10-jpeg-approx`` or ``unverified``."""
        return "+".join(source.id for source in self.sources)

    @property
    def exact(self) -> bool:
        """True when every file is byte-identical to the official distribution."""
        return all(source.exact for source in self.sources)

    @property
    def nature(self) -> str:
        """``exact``, ``JPEG-decoded approximation`` or ``unverified`` (joined with ``+`` if mixed)."""
        return "+".join(dict.fromkeys(source.nature for source in self.sources))

    @property
    def checksum(self) -> str:
        """SHA-256 identifying the files used (their names and content digests, in order)."""
        lines = "".join(f"{check.name} {check.digests.sha256}\n" for check in self.files)
        return hashlib.sha256(lines.encode()).hexdigest()

    def describe(self) -> str:
        """One line for reports: dataset, split, size, and the nature of the values."""
        notes = "; ".join(source.description for source in self.sources)
        return f"{self.name} {self.split}, first {self.n} images (D = {self.dim}) from {self.folder}: {notes}"


def _require(location: Location, name: str) -> Path:
    path = find_file(location.folder, name)
    if path is None:
        raise FileNotFoundError(f"{location.folder} holds no {name} (nor {name}.gz)")
    return path


def _load_idx(location: Location, split: str, verify: bool) -> tuple[np.ndarray, np.ndarray, list[FileCheck]]:
    """The images and labels of an IDX dataset (MNIST, Fashion-MNIST)."""
    dataset = location.layout.dataset
    image_name, label_name = location.layout.files[split]
    arrays, checks = [], []
    for name in (image_name, label_name):
        path = _require(location, name)
        content, check = read_and_check(path, dataset, verify=False)
        arrays.append(parse_idx(content, str(path)))  # a malformed file says how before its checksum is judged
        checks.append(require_recognised(check, dataset) if verify else check)
    images, labels = arrays
    if images.dtype != np.uint8 or images.ndim != 3 or labels.dtype != np.uint8 or labels.shape != images.shape[:1]:
        raise ValueError(
            f"{location.folder}: {image_name} must hold uint8 images (n, rows, cols) and {label_name} n uint8 labels; "
            f"got {images.dtype} {images.shape} and {labels.dtype} {labels.shape}"
        )
    if labels.size and int(labels.max()) > 9:
        raise ValueError(f"{checks[1].path}: {dataset} labels must be 0-9; found {int(labels.max())}")
    return images, labels, checks


def _load_cifar(
    location: Location, split: str, n: int | None, verify: bool
) -> tuple[np.ndarray, np.ndarray, list[FileCheck]]:
    parse = parse_cifar_bin if location.layout.format == "bin" else parse_cifar_py
    images, labels, checks = [], [], []
    for name in location.layout.files[split]:
        path = find_file(location.folder, name)
        if path is None:
            break  # only a leading run of batches keeps the official image order
        content, check = read_and_check(path, "cifar10", verify=False)
        batch_images, batch_labels = parse(content, str(path))
        checks.append(require_recognised(check, "cifar10") if verify else check)
        images.append(batch_images)
        labels.append(batch_labels)
        if n is not None and sum(len(b) for b in labels) >= n:
            break
    if not checks:
        first = location.layout.files[split][0]
        raise FileNotFoundError(f"{location.folder} holds no {first} (nor {first}.gz), the first {split} batch")
    return np.concatenate(images), np.concatenate(labels), checks


def load(
    name: str,
    split: str = "train",
    n: int | None = None,
    *,
    data_root: str | os.PathLike[str] | None = None,
    format: str | None = None,
    verify: bool = True,
) -> Dataset:
    """Load the first ``n`` images (all if ``None``) of ``split`` of dataset ``name``.

    ``name`` is ``"mnist"``, ``"fashion-mnist"`` or ``"cifar10"``; ``split`` ``"train"`` or
    ``"test"``; ``data_root`` as in :func:`symdae.data.roots.locate` (else
    ``$SYMDAE_DATA_ROOT``); ``format`` picks a CIFAR-10 layout (``"bin"`` or
    ``"py"``; default: whichever is found, binary first). Only the files
    needed for ``n`` images are read; CIFAR-10 batches are used in order up to
    the first missing one.

    Every file read is identified by the checksums of the bytes actually
    parsed (:func:`symdae.data.checksums.read_and_check`; never by a cached
    value): an unrecognised checksum raises ``ValueError`` unless
    ``verify=False``.
    Raises ``ValueError`` when ``n`` exceeds the images available (saying how
    many there are) and ``FileNotFoundError`` when files are missing.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}; got {split!r}")
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
        raise ValueError(f"n must be a positive integer or None; got {n!r}")
    location = locate(name, data_root, format)
    if location.layout.format == "idx":
        images, labels, checks = _load_idx(location, split, verify)
    else:
        images, labels, checks = _load_cifar(location, split, n, verify)
    available = len(labels)
    if n is not None and n > available:
        files = ", ".join(check.path.name for check in checks)
        raise ValueError(
            f"n = {n} exceeds the {available} {name} {split} images available in {location.folder} ({files})"
        )
    images, labels = images[:n], labels[:n]
    images.flags.writeable = False
    labels.flags.writeable = False
    return Dataset(name, split, images, labels, location.folder, location.layout.format, tuple(checks))
