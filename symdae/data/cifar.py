"""Readers for the CIFAR-10 batch files, binary and python versions.

Format (Krizhevsky, https://www.cs.toronto.edu/~kriz/cifar.html):

- Binary version (``cifar-10-batches-bin/data_batch_1.bin`` …): records of
  3,073 bytes, one label byte (0-9) then 3,072 pixel bytes: the 1,024 red
  values, then green, then blue, each 32 x 32 row-major. Official batches
  hold 10,000 records (30,730,000 bytes).
- Python version (``cifar-10-batches-py/data_batch_1`` …): a pickled dict
  with ``b"data"``, a 10000 x 3072 ``uint8`` array in the same channel-major
  order, and ``b"labels"``, a list of ints. A pickle can run arbitrary code
  when loaded, so these files are read with :class:`RestrictedUnpickler`,
  which admits only NumPy arrays and dtypes besides plain containers
  (dict, list, tuple, str, bytes, numbers): any other global is refused
  before anything is called.

Both readers return ``images`` of shape ``(n, 3, 32, 32)`` (channel-major,
the official order) and ``labels`` of shape ``(n,)``, both ``uint8``.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import numpy as np

from symdae.data.compression import read_uncompressed

__all__ = [
    "IMAGE_SHAPE",
    "RECORD_BYTES",
    "RestrictedUnpickler",
    "parse_cifar_bin",
    "parse_cifar_py",
    "read_cifar_bin",
    "read_cifar_py",
    "safe_unpickle",
]

IMAGE_SHAPE = (3, 32, 32)
RECORD_BYTES = 1 + 3 * 32 * 32


def parse_cifar_bin(content: bytes, source: str = "<bytes>") -> tuple[np.ndarray, np.ndarray]:
    """Decode one binary batch into ``(images (n, 3, 32, 32), labels (n,))``, both ``uint8``.

    Raises ``ValueError`` naming ``source`` when the length is not a positive
    multiple of 3,073 bytes or a label is outside 0-9.
    """
    if not content or len(content) % RECORD_BYTES:
        raise ValueError(
            f"{source}: a CIFAR-10 binary batch is a whole number of {RECORD_BYTES}-byte records "
            f"(official batches: 10,000 records = 30,730,000 bytes); got {len(content)} bytes (truncated or corrupt)"
        )
    records = np.frombuffer(content, dtype=np.uint8).reshape(-1, RECORD_BYTES)
    labels = np.ascontiguousarray(records[:, 0])
    if int(labels.max()) > 9:
        raise ValueError(f"{source}: CIFAR-10 labels must be 0-9; found {int(labels.max())}")
    return np.ascontiguousarray(records[:, 1:]).reshape(-1, *IMAGE_SHAPE), labels


def read_cifar_bin(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Read a binary batch, raw or ``.gz`` (see :func:`parse_cifar_bin`)."""
    return parse_cifar_bin(read_uncompressed(path), str(path))


def _reconstruct() -> Callable[..., Any]:
    """NumPy's array-unpickling helper, found without naming its (version-dependent) module."""
    return cast("Callable[..., Any]", np.empty(0).__reduce__()[0])


def _frombuffer() -> Callable[..., Any]:
    """NumPy's helper for protocol-5 array pickles."""
    return cast("Callable[..., Any]", np.empty(0).__reduce_ex__(5)[0])


def _plain_dtype(*args: Any) -> np.dtype:
    dtype = np.dtype(*args)
    if dtype.hasobject:
        raise pickle.UnpicklingError(f"refusing a NumPy dtype holding Python objects ({dtype})")
    return dtype


_NUMPY_MODULES = ("numpy.core.multiarray", "numpy._core.multiarray", "numpy.core.numeric", "numpy._core.numeric")


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that resolves only NumPy's array and dtype constructors.

    Plain containers and numbers need no globals; every global other than
    ``numpy.ndarray``, ``numpy.dtype`` (object dtypes refused) and NumPy's own
    array-reconstruction helpers raises ``pickle.UnpicklingError`` before
    anything is called, so a crafted file cannot run code.
    """

    def find_class(self, module: str, name: str) -> Any:
        if module == "numpy" and name == "ndarray":
            return np.ndarray
        if module == "numpy" and name == "dtype":
            return _plain_dtype
        if module in _NUMPY_MODULES and name == "_reconstruct":
            return _reconstruct()
        if module in _NUMPY_MODULES and name == "_frombuffer":
            return _frombuffer()
        raise pickle.UnpicklingError(
            f"refusing to load global {module}.{name}: only NumPy arrays, dtypes and plain containers are allowed"
        )


def safe_unpickle(content: bytes, source: str = "<bytes>") -> Any:
    """Unpickle ``content`` with :class:`RestrictedUnpickler` (Python 2 strings read as bytes).

    Raises ``ValueError`` naming ``source`` for a refused global or a
    malformed pickle.
    """
    try:
        return RestrictedUnpickler(io.BytesIO(content), encoding="bytes").load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, IndexError) as err:
        raise ValueError(f"{source}: not a safe pickle of NumPy arrays and plain containers: {err}") from err


def parse_cifar_py(content: bytes, source: str = "<bytes>") -> tuple[np.ndarray, np.ndarray]:
    """Decode one python batch (restricted unpickling) into ``(images, labels)`` like :func:`parse_cifar_bin`."""
    batch = safe_unpickle(content, source)
    if not isinstance(batch, dict):
        raise ValueError(f"{source}: a CIFAR-10 python batch is a dict; got {type(batch).__name__}")
    data = batch.get(b"data", batch.get("data"))
    labels = batch.get(b"labels", batch.get("labels"))
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3072:
        described = f"{data.dtype} array of shape {data.shape}" if isinstance(data, np.ndarray) else repr(type(data))
        raise ValueError(f"{source}: 'data' must be a uint8 array of shape (n, 3072); got {described}")
    if not isinstance(labels, list) or len(labels) != data.shape[0] or not all(isinstance(v, int) for v in labels):
        raise ValueError(f"{source}: 'labels' must be a list of {data.shape[0]} ints")
    if any(not 0 <= v <= 9 for v in labels):
        raise ValueError(f"{source}: CIFAR-10 labels must be 0-9")
    return np.ascontiguousarray(data).reshape(-1, *IMAGE_SHAPE), np.asarray(labels, dtype=np.uint8)


def read_cifar_py(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Read a python batch, raw or ``.gz`` (see :func:`parse_cifar_py`)."""
    return parse_cifar_py(read_uncompressed(path), str(path))
