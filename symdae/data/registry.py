"""What symdae knows about each dataset: files, official locations, checksums.

Every checksum here is of the **uncompressed** content of a file (so a ``.gz``
copy and the raw file are recognised alike), except archive checksums, which
are of the archive's bytes as downloaded.

Sources of the numbers:

- MNIST (LeCun, Bottou, Bengio & Haffner 1998; http://yann.lecun.com/exdb/mnist/):
  SHA-256 of the four official IDX files, whose MD5 sums are the published
  ones (``shared/data/mnist/SHA256SUMS`` and README).
- Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, arXiv:1708.07747;
  https://github.com/zalandoresearch/fashion-mnist): the authors publish the
  MD5 of each ``.gz`` archive (:data:`FASHION_MNIST_GZ_MD5`, as in their
  README and torchvision's ``FashionMNIST``). The SHA-256 here are of the
  archives' uncompressed content, computed from ``shared/data/fashion-mnist``,
  whose ``.gz`` files carry the official deflate streams byte for byte: with
  the gzip header's file name and time put back as the authors' archives have
  them (the time of 2017-08-31 10:50 UTC that their label archives carry),
  each has exactly the published MD5 and size (``tests/data/test_fashion.py``
  checks this on the real files).
- CIFAR-10 (Krizhevsky 2009, https://www.cs.toronto.edu/~kriz/cifar.html):
  the page publishes the MD5 of each archive (binary version
  ``c32a1d4ab5d03f1284b67883e8d87530``, python version
  ``c58f30108f718f92721af3b95e74349a``); the SHA-256 and byte sizes of the
  archives and the MD5 of each python batch are the values widely used to
  verify them (e.g. torchvision's ``CIFAR10`` class). No per-file checksum of
  the *binary* batches is published, so a binary batch counts as official
  when symdae extracted it from a verified official archive (see
  :data:`MANIFEST_NAME`).
- ``cifar10-jpeg-approx``: the first 30,000 training images rebuilt from a
  JPEG copy (``shared/data/cifar-10-batches-bin/README.md``): labels exact,
  pixels JPEG-decoded. Its batches have their own checksums, listed here so
  that results computed on it can say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "ARCHIVES",
    "CIFAR10_BIN_FILES",
    "CIFAR10_CLASSES",
    "CIFAR10_PY_FILES",
    "DATASETS",
    "DOWNLOAD_URL_ENV",
    "FASHION_MNIST_FILES",
    "FASHION_MNIST_GZ_MD5",
    "FASHION_MNIST_GZ_SIZES",
    "FASHION_MNIST_URLS",
    "FILE_SETS",
    "KNOWN_FILES",
    "MANIFEST_NAME",
    "MNIST_FILES",
    "MNIST_GZ_SIZES",
    "MNIST_SIZES",
    "MNIST_URLS",
    "SOURCES",
    "UNVERIFIED",
    "Archive",
    "FileSet",
    "KnownFile",
    "Source",
]

DATASETS = ("mnist", "cifar10", "fashion-mnist")
"""Dataset names accepted everywhere (``load``, ``download``, the CLI)."""

DOWNLOAD_URL_ENV = "SYMDAE_DOWNLOAD_URL"
"""Environment variable naming a base URL that replaces the official mirrors."""

MANIFEST_NAME = "symdae-manifest.json"
"""File written beside files extracted from a verified archive: records the
archive's SHA-256 and each extracted file's SHA-256, so those files are
recognised later although no per-file checksum is published for them."""


@dataclass(frozen=True)
class Source:
    """Where a dataset's files come from, and whether its values are exact.

    ``nature`` is the phrase results should quote: ``"exact"`` (byte-identical
    to the official distribution), ``"JPEG-decoded approximation"`` or
    ``"unverified"`` (checksum not recognised, loaded with ``verify=False``).
    """

    id: str
    dataset: str
    exact: bool
    nature: str
    description: str


SOURCES: dict[str, Source] = {
    source.id: source
    for source in (
        Source(
            "mnist-official", "mnist", True, "exact",
            "official MNIST IDX files (LeCun et al. 1998); uncompressed bytes identical to the published files",
        ),
        Source(
            "fashion-mnist-official", "fashion-mnist", True, "exact",
            "official Fashion-MNIST IDX files (Xiao, Rasul & Vollgraf 2017); uncompressed content identical to the "
            "published archives'",
        ),
        Source(
            "cifar10-official", "cifar10", True, "exact",
            "official CIFAR-10 batches (Krizhevsky 2009), verified against the published checksums",
        ),
        Source(
            "cifar10-jpeg-approx", "cifar10", False, "JPEG-decoded approximation",
            "CIFAR-10 training images 0-29,999 in the official layout with exact labels but pixels decoded "
            "from a JPEG re-encoding (quality 75, 4:2:0): mean absolute error about 6, RMSE about 8.5 on 0-255; "
            "not the official pixels",
        ),
    )
}

UNVERIFIED = Source(
    "unverified", "", False, "unverified",
    "checksum not recognised (loaded with verify=False); the values may differ from any published dataset",
)


@dataclass(frozen=True)
class KnownFile:
    """A recognised version of one file: uncompressed name and content digest."""

    dataset: str
    name: str
    algorithm: str  # "sha256" or "md5"
    digest: str
    source: str  # a key of SOURCES


def _files(dataset: str, source: str, algorithm: str, digests: dict[str, str]) -> tuple[KnownFile, ...]:
    return tuple(KnownFile(dataset, name, algorithm, digest, source) for name, digest in digests.items())


MNIST_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
"""Per split: the (images, labels) IDX file names, uncompressed."""

FASHION_MNIST_FILES = MNIST_FILES
"""Fashion-MNIST's files have MNIST's names, sizes and format (a drop-in second dataset)."""

CIFAR10_BIN_FILES = {
    "train": tuple(f"data_batch_{i}.bin" for i in range(1, 6)),
    "test": ("test_batch.bin",),
}
"""Per split: the binary batches (``cifar-10-batches-bin``), in image order."""

CIFAR10_PY_FILES = {
    "train": tuple(f"data_batch_{i}" for i in range(1, 6)),
    "test": ("test_batch",),
}
"""Per split: the python (pickle) batches (``cifar-10-batches-py``), in image order."""

CIFAR10_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
)
"""Class names of labels 0-9 (``batches.meta.txt``)."""

KNOWN_FILES: tuple[KnownFile, ...] = (
    *_files("mnist", "mnist-official", "sha256", {
        "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    }),
    *_files("fashion-mnist", "fashion-mnist-official", "sha256", {
        "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    }),
    *_files("cifar10", "cifar10-official", "md5", {
        "data_batch_1": "c99cafc152244af753f735de768cd75f",
        "data_batch_2": "d4bba439e000b95fd0a9bffe97cbabec",
        "data_batch_3": "54ebc095f3ab1f0389bbae665268c751",
        "data_batch_4": "634d18415352ddfa80567beed471001a",
        "data_batch_5": "482c414d41f54cd18b22e5b47cb7c3cb",
        "test_batch": "40351d587109b95175f43aff81a1287e",
    }),
    *_files("cifar10", "cifar10-jpeg-approx", "sha256", {
        "data_batch_1.bin": "8da035fc1631e8ce5f25904206b8993b0f3ad02a504c0584d662e806fd76c12b",
        "data_batch_2.bin": "106eeaad9f1fa7a999292fdafe68ee909080f58aee038a76994035aedf40ba26",
        "data_batch_3.bin": "99cb88ba00fca88bf28c517a74307b6b78a346c6ea747a561cb8e660c787d5cb",
        "batches.meta.txt": "2ce042b1e0b48db4bb214408e6414ba18b2731c24af244f2d6c112fddf31af00",
    }),
)
"""Every recognised file version; a file is identified by name *and* digest."""

MNIST_URLS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
"""Commonly used MNIST mirrors, tried in order; each serves ``<name>.gz``."""

MNIST_GZ_SIZES = {
    "train-images-idx3-ubyte": 9_912_422,
    "train-labels-idx1-ubyte": 28_881,
    "t10k-images-idx3-ubyte": 1_648_877,
    "t10k-labels-idx1-ubyte": 4_542,
}
"""Byte sizes of the official ``<name>.gz`` files (as listed on LeCun's MNIST page, which every mirror above
serves unchanged): the most a download of one may receive."""

MNIST_SIZES = {
    "train-images-idx3-ubyte": 16 + 60_000 * 28 * 28,
    "train-labels-idx1-ubyte": 8 + 60_000,
    "t10k-images-idx3-ubyte": 16 + 10_000 * 28 * 28,
    "t10k-labels-idx1-ubyte": 8 + 10_000,
}
"""Byte sizes of the official IDX files, uncompressed (header, then one byte per value); Fashion-MNIST's alike."""

