"""The offline snapshots of Euronews, DW, BBC News and VOA (snapshots/README.md, scripts/snapshot/broadcasters.py).

Every snapshot article parses to the expected item its fixture holds (computed from the generator's data,
never by parsing); every article URL of each discovery document exists, is served by the snapshot server
and has a fixture listing that document; the generator rebuilds the committed files byte for byte.
"""

# Long lines: the table of discovery documents.
# ruff: noqa: E501

from __future__ import annotations

import gzip
import html
import importlib
import json
import re
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

from newscrawl.pages.article import page_item
from newscrawl.pages.feeds import parse_rss, parse_sitemap
from tests.conftest import FIXTURES, ROOT, SNAPSHOTS, load_fixture, serve

sys.path.insert(0, str(ROOT / "scripts"))
from snapshot import broadcasters

SPIDERS = broadcasters.SPIDERS
FIXTURE_FILES = sorted(p for s in SPIDERS for p in (FIXTURES / s / "snapshot").glob("*.json"))
IDS = [f"{p.parts[-3]}/{p.stem}" for p in FIXTURE_FILES]
FIELDS = ("url", "title", "lead", "body", "body_html", "authors", "published", "modified", "section", "tags")
FIELDS += ("image", "content_hash")

#: spider -> (document root, public host of its articles, {source: [discovery documents (root-relative paths)]})
DISCOVERY: dict[str, tuple[str, str, dict[str, list[str]]]] = {
    "euronews_en": ("euronews/www.euronews.com", "www.euronews.com", {"sitemap": ["/sitemaps/en/latest-news.xml"], "backfill": ["/sitemaps/en/articles.xml"], "rss": ["/rss?level=vertical&name=news"]}),
    "euronews_fr": ("euronews/fr.euronews.com", "fr.euronews.com", {"sitemap": ["/sitemaps/fr/latest-news.xml"], "backfill": ["/sitemaps/fr/articles.xml"], "rss": ["/rss?level=vertical&name=green"]}),
    "euronews_de": ("euronews/de.euronews.com", "de.euronews.com", {"sitemap": ["/sitemaps/de/latest-news.xml"], "backfill": ["/sitemaps/de/articles.xml"], "rss": ["/rss?level=vertical&name=my-europe"]}),
    "dw_de": ("dw", "www.dw.com", {"sitemap": ["/de/news-sitemap.xml"], "backfill": ["/de/article-sitemap.xml"], "rss": ["/xml/rss-de-all"], "section": ["/de/themen/s-9077"]}),
    "dw_en": ("dw", "www.dw.com", {"sitemap": ["/en/news-sitemap.xml"], "backfill": ["/en/article-sitemap.xml"], "rss": ["/xml/rss-en-all"], "section": ["/en/top-stories/s-9097"]}),
    "bbc_en": ("bbc", "www.bbc.com", {"sitemap": ["/sitemaps/https-index-uk-news.xml"]}),
    "voa_en": ("voa", "www.voanews.com", {"backfill": ["/sitemap.xml"], "rss": ["/api/"]}),
}  # fmt: skip


@cache
def loaded(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    fixture = load_fixture(path)
    module, _, name = fixture["page_class"].partition(":")
    cls = getattr(importlib.import_module(module), name)
    return fixture, page_item(cls, (ROOT / fixture["page"]).read_bytes(), fixture["url"])


def test_counts_per_spider() -> None:
    counts = {s: len(list((FIXTURES / s / "snapshot").glob("*.json"))) for s in SPIDERS}
    assert counts == {
        "euronews_en": 4,
        "euronews_fr": 4,
        "euronews_de": 4,
        "dw_de": 6,
        "dw_en": 2,
        "bbc_en": 5,
        "voa_en": 5,
    }
    real = [p for p in FIXTURE_FILES if load_fixture(p)["real_page"]]
    assert len(real) == 8


@pytest.mark.parametrize(
    ("path", "field"),
    [(p, f) for p in FIXTURE_FILES for f in FIELDS],
    ids=[f"{i}::{f}" for i in IDS for f in FIELDS],
)
def test_snapshot_page_field(path: Path, field: str) -> None:
    fixture, got = loaded(path)
    assert got[field] == fixture["expected"][field]


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=IDS)
def test_real_page_article_expects_its_hand_checked_item(path: Path) -> None:
    fixture, _ = loaded(path)
    template = load_fixture(ROOT / fixture["template"])
    if fixture["real_page"]:
        assert fixture["expected"] == template["expected"]
    else:  # an invented article: another text on the same template, the spider's fields set
        assert fixture["expected"]["title"] != template["expected"]["title"]
        assert fixture["expected"]["body"] != template["expected"]["body"]
        assert fixture["expected"]["site"] == template["expected"]["site"]
        assert fixture["expected"]["edition"] == path.parts[-3].partition("_")[2]


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=IDS)
def test_junk_of_the_template_is_on_the_page_and_not_in_the_item(path: Path) -> None:
    fixture, got = loaded(path)
    page = html.unescape((ROOT / fixture["page"]).read_text("utf-8"))
    junk = [s for s in load_fixture(ROOT / fixture["template"])["body_must_not_contain"] if s in page]
    assert junk, "none of the template's junk is left on the page: the check could not fail"
    for snippet in junk:
        assert snippet not in got["body"], snippet
        assert snippet not in got["body_html"], snippet


