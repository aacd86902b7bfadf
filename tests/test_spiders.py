"""Spider routing without a reactor: URL rules, link filtering, discovery from saved pages."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request, Response, TextResponse, XmlResponse
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from newscrawl.items import ArticleItem
from newscrawl.pages.fmm import FmmArchivePage, FmmArticlePage, FmmListingPage
from newscrawl.parsepool import ParsePool
from newscrawl.spiders.fmm import META_PUBLIC_URL, META_VIA
from newscrawl.spiders.rfi import RfiCnSpider
from newscrawl.utils.urls import decoded_path, url_key
from tests.conftest import ROOT, SNAPSHOT

BASE = "http://127.0.0.1:8123"
REAL_PAGES = ROOT / "tests" / "fixtures" / "real-pages"
EU = "https://www.rfi.fr/cn/%E6%AC%A7%E6%B4%B2/20240227-x"
HOME = "https://www.rfi.fr/cn/"


@pytest.fixture
def spider() -> RfiCnSpider:
    crawler = get_crawler(RfiCnSpider)
    spider = RfiCnSpider.from_crawler(crawler, base_url=BASE)
    crawler.spider = spider
    return spider


def stat(spider: RfiCnSpider, key: str) -> int:
    return int(spider.crawler.stats.get_value(f"newscrawl/{key}", 0))


@pytest.mark.parametrize(
    ("url", "is_article"),
    [
        (EU, True),
        ("https://www.rfi.fr/cn/中国/20240226-习近平", True),
        ("https://www.rfi.fr/cn/专栏检索/法国之窗/20240225-x", True),  # programme path
        ("https://www.rfi.fr/cn/", False),  # homepage
        ("https://www.rfi.fr/cn/中国/", False),  # section page
        ("https://www.rfi.fr/cn/关键词/乌克兰危机/", False),  # tag page
        ("https://www.rfi.fr/cn/关键词/20240226-x", False),  # never under the tag path
        ("https://www.rfi.fr/cn/直播/20240226-x", False),  # live
        ("https://www.rfi.fr/cn/auteur/rfi/", False),  # author page
        ("https://www.rfi.fr/cn/专栏检索/法国之窗/", False),  # podcasts index
        ("https://www.rfi.fr/cn/rss", False),
        ("https://www.rfi.fr/tw/中國/20240226-x", False),  # another edition
        ("https://www.rfi.fr/cn/20240226-x", False),  # no section
        ("https://www.rfi.fr/cn/a/b/c/d/20240226-x", False),  # too deep
        ("https://www.rfi.fr/cn/中国/2024022-x", False),  # not a date prefix
        ("https://www.rfi.fr/cn/中国/20240226-x/", False),  # trailing slash: index page
        ("https://www.rfi.fr/cn/中国/20240226-x.mp3", False),
        ("https://www.france24.com/fr/europe/20240226-x", False),  # another site
    ],
)
def test_is_article_url(spider: RfiCnSpider, url: str, is_article: bool) -> None:
    public = spider.to_public_url(url, HOME)
    assert bool(public and spider.is_article_url(public)) is is_article


@pytest.mark.parametrize(
    ("href", "public"),
    [
        ("/cn/欧洲/20240227-x", EU),
        ("/cn/%e6%ac%a7%e6%b4%b2/20240227-x?xtor=CS1-1&utm_source=nl#comments", EU),
        (f"{BASE}/cn/%E6%AC%A7%E6%B4%B2/20240227-x", EU),  # a mirror link maps back to the site
        ("https://amp.rfi.fr/cn/%E6%AC%A7%E6%B4%B2/20240227-x", EU),
        ("http://www.rfi.fr/cn/%E6%AC%A7%E6%B4%B2/20240227-x", EU),
        ("https://www.france24.com/fr/", None),
        ("http://127.0.0.1:9999/cn/x", None),  # same host, other port: not the mirror
        ("mailto:x@rfi.fr", None),
        ("javascript:void(0)", None),
    ],
)
def test_to_public_url(spider: RfiCnSpider, href: str, public: str | None) -> None:
    assert spider.to_public_url(href, HOME) == public


def test_fetch_url_keeps_path_and_query_on_base_url(spider: RfiCnSpider) -> None:
    assert spider.to_fetch_url(EU + "?id=3") == f"{BASE}/cn/%E6%AC%A7%E6%B4%B2/20240227-x?id=3"


def test_live_spider_fetches_the_public_url() -> None:
    spider = RfiCnSpider.from_crawler(get_crawler(RfiCnSpider))
    assert spider.to_fetch_url(EU) == EU
    assert spider.allowed_domains == ["www.rfi.fr"]


def test_article_requests_filter_and_deduplicate_before_requesting(spider: RfiCnSpider) -> None:
    hrefs = [
        "/cn/欧洲/20240227-x",
        "/cn/%E6%AC%A7%E6%B4%B2/20240227-x",  # same article, encoded
        "/cn/%E6%AC%A7%E6%B4%B2/20240227-x?utm_source=a#c",  # same article, tracked
        "/cn/关键词/乌克兰危机/",
        "/cn/直播/",
        "https://www.france24.com/fr/europe/20240226-y",
        "/cn/中国/20240226-z",
    ]
    requests = list(spider.article_requests(hrefs, via="section", base=HOME))
    assert [r.url for r in requests] == [
        f"{BASE}/cn/%E6%AC%A7%E6%B4%B2/20240227-x",
        f"{BASE}/cn/%E4%B8%AD%E5%9B%BD/20240226-z",
    ]
    assert [r.meta[META_PUBLIC_URL] for r in requests] == [
        EU,
        "https://www.rfi.fr/cn/%E4%B8%AD%E5%9B%BD/20240226-z",
    ]
    assert {r.meta[META_VIA] for r in requests} == {"section"}
    assert (
        stat(spider, "links/duplicate"),
        stat(spider, "links/not_article"),
        stat(spider, "links/offsite"),
    ) == (2, 2, 1)
    # a later source does not request the article again
    assert list(spider.article_requests([EU + "?xtor=RSS-1"], via="rss", base=HOME)) == []


@pytest.mark.parametrize(
    "base",
    [HOME, f"{BASE}/cn/", "https://www.france24.com/fr/", "https://WWW.RFI.FR/cn/x/"],
)
def test_link_shortcut_gives_what_the_long_way_gives(spider: RfiCnSpider, base: str) -> None:
    hrefs = [
        "/cn/%E6%AC%A7%E6%B4%B2/20240227-x",
        "/cn/%e6%ac%a7%e6%b4%b2/20240227-x",
        "/cn/欧洲/20240227-x",
        "/cn/%E6%AC%A7%E6%B4%B2/20240227-x?utm_source=a#c",
        "/cn/./%E6%AC%A7%E6%B4%B2/../20240227-x",
        "//www.rfi.fr/cn/%E6%AC%A7%E6%B4%B2/20240227-x",
        "//evil.example/cn/%E6%AC%A7%E6%B4%B2/20240227-x",
        "https://www.rfi.fr/cn/%E6%AC%A7%E6%B4%B2/20240227-x",
        "https://www.rfi.fr:443/cn/%E6%AC%A7%E6%B4%B2/20240227-x",
        "HTTPS://WWW.RFI.FR/cn/%E6%AC%A7%E6%B4%B2/20240227-x",
        "https://www.rfi.fr.evil.example/cn/x",
        f"{BASE}/cn/%E6%AC%A7%E6%B4%B2/20240227-x",
        "20240227-x",
        " /cn/x ",
    ]
    relative_on_site = spider.to_public_url("/", base) is not None
    for href in hrefs:
        target = spider._link_target(href, base, relative_on_site)
        public_url = spider.to_public_url(href, base)
        if public_url is None:
            assert target is None, href
            continue
        assert target is not None, href
        assert target[:2] == (public_url, decoded_path(public_url)), href
        assert target[2] in ("", url_key(public_url)), href
    shortcuts = [h for h in hrefs if (t := spider._link_target(h, base, relative_on_site)) and t[2]]
    # only clean hrefs on the public site take the shortcut (root-relative ones only on an on-site page)
    assert shortcuts == (
        ["/cn/%E6%AC%A7%E6%B4%B2/20240227-x", "https://www.rfi.fr/cn/%E6%AC%A7%E6%B4%B2/20240227-x"]
        if relative_on_site
        else ["https://www.rfi.fr/cn/%E6%AC%A7%E6%B4%B2/20240227-x"]
    )


@pytest.mark.parametrize("value", ["-1", "soon", "nan"])
def test_a_bad_claim_timeout_is_refused_with_its_name(value: str) -> None:
    crawler = get_crawler(RfiCnSpider, settings_dict={"NEWSCRAWL_CLAIM_TIMEOUT": value})
    with pytest.raises(ValueError, match=rf"NEWSCRAWL_CLAIM_TIMEOUT must be a number of seconds.*'{value}'"):
        RfiCnSpider.from_crawler(crawler, base_url=BASE)


def test_max_articles_caps_article_requests() -> None:
    crawler = get_crawler(RfiCnSpider)
    spider = RfiCnSpider.from_crawler(crawler, base_url=BASE, max_articles="2")
    crawler.spider = spider
    hrefs = [f"/cn/中国/2024022{i}-a{i}" for i in range(5)]
    assert len(list(spider.article_requests(hrefs, via="section", base=HOME))) == 2
    assert stat(spider, "articles/over_max") == 3


def test_start_requests_follow_sources_and_sections() -> None:
    crawler = get_crawler(RfiCnSpider)
    spider = RfiCnSpider.from_crawler(crawler, base_url=BASE, sections="欧洲", sources="section,rss")

    async def collect() -> list[str]:
        return [r.url async for r in spider.start()]

    urls = asyncio.run(collect())
    # with -a sections the homepage (which mixes every section) is not read
    assert urls == [f"{BASE}/cn/%E6%AC%A7%E6%B4%B2/", f"{BASE}/cn/rss"]
    every = RfiCnSpider.from_crawler(get_crawler(RfiCnSpider), base_url=BASE)

    async def collect_all() -> list[str]:
        return [r.url async for r in every.start()]

    all_urls = asyncio.run(collect_all())
    assert all_urls[0] == f"{BASE}/cn/"
    assert len(all_urls) == 1 + len(RfiCnSpider.sections) + 2
    assert all_urls[-2:] == [f"{BASE}/cn/rss", f"{BASE}/sitemaps/cn/news.xml"]


def test_real_listing_cards_are_found() -> None:
    html = (REAL_PAGES / "rfi_es_homepage_20240202_list_items_excerpt.html").read_text("utf-8")
    from parsel import Selector

    assert FmmListingPage(Selector(text=html)).article_links() == [
        "/es/am%C3%A9ricas/20240202-elecciones-presidenciales-en-eeuu-biden-intenta-recuperar-el-voto-popular-en-michigan",
        "/es/francia/20240202-francia-se-opone-y-seguir%C3%A1-oponi%C3%A9ndose-al-acuerdo-con-el-mercosur-afirma-macron",
        "/es/am%C3%A9ricas/20240202-enfrentamientos-frente-al-congreso-argentino-totalmente-atrincherado-por-la-polic%C3%ADa",
        "/es/europa/20240201-barcelona-declara-el-estado-de-emergencia-por-sequ%C3%ADa",
    ]


@pytest.mark.parametrize("page_class", [FmmListingPage, FmmArchivePage])
def test_link_pages_find_what_parsel_css_finds_on_every_saved_page(page_class: type[FmmListingPage]) -> None:
    """The compiled queries of ``article_links`` against parsel's ``.css()``, on all 600+ saved pages."""
    from parsel import Selector

    pages = sorted([*SNAPSHOT.parent.rglob("*.html"), *REAL_PAGES.rglob("*.html")])
    found = 0
    for page in pages:
        sel = Selector(text=page.read_text("utf-8", "replace"))
        expected: dict[str, None] = {}
        for query in page_class.LINKS:
            expected.update((h.strip(), None) for h in sel.css(query).getall() if h.strip())
        links = page_class(sel).article_links()
        assert links == list(expected), page
        found += len(links)
    assert len(pages) > 600
    assert found > (400 if page_class is FmmListingPage else 20)