FASHION_MNIST_URLS = (
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
)
"""The authors' download location (their README's links; it serves plain HTTP only), then their repository's
``data/fashion/`` folder; each serves ``<name>.gz``."""

FASHION_MNIST_GZ_SIZES = {
    "train-images-idx3-ubyte": 26_421_880,
    "train-labels-idx1-ubyte": 29_515,
    "t10k-images-idx3-ubyte": 4_422_102,
    "t10k-labels-idx1-ubyte": 5_148,
}
"""Byte sizes of the official ``<name>.gz`` archives: the most a download of one may receive."""

FASHION_MNIST_GZ_MD5 = {
    "train-images-idx3-ubyte": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte": "bb300cfdad3c16e7a12a480ee83cd310",
}
"""MD5 of the official ``<name>.gz`` archives as the authors publish them. A download is verified by the SHA-256
of its uncompressed content (:data:`KNOWN_FILES`), which also accepts a mirror's recompressed copy."""


@dataclass(frozen=True)
class FileSet:
    """A dataset whose files are fetched one by one, each as ``<name>.gz``, into ``folder`` under the data root.

    ``gz_sizes`` (the official archives' sizes) cap each download; ``sizes``
    (the uncompressed files') cap what uncompressing one may yield.
    """

    dataset: str
    label: str
    folder: str
    urls: tuple[str, ...]
    files: Mapping[str, tuple[str, ...]]
    gz_sizes: Mapping[str, int]
    sizes: Mapping[str, int]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for names in self.files.values() for name in names)


