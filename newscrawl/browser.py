"""Browser rendering, only for the article pages that need it.

Every request is plain HTTP (Scrapy's own client) unless it needs a browser.
:class:`BrowserMiddleware` sends an ARTICLE request through headless
Chromium (scrapy-playwright) once, when

- the plain answer was a **403** (bot protection: a JavaScript challenge that
  sets a cookie and reloads), reason ``status_403``;
- the plain answer was a 200 HTML page with scripts that is not *ready*: its
  body has no paragraph with text yet (the page class's ``READY_SELECTOR``,
  ``div.t-content__body > p`` on FMM pages), because a script inserts the article, or
  only its body, after load; reason ``js_shell``. An empty or script-less
  page cannot render more, and a page with the article template but no body
  container at all is a layout change, not a shell: those are left as they
  are;
- or the request opted in (reason ``opt_in``): meta ``newscrawl_browser=True``
  on any request, or every article request of an edition whose spider class
  sets ``requires_js = True`` (it sets meta ``playwright=True``).

Listings, feeds, sitemaps and robots.txt are never re-fetched. A request
fetched through the browser carries meta ``newscrawl_browser_fetch`` (the
reason) and is never sent to the browser a second time. The browser waits
until the page is ready, a body paragraph with text in the DOM
(``NEWSCRAWL_BROWSER_WAIT_TIMEOUT``), then the page's HTML goes to the
spider like any response: the item is the same as from plain HTTP. A page
that is still not ready then is a failure: counted, logged, and its empty
body never makes an item (validation drops it). The response status is that
of the document finally rendered (the article after a passed challenge, not
the challenge's 403).

:class:`BrowserAddon` derives the scrapy-playwright settings from newscrawl's
before the crawl starts: ``PLAYWRIGHT_LAUNCH_OPTIONS['executable_path']``
from ``NEWSCRAWL_CHROMIUM_PATH``, unless the launch options were given with
a higher priority (``-s PLAYWRIGHT_LAUNCH_OPTIONS=…`` over the project's
Chromium path: the user's own ``executable_path`` is kept); with
``NEWSCRAWL_BROWSER_ENABLED=False`` it restores Scrapy's plain HTTP
handlers, so nothing of Playwright starts.

Stats (``newscrawl/`` prefix): ``browser/fetches``,
``browser/fetches/<opt_in|status_403|js_shell>``, ``browser/failed`` (the
browser raised, the page was not ready within the wait, or Chromium is
missing).
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
from typing import TYPE_CHECKING, Any

from scrapy import Request, Spider
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.settings import BaseSettings
from scrapy_playwright.page import PageMethod

if TYPE_CHECKING:
    # Playwright itself is imported only when a page needs the browser (~0.1 s a run otherwise)
    from playwright.async_api import Page
    from playwright.async_api import Request as PlaywrightRequest
    from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from newscrawl.pages.base import READY, WAITING, ArticlePage

logger = logging.getLogger(__name__)

PLAYWRIGHT_HANDLER = "newscrawl.browser.LazyPlaywrightDownloadHandler"

#: meta key: a single request asks for the browser (any request)
META_OPT_IN = "newscrawl_browser"
#: meta key set on a request fetched through the browser: the reason; never re-fetched again
META_FETCH = "newscrawl_browser_fetch"
#: key of newscrawl's page method in meta ``playwright_page_methods``
WAIT_METHOD = "newscrawl_wait_until_ready"

OPT_IN = "opt_in"
STATUS_403 = "status_403"
JS_SHELL = "js_shell"

#: sub-resources the browser never downloads (the page's HTML is all the spider reads)
ABORTED_RESOURCE_TYPES = frozenset({"image", "media", "font", "stylesheet"})

_NAVIGATION_STATUS_JS = (
    "() => { const e = performance.getEntriesByType('navigation')[0];"
    " return e && e.responseStatus ? e.responseStatus : 0; }"
)


def abort_request(request: PlaywrightRequest) -> bool:
    """``PLAYWRIGHT_ABORT_REQUEST``: images, media, fonts and stylesheets are not fetched."""
    return request.resource_type in ABORTED_RESOURCE_TYPES


#: :meth:`ArticlePage.is_ready` in the page: an element matched by the selector holds text
#: (JavaScript's ``\s`` covers the no-break space and the BOM)
_READY_JS = (
    "(selector) => Array.from(document.querySelectorAll(selector))"
    ".some((node) => /[^\\s\\u200b]/.test(node.textContent))"
)


async def wait_until_ready(page: Page, selector: str, timeout_ms: float) -> dict[str, Any]:
    """Page method: wait until an element matched by ``selector`` holds text (across a challenge's reload).

    ``selector`` is the page class's ``READY_SELECTOR`` (the body's paragraphs). Never
    raises on a timeout: the page is then returned as it is and the middleware
    counts a failure. ``status`` is the HTTP status of the document in the
    page now (0 when unknown), ``ready`` whether the body appeared.
    """
    from playwright.async_api import Error as PlaywrightError

    try:
        await page.wait_for_function(_READY_JS, arg=selector, timeout=timeout_ms, polling=100)
        ready = True
    except PlaywrightError:
        ready = False
    try:
        await page.wait_for_load_state("domcontentloaded", timeout=timeout_ms)
        status = int(await page.evaluate(_NAVIGATION_STATUS_JS) or 0)
    except (PlaywrightError, TypeError, ValueError):
        status = 0
    return {"ready": ready, "status": status}


def configured_chromium(settings: BaseSettings) -> str | None:
    """The launch options' ``executable_path``, else ``NEWSCRAWL_CHROMIUM_PATH``; None when neither is set."""
    configured = settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS").get("executable_path") or settings.get(
        "NEWSCRAWL_CHROMIUM_PATH"
    )
    return str(configured) if configured else None


