"""Browser rendering only when needed (newscrawl/browser.py).

Unit level: the middleware's decisions on hand-made responses (no browser).
End to end: ``scrapy crawl rfi_cn`` against tests/browser_server.py, a copy of
the snapshot whose article pages answer 403 + a JavaScript challenge (and one
a JavaScript shell), with Debian's Chromium; and crawls that must not start it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler
from scrapy_playwright.page import PageMethod

from newscrawl import __version__
from newscrawl.browser import (
    META_FETCH,
    META_OPT_IN,
    PLAYWRIGHT_HANDLER,
    WAIT_METHOD,
    BrowserAddon,
    BrowserMiddleware,
    abort_request,
    configured_chromium,
    wait_until_ready,
)
from newscrawl.pages.fmm import FmmArticlePage
from newscrawl.spiders.rfi import RfiCnSpider
from tests.browser_server import Protected, is_article_path, js_shell, late_body, serve_protected
from tests.conftest import (
    ROOT,
    SNAPSHOT,
    article_fixtures,
    read_jsonl,
    run_crawl,
    serve,
)

FIXTURE_DATA = article_fixtures("rfi_cn")
EXPECTED = {f["url"]: f for f in FIXTURE_DATA}
CONTACT = "mailto:crawl-ops@example.org"
USER_AGENT = f"newscrawl/{__version__} (+{CONTACT})"


def url_path(fixture: dict[str, Any]) -> str:
    """The URL path serving a fixture's page: ``snapshots/rfi/cn/…/x.html`` → ``/cn/…/x``."""
    page: str = fixture["page"]
    return "/" + page.removeprefix("snapshots/rfi/").removesuffix(".html")


SHELL = next(f for f in FIXTURE_DATA if "20240224-" in f["page"])  # section, rss and sitemap; has an image
SHELL_PATH = url_path(SHELL)
ARTICLE_PATHS = {url_path(f) for f in FIXTURE_DATA}


def stat(log: str, name: str) -> int | None:
    """A numeric stat from the ``Dumping Scrapy stats`` block of a crawl log, None when absent."""
    block = log[log.index("Dumping Scrapy stats") :]
    match = re.search(rf"'{re.escape(name)}': (\d+)", block)
    return int(match.group(1)) if match else None


# -- unit level: decisions, no browser ----------------------------------------------------------


def make_crawler(**settings: Any) -> Crawler:
    base = {
        "NEWSCRAWL_SEEN_STORE_ENABLED": False,
        "NEWSCRAWL_BROWSER_ENABLED": True,
        "NEWSCRAWL_CHROMIUM_PATH": "/bin/sh",  # any executable: the decision tests launch nothing
        "NEWSCRAWL_BROWSER_WAIT_TIMEOUT": 5,
    }
    return get_crawler(RfiCnSpider, {**base, **settings})


@pytest.fixture
def crawler() -> Crawler:
    return make_crawler()


def make_spider(crawler: Crawler, cls: type[RfiCnSpider] = RfiCnSpider) -> RfiCnSpider:
    spider = cls.from_crawler(crawler, base_url="http://127.0.0.1:9")
    assert isinstance(spider, cls)
    crawler.spider = spider  # as Crawler.crawl() does; the middleware reads it there
    return spider


@pytest.fixture
def spider(crawler: Crawler) -> RfiCnSpider:
    return make_spider(crawler)


@pytest.fixture
def mw(crawler: Crawler) -> BrowserMiddleware:
    return BrowserMiddleware.from_crawler(crawler)


def article_request(spider: RfiCnSpider, fixture: dict[str, Any] = SHELL) -> Request:
    (request,) = spider.article_requests([fixture["url"]], via="rss", base="https://www.rfi.fr/cn/")
    return request


def listing_requests(spider: RfiCnSpider) -> list[Request]:
    """Homepage, section pages, RSS and the news sitemap, as the spider starts them."""
    requests: list[Request] = []

    async def collect() -> None:
        requests.extend([r async for r in spider.start()])

    asyncio.run(collect())
    return requests


