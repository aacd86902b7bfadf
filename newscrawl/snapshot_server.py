"""Serve a site snapshot on 127.0.0.1, for offline crawls and end-to-end tests.

    python -m newscrawl.snapshot_server snapshots/rfi --port 8000 [--log requests.jsonl]

URL paths are percent-decoded (UTF-8, NFC) and mapped to files stored with
raw UTF-8 names: ``/cn/`` → ``cn/index.html``; an existing file as is
(``/robots.txt``); otherwise ``<path>.html`` or ``<path>.xml``. The query
string is ignored, as a CDN would for tracking parameters. Each request can
be appended to a JSON Lines log (method, path, query, user agent, status),
which tests read to prove what a crawl did or did not fetch. Tests may also
replace the answer at chosen paths (``answers``: a status, headers, a body).
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from newscrawl.utils.urls import decoded_path

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
}


@dataclass(frozen=True)
class Answer:
    """A fixed answer at one URL path: ``body`` None serves the snapshot's file there (with ``headers``)."""

    status: int = 200
    body: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


def resolve(root: Path, url_path: str) -> Path | None:
    """The file serving ``url_path`` under ``root``, or None (never outside ``root``)."""
    path = decoded_path(url_path)
    if not path.startswith("/") or "\x00" in path:
        return None
    relative = path.lstrip("/")
    candidates = (
        [root / relative / "index.html"]
        if path.endswith("/")
        else [
            root / relative,
            root / f"{relative}.html",
            root / f"{relative}.xml",
        ]
    )
    base = root.resolve()
    for candidate in candidates:
        try:
            real = candidate.resolve()
        except OSError:
            continue
        if real.is_file() and real.is_relative_to(base):
            return real
    return None


class SnapshotHandler(BaseHTTPRequestHandler):
    server_version = "newscrawl-snapshot/1"

    def __init__(
        self,
        *args: object,
        root: Path,
        log: Path | None,
        lock: threading.Lock,
        delay: float = 0.0,
        answers: Mapping[str, Answer] | None = None,
        **kwargs: object,
    ):
        self.root = root
        self.answers = answers or {}
        self.log_path = log
        self.lock = lock
        self.delay = delay
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def _serve(self, *, send_body: bool) -> None:
        parts = urlsplit(self.path)
        if self.delay:
            time.sleep(self.delay)
        target = resolve(self.root, parts.path)
        status = 200 if target else 404
        body = target.read_bytes() if target else b"<html><body><h1>404 Not Found</h1></body></html>"
        ctype = (
            CONTENT_TYPES.get(target.suffix, "application/octet-stream") if target else CONTENT_TYPES[".html"]
        )
        answer = self.answers.get(decoded_path(parts.path))
        headers = dict(answer.headers) if answer else {}
        if answer is not None:
            status = answer.status
            if answer.body is not None:
                body, ctype = answer.body, headers.pop("Content-Type", "text/plain; charset=utf-8")
        self._record(parts.path, parts.query, status)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _record(self, path: str, query: str, status: int) -> None:
        if self.log_path is None:
            return
        entry = {
            "method": self.command,
            "path": decoded_path(path),
            "query": query,
            "user_agent": self.headers.get("User-Agent", ""),
            "referer": self.headers.get("Referer"),
            "status": status,
        }
        with self.lock, self.log_path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def log_message(self, format: str, *args: object) -> None:
        pass


def make_server(
    root: Path,
    port: int = 0,
    log: Path | None = None,
    delay: float = 0.0,
    answers: Mapping[str, Answer] | None = None,
) -> ThreadingHTTPServer:
    """A server bound to 127.0.0.1 (port 0: any free port); call serve_forever() on it.

    ``delay`` seconds are waited before each answer (a slow site, for interruption tests);
    ``answers`` replace the snapshot's at their (decoded) URL paths.
    """
    if not root.is_dir():
        raise FileNotFoundError(f"snapshot root {root} is not a directory")
    handler = partial(
        SnapshotHandler, root=root, log=log, lock=threading.Lock(), delay=delay, answers=answers
    )
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", type=Path, help="snapshot directory (the site's document root)")
    parser.add_argument("--port", type=int, default=8000, help="TCP port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--log", type=Path, help="append one JSON line per request to this file")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait before each answer")
    args = parser.parse_args(argv)
    server = make_server(args.root, args.port, args.log, args.delay)
    print(f"serving {args.root} on http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
