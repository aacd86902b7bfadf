"""Backfill routing without a reactor: window arguments, archive URLs, month choice, date filter."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, tzinfo
from urllib.parse import unquote

import pytest
from scrapy.http import Request, XmlResponse
from scrapy.utils.test import get_crawler

from newscrawl.editions import contents_month, url_date
from newscrawl.params import SpiderArgumentError, parse_args
from newscrawl.spiders.f24 import F24ArSpider, F24EnSpider, F24EsSpider
from newscrawl.spiders.fmm import FmmSpider
from newscrawl.spiders.mcd import McdArSpider
from newscrawl.spiders.rfi import RfiCnSpider, RfiFrSpider, RfiKmSpider

BASE = "http://127.0.0.1:8124"


def make(cls: type[FmmSpider], **kwargs: str) -> FmmSpider:
    crawler = get_crawler(cls)
    spider = cls.from_crawler(crawler, base_url=BASE, **kwargs)
    crawler.spider = spider
    return spider


def start_urls(spider: FmmSpider) -> list[str]:
    async def collect() -> list[str]:
        return [r.url async for r in spider.start()]

    return asyncio.run(collect())


def parse(**kwargs: str):
    return parse_args(kwargs, default_base_url="https://www.rfi.fr", known_sections=("europe",))


def test_window_is_inclusive_on_paris_dates() -> None:
    args = parse(since="2024-01-10", until="2024-01-20")
    assert (args.since, args.until, args.backfill) == (date(2024, 1, 10), date(2024, 1, 20), True)
    assert args.sources == ("sitemap", "archive")
    assert [args.in_window(date(2024, 1, d)) for d in (9, 10, 20, 21)] == [False, True, True, False]
    assert parse().in_window(None)  # no window: everything


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"since": "2024-13-01"}, r"since='2024-13-01': expected a date as YYYY-MM-DD"),
        ({"since": "20240101"}, r"since='20240101': expected a date as YYYY-MM-DD"),
        ({"since": "yesterday"}, r"expected a date as YYYY-MM-DD"),
        ({"until": "2024-01-01"}, r"until='2024-01-01': give since= too"),
        ({"since": "2024-02-01", "until": "2024-01-01"}, r"until='2024-01-01': before since='2024-02-01'"),
        ({"since": "2999-01-01"}, r"since='2999-01-01': the date is in the future"),
        ({"sources": "archive"}, r"archive pages are a backfill source; give since= too"),
        ({"editions": "cn"}, r"unknown spider argument\(s\) editions.*taken by the multi-edition spiders"),
    ],
)
def test_bad_window_arguments(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(SpiderArgumentError, match=message):
        parse(**kwargs)


def test_archive_and_sitemap_start_urls_for_a_window() -> None:
    spider = make(RfiFrSpider, since="2024-02-27", until="2024-03-01")
    assert start_urls(spider) == [
        f"{BASE}/sitemaps/fr/index.xml",
        f"{BASE}/fr/archives/2024/02/27-f%C3%A9vrier-2024",
        f"{BASE}/fr/archives/2024/02/28-f%C3%A9vrier-2024",
        f"{BASE}/fr/archives/2024/02/29-f%C3%A9vrier-2024",
        f"{BASE}/fr/archives/2024/03/01-mars-2024",
    ]


@pytest.mark.parametrize(
    ("cls", "url"),
    [
        (F24EnSpider, f"{BASE}/en/archives/2021/10/29-October-2021"),
        (F24EsSpider, f"{BASE}/es/archivos/2021/10/29-octubre-2021"),
    ],
)
def test_france24_archive_paths(cls: type[FmmSpider], url: str) -> None:
    spider = make(cls, since="2021-10-29", until="2021-10-29", sources="archive")
    assert start_urls(spider) == [url]


def test_editions_without_archives_backfill_from_sitemaps_only() -> None:
    assert start_urls(make(RfiKmSpider, since="2024-01-01")) == [f"{BASE}/sitemaps/km/index.xml"]
    assert start_urls(make(F24ArSpider, since="2024-01-01")) == [f"{BASE}/sitemaps/ar/index.xml"]


def test_an_explicit_source_an_edition_lacks_is_skipped_with_a_stat() -> None:
    spider = make(RfiKmSpider, sources="section,rss")
    assert start_urls(spider)[0] == f"{BASE}/km/"
    assert f"{BASE}/km/rss" not in start_urls(spider)
    assert spider.crawler.stats.get_value("newscrawl/sources/unavailable") >= 1


def test_a_spider_without_any_backfill_route_refuses_since() -> None:
    with pytest.raises(SpiderArgumentError, match=r"none is known to exist for a backfill .* on mcd_ar"):
        make(McdArSpider, since="2024-01-01")


def test_recent_crawl_reads_the_news_sitemap_not_the_index() -> None:
    urls = start_urls(make(RfiCnSpider))
    assert f"{BASE}/sitemaps/cn/news.xml" in urls
    assert f"{BASE}/sitemaps/cn/index.xml" not in urls


INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://www.rfi.fr/sitemaps/fr/news.xml</loc></sitemap>
<sitemap><loc>https://www.rfi.fr/sitemaps/fr/tags.xml</loc></sitemap>
<sitemap><loc>https://www.rfi.fr/sitemaps/fr/contents_202311.xml</loc></sitemap>
<sitemap><loc>https://www.rfi.fr/sitemaps/fr/contents_202312.xml</loc></sitemap>
<sitemap><loc>https://www.rfi.fr/sitemaps/fr/contents_202401.xml</loc></sitemap>
<sitemap><loc>https://www.rfi.fr/sitemaps/fr/contents_202402.xml</loc></sitemap>
<sitemap><loc>https://www.example.org/sitemaps/fr/contents_202312.xml</loc></sitemap>
</sitemapindex>"""


