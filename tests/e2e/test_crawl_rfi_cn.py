"""End to end: `scrapy crawl rfi_cn` in a subprocess against the bundled snapshot on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from newscrawl import __version__
from newscrawl.items import FIELD_NAMES
from newscrawl.pipelines.validation import article_validator
from newscrawl.spiders.rfi import RfiCnSpider
from tests.conftest import (
    SNAPSHOT,
    Served,
    article_fixtures,
    read_jsonl,
    run_crawl,
    serve,
)

FIXTURE_DATA = article_fixtures("rfi_cn")
EXPECTED = {f["url"]: f for f in FIXTURE_DATA}
CONTACT = "mailto:crawl-ops@example.org"
NOT_ARTICLES = ("/cn/关键词/", "/cn/直播/", "/cn/auteur/", "/cn/preview/")


@pytest.fixture(scope="module")
def full_crawl(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], Path, Served, str]:
    """One default crawl (no -o): the project's FEEDS write output/rfi_cn/<time>.jsonl."""
    workdir = tmp_path_factory.mktemp("crawl")
    with serve(SNAPSHOT, workdir / "requests.jsonl") as served:
        result = run_crawl(
            "rfi_cn", "-a", f"base_url={served.url}", "-s", f"NEWSCRAWL_CONTACT_URL={CONTACT}", cwd=workdir
        )
    assert result.returncode == 0, result.stderr[-3000:]
    files = list((workdir / "output" / "rfi_cn").glob("*.jsonl"))
    assert len(files) == 1, files
    return read_jsonl(files[0]), files[0], served, result.stderr


def test_every_snapshot_article_exactly_once(full_crawl: Any) -> None:
    items, _, _, log = full_crawl
    assert "Remote control HTTP server listening" not in log
    assert "DeprecationWarning" not in log  # the settings use no deprecated name
    assert "parse pool: 1 worker process(es) started" in log
    urls = [item["url"] for item in items]
    assert len(urls) == len(set(urls))
    assert sorted(urls) == sorted(EXPECTED)
    assert len(items) == 16


def test_every_item_has_the_exact_expected_fields(full_crawl: Any) -> None:
    items, _, _, _ = full_crawl
    for item in items:
        expected = EXPECTED[item["url"]]["expected"]
        for field, value in expected.items():
            assert item[field] == value, (item["url"], field)
        assert (item["site"], item["edition"], item["language"]) == ("rfi", "cn", "zh-Hans")


def test_three_articles_spelled_out(full_crawl: Any) -> None:
    items, _, _, _ = full_crawl
    by_title = {item["title"]: item for item in items}
    seed = by_title["视频 巴黎会议向乌克兰提供更多武器 不排除未来派遣军队"]
    assert seed["url"].startswith("https://www.rfi.fr/cn/%E6%AC%A7%E6%B4%B2/20240227-%E8%A7%86%E9%A2%91-")
    assert seed["published"] == "2024-02-27T15:08:00+00:00"
    assert seed["section"] == "欧洲"
    assert seed["body"].startswith("德国和波兰国家元首或政府首脑等 27 位乌克兰盟友周一在巴黎举行会议。\n\n")
    assert seed["body"].endswith("俄罗斯军队最近占领了要塞城镇阿夫杰耶夫卡。")
    assert len(seed["body"].split("\n\n")) == 10
    assert seed["image"]["url"] == (
        "https://s.rfi.fr/media/display/80b4b1b4-d580-11ee-82a6-005056a90284/w:1280/p:16x9/Ukraine%20Macron%20troupes.JPG"
    )
    for fixture in FIXTURE_DATA:
        expected = fixture["expected"]
        if expected["modified"] is not None:
            edited = next(i for i in items if i["url"] == fixture["url"])
            assert edited["modified"] == expected["modified"] != edited["published"]
        if expected["image"] is None:
            assert next(i for i in items if i["url"] == fixture["url"])["image"] is None


def test_items_are_schema_valid_and_keys_in_order(full_crawl: Any) -> None:
    items, path, _, _ = full_crawl
    validator = article_validator()
    for item in items:
        assert list(item) == list(FIELD_NAMES)
        errors = [e.message for e in validator.iter_errors(item)]
        assert errors == [], (item["url"], errors)
    text = path.read_text("utf-8")
    assert "巴黎" in text
    assert "\\u" not in text


def test_discovered_via_names_the_only_source(full_crawl: Any) -> None:
    items, _, _, _ = full_crawl
    checked = 0
    for item in items:
        sources = EXPECTED[item["url"]]["sources"]
        assert item["discovered_via"] in sources
        if len(sources) == 1:
            assert item["discovered_via"] == sources[0]
            checked += 1
    assert checked >= 4  # two RSS-only and two sitemap-only articles at least


def test_server_log_shows_each_article_fetched_once_and_no_non_article(full_crawl: Any) -> None:
    items, _, served, _ = full_crawl
    requests = served.requests()
    paths = [r["path"] for r in requests]
    article_paths = [p for p in paths if p.count("/") >= 3 and p.rsplit("/", 1)[1][:8].isdigit()]
    assert len(article_paths) == len(set(article_paths)) == len(items)
    for prefix in NOT_ARTICLES:
        assert not [p for p in paths if p.startswith(prefix)], prefix
    assert "/robots.txt" in paths
    assert {"/cn/", "/cn/rss", "/sitemaps/cn/news.xml", "/cn/欧洲/"} <= set(paths)
    assert {r["user_agent"] for r in requests} == {f"newscrawl/{__version__} (+{CONTACT})"}
    assert not [r for r in requests if r["query"]], "tracking parameters reached the server"