def html(request: Request, body: str | bytes, status: int = 200) -> HtmlResponse:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return HtmlResponse(request.url, status=status, body=data, encoding="utf-8", request=request)


def real_page(fixture: dict[str, Any] = SHELL) -> str:
    return str((ROOT / fixture["page"]).read_text("utf-8"))


CHALLENGE = (
    "<html><head><script>document.cookie='bp=ok';location.reload()</script></head><body></body></html>"
)


def stats(crawler: Crawler) -> dict[str, Any]:
    assert crawler.stats is not None
    return {k: v for k, v in crawler.stats.get_stats().items() if k.startswith("newscrawl/browser")}


def test_article_page_with_markup_stays_plain(spider: RfiCnSpider, mw: BrowserMiddleware) -> None:
    request = article_request(spider)
    mw.process_request(request)
    assert "playwright" not in request.meta
    response = html(request, real_page())
    assert mw.process_response(request, response) is response
    assert stats(spider.crawler) == {}


def test_403_article_goes_to_the_browser_once(
    spider: RfiCnSpider, mw: BrowserMiddleware, caplog: pytest.LogCaptureFixture
) -> None:
    request = article_request(spider)
    with caplog.at_level(logging.INFO, logger="newscrawl.browser"):
        again = mw.process_response(request, html(request, CHALLENGE, status=403))
    assert isinstance(again, Request)
    assert again.url == request.url
    assert again.callback == spider.parse_article
    assert again.dont_filter
    assert again.meta["playwright"] is True
    assert again.meta[META_FETCH] == "status_403"
    assert again.meta["newscrawl_public_url"] == request.meta["newscrawl_public_url"]
    wait = again.meta["playwright_page_methods"][WAIT_METHOD]
    assert isinstance(wait, PageMethod)
    assert wait.method is wait_until_ready
    assert wait.args == (
        "div.t-content__body > p",
        5000.0,
    )  # FmmArticlePage.READY_SELECTOR: the body's paragraphs
    assert "playwright" not in request.meta  # the plain request is not changed
    assert stats(spider.crawler) == {
        "newscrawl/browser/fetches": 1,
        "newscrawl/browser/fetches/status_403": 1,
    }
    assert f"browser fetch (status_403): {request.url}" in caplog.text
    # the browser's answer is final: still a 403 without the article, it is counted, never re-sent
    with caplog.at_level(logging.INFO, logger="newscrawl.browser"):
        final = mw.process_response(again, html(again, CHALLENGE, status=403))
    assert isinstance(final, Response)
    assert final.status == 403
    assert stats(spider.crawler)["newscrawl/browser/failed"] == 1
    assert f"browser fetch (status_403) failed: {request.url}" in caplog.text


def test_js_shell_is_detected_but_the_json_copy_is_not_markup(
    spider: RfiCnSpider, mw: BrowserMiddleware
) -> None:
    request = article_request(spider)
    shell = js_shell(real_page())
    assert "t-content__article-wrapper" in shell  # inside the JSON string only
    again = mw.process_response(request, html(request, shell))
    assert isinstance(again, Request)
    assert again.meta[META_FETCH] == "js_shell"
    assert stats(spider.crawler) == {"newscrawl/browser/fetches": 1, "newscrawl/browser/fetches/js_shell": 1}
    # a page without any script cannot be a shell (an empty 200, a static error page): left as it is
    for static in ("", "<html><body><p>Service unavailable</p></body></html>"):
        answer = html(request, static)
        assert mw.process_response(request, answer) is answer
    # an h1.t-content__title alone is article markup too
    titled = html(request, "<html><body><h1 class='t-content__title'>x</h1></body></html>")
    assert mw.process_response(request, titled) is titled


