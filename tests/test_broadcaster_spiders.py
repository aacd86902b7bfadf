"""The Euronews, DW, BBC and VOA spiders: one declared class per edition, their article-URL rules, and
the browser middleware reading their page classes (not FMM markup)."""

from __future__ import annotations

import gzip
import re
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from newscrawl.browser import META_FETCH, WAIT_METHOD, BrowserMiddleware
from newscrawl.params import SpiderArgumentError
from newscrawl.spiders import euronews
from newscrawl.spiders.base import META_PUBLIC_URL, NewsSpider
from tests.conftest import FIXTURES, load_fixture

LOADER = SpiderLoader.from_settings(get_project_settings())


def spider(name: str, **kwargs: str) -> Any:
    cls = LOADER.load(name)
    crawler = get_crawler(
        cls,
        {
            "NEWSCRAWL_SEEN_STORE_ENABLED": False,
            "NEWSCRAWL_CHROMIUM_PATH": "/bin/sh",  # any executable: nothing is launched
            "NEWSCRAWL_BROWSER_WAIT_TIMEOUT": 5,
        },
    )
    instance = cls.from_crawler(crawler, base_url="http://127.0.0.1:9", **kwargs)
    crawler.spider = instance
    return instance


def requested(name: str, links: list[str]) -> list[str]:
    """The public URLs of the article requests ``name`` makes for ``links``."""
    crawler_spider = spider(name)
    base = crawler_spider.public_origin + "/"
    requests = crawler_spider.article_requests(links, via="rss", base=base)
    return [r.meta["newscrawl_public_url"] for r in requests]


def test_every_euronews_edition_is_a_spider_of_its_own_host() -> None:
    names = sorted(n for n in LOADER.list() if n.startswith("euronews_"))
    codes = ["ar", "de", "el", "en", "es", "fa", "fr", "hu", "it", "pl", "pt", "ru", "tr"]
    assert names == [f"euronews_{c}" for c in codes]
    hosts = {n: LOADER.load(n).public_origin for n in names}
    assert (hosts["euronews_en"], hosts["euronews_el"], hosts["euronews_fa"], hosts["euronews_ar"]) == (
        "https://www.euronews.com",
        "https://gr.euronews.com",
        "https://parsi.euronews.com",
        "https://arabic.euronews.com",
    )
    assert len(set(hosts.values())) == 13
    assert euronews.EuronewsFrSpider.name == "euronews_fr"  # bound in the module for the loader
    assert euronews.EuronewsFrSpider.__module__ == "newscrawl.spiders.euronews"
    edition = euronews.EuronewsFrSpider.edition_info()
    assert edition.routes == (
        ("sitemap", "https://fr.euronews.com/sitemaps/fr/latest-news.xml"),
        ("rss", "https://fr.euronews.com/rss?level=vertical&name=green"),
    )
    assert edition.backfill_routes == (("sitemap", "https://fr.euronews.com/sitemaps/fr/articles.xml"),)


def test_euronews_article_urls_with_or_without_a_vertical_and_never_a_video() -> None:
    links = [
        "https://fr.euronews.com/green/2024/04/30/comment-les-efforts",
        "https://fr.euronews.com/2024/04/29/une-depeche",
        "https://fr.euronews.com/video/2024/05/01/les-glaciers-suisses-en-images",
        "https://fr.euronews.com/green/2024/04/30",
        "https://fr.euronews.com/programmes/green",
        "https://www.euronews.com/2024/04/30/english-story",  # another edition's host
    ]
    assert requested("euronews_fr", links) == links[:2]


def test_a_backfill_window_reads_the_euronews_path_date() -> None:
    crawler_spider = spider("euronews_de", since="2024-05-01", until="2024-05-02")
    links = [
        "https://de.euronews.com/my-europe/2024/04/30/a",
        "https://de.euronews.com/my-europe/2024/05/02/b",
        "https://de.euronews.com/my-europe/2024/05/03/c",
    ]
    requests = list(crawler_spider.article_requests(links, via="sitemap", base="https://de.euronews.com/"))
    assert [r.meta["newscrawl_public_url"] for r in requests] == links[1:2]


def test_every_new_spider_says_whether_a_real_page_checked_its_parser() -> None:
    """``real_page_checked`` (docs/editions.md) is true exactly where a real page's fixture exists."""
    for name in LOADER.list():
        cls = LOADER.load(name)
        if not name.startswith(("euronews_", "dw_", "bbc_", "voa_")):
            continue
        real = [
            p
            for p in (FIXTURES / name).glob("*.json")
            if load_fixture(p).get("provenance", "").startswith("real page")
        ]
        assert cls.real_page_checked is bool(real), name