def response_for(
    path: Path, url: str, cls: type[TextResponse] = HtmlResponse, meta: dict[str, str] | None = None
) -> TextResponse:
    return cls(url=url, body=path.read_bytes(), encoding="utf-8", request=Request(url, meta=meta or {}))


def parse_article(spider: RfiCnSpider, response: Response, workers: int = 0) -> list[Any]:
    """What ``spider.parse_article`` yields, its page read by ``workers`` parse workers (0: here)."""
    spider.parse_pool = ParsePool(workers)

    async def collect() -> list[Any]:
        try:
            return [output async for output in spider.parse_article(response)]
        finally:
            spider.parse_pool.close()

    return asyncio.run(collect())


@pytest.mark.parametrize("workers", [0, 1], ids=["in-process", "parse-worker"])
def test_parse_article_names_the_public_url_and_edition(spider: RfiCnSpider, workers: int) -> None:
    page = SNAPSHOT / "cn" / "欧洲" / "20240227-视频-巴黎会议向乌克兰提供更多武器-不排除未来派遣军队.html"
    public = "https://www.rfi.fr/cn/%E6%AC%A7%E6%B4%B2/20240227-%E8%A7%86%E9%A2%91-%E5%B7%B4%E9%BB%8E%E4%BC%9A%E8%AE%AE%E5%90%91%E4%B9%8C%E5%85%8B%E5%85%B0%E6%8F%90%E4%BE%9B%E6%9B%B4%E5%A4%9A%E6%AD%A6%E5%99%A8-%E4%B8%8D%E6%8E%92%E9%99%A4%E6%9C%AA%E6%9D%A5%E6%B4%BE%E9%81%A3%E5%86%9B%E9%98%9F"
    meta = {META_PUBLIC_URL: public, META_VIA: "rss"}
    response = response_for(page, spider.to_fetch_url(public) + "?xtor=RSS-1", meta=meta)
    (item,) = parse_article(spider, response, workers)
    assert isinstance(item, ArticleItem)
    assert (item.url, item.site, item.edition, item.language, item.discovered_via) == (
        public,
        "rfi",
        "cn",
        "zh-Hans",
        "rss",
    )
    assert item.title == "视频 巴黎会议向乌克兰提供更多武器 不排除未来派遣军队"
    assert item.published == "2024-02-27T15:08:00+00:00"


