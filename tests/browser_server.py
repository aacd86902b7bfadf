"""A snapshot server whose ARTICLE pages need a browser, as behind a bot-protection service.

Serves a snapshot document root (``snapshots/rfi``) like
:mod:`newscrawl.snapshot_server`, except for article pages
(``/<edition>/…/<YYYYMMDD>-<slug>``):

- without the cookie ``bp=ok`` an article gets a **403** whose HTML runs a
  small script that sets the cookie and reloads (a JavaScript challenge);
- with it, the real page;
- the article named ``shell`` is instead always a **JavaScript shell**: the
  real ``<head>``, an empty ``<body>``, and the real body kept as a JSON
  string that a script inserts into the DOM after the ``load`` event;
- the articles named in ``late`` are always their real template (wrapper,
  title, dates…) with an **empty body container**: a script fills it with the
  real body's HTML ``late[path]`` seconds after ``load``, never when None.

Listings, RSS, sitemaps and robots.txt are served as they are. Every
request is logged (JSON Lines) with ``browser``: whether it came from a
browser (``Sec-Fetch-*`` / ``sec-ch-ua`` headers, or a ``HeadlessChrome``
User-Agent), ``cookie`` and ``kind`` (``challenge``, ``shell``, ``article``,
``page``, ``missing``, ``late``).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newscrawl.snapshot_server import CONTENT_TYPES, resolve
from newscrawl.utils.urls import decoded_path
from tests.conftest import Served, running

ARTICLE_PATH = re.compile(r"^/[^/]+/(?:[^/]+/)+\d{8}-[^/]+$")

CHALLENGE_HTML = b"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Just a moment...</title>
<script>
setTimeout(function () {
  document.cookie = "bp=ok; path=/; SameSite=Lax";
  location.reload();
}, 50);
</script></head>
<body><noscript>Please enable JavaScript to continue.</noscript><p>Checking your browser...</p></body></html>
"""

SHELL_SCRIPT = """<script>
window.addEventListener("load", function () {
  setTimeout(function () {
    var data = JSON.parse(document.getElementById("__APP_DATA__").textContent);
    document.body.innerHTML = data.body;
  }, 100);
});
</script>"""

BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
BODY_CLOSE = re.compile(r"</body\s*>", re.IGNORECASE)


def is_article_path(path: str) -> bool:
    return bool(ARTICLE_PATH.match(path))


def js_shell(html: str) -> str:
    """The page with its body moved into a JSON string, inserted by JavaScript after load."""
    opening = BODY_OPEN.search(html)
    closing = None
    for match in BODY_CLOSE.finditer(html):
        closing = match  # the last </body>
    if opening is None or closing is None:
        raise ValueError("no <body> in the page")
    body = html[opening.end() : closing.start()]
    data = json.dumps({"body": body}, ensure_ascii=False).replace("<", "\\u003c")
    return (
        html[: opening.end()]
        + '<div id="app">加载中…</div>'
        + f'<script type="application/json" id="__APP_DATA__">{data}</script>'
        + SHELL_SCRIPT
        + html[closing.start() :]
    )


BODY_CONTAINER = re.compile(r'<div class="t-content__body[^"]*">')


def late_body(html: str, delay: float | None) -> str:
    """The page with an empty body container, filled by a script ``delay`` s after load (None: never)."""
    opening = BODY_CONTAINER.search(html)
    if opening is None:
        raise ValueError("no body container in the page")
    # the container ends before the share bar (snapshot markup: the </div> just before it)
    end = html.rindex("</div>", opening.end(), html.index('class="t-content__shares', opening.end()))
    page = html[: opening.end()] + html[end:]
    if delay is None:
        return page
    body = json.dumps(html[opening.end() : end], ensure_ascii=False).replace("<", "\\u003c")
    script = (
        "<script>window.addEventListener('load', function () { setTimeout(function () {"
        f" document.querySelector('div.t-content__body').innerHTML = {body}; }}, {delay * 1000:.0f}); }});"
        "</script>"
    )
    closing = list(BODY_CLOSE.finditer(page))[-1]
    return page[: closing.start()] + script + page[closing.start() :]


def from_browser(headers: Any) -> bool:
    """True for a request sent by Chromium (Fetch Metadata or client hints), not Scrapy's client."""
    names = {name.lower() for name in headers}
    return bool({"sec-fetch-mode", "sec-fetch-dest", "sec-ch-ua"} & names) or "HeadlessChrome" in (
        headers.get("User-Agent") or ""
    )


class ProtectedHandler(BaseHTTPRequestHandler):
    server_version = "newscrawl-protected/1"

    def __init__(
        self,
        *args: Any,
        root: Path,
        log: Path,
        shell: str,
        late: dict[str, float | None],
        lock: threading.Lock,
        **kwargs: Any,
    ):
        self.root = root
        self.log_path = log
        self.shell = shell
        self.late = late
        self.lock = lock
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path = decoded_path(self.path)
        target = resolve(self.root, parts.path)
        cookie = self._has_cookie()
        ctype = CONTENT_TYPES[".html"]
        if target is None:
            status, kind, body = 404, "missing", b"<html><body><h1>404 Not Found</h1></body></html>"
        elif not is_article_path(path):
            status, kind, body = 200, "page", target.read_bytes()
            ctype = CONTENT_TYPES.get(target.suffix, "application/octet-stream")
        elif path == self.shell:
            status, kind = 200, "shell"
            body = js_shell(target.read_text("utf-8")).encode("utf-8")
        elif path in self.late:
            status, kind = 200, "late"
            body = late_body(target.read_text("utf-8"), self.late[path]).encode("utf-8")
        elif not cookie:
            status, kind, body = 403, "challenge", CHALLENGE_HTML
        else:
            status, kind, body = 200, "article", target.read_bytes()
        self._record(path, parts.query, status, kind, cookie)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _has_cookie(self) -> bool:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(self.headers.get("Cookie", ""))
        except CookieError:
            return False
        return "bp" in jar and jar["bp"].value == "ok"

    def _record(self, path: str, query: str, status: int, kind: str, cookie: bool) -> None:
        entry = {
            "path": path,
            "query": query,
            "status": status,
            "kind": kind,
            "browser": from_browser(self.headers),
            "cookie": cookie,
            "user_agent": self.headers.get("User-Agent", ""),
        }
        with self.lock, self.log_path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def log_message(self, format: str, *args: object) -> None:
        pass


Protected = Served  # the server's URL and its request log


@contextmanager
def serve_protected(
    root: Path, log: Path, shell: str, late: dict[str, float | None] | None = None
) -> Iterator[Protected]:
    """``root`` on 127.0.0.1 (a free port), articles behind a challenge, ``shell`` (a URL path) a JS shell,
    ``late`` (URL path: seconds) bodies inserted by script."""
    handler = partial(
        ProtectedHandler, root=root, log=log, shell=shell, late=late or {}, lock=threading.Lock()
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    with running(server) as url:
        yield Protected(url, log)