def test_a_template_whose_body_a_script_inserts_is_a_js_shell(
    spider: RfiCnSpider, mw: BrowserMiddleware
) -> None:
    request = article_request(spider)
    page = late_body(real_page(), 1.5)
    assert '<article class="t-content__article-wrapper"' in page
    assert 'class="t-content__title' in page
    again = mw.process_response(request, html(request, page))
    assert isinstance(again, Request)
    assert again.meta[META_FETCH] == "js_shell"
    wait = again.meta["playwright_page_methods"][WAIT_METHOD]
    assert (wait.method, wait.args) == (wait_until_ready, ("div.t-content__body > p", 5000.0))
    # a blank first paragraph (the CMS writes one holding a no-break space) is no body either
    blank = late_body(real_page(), None).replace('u-clearfix">', 'u-clearfix"><p>&nbsp;</p>\u200b', 1)
    assert isinstance(mw.process_response(request, html(request, blank)), Request)
    # the template without any body container is a layout change, left to validation: no browser
    renamed = html(request, real_page().replace("t-content__body", "t-content__text"))
    assert mw.process_response(request, renamed) is renamed
    assert stats(spider.crawler) == {"newscrawl/browser/fetches": 2, "newscrawl/browser/fetches/js_shell": 2}


def test_a_rendered_page_whose_body_never_came_is_a_counted_failure(
    spider: RfiCnSpider, mw: BrowserMiddleware, caplog: pytest.LogCaptureFixture
) -> None:
    plain = article_request(spider)
    empty = late_body(real_page(), None)
    request = mw.process_response(plain, html(plain, empty))
    assert isinstance(request, Request)
    request.meta["playwright_page_methods"][WAIT_METHOD].result = {"ready": False, "status": 200}
    with caplog.at_level(logging.INFO, logger="newscrawl.browser"):
        rendered = mw.process_response(request, html(request, empty))
    assert isinstance(rendered, Response)
    assert rendered.status == 200
    assert stats(spider.crawler)["newscrawl/browser/failed"] == 1
    assert (
        f"browser fetch (js_shell) failed: {plain.url}: the article body did not appear within 5 s (HTTP 200)"
        in caplog.text
    )


def test_listings_feeds_sitemaps_and_robots_never_go_to_the_browser(
    spider: RfiCnSpider, mw: BrowserMiddleware
) -> None:
    requests = listing_requests(spider)
    assert {r.callback.__name__ for r in requests if r.callback} >= {
        "parse_listing",
        "parse_rss",
        "parse_sitemap",
    }
    requests.append(Request("http://127.0.0.1:9/robots.txt", meta={"dont_obey_robotstxt": True}))
    for request in requests:
        for response in (html(request, CHALLENGE, status=403), html(request, CHALLENGE)):
            assert mw.process_response(request, response) is response, request.url
        mw.process_request(request)
        assert "playwright" not in request.meta
    assert stats(spider.crawler) == {}


@pytest.mark.parametrize(
    ("status", "body", "cls"),
    [
        (404, CHALLENGE, HtmlResponse),
        (500, CHALLENGE, HtmlResponse),
        (401, CHALLENGE, HtmlResponse),
        (200, "%PDF-1.7 not html", Response),
        (200, "plain text, no markup", TextResponse),
    ],
)
def test_other_answers_stay_as_they_are(
    spider: RfiCnSpider, mw: BrowserMiddleware, status: int, body: str, cls: type[Response]
) -> None:
    request = article_request(spider)
    response = cls(request.url, status=status, body=body.encode(), request=request)
    assert mw.process_response(request, response) is response
    assert stats(spider.crawler) == {}


def test_single_request_opt_in(spider: RfiCnSpider, mw: BrowserMiddleware) -> None:
    listing = Request("http://127.0.0.1:9/cn/", meta={META_OPT_IN: True})
    mw.process_request(listing)
    assert listing.meta["playwright"] is True
    assert listing.meta[META_FETCH] == "opt_in"
    assert "playwright_page_methods" not in listing.meta  # the article wait is for articles only
    article = article_request(spider)
    article.meta[META_OPT_IN] = True
    mw.process_request(article)
    assert WAIT_METHOD in article.meta["playwright_page_methods"]
    # already through the browser: a 403 is final
    response = html(article, CHALLENGE, status=403)
    assert mw.process_response(article, response) is response
    assert stats(spider.crawler) == {
        "newscrawl/browser/fetches": 2,
        "newscrawl/browser/fetches/opt_in": 2,
        "newscrawl/browser/failed": 1,
    }