def _documents(spider: str, base: str, source: str, path: str) -> Iterator[tuple[str, list[str]]]:
    """(document path, article URLs) of a discovery document and, for an index, of its children."""
    with urlopen(base + path) as response:
        body = response.read()
    if source == "rss":
        yield path, [e.url for e in parse_rss(body)]
        return
    if source == "section":
        hrefs = re.findall(r'href="([^"]+)"', body.decode("utf-8"))
        yield path, [f"https://www.dw.com{h}" for h in hrefs if re.search(r"/a-\d+$", h)]
        return
    entries, children = parse_sitemap(body)
    if not children:
        yield path, [e.url for e in entries]
    for child in children:
        child_path = urlsplit(child).path
        with urlopen(base + child_path) as response:
            data = response.read()
        if child_path.endswith(".gz"):
            assert parse_sitemap(data) == ([], [])  # the readers take XML: a gzipped child is gunzipped first
            data = gzip.decompress(data)
        yield child_path, [e.url for e in parse_sitemap(data)[0]]


@pytest.mark.parametrize("spider", SPIDERS)
def test_every_discovery_document_lists_served_articles_with_fixtures(spider: str, tmp_path: Path) -> None:
    folder, host, sources = DISCOVERY[spider]
    fixtures = {
        load_fixture(p)["url"]: load_fixture(p) for p in (FIXTURES / spider / "snapshot").glob("*.json")
    }
    data = json.loads((broadcasters.DATA / f"{spider}.json").read_text("utf-8"))
    non_articles = {e["url"]: set(e["sources"]) for e in data.get("non_articles", [])}
    listed: dict[str, set[str]] = {}
    with serve(SNAPSHOTS / folder, tmp_path / "log.jsonl") as served:
        for source, paths in sources.items():
            for path in paths:
                for _, urls in _documents(spider, served.url, source, path):
                    assert urls, f"{path} lists no article"
                    for url in urls:
                        clean = url.split("?maca=")[0]
                        assert urlsplit(clean).netloc == host
                        listed.setdefault(clean, set()).add(source)
                        if clean in non_articles:  # not an article: not in the snapshot
                            with pytest.raises(HTTPError) as missing:
                                urlopen(served.url + urlsplit(clean).path)
                            missing.value.close()
                            assert missing.value.code == 404
                            continue
                        with urlopen(served.url + urlsplit(clean).path) as response:
                            assert response.status == 200
    assert set(listed) == set(fixtures) | set(non_articles)
    for url, fixture in fixtures.items():
        assert listed[url] == set(fixture["sources"]), url
    for url, sources in non_articles.items():
        assert listed[url] == sources, url


def test_dw_rss_links_carry_the_tracking_parameter() -> None:
    entries = parse_rss((SNAPSHOTS / "dw" / "xml" / "rss-de-all.xml").read_bytes())
    assert entries
    assert all(e.url.endswith("?maca=de-rss-de-all-1119-xml-mrss") for e in entries)


def test_generator_rebuilds_the_committed_files_byte_for_byte() -> None:
    first, _ = broadcasters.build()
    second, _ = broadcasters.build()
    assert first == second
    committed = {p for folder in broadcasters.outputs() for p in folder.rglob("*") if p.is_file()}
    assert committed == set(first)
    for path, data in first.items():
        assert path.read_bytes() == data, path
    total = sum(len(d) for d in first.values())
    assert total < 1_800_000, total
