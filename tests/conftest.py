"""Shared fixtures: repository paths, saved-page loaders, a local snapshot server, crawl runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from newscrawl.pages.fmm import FmmArticlePage
from newscrawl.snapshot_server import make_server
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
def serve(root: Path, log: Path) -> Iterator[Served]:
    """A snapshot document root on 127.0.0.1 (any free port), logging each request to ``log``."""
    server = make_server(root, 0, log)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_address[1]}", log)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def snapshot_server(tmp_path: Path) -> Iterator[Served]:
    """The bundled RFI snapshot on 127.0.0.1, with a fresh request log per test."""
    with serve(SNAPSHOT, tmp_path / "requests.jsonl") as served:
        yield served


OFFLINE_SETTINGS = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO")


def run_crawl(spider: str, *args: str, cwd: Path, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    """``scrapy crawl`` in a subprocess (a second in-process crawl cannot restart the reactor)."""
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", spider, *OFFLINE_SETTINGS, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