FILE_SETS: dict[str, FileSet] = {
    "mnist": FileSet("mnist", "MNIST", "mnist", MNIST_URLS, MNIST_FILES, MNIST_GZ_SIZES, MNIST_SIZES),
    "fashion-mnist": FileSet("fashion-mnist", "Fashion-MNIST", "fashion-mnist", FASHION_MNIST_URLS,
                             FASHION_MNIST_FILES, FASHION_MNIST_GZ_SIZES, MNIST_SIZES),
}
"""Datasets downloaded file by file (the others come in one archive: :data:`ARCHIVES`)."""


@dataclass(frozen=True)
class Archive:
    """An official archive: where to fetch it, its checksums, what to extract.

    ``members`` are paths inside the archive; they are extracted (flat) into
    ``folder`` under the data root. ``md5`` and ``size`` may be ``None`` when
    not known; ``sha256`` is always checked. ``size`` is also the most a
    download of the archive may receive.
    """

    dataset: str
    filename: str
    urls: tuple[str, ...]
    sha256: str
    md5: str | None
    size: int | None
    source: str
    folder: str
    members: tuple[str, ...]


ARCHIVES: dict[str, Archive] = {
    "cifar10": Archive(
        dataset="cifar10",
        filename="cifar-10-binary.tar.gz",
        urls=("https://www.cs.toronto.edu/~kriz/",),
        sha256="c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd",
        md5="c32a1d4ab5d03f1284b67883e8d87530",
        size=170_052_171,
        source="cifar10-official",
        folder="cifar-10-batches-bin",
        members=tuple(
            f"cifar-10-batches-bin/{name}"
            for name in (*CIFAR10_BIN_FILES["train"], *CIFAR10_BIN_FILES["test"], "batches.meta.txt")
        ),
    ),
}
"""Archives downloaded whole, per dataset (MNIST's and Fashion-MNIST's files are fetched one by one:
:data:`FILE_SETS`)."""
