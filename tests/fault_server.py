"""A snapshot server that misbehaves on purpose at chosen article URLs (the fault matrix).

Every path under ``/cn/中国/20240201-fault-<name>`` answers with fault ``<name>``;
everything else is the snapshot. Requests are logged like the snapshot server.
"""

from __future__ import annotations

import gzip
import json
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlsplit

from newscrawl.snapshot_server import CONTENT_TYPES, resolve
from newscrawl.utils.urls import decoded_path
from tests.conftest import running

PREFIX = "/cn/中国/20240201-fault-"


def fault_path(name: str) -> str:
    return f"{PREFIX}{name}"


def fault_url(name: str) -> str:
    return "https://www.rfi.fr" + quote(fault_path(name))


class FaultHandler(BaseHTTPRequestHandler):
    server: FaultServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path = decoded_path(self.path)
        with self.server.lock:
            self.server.log.append({"path": path, "query": parts.query, "host": self.headers.get("Host", "")})
            count = sum(1 for r in self.server.log if r["path"] == path)
        if path.startswith(PREFIX):
            name = path[len(PREFIX) :]
            self.server.faults[name](self, count)
            return
        target = resolve(self.server.root, parts.path)
        if target is None:
            self.send_body(404, b"not found")
            return
        self.send_body(200, target.read_bytes(), CONTENT_TYPES.get(target.suffix, "application/octet-stream"))

    # -- building blocks for faults ---------------------------------------------------

    def send_body(
        self,
        status: int,
        body: bytes,
        ctype: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def reset(self) -> None:
        """Close with a TCP RST (SO_LINGER 0)."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()


Fault = Callable[[FaultHandler, int], None]


class FaultServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path, faults: dict[str, Fault]) -> None:
        super().__init__(("127.0.0.1", 0), FaultHandler)
        self.root = root
        self.faults = faults
        self.lock = threading.Lock()
        self.log: list[dict[str, str]] = []

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up on a fault (a timeout, a reset) is expected; say nothing."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def paths(self) -> list[str]:
        with self.lock:
            return [r["path"] for r in self.log]


@contextmanager
def fault_server(root: Path, faults: dict[str, Fault]) -> Iterator[FaultServer]:
    server = FaultServer(root, faults)
    with running(server):
        yield server


def gzip_bomb(size: int) -> bytes:
    return gzip.compress(b"<p>" + b"A" * size, compresslevel=9)


def slow_forever(handler: FaultHandler, _count: int) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    try:
        for _ in range(600):  # bounded: 5 minutes at most
            handler.wfile.write(b"<p>.</p>")
            handler.wfile.flush()
            time.sleep(0.5)
    except OSError:
        pass


def json_line(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