class JsRfiCnSpider(RfiCnSpider):
    name = "rfi_cn_js"
    requires_js = True


def test_requires_js_spider_renders_every_article() -> None:
    crawler = make_crawler()
    spider = make_spider(crawler, JsRfiCnSpider)
    mw = BrowserMiddleware.from_crawler(crawler)
    request = article_request(spider)
    assert request.meta["playwright"] is True  # set by FmmSpider.article_requests
    mw.process_request(request)
    assert request.meta[META_FETCH] == "opt_in"
    assert WAIT_METHOD in request.meta["playwright_page_methods"]
    for listing in listing_requests(spider):
        assert not listing.meta.get("playwright")
    assert not article_request(make_spider(make_crawler())).meta.get("playwright")


def test_rendered_page_gets_the_status_of_the_document_shown(
    spider: RfiCnSpider, mw: BrowserMiddleware
) -> None:
    plain = article_request(spider)
    request = mw.process_response(plain, html(plain, CHALLENGE, status=403))
    assert isinstance(request, Request)
    request.meta["playwright_page_methods"][WAIT_METHOD].result = {"ready": True, "status": 200}
    # scrapy-playwright reports the status of the first navigation (the challenge); the HTML is the article
    rendered = mw.process_response(request, html(request, real_page(), status=403))
    assert isinstance(rendered, Response)
    assert rendered.status == 200
    # status unknown (the page navigated meanwhile) but the body is there: a success too
    other = article_request(spider, FIXTURE_DATA[0])
    again = mw.process_response(other, html(other, CHALLENGE, status=403))
    assert isinstance(again, Request)
    again.meta["playwright_page_methods"][WAIT_METHOD].result = {"ready": True, "status": 0}
    rendered = mw.process_response(again, html(again, real_page(FIXTURE_DATA[0]), status=403))
    assert isinstance(rendered, Response)
    assert rendered.status == 200
    assert "newscrawl/browser/failed" not in stats(spider.crawler)


def test_browser_exception_is_counted(spider: RfiCnSpider, mw: BrowserMiddleware) -> None:
    plain = article_request(spider)
    request = mw.process_response(plain, html(plain, CHALLENGE, status=403))
    assert isinstance(request, Request)
    mw.process_exception(request, TimeoutError("navigation timed out"))
    assert stats(spider.crawler)["newscrawl/browser/failed"] == 1
    mw.process_exception(plain, TimeoutError("plain"))
    assert stats(spider.crawler)["newscrawl/browser/failed"] == 1


def test_missing_chromium_keeps_plain_answers(caplog: pytest.LogCaptureFixture) -> None:
    crawler = make_crawler(NEWSCRAWL_CHROMIUM_PATH="/nonexistent/chromium")
    spider = make_spider(crawler)
    with caplog.at_level(logging.WARNING, logger="newscrawl.browser"):
        mw = BrowserMiddleware.from_crawler(crawler)
        assert "browser rendering unavailable: Chromium not found at '/nonexistent/chromium'" in caplog.text
        request = article_request(spider)
        response = html(request, CHALLENGE, status=403)
        assert mw.process_response(request, response) is response
        opted = Request("http://127.0.0.1:9/cn/", meta={META_OPT_IN: True})
        mw.process_request(opted)
    assert opted.meta["playwright"] is False  # fetched plainly instead
    assert f"browser fetch (status_403) failed: {request.url}: Chromium is missing" in caplog.text
    assert stats(crawler) == {"newscrawl/browser/failed": 2}