# -- the browser middleware on a Euronews page ---------------------------------------------------

REAL_FR = load_fixture(FIXTURES / "euronews_fr" / "20240430-merlu-extinction.json")
PAGE_FR = gzip.decompress(
    (FIXTURES / "euronews_fr" / "20240430-merlu-extinction.html.gz").read_bytes()
).decode()
#: the body container's start tag on the real page, and its whole element up to the share bar after it
CONTENT = re.compile(r'<div class="c-article-content[^"]*"[^>]*>')


def _answer(request: Request, html: str) -> HtmlResponse:
    return HtmlResponse(request.url, body=html.encode(), encoding="utf-8", request=request)


def test_the_browser_middleware_uses_the_euronews_page_class() -> None:
    crawler_spider: NewsSpider = spider("euronews_fr")
    (request,) = crawler_spider.article_requests([REAL_FR["url"]], via="rss", base="https://fr.euronews.com/")
    middleware = BrowserMiddleware.from_crawler(crawler_spider.crawler)
    assert middleware.page_class(request, crawler_spider).READY_SELECTOR == "div.c-article-content > p"
    # the real page: its body is there, plain HTTP is kept
    plain = _answer(request, PAGE_FR)
    assert middleware.process_response(request, plain) is plain
    # the body's paragraphs not there yet (a script would insert them): rendered, waiting for them
    match = CONTENT.search(PAGE_FR)
    assert match is not None
    emptied = re.sub(r"<p\b[^>]*>.*?</p>", "", PAGE_FR[match.end() :], flags=re.S)
    again = middleware.process_response(request, _answer(request, PAGE_FR[: match.end()] + emptied))
    assert isinstance(again, Request)
    assert again.meta[META_FETCH] == "js_shell"
    assert again.meta["playwright_page_methods"][WAIT_METHOD].args[0] == "div.c-article-content > p"
    # the template without its body container is a layout change: no browser (it cannot help)
    renamed = _answer(request, PAGE_FR.replace("c-article-content", "c-article-text"))
    assert middleware.process_response(request, renamed) is renamed


DW_CODES = [
    "sq",
    "am",
    "ar",
    "bn",
    "bs",
    "bg",
    "zh",
    "zh-hant",
    "hr",
    "fa-af",
    "en",
    "fr",
    "de",
    "el",
    "ha",
    "hi",
    "id",
    "sw",
    "mk",
    "ps",
    "fa-ir",
    "pl",
    "pt-002",
    "pt-br",
    "ro",
    "ru",
    "sr",
    "es",
    "tr",
    "uk",
    "ur",
]


def test_every_dw_edition_of_the_notes_is_a_spider_named_from_its_code() -> None:
    names = sorted(n for n in LOADER.list() if n.startswith("dw_"))
    assert len(DW_CODES) == 31
    assert names == sorted(f"dw_{code.replace('-', '_')}" for code in DW_CODES)
    editions = {n: LOADER.load(n).edition_info() for n in names}
    assert [editions[f"dw_{c.replace('-', '_')}"].code for c in DW_CODES] == DW_CODES
    assert editions["dw_pt_002"].home_url == "https://www.dw.com/pt-002/"
    assert editions["dw_fa_af"].section_url("دويچه-وله-دری/s-10259") == (
        "https://www.dw.com/fa-af/%D8%AF%D9%88%D9%8A%DA%86%D9%87-%D9%88%D9%84%D9%87-%D8%AF%D8%B1%DB%8C/s-10259"
    )
    # one path for both Chinese scripts; the entry page's query chooses the script
    assert editions["dw_zh"].home_url == editions["dw_zh_hant"].home_url == "https://www.dw.com/zh/"
    assert editions["dw_zh_hant"].section_url(editions["dw_zh_hant"].sections[0]).endswith("?zhongwen=trad")
    assert (editions["dw_zh"].language, editions["dw_zh_hant"].language) == ("zh-Hans", "zh-Hant")
    de = editions["dw_de"]
    assert de.routes == (
        ("rss", "https://rss.dw.com/xml/rss-de-all"),
        ("sitemap", "https://www.dw.com/de/news-sitemap.xml"),
    )
    assert de.backfill_routes == (("sitemap", "https://www.dw.com/de/article-sitemap.xml"),)
    assert [s for s, _ in editions["dw_fr"].routes] == ["sitemap"]  # no documented feed


