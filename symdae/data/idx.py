"""Reader for the IDX format of the MNIST and Fashion-MNIST files.

Format (LeCun et al., http://yann.lecun.com/exdb/mnist/, "file formats"):
a 4-byte magic number ``0x00 0x00 <type> <ndim>``, then ``ndim`` dimension
sizes as big-endian unsigned 32-bit integers, then the values in C order,
big-endian. Type codes: ``0x08`` unsigned byte, ``0x09`` signed byte,
``0x0B`` int16, ``0x0C`` int32, ``0x0D`` float32, ``0x0E`` float64.
MNIST (and Fashion-MNIST) images are ``idx3-ubyte`` (N x 28 x 28), labels ``idx1-ubyte`` (N).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from symdae.data.compression import read_uncompressed

__all__ = ["IDX_TYPES", "parse_idx", "read_idx"]

IDX_TYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
"""IDX type code → NumPy dtype (big-endian)."""


def parse_idx(content: bytes, source: str = "<bytes>") -> np.ndarray:
    """Decode IDX bytes into an array in native byte order (read-only for 1-byte types: no copy).

    ``source`` names the origin in error messages. Raises ``ValueError`` for
    a bad magic number, an unknown type code, or a length that differs from
    the header's (a truncated or padded file).
    """
    if len(content) < 4:
        raise ValueError(f"{source}: {len(content)} bytes is too short for an IDX header (4-byte magic number)")
    zero, type_code, ndim = int.from_bytes(content[:2], "big"), content[2], content[3]
    if zero != 0 or type_code not in IDX_TYPES:
        raise ValueError(
            f"{source}: not an IDX file (magic number {content[:4].hex()}; expected 0000 then a type code "
            f"in {', '.join(f'{code:02x}' for code in IDX_TYPES)} then the number of dimensions)"
        )
    header = 4 + 4 * ndim
    if len(content) < header:
        raise ValueError(f"{source}: truncated IDX header ({len(content)} bytes; {ndim} dimensions need {header})")
    shape = tuple(int.from_bytes(content[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    dtype = IDX_TYPES[type_code]
    expected = header + dtype.itemsize * int(np.prod(shape, dtype=np.int64))
    if len(content) != expected:
        raise ValueError(
            f"{source}: IDX header promises shape {shape} of {dtype.itemsize}-byte values = {expected} bytes "
            f"in all, but the file has {len(content)} bytes (truncated or corrupt)"
        )
    values = np.frombuffer(content, dtype=dtype, offset=header).reshape(shape)
    if not dtype.isnative:
        values = values.astype(dtype.newbyteorder("="))
    return values


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file, raw or ``.gz`` (see :func:`parse_idx`)."""
    return parse_idx(read_uncompressed(path), str(path))