def test_switch_off_disables_middleware_and_handlers() -> None:
    with pytest.raises(NotConfigured):
        BrowserMiddleware.from_crawler(make_crawler(NEWSCRAWL_BROWSER_ENABLED=False))
    off = get_project_settings()
    off.set("NEWSCRAWL_BROWSER_ENABLED", False, priority="cmdline")
    BrowserAddon().update_settings(off)
    handlers = off.getwithbase("DOWNLOAD_HANDLERS")
    assert (
        handlers["http"]
        == handlers["https"]
        == "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler"
    )
    on = get_project_settings()
    on.set("NEWSCRAWL_CHROMIUM_PATH", "/opt/chromium/chrome", priority="cmdline")
    BrowserAddon().update_settings(on)
    assert on.getwithbase("DOWNLOAD_HANDLERS")["https"] == PLAYWRIGHT_HANDLER
    assert on.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")["executable_path"] == "/opt/chromium/chrome"


def test_an_explicit_executable_path_is_not_overwritten() -> None:
    """``-s PLAYWRIGHT_LAUNCH_OPTIONS=…`` (cmdline priority) over the project's NEWSCRAWL_CHROMIUM_PATH."""
    chrome = {"executable_path": "/opt/google/chrome/chrome", "headless": True}
    settings = get_project_settings()
    settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", chrome, priority="cmdline")
    BrowserAddon().update_settings(settings)
    assert settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS") == chrome
    assert configured_chromium(settings) == "/opt/google/chrome/chrome"  # what the middleware looks for
    # a Chromium path given as explicitly wins (the project's launch options, or both on the command line)
    for launch_priority in ("project", "cmdline"):
        both = get_project_settings()
        both.set("PLAYWRIGHT_LAUNCH_OPTIONS", chrome, priority=launch_priority)
        both.set("NEWSCRAWL_CHROMIUM_PATH", "/opt/chromium/chrome", priority="cmdline")
        BrowserAddon().update_settings(both)
        assert both.getdict("PLAYWRIGHT_LAUNCH_OPTIONS") == {
            **chrome,
            "executable_path": "/opt/chromium/chrome",
        }
    # explicit launch options without a path get the project's
    headful = get_project_settings()
    headful.set("PLAYWRIGHT_LAUNCH_OPTIONS", {"headless": False}, priority="cmdline")
    BrowserAddon().update_settings(headful)
    assert headful.getdict("PLAYWRIGHT_LAUNCH_OPTIONS") == {
        "headless": False,
        "executable_path": "/usr/bin/chromium",
    }


def test_project_settings_bound_the_browser() -> None:
    settings: Settings = get_project_settings()
    assert settings.getbool("NEWSCRAWL_BROWSER_ENABLED") is True
    assert settings.get("NEWSCRAWL_CHROMIUM_PATH") == "/usr/bin/chromium"
    assert settings.getwithbase("DOWNLOADER_MIDDLEWARES")["newscrawl.browser.BrowserMiddleware"] == 585
    assert settings.getdict("ADDONS") == {"newscrawl.browser.BrowserAddon": 0}
    options = settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
    assert options["executable_path"] == "/usr/bin/chromium"
    assert options["headless"] is True
    assert {
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    } <= set(options["args"])
    assert settings.getint("PLAYWRIGHT_MAX_CONTEXTS") == 1
    assert 1 <= settings.getint("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT") <= 2
    assert settings.getfloat("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT") == 30_000
    assert settings.get("PLAYWRIGHT_ABORT_REQUEST") == "newscrawl.browser.abort_request"
    assert not settings.getdict("PLAYWRIGHT_CONTEXTS")  # no context (hence no browser) at startup
    for kind in ("image", "media", "font", "stylesheet"):
        assert abort_request(SimpleNamespace(resource_type=kind))  # type: ignore[arg-type]
    for kind in ("document", "script", "xhr", "fetch"):
        assert not abort_request(SimpleNamespace(resource_type=kind))  # type: ignore[arg-type]