def chromium_executable(settings: BaseSettings) -> str | None:
    """The Chromium the browser would launch, resolved; None when it is missing.

    A remote browser (``PLAYWRIGHT_CDP_URL`` / ``PLAYWRIGHT_CONNECT_URL``) needs
    none locally; then the configured path is returned unchecked.
    """
    configured = configured_chromium(settings)
    if settings.get("PLAYWRIGHT_CDP_URL") or settings.get("PLAYWRIGHT_CONNECT_URL"):
        return str(configured or "remote")
    if not configured:
        return None
    found = shutil.which(str(configured))
    return found if found and os.path.isfile(found) else None


def _replace(settings: BaseSettings, name: str, value: Any) -> None:
    """Set ``name`` at the priority it already has (an add-on's own priority is lower than the project's)."""
    settings.set(name, value, priority=settings.getpriority(name) or "project")


def browser_enabled(settings: BaseSettings) -> bool:
    """NEWSCRAWL_BROWSER_ENABLED, and never with NEWSCRAWL_RIGHTS_MODE=enforce (docs/rights.md)."""
    enforce = str(settings.get("NEWSCRAWL_RIGHTS_MODE") or "").strip().lower() == "enforce"
    return settings.getbool("NEWSCRAWL_BROWSER_ENABLED", True) and not enforce