def xml(url: str, body: bytes) -> XmlResponse:
    return XmlResponse(url=url, body=body, request=Request(url))


def test_index_selects_only_the_months_of_the_window() -> None:
    spider = make(RfiFrSpider, since="2023-12-10", until="2024-01-15")
    requests = list(spider.parse_sitemap(xml(f"{BASE}/sitemaps/fr/index.xml", INDEX)))
    assert [r.url for r in requests] == [
        f"{BASE}/sitemaps/fr/contents_202312.xml",
        f"{BASE}/sitemaps/fr/contents_202401.xml",
    ]
    stats = spider.crawler.stats
    assert stats.get_value("newscrawl/backfill/months_skipped") == 2
    assert stats.get_value("newscrawl/backfill/months_selected") == 2


def test_monthly_map_entries_outside_the_window_are_never_requested() -> None:
    spider = make(RfiFrSpider, since="2023-12-10", until="2023-12-20")
    urlset = (
        b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">"""
        + b"".join(
            f"<url><loc>https://www.rfi.fr/fr/europe/202312{d:02d}-a{d}</loc></url>".encode()
            for d in (1, 10, 20, 21)
        )
        + b"</urlset>"
    )
    requests = list(spider.parse_sitemap(xml(f"{BASE}/sitemaps/fr/contents_202312.xml", urlset)))
    assert [r.url for r in requests] == [f"{BASE}/fr/europe/20231210-a10", f"{BASE}/fr/europe/20231220-a20"]
    assert {r.meta["newscrawl_discovered_via"] for r in requests} == {"sitemap"}
    assert spider.crawler.stats.get_value("newscrawl/links/out_of_window") == 2


def test_archive_page_links() -> None:
    spider = make(RfiFrSpider, since="2024-02-28", until="2024-02-28")
    html = """<html><body><main><div class="o-archive-day"><ul class="o-archive-day__list">
      <li class="o-archive-day__list__entry"><a class="a-archive-link" href="/fr/europe/20240228-a">A</a></li>
      <li><a href="/fr/tag/europe/">tag</a></li>
      <li><a href="/fr/europe/20240101-old">out of window</a></li></ul></div></main></body></html>"""
    from scrapy.http import HtmlResponse

    url = f"{BASE}/fr/archives/2024/02/28-f%C3%A9vrier-2024"
    response = HtmlResponse(url=url, body=html.encode(), encoding="utf-8", request=Request(url))
    requests = list(spider.parse_archive(response))
    assert [r.url for r in requests] == [f"{BASE}/fr/europe/20240228-a"]
    assert requests[0].meta["newscrawl_discovered_via"] == "archive"


@pytest.mark.parametrize(
    ("path", "day"),
    [
        ("/fr/europe/20240228-a", date(2024, 2, 28)),
        ("/fr/podcasts/show/20240101-b", date(2024, 1, 1)),
        ("/fr/europe/20240230-bad-date", None),
        ("/fr/europe/", None),
    ],
)
def test_url_date(path: str, day: date | None) -> None:
    assert url_date(path) == day


def test_contents_month() -> None:
    assert contents_month("https://www.rfi.fr/sitemaps/fr/contents_202402.xml") == (2024, 2)
    assert contents_month("https://www.rfi.fr/sitemaps/fr/contents_202413.xml") is None
    assert contents_month("https://www.rfi.fr/sitemaps/fr/tags.xml") is None


class _Clock(datetime):
    """``datetime`` whose ``now(tz)`` is a fixed instant: 2024-03-01 00:30 in Paris (2024-02-29 23:30 UTC)."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _Clock:  # type: ignore[override]
        instant = datetime(2024, 2, 29, 23, 30, tzinfo=UTC)
        return cls.fromtimestamp(instant.timestamp(), tz)


def test_since_and_until_are_paris_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    """At 00:30 in Paris on 1 March it is still 29 February in UTC: 1 March is today, not the future."""
    import newscrawl.params
    import newscrawl.spiders.fmm

    monkeypatch.setattr(newscrawl.params, "datetime", _Clock)
    monkeypatch.setattr(newscrawl.spiders.fmm, "datetime", _Clock)
    assert parse(since="2024-03-01").since == date(2024, 3, 1)
    with pytest.raises(SpiderArgumentError, match="since='2024-03-02': the date is in the future"):
        parse(since="2024-03-02")
    # the daily archives of an open window run to today's Paris date
    urls = start_urls(make(RfiFrSpider, since="2024-02-28", sources="archive"))
    assert [unquote(u.rsplit("/", 1)[1]) for u in urls] == [
        "28-février-2024",
        "29-février-2024",
        "01-mars-2024",
    ]