def test_stats_count_filtered_links(full_crawl: Any) -> None:
    _, _, _, log = full_crawl
    stats_text = log[log.index("Dumping Scrapy stats") :]
    assert "'newscrawl/links/not_article'" in stats_text
    assert "'newscrawl/links/offsite'" in stats_text
    assert "'item_scraped_count': 16" in stats_text
    assert "Starting download handler" not in log  # no browser needed: Playwright never started


def test_dash_capital_o_writes_the_named_file(snapshot_server: Served, tmp_path: Path) -> None:
    out = tmp_path / "europe.jsonl"
    result = run_crawl(
        "rfi_cn",
        "-a",
        f"base_url={snapshot_server.url}",
        "-a",
        "sections=欧洲",
        "-a",
        "sources=section",
        "-O",
        str(out),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    items = read_jsonl(out)
    expected = {
        u for u, f in EXPECTED.items() if f["expected"]["section"] == "欧洲" and "section" in f["sources"]
    }
    assert len(expected) == 2
    assert {i["url"] for i in items} == expected
    assert not (tmp_path / "output").exists()  # -O replaces the default feed
    assert {i["discovered_via"] for i in items} == {"section"}
    paths = snapshot_server.paths()
    assert "/cn/rss" not in paths
    assert "/sitemaps/cn/news.xml" not in paths
    assert [p for p in paths if p.endswith("/")] == ["/cn/欧洲/"]  # not the homepage, which mixes sections


def test_max_articles(snapshot_server: Served, tmp_path: Path) -> None:
    out = tmp_path / "three.jsonl"
    result = run_crawl(
        "rfi_cn",
        "-a",
        f"base_url={snapshot_server.url}",
        "-a",
        "max_articles=3",
        "-O",
        str(out),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(read_jsonl(out)) == 3
    assert "'newscrawl/articles/over_max'" in result.stderr


def test_one_article_request_out_at_a_time_still_gets_every_article(
    snapshot_server: Served, tmp_path: Path
) -> None:
    """Links wait in the spider and are released one by one, each at its listing's depth + 1."""
    out = tmp_path / "all.jsonl"
    result = run_crawl(
        "rfi_cn",
        "-a",
        f"base_url={snapshot_server.url}",
        "-s",
        "NEWSCRAWL_ARTICLES_IN_FLIGHT=1",
        "-s",
        "DEPTH_LIMIT=1",  # a released request one level deeper than its listing would be dropped
        "-O",
        str(out),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert sorted(item["url"] for item in read_jsonl(out)) == sorted(EXPECTED)
    assert "'request_depth_max': 1" in result.stderr
    assert "depth/request_ignored_count" not in result.stderr
    # each article request names the listing, feed or sitemap that found it, never an article
    referers = {entry["referer"] for entry in snapshot_server.requests() if "/20240" in entry["path"]}
    assert None not in referers
    assert {r.replace(snapshot_server.url, "") for r in referers} <= {
        "/cn/",
        "/cn/rss",
        "/sitemaps/cn/news.xml",
        *(f"/cn/{quote(section)}/" for section in RfiCnSpider.sections),
    }


@pytest.mark.parametrize(
    ("arg", "message"),
    [
        ("base_url=localhost:8000", "base_url='localhost:8000': expected an http(s) origin"),
        ("sources=twitter", "sources='twitter': unknown source(s) twitter"),
        ("max_articles=many", "max_articles='many': expected a whole number >= 1"),
    ],
)
def test_bad_argument_fails_fast_with_a_clear_message(tmp_path: Path, arg: str, message: str) -> None:
    result = run_crawl("rfi_cn", "-a", arg, cwd=tmp_path, timeout=60)
    assert result.returncode != 0
    assert f"rfi_cn: bad spider argument: {message}" in result.stderr


def test_json_lines_parse(full_crawl: Any) -> None:
    _, path, _, _ = full_crawl
    for line in path.read_text("utf-8").splitlines():
        assert isinstance(json.loads(line), dict)


@pytest.mark.parametrize(
    ("spider", "args", "message"),
    [
        (
            "rfi",
            ("-a", "editions=cn", "-a", "sections=europe"),
            "rfi: bad spider argument: sections='europe': unknown section(s) europe; "
            "the edition(s) cn know: 中国",
        ),
        ("rfi_cn", ("-a", "sections="), "rfi_cn: bad spider argument: sections='': empty value"),
    ],
    ids=["section-of-another-edition", "empty-value"],
)
def test_an_argument_that_would_crawl_nothing_or_the_default_is_refused(
    tmp_path: Path, snapshot_server: Served, spider: str, args: tuple[str, ...], message: str
) -> None:
    output = tmp_path / "out.jsonl"
    base = f"base_url={snapshot_server.url}"
    result = run_crawl(spider, "-a", base, *args, "-O", str(output), cwd=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr
    assert snapshot_server.requests() == []  # refused before any request
    assert not output.exists()
