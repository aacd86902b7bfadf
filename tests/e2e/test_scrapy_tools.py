"""Scrapy's own tools on the project's spiders, each in a subprocess against the bundled snapshot.

``scrapy parse`` of an article prints its item, of a listing or feed its article
requests; ``fetch`` and ``shell`` show the page; ``check`` runs the contracts
(newscrawl/contracts.py) against ``base_url``. None of them writes a file: no
default feed, no seen-store.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from tests.conftest import FIXTURES, OFFLINE_SETTINGS, Served, load_fixture, run_scrapy

SEED = load_fixture(FIXTURES / "rfi_cn" / "20240227-video-paris-ukraine-conference.json")
SEED_TITLE = "视频 巴黎会议向乌克兰提供更多武器 不排除未来派遣军队"


def scrapy(served: Served, tmp_path: Path, *args: str) -> str:
    """Run ``scrapy <args>`` in an empty directory; return its stdout after checking it wrote nothing."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    result = run_scrapy(*args, *OFFLINE_SETTINGS, cwd=cwd, state=tmp_path / "state")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert list(cwd.rglob("*")) == []  # no output/<spider>/<time>.jsonl, nothing else
    assert not (tmp_path / "state").exists()  # the seen-store was not opened
    return result.stdout


def on_server(served: Served, public_url: str) -> str:
    return served.url + public_url.removeprefix("https://www.rfi.fr")


def printed(stdout: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The items and the request URLs ``scrapy parse --nocolour`` printed."""
    items_text, requests_text = stdout.split("# Scraped Items ", 1)[1].split("# Requests ", 1)
    items = ast.literal_eval(items_text.split("\n", 1)[1])
    return items, re.findall(r"<GET (\S+)>", requests_text)


@pytest.mark.parametrize("callback", [(), ("-c", "parse_article")], ids=["default", "parse_article"])
def test_parse_an_article_prints_its_item(
    snapshot_server: Served, tmp_path: Path, callback: tuple[str, ...]
) -> None:
    url = on_server(snapshot_server, SEED["url"])
    stdout = scrapy(
        snapshot_server, tmp_path, "parse", "--spider", "rfi_cn", *callback, "--nocolour",
        "-a", f"base_url={snapshot_server.url}", url,
    )  # fmt: skip
    items, requests = printed(stdout)
    assert requests == []
    assert len(items) == 1
    item = items[0]
    assert item["title"] == SEED_TITLE
    assert item["url"] == SEED["url"]  # the public URL, not the mirror's
    assert item["published"] == "2024-02-27T15:08:00+00:00"
    assert (item["site"], item["edition"], item["section"]) == ("rfi", "cn", "欧洲")


@pytest.mark.parametrize("listing", ["home", "欧洲"])
def test_parse_a_listing_prints_its_article_requests(
    snapshot_server: Served, tmp_path: Path, listing: str
) -> None:
    fixture = load_fixture(FIXTURES / "rfi_cn" / "listings" / f"{listing}.json")
    stdout = scrapy(
        snapshot_server, tmp_path, "parse", "--spider", "rfi_cn", "--nocolour",
        "-a", f"base_url={snapshot_server.url}", on_server(snapshot_server, fixture["url"]),
    )  # fmt: skip
    items, requests = printed(stdout)
    assert items == []
    assert requests == [on_server(snapshot_server, url) for url in fixture["article_urls"]]
    # the page only: no article was fetched behind the tool's back
    # robots.txt and the TDMRep file first (docs/rights.md), then the page
    assert [unquote(p) for p in snapshot_server.paths()] == [
        "/robots.txt",
        "/.well-known/tdmrep.json",
        unquote(fixture["url"][18:]),
    ]


@pytest.mark.parametrize("path", ["/cn/rss", "/sitemaps/cn/news.xml"])
def test_parse_a_feed_prints_its_article_requests(snapshot_server: Served, tmp_path: Path, path: str) -> None:
    stdout = scrapy(
        snapshot_server, tmp_path, "parse", "--spider", "rfi_cn", "--nocolour",
        "-a", f"base_url={snapshot_server.url}", snapshot_server.url + path,
    )  # fmt: skip
    items, requests = printed(stdout)
    assert items == []
    assert on_server(snapshot_server, SEED["url"]) in requests
    assert len(requests) == 10
    assert all("/cn/" in url and re.search(r"/\d{8}-", url) for url in requests)


def test_fetch_prints_the_page_and_writes_nothing(snapshot_server: Served, tmp_path: Path) -> None:
    stdout = scrapy(
        snapshot_server, tmp_path, "fetch", "--spider", "rfi_cn", "--nolog", snapshot_server.url + "/cn/"
    )
    assert '<html dir="ltr" lang="zh-Hans">' in stdout


def test_shell_reads_the_page_and_writes_nothing(snapshot_server: Served, tmp_path: Path) -> None:
    url = on_server(snapshot_server, SEED["url"])
    stdout = scrapy(
        snapshot_server, tmp_path, "shell", "--spider", "rfi_cn", "--nolog",
        "-c", "response.css('h1.t-content__title::text').get().strip()", url,
    )  # fmt: skip
    assert stdout.strip() == SEED_TITLE


def test_check_runs_the_contracts_against_base_url(snapshot_server: Served, tmp_path: Path) -> None:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    result = run_scrapy(
        "check", "rfi_cn", "-v", "-a", f"base_url={snapshot_server.url}", *OFFLINE_SETTINGS,
        cwd=cwd, state=tmp_path / "state",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Ran 5 contracts" in result.stderr
    assert "[rfi_cn] check_article (@filled post-hook) ... ok" in result.stderr
    assert "[rfi_cn] parse_listing (@returns post-hook) ... ok" in result.stderr
    assert list(cwd.rglob("*")) == []
    assert not (tmp_path / "state").exists()
    paths = {unquote(p) for p in snapshot_server.paths()}
    # the two sample pages, on base_url, after robots.txt and the TDMRep file (docs/rights.md)
    assert paths == {"/robots.txt", "/.well-known/tdmrep.json", "/cn/", unquote(SEED["url"][18:])}


def test_check_fails_when_a_sample_page_is_not_there(snapshot_server: Served, tmp_path: Path) -> None:
    # mcd_ar's pages against the RFI snapshot: its homepage and sample article are missing (404)
    result = run_scrapy(
        "check", "mcd_ar", "-a", f"base_url={snapshot_server.url}", *OFFLINE_SETTINGS,
        cwd=tmp_path, state=tmp_path / "state",
    )  # fmt: skip
    assert result.returncode == 1
    assert "FAILED" in result.stderr
    assert "[mcd_ar] check_article" in result.stderr
