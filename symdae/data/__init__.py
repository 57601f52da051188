"""Datasets of the paper (MNIST, CIFAR-10) and Fashion-MNIST: finding, verifying, reading, preprocessing, spectra.

- :func:`load` reads the first N images of a split from a data root
  (:mod:`symdae.data.roots`), identifying every file by the checksum of the
  bytes it parses (:mod:`symdae.data.checksums`) and reporting its
  provenance: ``exact`` official data or an approximation such as
  ``cifar10-jpeg-approx``.
- Readers of the official formats: IDX for MNIST and Fashion-MNIST (:mod:`symdae.data.idx`),
  CIFAR-10 binary and python batches (:mod:`symdae.data.cifar`, the latter
  through a restricted unpickler that cannot run code).
- :func:`preprocess` builds X (N x D): pixels / 255, flattened, uncentred by
  default (the paper's setting).
- :func:`spectrum` gives the eigendecomposition of Σ = XᵀX (a sum over rows),
  cached on disk, keyed by the data's checksum and verified when read.
- :func:`download` fetches the official files, resumably and verified, each
  within a deadline and no larger than the official file.

Every cache verifies what it reads; a damaged one is reported in one line on
standard error and rebuilt (:mod:`symdae.data._cache`).
"""

from symdae.data.checksums import Digests, FileCheck, check_file
from symdae.data.cifar import RestrictedUnpickler, read_cifar_bin, read_cifar_py, safe_unpickle
from symdae.data.datasets import SPLITS, Dataset, load
from symdae.data.downloads import DownloadError, download, fetch
from symdae.data.idx import read_idx
from symdae.data.preprocessing import TRANSFORMS, Preprocessor, flatten, preprocess
from symdae.data.registry import DATASETS, SOURCES, Source
from symdae.data.roots import DATA_ROOT_ENV, Location, locate, resolve_root, survey
from symdae.data.spectra import Spectrum, gram_matrix, psd_eigh, spectrum

__all__ = [
    "DATASETS",
    "DATA_ROOT_ENV",
    "SOURCES",
    "SPLITS",
    "TRANSFORMS",
    "Dataset",
    "Digests",
    "DownloadError",
    "FileCheck",
    "Location",
    "Preprocessor",
    "RestrictedUnpickler",
    "Source",
    "Spectrum",
    "check_file",
    "download",
    "fetch",
    "flatten",
    "gram_matrix",
    "load",
    "locate",
    "preprocess",
    "psd_eigh",
    "read_cifar_bin",
    "read_cifar_py",
    "read_idx",
    "resolve_root",
    "safe_unpickle",
    "spectrum",
    "survey",
]