@pytest.mark.parametrize(
    ("og_url", "written"),
    [
        ("https://www.france24.com/fr/europe/20240227-x", False),  # another site: refused
        ("https://amp.rfi.fr/cn/%E6%AC%A7%E6%B4%B2/20240227-x", True),  # an alias of the site
        ("/cn/%E6%AC%A7%E6%B4%B2/20240227-x", True),  # relative: on the page's own site
    ],
)
def test_an_article_whose_canonical_url_is_on_another_site_is_refused(
    spider: RfiCnSpider, tmp_path: Path, caplog: pytest.LogCaptureFixture, og_url: str, written: bool
) -> None:
    source = SNAPSHOT / "cn" / "欧洲" / "20240227-视频-巴黎会议向乌克兰提供更多武器-不排除未来派遣军队.html"
    html = re.sub(r'(property="og:url" content=")[^"]+', rf"\g<1>{og_url}", source.read_text("utf-8"))
    page = tmp_path / "page.html"
    page.write_text(html, "utf-8")
    response = response_for(page, f"{BASE}/cn/欧洲/20240227-x", meta={META_PUBLIC_URL: EU, META_VIA: "rss"})
    with caplog.at_level("WARNING"):
        items = parse_article(spider, response)
    assert [i.url for i in items] == ([EU] if written else [])
    assert stat(spider, "pages/foreign_canonical") == (0 if written else 1)
    line = f"rfi_cn: {BASE}/cn/欧洲/20240227-x names its canonical URL {og_url}, not on https://www.rfi.fr"
    assert (line in caplog.text) is not written


