"""Synthetic data files in the official formats, and a local HTTP file server, for the data tests."""

from __future__ import annotations

import gzip
import hashlib
import os
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np

from symdae.data.cifar import RECORD_BYTES


def write(path: Path, content: bytes, gz: bool = False) -> Path:
    """Write ``content`` to ``path`` (``path.gz``, gzip-compressed, when ``gz``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    target = path.with_name(f"{path.name}.gz") if gz else path
    target.write_bytes(gzip.compress(content, mtime=0) if gz else content)
    return target


def tamper_keeping_size_and_times(path: Path, start: int = -1, stop: int | None = None) -> None:
    """Invert the bytes ``start:stop`` of ``path`` in place (default: the last), then set its times back.

    Size, access and modification times are as before: only the content
    (and the status-change time, which nothing can set back) differs.
    """
    before = path.stat()
    content = bytearray(path.read_bytes())
    span = slice(start, stop if stop is not None else (start + 1 or None))
    content[span] = bytes(255 - b for b in content[span])
    path.write_bytes(bytes(content))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_atime_ns, after.st_mtime_ns) == (before.st_size, before.st_atime_ns,
                                                                     before.st_mtime_ns)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def idx_bytes(values: np.ndarray) -> bytes:
    """IDX encoding of ``values`` (uint8 → type 0x08, int32 → 0x0C, float64 → 0x0E)."""
    code = {np.dtype(np.uint8): 0x08, np.dtype(np.int32): 0x0C, np.dtype(np.float64): 0x0E}[values.dtype]
    header = bytes([0, 0, code, values.ndim]) + b"".join(struct.pack(">I", d) for d in values.shape)
    return header + values.astype(values.dtype.newbyteorder(">")).tobytes()


def cifar_bin_bytes(images: np.ndarray, labels: np.ndarray) -> bytes:
    """Official binary records: label byte, then 3072 channel-major pixel bytes."""
    records = np.concatenate([labels.reshape(-1, 1), images.reshape(len(labels), -1)], axis=1)
    assert records.shape[1] == RECORD_BYTES
    return records.astype(np.uint8).tobytes()


def random_images(rng: np.random.Generator, n: int, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    return rng.integers(0, 256, size=(n, *shape), dtype=np.uint8), rng.integers(0, 10, size=n, dtype=np.uint8)


def write_mnist(folder: Path, rng: np.random.Generator, n: int = 12, gz: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Synthetic MNIST train and test files (n images each) in ``folder``; returns the train arrays."""
    images, labels = random_images(rng, n, (28, 28))
    write(folder / "train-images-idx3-ubyte", idx_bytes(images), gz)
    write(folder / "train-labels-idx1-ubyte", idx_bytes(labels), gz)
    write(folder / "t10k-images-idx3-ubyte", idx_bytes(images[::-1].copy()), gz)
    write(folder / "t10k-labels-idx1-ubyte", idx_bytes(labels[::-1].copy()), gz)
    return images, labels


def _short(value: bytes) -> bytes:
    """A Python 2 ``str`` (SHORT_BINSTRING or BINSTRING opcode)."""
    return b"U" + bytes([len(value)]) + value if len(value) < 256 else b"T" + struct.pack("<i", len(value)) + value


def _int(value: int) -> bytes:
    return b"K" + bytes([value]) if 0 <= value < 256 else b"J" + struct.pack("<i", value)


def py2_batch_pickle(data: np.ndarray, labels: list[int]) -> bytes:
    """A CIFAR-10 python batch as Python 2's cPickle (protocol 2) writes it: official files look like this."""
    out = b"\x80\x02}(" + _short(b"data")
    out += b"cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\n" + _int(0) + b"\x85" + _short(b"b") + b"\x87R"
    out += b"(" + _int(1) + b"(" + b"".join(_int(d) for d in data.shape) + b"t"
    out += b"cnumpy\ndtype\n" + _short(b"u1") + _int(0) + _int(1) + b"\x87R("
    out += _int(3) + _short(b"|") + b"NNN" + _int(-1) + _int(-1) + _int(0) + b"tb"
    out += b"\x89" + _short(data.tobytes()) + b"tb"
    out += _short(b"labels") + b"](" + b"".join(_int(v) for v in labels) + b"eu."
    return out


Script = Callable[["_Handler"], None]
"""A response written by hand: called with the request handler instead of serving a file."""


class FileServer(ThreadingHTTPServer):
    """HTTP server on 127.0.0.1 serving files under ``root``, with Range support.

    ``drop_after[url_path] = k`` makes the next response for that path stop
    after k body bytes (an interrupted transfer); ``ranges = False`` makes it
    ignore Range headers; ``scripts[url_path]`` replaces the response for that
    path (see :func:`endless`, :func:`trickle`, :func:`slow_headers`);
    ``requests`` records (path, Range header). ``stopping`` is set when the
    server closes, ending any script still sending.
    """

    def __init__(self, root: Path) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root
        self.requests: list[tuple[str, str | None]] = []
        self.drop_after: dict[str, int] = {}
        self.scripts: dict[str, Script] = {}
        self.ranges = True
        self.stopping = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def handle_error(self, request: object, client_address: object) -> None:
        """A client hanging up on a script is expected: no traceback on stderr."""


def endless(status: int = 200, headers: dict[str, str] | None = None, chunk: bytes = b"\x00" * 65536) -> Script:
    """A body that never ends (no Content-Length unless given in ``headers``)."""

    def script(handler: _Handler) -> None:
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        while not handler.server.stopping.is_set():
            handler.wfile.write(chunk)

    return script


def trickle(content: bytes, interval: float) -> Script:
    """``content`` with its true Content-Length, one byte every ``interval`` seconds."""

    def script(handler: _Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(content)))
        handler.end_headers()
        handler.wfile.flush()
        for index in range(len(content)):
            if handler.server.stopping.wait(interval):
                return
            handler.wfile.write(content[index:index + 1])
            handler.wfile.flush()

    return script


def slow_headers(interval: float) -> Script:
    """A status line, then a header that arrives one byte every ``interval`` seconds, without end."""

    def script(handler: _Handler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        handler.wfile.flush()
        while not handler.server.stopping.wait(interval):
            handler.wfile.write(b"a")
            handler.wfile.flush()

    return script


class _Handler(BaseHTTPRequestHandler):
    server: FileServer

    def do_GET(self) -> None:
        server = self.server
        requested = self.headers.get("Range")
        server.requests.append((self.path, requested))
        script = server.scripts.get(self.path)
        if script is not None:
            self.close_connection = True
            try:
                script(self)
            except OSError:  # the client hung up
                pass
            return
        path = server.root / self.path.lstrip("/")
        if not path.is_file():
            self.send_error(404)
            return
        data = path.read_bytes()
        start = int(requested.removeprefix("bytes=").rstrip("-")) if requested and server.ranges else 0
        if start >= len(data) > 0:
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{len(data)}")
            self.end_headers()
            return
        if start:
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        limit = server.drop_after.pop(self.path, None)
        self.wfile.write(body if limit is None else body[:limit])

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


@contextmanager
def serve(root: Path) -> Iterator[FileServer]:
    """Run a :class:`FileServer` for ``root`` in a thread."""
    server = FileServer(root)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join()
