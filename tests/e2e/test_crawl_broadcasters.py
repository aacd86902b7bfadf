"""End to end: the Euronews, DW, BBC and VOA spiders in ``scrapy crawl`` subprocesses on 127.0.0.1.

A real saved page given with ``-a urls`` is written complete (every field its hand-checked fixture
holds); a crawl of each snapshot through its discovery documents (news sitemap, RSS, entry page;
the sitemap for ``since``) writes exactly the snapshot's articles and requests nothing but those
documents and the article pages.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from newscrawl.pipelines.validation import article_validator
from tests.conftest import FIXTURES, SNAPSHOTS, load_fixture, read_jsonl, run_crawl, serve
from tests.test_broadcaster_snapshots import DISCOVERY

#: item fields a crawl sets itself (the fixtures hold every other one)
CRAWL_FIELDS = ("discovered_via", "crawled_at", "rights", "access")
RECENT = frozenset({"sitemap", "rss", "section"})


def _file_of(root: Path, url: str) -> Path:
    """Where the snapshot server looks for ``url`` under ``root`` (the path, ``.html`` added)."""
    path = unquote(urlsplit(url).path).lstrip("/")
    return root / (path if path.endswith(".html") else f"{path}.html")


@pytest.mark.parametrize(
    ("spider", "stem"),
    [
        ("euronews_fr", "20240430-merlu-extinction"),
        ("euronews_en", "20260106-venezuelan-oil-dream"),
        ("dw_de", "20230613-post-vac-syndrom"),
        ("dw_de", "20230428-ukrainische-gegenoffensive-legacy"),
        ("bbc_en", "20260425-what-is-nato"),
        ("voa_en", "20240428-child-care-crisis"),
    ],
)
def test_a_real_page_given_by_url_is_written_complete(spider: str, stem: str, tmp_path: Path) -> None:
    fixture = load_fixture(FIXTURES / spider / f"{stem}.json")
    page = _file_of(tmp_path / "site", fixture["url"])
    page.parent.mkdir(parents=True)
    page.write_bytes(gzip.decompress((FIXTURES / spider / f"{stem}.html.gz").read_bytes()))
    out = tmp_path / "out.jsonl"
    with serve(tmp_path / "site", tmp_path / "requests.jsonl") as served:
        result = run_crawl(
            spider,
            "-a",
            f"urls={fixture['url']}",
            "-a",
            f"base_url={served.url}",
            "-O",
            str(out),
            cwd=tmp_path,
        )
        paths = served.paths()
    assert result.returncode == 0, result.stderr[-3000:]
    (item,) = read_jsonl(out)
    assert {k: v for k, v in item.items() if k not in CRAWL_FIELDS} == fixture["expected"]
    assert item["discovered_via"] == "urls"
    assert [e.message for e in article_validator().iter_errors(item)] == []
    assert [p for p in paths if p != "/robots.txt" and not p.startswith("/.well-known/")] == [
        urlsplit(fixture["url"]).path
    ]


def _snapshot_fixtures(spider: str) -> list[dict[str, Any]]:
    return [load_fixture(p) for p in sorted((FIXTURES / spider / "snapshot").glob("*.json"))]


#: spiders crawled on their snapshot: recent sources, and a backfill where the site has a sitemap for it
SNAPSHOT_SPIDERS = ("euronews_en", "euronews_fr", "euronews_de", "dw_de", "dw_en", "bbc_en", "voa_en")
CASES = [
    (s, m)
    for s in SNAPSHOT_SPIDERS
    for m in ("recent", "backfill")
    if m == "recent" or "backfill" in DISCOVERY[s][2]
]


@pytest.mark.parametrize(("spider", "mode"), CASES, ids=[f"{s}-{m}" for s, m in CASES])
def test_a_snapshot_crawl_writes_exactly_its_articles_through_its_discovery_documents(
    spider: str, mode: str, tmp_path: Path
) -> None:
    folder, _, sources = DISCOVERY[spider]
    fixtures = _snapshot_fixtures(spider)
    if mode == "recent":
        expected = {f["url"]: f for f in fixtures if RECENT & set(f["sources"])}
        documents = {path for source, paths in sources.items() if source != "backfill" for path in paths}
        args: tuple[str, ...] = ()
    else:
        expected = {f["url"]: f for f in fixtures if "backfill" in f["sources"]}
        documents = set(sources["backfill"])
        args = ("-a", "since=2020-01-01")
    assert expected
    out = tmp_path / "out.jsonl"
    with serve(SNAPSHOTS / folder, tmp_path / "requests.jsonl") as served:
        result = run_crawl(spider, "-a", f"base_url={served.url}", *args, "-O", str(out), cwd=tmp_path)
        requests = served.requests()
    assert result.returncode == 0, result.stderr[-3000:]
    items = read_jsonl(out)
    assert sorted(item["url"] for item in items) == sorted(expected)
    validator = article_validator()
    for item in items:
        fixture = expected[item["url"]]
        assert {k: v for k, v in item.items() if k not in CRAWL_FIELDS} == fixture["expected"], item["url"]
        # a backfill reads the sitemap of every article, which the fixtures call "backfill"
        assert (item["discovered_via"] if mode == "recent" else "backfill") in fixture["sources"], item["url"]
        assert item["discovered_via"] in (sources if mode == "recent" else {"sitemap"})
        assert [e.message for e in validator.iter_errors(item)] == []
    # the server saw the discovery documents (an index's children too), the articles once each, nothing else
    article_paths = sorted(urlsplit(url).path for url in expected)
    fetched = [r["path"] + (f"?{r['query']}" if r["query"] else "") for r in requests]
    others = [p for p in fetched if urlsplit(p).path not in article_paths]
    assert sorted(p for p in fetched if urlsplit(p).path in article_paths) == article_paths
    children = {"/sitemaps/https-sitemap-uk-news-1.xml", "/sitemap_1.xml.gz", "/sitemap_2.xml.gz"}
    allowed = documents | children | {"/robots.txt", "/.well-known/tdmrep.json"}
    assert set(others) <= allowed, set(others) - allowed
    assert documents <= set(others)
