"""Every spider is listed in docs/editions.md and has saved pages: an article with its expected JSON
(checked field by field by test_pages.py) and a listing page whose article links are found."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from parsel import Selector
from scrapy.http import HtmlResponse
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from newscrawl.browser import WAIT_METHOD, BrowserMiddleware
from newscrawl.pages.fmm import FmmArticlePage, FmmListingPage
from newscrawl.spiders.fmm import META_EDITION, FmmSpider
from newscrawl.spiders.rfi import EDITION_SPIDERS, RfiMultiSpider, RfiTwSpider
from tests.conftest import FIXTURES, ROOT, load_fixture

LOADER = SpiderLoader.from_settings(get_project_settings())
SPIDERS = sorted(LOADER.list())
#: the FMM editions' spiders (their saved pages are FMM article and listing pages)
SINGLE = [
    name
    for name in SPIDERS
    if issubclass(LOADER.load(name), FmmSpider) and len(LOADER.load(name).available_editions()) == 1
]


def test_scrapy_list_matches_the_docs_table() -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    doc = (ROOT / "docs" / "editions.md").read_text("utf-8")
    documented = [line.split("`")[1] for line in doc.splitlines() if line.startswith("| `")]
    assert sorted(documented) == sorted(listed)
    assert len(documented) == len(set(documented))
    # 16 RFI editions, rfi, 4 France 24 editions, mcd_ar, 13 Euronews editions, 31 DW editions, bbc_en, voa_en
    assert len(listed) == 22 + 13 + 31 + 2


def test_docs_table_is_generated_from_the_spiders() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/editions_table.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_every_rfi_edition_is_in_the_multi_edition_spider() -> None:
    rfi_names = {name for name in SINGLE if name.startswith("rfi_")}
    assert {spider.name for spider in EDITION_SPIDERS} == rfi_names
    assert len(rfi_names) == 16


@pytest.mark.parametrize("name", SINGLE)
def test_spider_has_an_article_fixture_in_its_own_language(name: str) -> None:
    fixtures = sorted((FIXTURES / name).glob("*.json"))
    assert fixtures, f"tests/fixtures/{name}/ has no saved article page with expected JSON"
    edition = LOADER.load(name).edition_info()
    for path in fixtures:
        fixture = load_fixture(path)
        assert fixture["url"].startswith(edition.home_url) or (
            not edition.path_prefix and fixture["url"].startswith(edition.public_origin + "/")
        )
        page = Selector(text=(ROOT / fixture["page"]).read_text("utf-8"))
        lang = page.xpath("/html/@lang").get()
        if lang is not None:  # the real MCD page is an excerpt without <html>
            # the edition's tag, or a regional variant of it (rfi.fr/es writes es-419, its hreflang es)
            assert lang == edition.language or lang.startswith(f"{edition.language}-"), path.name


def listing_fixtures(name: str) -> list[Path]:
    return sorted((FIXTURES / name / "listings").glob("*.json"))


@pytest.mark.parametrize("name", SINGLE)
def test_spider_has_a_listing_page_whose_article_links_are_found(name: str) -> None:
    listings = listing_fixtures(name)
    assert listings, f"tests/fixtures/{name}/listings/ has no saved listing page"
    spider_cls: type[FmmSpider] = LOADER.load(name)
    crawler = get_crawler(spider_cls)
    for path in listings:
        fixture = load_fixture(path)
        spider = spider_cls.from_crawler(crawler)
        crawler.spider = spider
        hrefs = FmmListingPage(Selector(text=(ROOT / fixture["page"]).read_text("utf-8"))).article_links()
        requests = list(spider.article_requests(hrefs, via="section", base=fixture["url"]))
        assert [r.url for r in requests] == fixture["article_urls"], path.name
        assert {r.meta[META_EDITION] for r in requests} <= {spider_cls.edition}


def test_multi_edition_spider_routes_each_link_to_its_edition() -> None:
    crawler = get_crawler(RfiMultiSpider)
    spider = RfiMultiSpider.from_crawler(crawler, editions="cn,tw", base_url="http://127.0.0.1:1")
    crawler.spider = spider
    assert [e.code for e in spider.editions] == ["cn", "tw"]

    async def collect() -> list[str]:
        return [r.url async for r in spider.start()]

    urls = asyncio.run(collect())
    assert urls[0] == "http://127.0.0.1:1/cn/"
    assert "http://127.0.0.1:1/tw/" in urls
    assert not [u for u in urls if "/fr/" in u]
    hrefs = ["/cn/中国/20240226-a", "/tw/中國/20240226-b", "/fr/europe/20240226-c"]
    requests = list(spider.article_requests(hrefs, via="section", base="https://www.rfi.fr/"))
    assert [r.meta[META_EDITION] for r in requests] == ["cn", "tw"]


def test_multi_edition_spider_rejects_an_unknown_edition() -> None:
    from newscrawl.params import SpiderArgumentError

    with pytest.raises(
        SpiderArgumentError, match=r"editions='cn,xx': unknown edition\(s\) xx; choose from fr, en"
    ):
        RfiMultiSpider.from_crawler(get_crawler(RfiMultiSpider), editions="cn,xx")


class TwPage(FmmArticlePage):
    """An edition's own page class (STYLE.md §2): one method and the ready condition changed."""

    READY_SELECTOR = "article.t-content__article-wrapper div.t-content__body > p"

    def title(self) -> str | None:
        return f"tw: {super().title()}"