class BrowserAddon:
    """Scrapy add-on: scrapy-playwright's settings derived from newscrawl's, before the crawl."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not browser_enabled(settings):
            # no browser at all: Scrapy's plain HTTP handlers, Playwright never starts
            handlers = settings.getdict("DOWNLOAD_HANDLERS")
            base = settings.getdict("DOWNLOAD_HANDLERS_BASE")
            changed = False
            for scheme in ("http", "https"):
                if handlers.get(scheme) == PLAYWRIGHT_HANDLER:
                    handlers[scheme] = base.get(scheme)
                    changed = True
            if changed:
                _replace(settings, "DOWNLOAD_HANDLERS", handlers)
            return
        path = settings.get("NEWSCRAWL_CHROMIUM_PATH")
        options = settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
        if options.get("executable_path") and (settings.getpriority("PLAYWRIGHT_LAUNCH_OPTIONS") or 0) > (
            settings.getpriority("NEWSCRAWL_CHROMIUM_PATH") or 0
        ):
            return  # an executable path given more explicitly than the Chromium path: the user's
        if path and options.get("executable_path") != path:
            options["executable_path"] = path
            _replace(settings, "PLAYWRIGHT_LAUNCH_OPTIONS", options)


class BrowserMiddleware:
    """Downloader middleware: article requests go through the browser once, only when needed."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not browser_enabled(settings):
            raise NotConfigured("NEWSCRAWL_BROWSER_ENABLED is off, or NEWSCRAWL_RIGHTS_MODE is enforce")
        self.crawler = crawler
        self.wait_timeout_ms = settings.getfloat("NEWSCRAWL_BROWSER_WAIT_TIMEOUT", 15.0) * 1000
        self.chromium = chromium_executable(settings)
        if self.chromium is None:
            logger.warning(
                "browser rendering unavailable: Chromium not found at %r; "
                "install Debian's chromium (scripts/system-deps.sh) or set NEWSCRAWL_CHROMIUM_PATH. "
                "Pages that need the browser will fail; all others are fetched as usual.",
                configured_chromium(settings),
            )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BrowserMiddleware:
        return cls(crawler)

    # -- decisions (no I/O) ----------------------------------------------------

    @staticmethod
    def is_article_request(request: Request, spider: Spider) -> bool:
        """An article page request of a spider (never a listing, feed, sitemap or robots.txt)."""
        parse_article = getattr(spider, "parse_article", None)
        return bool(
            request.meta.get("newscrawl_public_url")
            and parse_article is not None
            and request.callback == parse_article
        )

    @staticmethod
    def page_class(request: Request, spider: Spider) -> type[ArticlePage]:
        """The page class of the article's edition (``NewsSpider.article_page_class``)."""
        article_page_class = getattr(spider, "article_page_class", None)
        cls: type[ArticlePage] = (
            article_page_class(request) if article_page_class else getattr(spider, "page_class", ArticlePage)
        )
        return cls

    def body_state(self, request: Request, response: HtmlResponse, spider: Spider) -> str:
        """The page class's :meth:`~ArticlePage.body_state` of ``response``: from its bytes when they
        tell (:meth:`~ArticlePage.scan_body_state`, no parse in the crawl process), else parsed.
        """
        cls = self.page_class(request, spider)
        return cls.scan_body_state(response.body) or cls(response.selector, response.url).body_state()

    def is_ready(self, request: Request, response: Response, spider: Spider) -> bool:
        """The page class's ready condition (a ``READY_SELECTOR`` match with text) holds for ``response``."""
        return isinstance(response, HtmlResponse) and self.body_state(request, response, spider) == READY

    def awaits_script(self, request: Request, response: Response, spider: Spider) -> bool:
        """A 200 HTML page whose article, or only its body, a script has still to insert.

        Not ready, with scripts, and either without the article template or
        with an empty body container. A template without any body container
        (:data:`NO_BODY`) is a layout change: rendering cannot help; validation
        and the coverage monitor report it.
        """
        if response.status != 200 or not isinstance(response, HtmlResponse):
            return False
        # a page without scripts renders nothing more
        return self.body_state(request, response, spider) == WAITING and bool(
            response.selector.xpath("//script")
        )

    def reason_for(self, request: Request, response: Response, spider: Spider) -> str | None:
        """Why a plain answer to ``request`` must be fetched again through the browser, or None."""
        if META_FETCH in request.meta or request.meta.get("playwright"):
            return None  # already through the browser (or chosen for it): never twice
        if not self.is_article_request(request, spider):
            return None
        if response.status == 403:
            return STATUS_403
        if self.awaits_script(request, response, spider):
            return JS_SHELL
        return None

    @staticmethod
    def wants_browser(request: Request) -> bool:
        """Opt-in: meta ``newscrawl_browser`` or ``playwright`` (set for ``requires_js`` spiders)."""
        meta = request.meta
        return META_FETCH not in meta and bool(meta.get(META_OPT_IN) or meta.get("playwright"))

    # -- downloader middleware -------------------------------------------------

    @property
    def spider(self) -> Spider:
        spider = self.crawler.spider
        assert spider is not None
        return spider

    def process_request(self, request: Request) -> None:
        spider = self.spider
        if not self.wants_browser(request):
            return None
        if self.chromium is None:
            request.meta["playwright"] = False
            request.meta[META_FETCH] = OPT_IN
            self._failed(request, OPT_IN, "Chromium is missing; fetched without the browser")
            return None
        self._prepare(request, spider, OPT_IN)
        return None

    def process_response(self, request: Request, response: Response) -> Request | Response:
        spider = self.spider
        if request.meta.get("playwright") and META_FETCH in request.meta:
            return self._rendered(request, response, spider)
        reason = self.reason_for(request, response, spider)
        if reason is None:
            return response
        if self.chromium is None:
            self._failed(request, reason, "Chromium is missing; plain answer kept")
            return response
        browser_request = request.replace(dont_filter=True, meta=dict(request.meta))
        self._prepare(browser_request, spider, reason)
        return browser_request

    def process_exception(self, request: Request, exception: BaseException) -> None:
        if request.meta.get("playwright") and META_FETCH in request.meta:
            self._failed(request, request.meta[META_FETCH], f"{type(exception).__name__}: {exception}")
        return None

    # -- helpers ---------------------------------------------------------------

    def _prepare(self, request: Request, spider: Spider, reason: str) -> None:
        """Mark ``request`` (in place) for the browser; count and log it."""
        meta = request.meta
        meta["playwright"] = True
        meta[META_FETCH] = reason
        context: dict[str, Any] = {"service_workers": "block"}
        user_agent = request.headers.get("User-Agent")
        if user_agent:
            # the context's own, so that requests Playwright cannot intercept (Chromium fetches the
            # site's /favicon.ico by itself) still name the crawler
            context["user_agent"] = user_agent.decode("latin-1")
        meta.setdefault("playwright_context_kwargs", context)
        if self.is_article_request(request, spider):
            page = self.page_class(request, spider)
            wait = PageMethod(wait_until_ready, page.READY_SELECTOR, self.wait_timeout_ms)
            methods = meta.get("playwright_page_methods") or {}
            if isinstance(methods, dict):
                meta["playwright_page_methods"] = {**methods, WAIT_METHOD: wait}
            else:
                meta["playwright_page_methods"] = {
                    **{str(i): m for i, m in enumerate(methods)},
                    WAIT_METHOD: wait,
                }
        self._count("browser/fetches")
        self._count(f"browser/fetches/{reason}")
        logger.info("browser fetch (%s): %s", reason, request.url)

    def _rendered(self, request: Request, response: Response, spider: Spider) -> Response:
        """A page rendered by the browser: status of the document finally shown; failures counted."""
        methods = request.meta.get("playwright_page_methods")
        wait = methods.get(WAIT_METHOD) if isinstance(methods, dict) else None
        result = getattr(wait, "result", None)
        if isinstance(result, dict):
            # the status of the document shown; unknown but the body is there: a success
            status = result.get("status") or (200 if result.get("ready") else 0)
            if status and status != response.status:
                logger.debug("%s: HTTP %s rendered as HTTP %s", request.url, response.status, status)
                response = response.replace(status=status)
        if self.is_article_request(request, spider) and not self.is_ready(request, response, spider):
            self._failed(
                request,
                request.meta[META_FETCH],
                f"the article body did not appear within {self.wait_timeout_ms / 1000:g} s "
                f"(HTTP {response.status})",
            )
        return response

    def _failed(self, request: Request, reason: str, why: str) -> None:
        self._count("browser/failed")
        logger.error("browser fetch (%s) failed: %s: %s", reason, request.url, why)

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/{key}")


class LazyPlaywrightDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP client, and scrapy-playwright's handler from the first browser request on.

    scrapy-playwright's own handler starts a Playwright driver (a Node.js
    process of ~125 MB) per scheme when the engine starts, in every crawl, and
    importing it costs every run ~0.1 s; most crawls never need a browser. Here
    a request without meta ``playwright`` goes to Scrapy's HTTP/1.1 handler;
    the first one with it imports, creates and launches scrapy-playwright's
    handler (``_launch``, scrapy-playwright 0.0.48, pinned in
    requirements.lock), which then takes every browser request.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler=crawler)
        self._crawler = crawler
        self._browser: ScrapyPlaywrightDownloadHandler | None = None
        self._browser_lock: asyncio.Lock | None = None

    async def download_request(self, request: Request) -> Response:
        if request.meta.get("playwright"):
            browser = await self._browser_handler()
            rendered: Response = await browser.download_request(request)
            return rendered
        response: Response = await super().download_request(request)
        return response

    async def _browser_handler(self) -> ScrapyPlaywrightDownloadHandler:
        self._browser_lock = self._browser_lock or asyncio.Lock()
        async with self._browser_lock:
            if self._browser is None:
                from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

                handler = ScrapyPlaywrightDownloadHandler.from_crawler(self._crawler)
                await handler._maybe_future_from_coro(handler._launch())
                self._browser = handler
        return self._browser

    async def close(self) -> None:
        await super().close()
        if self._browser is not None:
            await self._browser.close()
