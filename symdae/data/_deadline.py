"""A deadline for one transfer, however the server paces its bytes: when it passes, every socket is shut.

Shutting a connection's socket (the plain socket's ``shutdown``, also for a
TLS socket) wakes a thread blocked reading it, so a server trickling one byte
a second, in its headers or its body, is cut within a fraction of a second of
the deadline. :func:`opener` registers every connection it opens, redirects
included, with the deadline.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import urllib.request
from types import TracebackType

__all__ = ["Deadline", "opener"]


def _shut(sock: socket.socket) -> None:
    try:  # the plain socket's shutdown, also for a TLS socket: wakes a thread blocked reading it
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


class Deadline:
    """Shuts every socket of one transfer when ``seconds`` have passed since entering."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def opener(deadline: Deadline) -> urllib.request.OpenerDirector:
    """An opener whose connections (redirects included) are registered with ``deadline``."""

    class Connection(http.client.HTTPConnection):
        def connect(self) -> None:
            super().connect()
            deadline.watch(self.sock)

    class SecureConnection(http.client.HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            deadline.watch(self.sock)

    context = ssl.create_default_context()

    class Handler(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(Connection, req)

    class SecureHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(SecureConnection, req, context=context)

    return urllib.request.build_opener(Handler, SecureHandler)