def test_the_rfi_spider_follows_an_editions_requires_js_and_page_class(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``requires_js`` and ``page_class`` set on an edition class (STYLE.md §2), in ``rfi_tw`` and ``rfi``."""
    monkeypatch.setattr(RfiTwSpider, "requires_js", True)
    monkeypatch.setattr(RfiTwSpider, "page_class", TwPage)
    fixture = load_fixture(FIXTURES / "rfi_tw" / "20240201-han-kuo-yu-speaker.json")
    cn = "https://www.rfi.fr/cn/中国/20240226-a"
    for cls, kwargs in ((RfiTwSpider, {}), (RfiMultiSpider, {"editions": "cn,tw"})):
        crawler = get_crawler(cls, {"NEWSCRAWL_CHROMIUM_PATH": "/bin/sh"})  # any executable: nothing launched
        spider = cls.from_crawler(crawler, base_url="http://127.0.0.1:1", **kwargs)
        crawler.spider = spider
        links = [fixture["url"], cn] if cls is RfiMultiSpider else [fixture["url"]]
        requests = list(spider.article_requests(links, via="section", base="https://www.rfi.fr/"))
        assert requests[0].meta.get("playwright") is True, cls.name
        BrowserMiddleware.from_crawler(crawler).process_request(requests[0])
        assert requests[0].meta["playwright_page_methods"][WAIT_METHOD].args[0] == TwPage.READY_SELECTOR, (
            cls.name
        )
        page = (ROOT / fixture["page"]).read_bytes()
        response = HtmlResponse(requests[0].url, body=page, encoding="utf-8", request=requests[0])

        async def parse(response: HtmlResponse, spider: FmmSpider = spider) -> list[Any]:
            return [item async for item in spider.parse_article(response)]

        (item,) = asyncio.run(parse(response))
        assert item.title == f"tw: {fixture['expected']['title']}", cls.name
        if cls is RfiMultiSpider:  # the other edition keeps the defaults
            assert not requests[1].meta.get("playwright")


def _every_edition() -> list[Any]:
    return [edition for name in SPIDERS for edition in LOADER.load(name).available_editions()]


@pytest.mark.parametrize("edition", _every_edition(), ids=lambda e: e.spider)
def test_every_spiders_item_passes_the_schema_with_its_site_edition_and_language(edition: Any) -> None:
    """An item of every spider the loader knows passes validation: no silent drop for an unknown ``site``."""
    from dataclasses import replace

    from scrapy.utils.misc import build_from_crawler

    from newscrawl.pipelines.validation import ValidateArticlePipeline, article_schema
    from tests.test_pipelines import article

    assert edition.site in article_schema()["properties"]["site"]["enum"]
    pipeline = build_from_crawler(ValidateArticlePipeline, get_crawler())
    item = replace(
        article(content_hash="a" * 64),
        url=edition.home_url + "article",
        site=edition.site,
        edition=edition.code,
        language=edition.language,
    )
    assert pipeline.process_item(item) is item
    assert not pipeline.stats.get_value("newscrawl/validation/dropped")