# -- end to end: a real crawl with Debian's Chromium ---------------------------------------------


def chromium() -> str:
    path = get_project_settings().get("NEWSCRAWL_CHROMIUM_PATH")
    if shutil.which(path) is None:
        pytest.fail(f"{path} is not installed: run scripts/system-deps.sh (it installs Debian's chromium)")
    return str(path)


def launch_options_offline() -> str:
    """The project's launch options; only 127.0.0.1 resolves (the pages name www.rfi.fr & co.)."""
    options = get_project_settings().getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
    options["args"] = [*options["args"], "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]
    return json.dumps(options)


def crawl_protected(
    workdir: Path,
    *args: str,
    late: dict[str, float | None] | None = None,
    root: Path = SNAPSHOT,
) -> tuple[list[dict[str, Any]], str, Protected]:
    out = workdir / "items.jsonl"
    with serve_protected(root, workdir / "requests.jsonl", SHELL_PATH, late) as served:
        result = run_crawl(
            "rfi_cn",
            "-a",
            f"base_url={served.url}",
            "-s",
            f"NEWSCRAWL_CONTACT_URL={CONTACT}",
            "-s",
            f"PLAYWRIGHT_LAUNCH_OPTIONS={launch_options_offline()}",
            "-O",
            str(out),
            *args,
            cwd=workdir,
        )
    assert result.returncode == 0, result.stderr[-3000:]
    return read_jsonl(out), result.stderr, served


@pytest.fixture(scope="module")
def browser_crawl(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], str, Protected]:
    chromium()
    return crawl_protected(tmp_path_factory.mktemp("browser-crawl"))


def test_protected_site_yields_every_item_complete(browser_crawl: Any) -> None:
    items, _, _ = browser_crawl
    assert sorted(i["url"] for i in items) == sorted(EXPECTED)
    for item in items:
        for field, value in EXPECTED[item["url"]]["expected"].items():
            assert item[field] == value, (item["url"], field)
        assert (item["site"], item["edition"], item["language"]) == ("rfi", "cn", "zh-Hans")
        assert item["discovered_via"] in EXPECTED[item["url"]]["sources"]


def test_stats_show_browser_fetches_by_reason(browser_crawl: Any) -> None:
    _, log, _ = browser_crawl
    assert stat(log, "newscrawl/browser/fetches/status_403") == len(EXPECTED) - 1
    assert stat(log, "newscrawl/browser/fetches/js_shell") == 1
    assert stat(log, "newscrawl/browser/fetches") == len(EXPECTED)
    assert stat(log, "newscrawl/browser/fetches/opt_in") is None
    assert stat(log, "newscrawl/browser/failed") is None
    assert stat(log, "item_scraped_count") == len(EXPECTED)
    assert stat(log, "newscrawl/pages/not_article") is None
    # bounded browser: one Chromium, one context, at most 2 pages at once, every page closed
    assert stat(log, "playwright/browser_count") == 1
    assert stat(log, "playwright/context_count") == 1
    assert (stat(log, "playwright/page_count/max_concurrent") or 0) <= 2
    assert stat(log, "playwright/page_count/closed") == stat(log, "playwright/page_count") == len(EXPECTED)
    assert (stat(log, "playwright/request_count/aborted") or 0) > 0  # images, fonts, stylesheets
    assert "browser fetch (js_shell): " in log
    assert "browser fetch (status_403): " in log