def test_parse_article_skips_non_html(spider: RfiCnSpider) -> None:
    request = Request(f"{BASE}/cn/中国/20240226-x", meta={META_PUBLIC_URL: EU, META_VIA: "section"})
    response = Response(
        url=request.url, body=b"%PDF-1.4", headers={"Content-Type": "application/pdf"}, request=request
    )
    assert parse_article(spider, response) == []
    assert stat(spider, "pages/not_html") == 1


def test_parse_article_skips_a_page_without_article_markup(spider: RfiCnSpider) -> None:
    request = Request(f"{BASE}/cn/中国/20240226-x", meta={META_PUBLIC_URL: EU, META_VIA: "section"})
    response = HtmlResponse(
        url=request.url, body=b"<html><body><p>Maintenance</p></body></html>", request=request
    )
    assert parse_article(spider, response) == []
    assert stat(spider, "pages/not_article") == 1


class ExplodingPage(FmmArticlePage):
    """A page parser with a bug: reading the fields raises."""

    def fields(self) -> dict[str, Any]:
        raise KeyError("no such field")


@pytest.mark.parametrize("workers", [0, 1], ids=["in-process", "parse-worker"])
def test_a_parser_that_raises_costs_that_page_only(
    spider: RfiCnSpider, workers: int, caplog: pytest.LogCaptureFixture
) -> None:
    page = SNAPSHOT / "cn" / "欧洲" / "20240227-视频-巴黎会议向乌克兰提供更多武器-不排除未来派遣军队.html"
    spider.page_class = ExplodingPage
    response = response_for(page, f"{BASE}/cn/欧洲/20240227-x", meta={META_PUBLIC_URL: EU, META_VIA: "rss"})
    with caplog.at_level("ERROR"):
        assert parse_article(spider, response, workers) == []
    assert stat(spider, "pages/parse_failed/exception") == 1
    assert f"{EU} could not be parsed (exception); no item" in caplog.text
    assert "KeyError: 'no such field'" in caplog.text  # the worker's traceback, in the crawl's log