def test_dw_article_urls_of_the_edition_without_the_rss_tracking_parameter() -> None:
    links = [
        "https://www.dw.com/de/post-vac-syndrom/a-65897191?maca=de-rss-de-all-1119-xml-mrss",
        "/de/klimawandel/t-19000001",
        "/de/themen/s-9077",
        "https://www.dw.com/en/rhine-shipping/a-65887431",  # another edition
        "https://p.dw.com/p/4SUVS",
        "https://www.dw.com/de/post-vac-syndrom/a-65897191",  # the same article again
    ]
    assert requested("dw_de", links) == ["https://www.dw.com/de/post-vac-syndrom/a-65897191"]


def test_the_feed_host_is_allowed_only_when_requests_go_to_the_site() -> None:
    live = LOADER.load("dw_de").from_crawler(get_crawler(LOADER.load("dw_de")))
    assert live.allowed_domains == ["www.dw.com", "rss.dw.com"]
    assert spider("dw_de").allowed_domains == ["127.0.0.1"]


def test_bbc_article_urls_current_and_older_never_live_or_video() -> None:
    links = [
        "https://www.bbc.com/news/articles/clymn8zyrp9o",
        "https://www.bbc.com/news/world-europe-68912345",
        "https://www.bbc.com/news/live/c5y8k2m1n3pt",
        "https://www.bbc.com/news/videos/c9r3t6w2x1qo",
        "https://www.bbc.com/news/topics/c1vw6q14rzqt",
        "https://www.bbc.com/sport/football/articles/c4gq2r7xk1no",
        "https://www.bbc.com/zhongwen/simp/articles/c0v8n3d5z2lo",
    ]
    assert requested("bbc_en", links) == links[:2]


def test_bbc_en_has_no_backfill_route() -> None:
    with pytest.raises(SpiderArgumentError, match="none is known to exist for a backfill"):
        spider("bbc_en", since="2024-01-01")


def test_voa_article_urls_never_the_amp_copy() -> None:
    links = [
        "https://www.voanews.com/a/great-lakes-saw-record-low-ice-cover-this-winter/7587120.html",
        "https://www.voanews.com/amp/great-lakes-saw-record-low-ice-cover-this-winter/7587120.html",
        "https://www.voanews.com/z/599",
        "https://www.voanews.com/a/7587120.html",
    ]
    assert requested("voa_en", links) == links[:1]


def test_a_gzipped_sitemap_is_gunzipped_and_a_broken_one_counted() -> None:
    crawler_spider = spider("voa_en", since="2024-04-28")
    url = "http://127.0.0.1:9/sitemap_1.xml.gz"
    request = Request(url, meta={META_PUBLIC_URL: "https://www.voanews.com/sitemap_1.xml.gz"})
    xml = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://www.voanews.com/a/x/1.html</loc><lastmod>2024-04-29T14:30:00+00:00</lastmod></url>"
        b"<url><loc>https://www.voanews.com/a/y/2.html</loc><lastmod>2024-04-27T12:00:00+00:00</lastmod></url>"
        b"</urlset>"
    )
    answer = Response(url, body=gzip.compress(xml), request=request)
    requests = list(crawler_spider.parse_sitemap(answer))
    assert [r.meta[META_PUBLIC_URL] for r in requests] == [
        "https://www.voanews.com/a/x/1.html"
    ]  # in the window
    broken = Response(url, body=gzip.compress(xml)[:40], request=request)
    assert list(crawler_spider.parse_sitemap(broken)) == []
    assert crawler_spider.crawler.stats.get_value("newscrawl/sources/unreadable") == 1


def test_each_article_url_has_one_spider_for_scrapy_parse() -> None:
    """``scrapy parse <url>`` without ``--spider`` finds exactly one spider (``handles_request``)."""
    urls = {
        "https://www.dw.com/zh/一篇文章/a-65897191": "dw_zh",
        "https://www.dw.com/pt-002/notícia/a-65897191": "dw_pt_002",
        "https://www.dw.com/de/post-vac-syndrom/a-65897191": "dw_de",
        "https://gr.euronews.com/2024/04/30/x": "euronews_el",
        "https://www.bbc.com/news/articles/clymn8zyrp9o": "bbc_en",
        "https://www.voanews.com/a/x/7585813.html": "voa_en",
    }
    for url, name in urls.items():
        assert LOADER.find_by_request(Request(url)) == [name], url