def test_server_log_shows_browser_only_for_articles_after_a_403_or_shell(browser_crawl: Any) -> None:
    _, _, served = browser_crawl
    requests = served.requests()
    plain = [r for r in requests if not r["browser"]]
    browser = [r for r in requests if r["browser"]]
    # listings, feeds, sitemaps and robots.txt: plain HTTP only
    assert {"/robots.txt", "/cn/", "/cn/欧洲/", "/cn/rss", "/sitemaps/cn/news.xml"} <= {
        r["path"] for r in plain
    }
    # Chromium may also fetch the site's /favicon.ico by itself (Playwright cannot intercept it)
    assert [r for r in browser if not is_article_path(r["path"]) and r["path"] != "/favicon.ico"] == []
    assert {r["user_agent"] for r in requests} == {USER_AGENT}  # the browser still names the crawler
    # each article: exactly one plain request (a challenge, or the shell), the browser only after it
    for path in ARTICLE_PATHS:
        mine = [(i, r) for i, r in enumerate(requests) if r["path"] == path]
        first_browser = next(i for i, r in mine if r["browser"])
        plain_hits = [r for _, r in mine if not r["browser"]]
        assert len(plain_hits) == 1, path
        assert plain_hits[0]["kind"] == ("shell" if path == SHELL_PATH else "challenge"), path
        assert all(i < first_browser for i, r in mine if not r["browser"]), path
        assert mine[-1][1]["browser"], path
        assert mine[-1][1]["status"] == 200, path
        assert mine[-1][1]["kind"] == ("shell" if path == SHELL_PATH else "article"), path
    # the challenge was solved in the browser (cookie set by its script, then reloaded)
    assert [r for r in browser if r["kind"] == "challenge"]
    assert [r for r in browser if r["kind"] == "article" and r["cookie"]]
    assert not [r for r in plain if r["cookie"]]


def test_switched_off_no_browser_and_403s_are_errors(tmp_path: Path) -> None:
    items, log, served = crawl_protected(
        tmp_path, "-a", "sources=rss", "-s", "NEWSCRAWL_BROWSER_ENABLED=False"
    )
    assert items == []  # every article is behind the challenge or a shell
    assert "scrapy-playwright" not in log  # not even Playwright's driver started
    assert "Disabled newscrawl.browser.BrowserMiddleware: NEWSCRAWL_BROWSER_ENABLED is off" in log
    assert stat(log, "newscrawl/browser/fetches") is None
    # every article but the shell answered 403 to plain HTTP, and that was final
    assert (
        stat(log, "downloader/response_status_count/403") == (stat(log, "newscrawl/links/article") or 0) - 1
    )
    assert stat(log, "newscrawl/pages/not_article") == 1  # the shell, read as is
    assert not [r for r in served.requests() if r["browser"]]


def test_missing_chromium_is_a_clear_error_not_a_crash(tmp_path: Path) -> None:
    items, log, served = crawl_protected(
        tmp_path, "-a", "sources=rss", "-s", "NEWSCRAWL_CHROMIUM_PATH=/nonexistent/chromium"
    )
    assert items == []
    assert "browser rendering unavailable: Chromium not found at '/nonexistent/chromium'" in log
    assert "Chromium is missing" in log
    assert (stat(log, "newscrawl/browser/failed") or 0) > 0
    assert stat(log, "playwright/browser_count") is None
    assert "/cn/rss" in [r["path"] for r in served.requests()]  # the rest of the crawl ran
    assert not [r for r in served.requests() if r["browser"]]


def test_crawl_that_needs_no_browser_launches_none(tmp_path: Path) -> None:
    """The plain snapshot (no protection): scrapy-playwright's handler passes it all to Scrapy's client."""
    with serve(SNAPSHOT, tmp_path / "requests.jsonl") as served:
        result = run_crawl(
            "rfi_cn", "-a", f"base_url={served.url}", "-O", str(tmp_path / "o.jsonl"), cwd=tmp_path
        )
    log = result.stderr
    assert result.returncode == 0, log[-3000:]
    assert len(read_jsonl(tmp_path / "o.jsonl")) == len(EXPECTED)
    assert "Launching browser" not in log
    assert stat(log, "playwright/browser_count") is None
    assert stat(log, "playwright/page_count") is None
    assert stat(log, "newscrawl/browser/fetches") is None


# -- a body inserted by script after load: the browser waits for the body's paragraphs ----------

LATE = next(f for f in FIXTURE_DATA if "20240209-" in f["page"])  # in the RSS feed only
NEVER = next(f for f in FIXTURE_DATA if "20240220-" in f["page"])  # in the RSS feed only