def test_rss_and_sitemap_discovery_from_the_snapshot(spider: RfiCnSpider) -> None:
    rss = list(spider.parse_rss(response_for(SNAPSHOT / "cn" / "rss.xml", f"{BASE}/cn/rss", XmlResponse)))
    sitemap = list(
        spider.parse_sitemap(
            response_for(
                SNAPSHOT / "sitemaps" / "cn" / "news.xml", f"{BASE}/sitemaps/cn/news.xml", XmlResponse
            )
        )
    )
    for request in rss + sitemap:
        assert request.url.startswith(BASE + "/cn/")
        assert "xtor" not in request.url
        assert "#" not in request.url
        public = request.meta[META_PUBLIC_URL]
        assert public.startswith("https://www.rfi.fr/cn/")
        assert spider.is_article_url(public)
    assert {r.meta[META_VIA] for r in rss} == {"rss"}
    assert {r.meta[META_VIA] for r in sitemap} == {"sitemap"}
    assert len(rss) >= 8
    assert len(sitemap) >= 4


@pytest.mark.parametrize(
    ("url", "spiders"),
    [
        ("https://www.rfi.fr/cn/%E6%AC%A7%E6%B4%B2/20240227-x", ["rfi_cn"]),
        ("https://www.rfi.fr/fr/", ["rfi_fr"]),
        ("https://www.rfi.fr/sitemaps/en/news.xml", ["rfi_en"]),
        ("https://rfi.fr/cn/rss", ["rfi_cn"]),  # a host alias
        ("https://www.mc-doualiya.com/%D8%A7/20240101-y", ["mcd_ar"]),
        ("https://www.france24.com/ar/", ["f24_ar"]),
        ("https://www.rfi.fr/", []),  # no edition's page
        ("http://127.0.0.1:8000/cn/", []),  # a mirror: give --spider and -a base_url
    ],
)
def test_an_edition_url_finds_its_spider(url: str, spiders: list[str]) -> None:
    """``scrapy parse|fetch|shell <url>`` without --spider: the spider loader asks each spider."""
    loader = SpiderLoader.from_settings(get_project_settings())
    assert loader.find_by_request(Request(url)) == spiders
