"""End to end, item by item, for several editions and sites, and for a backfill window.

Each case runs ``scrapy crawl`` in a subprocess against the site's snapshot
(snapshots/<site>/) and compares the JSONL with the expected JSON of every
fixture of the spider(s); the snapshot server's request log proves which
pages were (not) fetched.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from newscrawl.editions import url_date
from newscrawl.pipelines.validation import article_validator
from newscrawl.utils.urls import decoded_path
from tests.conftest import SNAPSHOTS, article_fixtures, read_jsonl, run_crawl, serve

LOADER = SpiderLoader.from_settings(get_project_settings())
RECENT = {"section", "rss", "sitemap"}
BACKFILL = {"contents", "archive"}
VIA = {"section": "section", "rss": "rss", "sitemap": "sitemap", "contents": "sitemap", "archive": "archive"}


def path_of(url: str) -> str:
    return decoded_path(url)


def crawl(tmp_path: Path, site: str, spider: str, *args: str) -> tuple[list[dict[str, Any]], list[str], str]:
    out = tmp_path / "items.jsonl"
    with serve(SNAPSHOTS / site, tmp_path / "requests.jsonl") as served:
        result = run_crawl(spider, "-a", f"base_url={served.url}", *args, "-O", str(out), cwd=tmp_path)
        paths = served.paths()
    assert result.returncode == 0, result.stderr[-3000:]
    return read_jsonl(out), paths, result.stderr


def check_items(items: list[dict[str, Any]], expected: dict[str, dict[str, Any]]) -> None:
    urls = [item["url"] for item in items]
    assert len(urls) == len(set(urls)), "an article was output twice"
    assert sorted(urls) == sorted(expected)
    validator = article_validator()
    for item in items:
        fixture = expected[item["url"]]
        for field, value in fixture["expected"].items():
            assert item[field] == value, (item["url"], field)
        assert [e.message for e in validator.iter_errors(item)] == []
        assert item["discovered_via"] in {VIA[s] for s in fixture.get("sources", ["section"])}


CASES = [
    ("rfi_fa", "rfi", ("rfi_fa",), ()),
    ("rfi_vi", "rfi", ("rfi_vi",), ()),
    ("rfi_fr", "rfi", ("rfi_fr",), ()),
    ("f24_en", "f24", ("f24_en",), ()),
    ("mcd_ar", "mcd", ("mcd_ar",), ()),
    ("rfi", "rfi", ("rfi_cn", "rfi_tw"), ("-a", "editions=cn,tw")),
]


@pytest.mark.parametrize(
    ("spider", "site", "editions", "args"), CASES, ids=[c[0] + "".join(c[3]) for c in CASES]
)
def test_recent_crawl_item_by_item(
    tmp_path: Path, spider: str, site: str, editions: tuple[str, ...], args: tuple[str, ...]
) -> None:
    expected = {
        f["url"]: f
        for name in editions
        for f in article_fixtures(name)
        if RECENT & set(f.get("sources", ["section"]))
    }
    assert expected, f"no recent fixtures for {editions}"
    items, paths, _ = crawl(tmp_path, site, spider, *args)
    check_items(items, expected)
    for item in items:
        edition = LOADER.load(f"{item['site']}_{item['edition']}").edition_info()
        assert (item["site"], item["language"]) == (edition.site, edition.language)
    article_paths = [p for p in paths if url_date(p)]
    assert sorted(article_paths) == sorted(path_of(u) for u in expected), (
        "an article page fetched twice or wrongly"
    )
    crawled_prefixes = {LOADER.load(name).edition_info().path_prefix for name in editions}
    for p in paths:
        assert (
            p in ("/robots.txt", "/.well-known/tdmrep.json")
            or any(p.startswith(f"{prefix}/") for prefix in crawled_prefixes)
            or (p.startswith("/sitemaps/"))
        ), p


WINDOWS = [
    ("rfi_fr", "rfi", date(2023, 12, 10), date(2024, 1, 15)),
    ("rfi_fr", "rfi", date(2023, 11, 1), date(2023, 11, 30)),
    ("f24_en", "f24", date(2024, 1, 1), date(2024, 1, 31)),
]


@pytest.mark.parametrize(
    ("spider", "site", "since", "until"), WINDOWS, ids=[f"{w[0]}-{w[2]}-{w[3]}" for w in WINDOWS]
)
def test_backfill_window_selects_exactly_its_articles(
    tmp_path: Path, spider: str, site: str, since: date, until: date
) -> None:
    every = article_fixtures(spider)
    expected = {f["url"]: f for f in every if since <= url_date(path_of(f["url"])) <= until}
    outside = {path_of(f["url"]) for f in every} - {path_of(u) for u in expected}
    assert expected, "the window holds no article"
    assert outside, "the window must leave articles out"
    items, paths, _ = crawl(tmp_path, site, spider, "-a", f"since={since}", "-a", f"until={until}")
    check_items(items, expected)
    assert {i["discovered_via"] for i in items} <= {"sitemap", "archive"}
    # the request log: no out-of-window article page, no out-of-window monthly map
    assert not outside & set(paths)
    months = {p.rsplit("_", 1)[1][:6] for p in paths if "/contents_" in p}
    wanted = {f"{y}{m:02d}" for y in range(since.year, until.year + 1) for m in range(1, 13)
              if (since.year, since.month) <= (y, m) <= (until.year, until.month)}  # fmt: skip
    assert months == wanted
    archive_days = sorted(p for p in paths if "/archives/" in p or "/archivos/" in p)
    edition = LOADER.load(spider).edition_info()
    if "archive" in edition.backfill:
        assert len(archive_days) == (until - since).days + 1


def test_a_base_url_serving_another_site_writes_no_item(tmp_path: Path) -> None:
    # f24_fr pointed at an RFI mirror: RFI's /fr/ pages have France 24's paths, but each article
    # names its own canonical URL on www.rfi.fr, so none may be written as a France 24 article
    output = tmp_path / "out.jsonl"
    with serve(SNAPSHOTS / "rfi", tmp_path / "requests.jsonl") as served:
        result = run_crawl("f24_fr", "-a", f"base_url={served.url}", "-O", str(output), cwd=tmp_path)
    assert "'newscrawl/pages/foreign_canonical': 2," in result.stderr, result.stderr[-3000:]
    assert "item_scraped_count" not in result.stderr
    assert read_jsonl(output) == []
    assert re.search(
        r"f24_fr: http://127\.0\.0\.1:\d+/fr/\S+ names its canonical URL https://www\.rfi\.fr/fr/\S+, "
        r"not on https://www\.france24\.com: base_url serves another site\?; no item",
        result.stderr,
    ), result.stderr[-3000:]