@pytest.fixture(scope="module")
def late_crawl(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], str, Protected]:
    """``rfi_cn`` over RSS: LATE's body comes 1.5 s after load, NEVER's never (the wait is 6 s)."""
    chromium()
    return crawl_protected(
        tmp_path_factory.mktemp("late-body"),
        "-a",
        "sources=rss",
        "-s",
        "NEWSCRAWL_BROWSER_WAIT_TIMEOUT=6",
        "-s",
        "NEWSCRAWL_COVERAGE_ENABLED=False",  # NEVER's missing body is this test's point, not a layout change
        late={url_path(LATE): 1.5, url_path(NEVER): None},
    )


def test_a_body_inserted_after_load_is_waited_for(late_crawl: Any) -> None:
    items, _log, served = late_crawl
    (item,) = [i for i in items if i["url"] == LATE["url"]]
    for field, value in LATE["expected"].items():
        assert item[field] == value, field
    paragraphs = re.findall(r"<p>(.*?)</p>", item["body_html"])
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith("选举当天，巴基斯坦当局以安全为由暂停了全国的移动通信服务")
    # plain HTTP got the template with an empty body; Chromium then got it, and ran the script
    late = [r for r in served.requests() if r["path"] == url_path(LATE)]
    assert [(r["browser"], r["kind"]) for r in late] == [(False, "late"), (True, "late")]


def test_a_body_that_never_comes_is_a_counted_failure(late_crawl: Any) -> None:
    items, log, _served = late_crawl
    assert NEVER["url"] not in {i["url"] for i in items}
    assert stat(log, "newscrawl/browser/failed") == 1
    (line,) = [line for line in log.splitlines() if "browser fetch (js_shell) failed: " in line]
    assert line.endswith(": the article body did not appear within 6 s (HTTP 200)")
    assert quote(url_path(NEVER)) in line
    assert stat(log, "newscrawl/browser/fetches/js_shell") == 3  # the shell, LATE and NEVER
    # every other article of the feed is complete
    rss = [f for f in FIXTURE_DATA if "rss" in f["sources"] and f is not NEVER]
    assert sorted(i["url"] for i in items) == sorted(f["url"] for f in rss)


def test_the_requires_js_wait_is_for_the_body_not_the_template(tmp_path: Path) -> None:
    """The wait a ``requires_js`` article request gets, run in Chromium on a page whose body comes late."""
    from playwright.async_api import async_playwright

    crawler = make_crawler()
    spider = make_spider(crawler, JsRfiCnSpider)
    request = article_request(spider, LATE)
    BrowserMiddleware.from_crawler(crawler).process_request(request)
    wait = request.meta["playwright_page_methods"][WAIT_METHOD]

    async def render(url: str) -> tuple[Any, str]:
        async with async_playwright() as playwright:
            options = json.loads(launch_options_offline())
            browser = await playwright.chromium.launch(**options)
            try:
                page = await browser.new_page()
                await page.goto(url, wait_until="load")  # scrapy-playwright's default
                result = await wait.method(page, *wait.args)
                return result, await page.content()
            finally:
                await browser.close()

    chromium()
    with serve_protected(SNAPSHOT, tmp_path / "requests.jsonl", SHELL_PATH, {url_path(LATE): 1.5}) as served:
        result, rendered = asyncio.run(render(served.url + quote(url_path(LATE))))
    page = FmmArticlePage.from_html(rendered, LATE["url"])
    texts = ["".join(p.css("::text").getall()).strip() for p in page.sel.css(FmmArticlePage.READY_SELECTOR)]
    assert len(texts) == 4
    assert texts[0].startswith("选举当天，巴基斯坦当局以安全为由暂停了全国的移动通信服务")
    assert texts[3].startswith("巴基斯坦正面临严重的经济困难")
    assert page.is_ready()
    assert result == {"ready": True, "status": 200}
