"""Shared fixtures: repository paths, saved-page loaders, a local snapshot server, crawl runner."""

from __future__ import annotations

import json
import os
import shutil
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from newscrawl.pages.fmm import FmmArticlePage
from newscrawl.snapshot_server import Answer, make_server
from newscrawl.utils.body import clean_body, content_hash
from newscrawl.utils.urls import clean_url

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SNAPSHOTS = ROOT / "snapshots"
SNAPSHOT = SNAPSHOTS / "rfi"
SEED = ROOT.parent / "shared" / "seed" / "rfi_cn_feed_item_20240227.txt"
SEED_COPY = FIXTURES / "seed" / "rfi_cn_feed_item_20240227.txt"


def load_fixture(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def article_fixtures(spider: str) -> list[dict[str, Any]]:
    """The expected items of a spider's saved article pages (``tests/fixtures/<spider>/*.json``)."""
    return [load_fixture(p) for p in sorted((FIXTURES / spider).glob("*.json"))]


def extract(html: str, url: str) -> dict[str, Any]:
    """Page parser + body cleaning, as the spider and CleanBodyPipeline apply them."""
    fields = FmmArticlePage.from_html(html, url).fields()
    fields["url"] = clean_url(fields["url"])
    cleaned = clean_body(fields["body_html"], url)
    fields.update(body=cleaned.text, body_html=cleaned.html, content_hash=content_hash(cleaned.text))
    return fields


@dataclass
class Served:
    url: str
    log: Path

    def requests(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text("utf-8").splitlines()]

    def paths(self) -> list[str]:
        return [r["path"] for r in self.requests()]


@contextmanager
def running(server: socketserver.BaseServer) -> Iterator[str]:
    """Serve ``server`` (bound to 127.0.0.1) from a thread; yield its base URL; stop it after."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[index]
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serve(
    root: Path, log: Path, delay: float = 0.0, answers: dict[str, Answer] | None = None
) -> Iterator[Served]:
    """A snapshot document root on 127.0.0.1 (any free port), logging each request to ``log``.

    ``answers``: fixed answers (status, headers, body) at chosen URL paths, instead of the snapshot's.
    """
    with running(make_server(root, 0, log, delay, answers)) as url:
        yield Served(url, log)


@pytest.fixture
def snapshot_server(tmp_path: Path) -> Iterator[Served]:
    """The bundled RFI snapshot on 127.0.0.1, with a fresh request log per test."""
    with serve(SNAPSHOT, tmp_path / "requests.jsonl") as served:
        yield served


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the user's own seen-store."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("xdg-state")))


OFFLINE_SETTINGS = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO")


def crawl_env(state: Path) -> dict[str, str]:
    """Environment of a crawl subprocess: the project's settings, its seen-store under ``state``."""
    return {
        **os.environ,
        "SCRAPY_SETTINGS_MODULE": "newscrawl.settings",
        "PYTHONPATH": str(ROOT),
        "XDG_STATE_HOME": str(state),
    }


def run_crawl(
    spider: str, *args: str, cwd: Path, timeout: int = 120, state: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``scrapy crawl`` in a subprocess (a second in-process crawl cannot restart the reactor).

    The seen-store lives in ``state`` (default: ``cwd/state``), so runs sharing a
    ``cwd`` are incremental and other tests are not affected.
    """
    return run_scrapy("crawl", spider, *OFFLINE_SETTINGS, *args, cwd=cwd, timeout=timeout, state=state)


def run_scrapy(
    *args: str, cwd: Path, timeout: int = 120, state: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``scrapy <command> <args>`` in a subprocess, with :func:`crawl_env` (seen-store under ``state``)."""
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=cwd,
        env=crawl_env(state or cwd / "state"),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RedisServer:
    url: str
    process: subprocess.Popen[bytes]

    def flush(self) -> None:
        import redis

        client = redis.Redis.from_url(self.url)
        client.flushdb()
        client.close()


@contextmanager
def started_redis(workdir: Path) -> Iterator[RedisServer]:
    """A real redis-server (Debian's package, installed by scripts/setup.sh) on 127.0.0.1, stopped by PID."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed: run scripts/setup.sh (it installs Debian's redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    deadline = time.monotonic() + 20
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"redis-server did not start on port {port}")
            time.sleep(0.05)
    try:
        yield RedisServer(url, process)
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One redis-server for the whole session (tests flush it)."""
    with started_redis(tmp_path_factory.mktemp("redis")) as server:
        yield server
