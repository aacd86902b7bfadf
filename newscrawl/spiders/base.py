"""NewsSpider: the CMS-neutral spider base every site's spiders build on.

A concrete spider only declares data (``name``, ``site``, ``edition``,
``language``, its discovery documents, the article-URL rule, its page class);
this base turns it into an :class:`~newscrawl.editions.Edition` and runs the
crawl: arguments (:mod:`newscrawl.params`), discovery through the sources
(entry pages, RSS feeds, news sitemaps; sitemaps for a ``since``/``until``
backfill), the article-URL filter, the mapping between the public origin and
``base_url``, the seen-store, the ``max_articles`` budget, the waiting links,
errors, the robots and rights hooks and the default feed. It holds no
selector: pages are read by :mod:`newscrawl.pages`. A CMS whose URLs or
listings need more (FMM: :mod:`newscrawl.spiders.fmm`) overrides the
methods named for them.

Stats (``newscrawl/`` prefix): ``links/article``, ``links/not_article``,
``links/offsite``, ``links/duplicate``, ``links/out_of_window``,
``discovered/<source>``, ``articles/over_max``, ``sources/unavailable``,
``backfill/months_selected``, ``backfill/months_skipped``,
``pages/not_text``, ``pages/not_html``, ``pages/not_article``, ``pages/broken_structure``,
``pages/charset_mismatch``, ``pages/parse_failed/<reason>``, ``pages/foreign_canonical`` (an
article whose canonical URL is on another site, as when ``base_url`` serves another site: no item).

Article pages are read in the crawl's parse workers (:mod:`newscrawl.parsepool`);
article links wait in the spider and are released as requests finish
(``NEWSCRAWL_ARTICLES_IN_FLIGHT``).

Outside a crawl job (``scrapy parse``, ``fetch``, ``shell``, ``check``: no
``NEWSCRAWL_CRAWL_JOB``) the spider writes nothing: no default feed, no
seen-store; and a page's callback returns all its article requests, so the
tool shows them and nothing is fetched behind its back. :meth:`NewsSpider.parse`
reads any page of the site by what it is.
"""

from __future__ import annotations

import gc
import re
import sys
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any, ClassVar, Self, TypeGuard
from urllib.parse import urljoin, urlsplit

import scrapy
from parsel import Selector
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from scrapy.utils.gz import gunzip
from twisted.python.failure import Failure

from newscrawl import __version__
from newscrawl.browser import META_FETCH
from newscrawl.commands.crawl import CRAWL_JOB
from newscrawl.editions import Edition
from newscrawl.items import FIELD_NAMES, ArticleItem
from newscrawl.outcome import SEEN_STORE_FAILED, JobOutcomeMonitor
from newscrawl.pages.article import BROKEN_STRUCTURE, NOT_ARTICLE, html_selector, read_article
from newscrawl.pages.base import ArticlePage
from newscrawl.pages.feeds import parse_rss, parse_sitemap
from newscrawl.params import SettingError, SpiderArgs, SpiderArgumentError, parse_args, report
from newscrawl.parsepool import ParseError, ParsePool, crawler_pool
from newscrawl.rights import ENFORCE, RightsGateMiddleware, rights_middleware
from newscrawl.seen import SeenTracker, open_store, store_errors, store_failure
from newscrawl.utils.failures import failure_reason
from newscrawl.utils.text import utc_now_iso
from newscrawl.utils.urls import (
    clean_url,
    decoded_path,
    key_digest,
    plain_path_text,
    replace_origin,
    url_key,
)

META_PUBLIC_URL = "newscrawl_public_url"
META_VIA = "newscrawl_discovered_via"
META_EDITION = "newscrawl_edition"
META_LISTED_MODIFIED = "newscrawl_listed_modified"  # the feed's or sitemap's time of the link
STATE_PENDING = "newscrawl_pending_articles"  # in spider.state (JOBDIR)
_SPIDER = SETTINGS_PRIORITIES["spider"]


def _default_feed() -> dict[str, Any]:
    return {"format": "jsonlines", "encoding": "utf-8", "fields": list(FIELD_NAMES)}


def _open_tracker(crawler: Crawler, site: str, job: str, recrawl: bool, claim_timeout: float) -> SeenTracker:
    """The job's seen-store tracker; a store that cannot be opened is a :class:`SettingError` naming it."""
    settings = crawler.settings
    setting, state_dir = settings.get("NEWSCRAWL_SEEN_STORE"), settings.get("NEWSCRAWL_STATE_DIR")
    try:
        store = open_store(setting, state_dir, site)
    except ValueError as exc:  # a NEWSCRAWL_SEEN_STORE it does not understand
        raise SettingError(str(exc)) from None
    except store_errors(setting) as exc:
        raise SettingError(store_failure(setting, state_dir, exc)) from None
    try:
        return SeenTracker(store, job, recrawl=recrawl, crawler=crawler, claim_timeout=claim_timeout)
    except store_errors(setting) as exc:  # its recovery of crashed jobs' claims
        store.close()
        raise SettingError(store_failure(setting, state_dir, exc)) from None


#: largest sitemap accepted after gunzip (Scrapy's SitemapSpider default, SITEMAP/DOWNLOAD_MAXSIZE)
_GUNZIP_MAX = 1024 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"


class NewsSpider(scrapy.Spider):
    """Base of every site's spiders (no ``name``: not listed by ``scrapy list``)."""

    #: site code written to items (``rfi``, ``dw``); the item schema's ``site`` enum lists each
    site: ClassVar[str]
    #: the site's public origin; item URLs always name it
    public_origin: ClassVar[str]
    #: other host names of the same site, mapped to the public origin's host
    host_aliases: ClassVar[frozenset[str]] = frozenset()
    #: edition code written to items (``cn``)
    edition: ClassVar[str]
    #: BCP 47 language tag of the edition
    language: ClassVar[str]
    #: the edition's paths start with it (``/de``); empty when the host holds one edition
    path_prefix: ClassVar[str] = ""
    #: entry (section) pages, paths below ``path_prefix`` as decoded text
    sections: ClassVar[tuple[str, ...]] = ()
    #: recent discovery documents, ``(source, URL)``: a root-relative path on the public origin or an
    #: absolute URL (a feed on another host of the site, listed in :attr:`document_hosts`)
    recent_sources: ClassVar[tuple[tuple[str, str], ...]] = ()
    #: backfill (``since``) discovery documents, ``(source, URL)`` as :attr:`recent_sources`
    backfill_sources: ClassVar[tuple[tuple[str, str], ...]] = ()
    #: other hosts that serve the site's discovery documents (``rss.dw.com``), never articles
    document_hosts: ClassVar[frozenset[str]] = frozenset()
    #: an article page's decoded path (``re.fullmatch``)
    article_path: ClassVar[str] = ""
    #: the date in an article path, groups ``year``, ``month``, ``day`` (``re.search``)
    path_date: ClassVar[str] = ""
    page_class: ClassVar[type[ArticlePage]] = ArticlePage
    #: True: every article page is fetched through the browser (newscrawl/browser.py)
    requires_js: ClassVar[bool] = False
    #: False for an edition whose article URLs another spider claims as well (``scrapy parse <url>``)
    claims_urls: ClassVar[bool] = True
    #: True when the page class was checked on a real saved page of this edition (docs/editions.md)
    real_page_checked: ClassVar[bool] = False
    #: the callback of each discovery source
    source_callbacks: ClassVar[dict[str, str]] = {
        "section": "parse_listing",
        "rss": "parse_rss",
        "sitemap": "parse_sitemap",
    }

    args: SpiderArgs
    editions: tuple[Edition, ...]
    job: str

    @classmethod
    def edition_info(cls) -> Edition:
        """The :class:`Edition` this (data-only) spider class declares."""

        def public(routes: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
            return tuple((source, urljoin(cls.public_origin, url)) for source, url in routes)

        return Edition(
            **cls._edition_fields(),
            path_prefix=cls.path_prefix,
            routes=public(cls.recent_sources),
            backfill_routes=public(cls.backfill_sources),
            article_path=cls.article_path,
            path_date=cls.path_date,
        )

    @classmethod
    def _edition_fields(cls) -> dict[str, Any]:
        """The :class:`Edition` fields every CMS declares the same way."""
        return {
            "spider": cls.name,
            "site": cls.site,
            "code": cls.edition,
            "language": cls.language,
            "public_origin": cls.public_origin,
            "sections": cls.sections,
            "page_class": cls.page_class,
            "requires_js": cls.requires_js,
        }

    @classmethod
    def declare(cls, name: str, *, doc: str, **data: Any) -> type[Self]:
        """A data-only spider class of this base for one edition: one entry of a site's table.

        ``euronews_fr`` becomes class ``EuronewsFrSpider`` of the base's module, where Scrapy's
        spider loader finds it once the module binds it to that name.
        """
        class_name = "".join(part.title() for part in re.split(r"[_-]", name)) + "Spider"
        namespace = {"__module__": cls.__module__, "__qualname__": class_name, "__doc__": doc, "name": name}
        return type(class_name, (cls,), {**namespace, **data})

    @classmethod
    def available_editions(cls) -> tuple[Edition, ...]:
        """Editions this spider can crawl; multi-edition spiders override it."""
        return (cls.edition_info(),)

    @classmethod
    def handles_request(cls, request: scrapy.Request) -> bool:
        """A URL of the edition on the public site: ``scrapy parse``, ``fetch`` and ``shell`` given
        such a URL without ``--spider`` use this spider.

        The multi-edition spider claims none, so an edition's URL has one spider.
        """
        editions = cls.available_editions()
        host = urlsplit(request.url).hostname or ""
        on_site = host == urlsplit(cls.public_origin).hostname or host in cls.host_aliases
        if len(editions) != 1 or not on_site or not cls.claims_urls:
            return False
        return cls._owns_request_path(editions[0], decoded_path(request.url))

    @classmethod
    def _owns_request_path(cls, edition: Edition, path: str) -> bool:
        return edition.owns_path(path)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        available = self.available_editions()
        multi = len(available) > 1
        try:
            parsed = parse_args(
                kwargs,
                default_base_url=self.public_origin,
                known_sections={e.code: e.sections for e in available} if multi else available[0].sections,
                known_editions=tuple(e.code for e in available) if multi else (),
            )
            self.editions = tuple(e for e in available if not multi or e.code in parsed.editions)
            if not parsed.urls:
                self._check_sources(parsed)
        except SpiderArgumentError as exc:  # logged here for every Scrapy command, not only crawl
            report(self.name, exc)
            raise
        super().__init__(*args)
        self.args = parsed
        self.public_host = urlsplit(self.public_origin).hostname or ""
        self._public_prefix = self.public_origin + "/"
        fetch = urlsplit(parsed.base_url)
        self.fetch_host = fetch.hostname or ""
        self._fetch_origin = (fetch.scheme, fetch.netloc)
        self.allowed_domains = [self.fetch_host]
        if parsed.base_url == self.public_origin:  # the site's own feeds on other hosts
            self.allowed_domains += sorted(self.document_hosts)
        self._queued: set[bytes] = set()  # key_digest() of every article URL requested or kept
        self._requested = 0  # article requests made and not lost (max_articles counts these)
        self._in_flight = 0  # article requests handed to Scrapy and not finished
        #: article links found and not requested yet: (public URL, edition, source, (depth, Referer) of
        #: the page that listed them, the modification time the feed or sitemap gave)
        self._pending: deque[tuple[str, Edition, str, tuple[int, str | None], str | None]] = deque()
        self._in_flight_max = 100  # NEWSCRAWL_ARTICLES_IN_FLIGHT, from the settings in from_crawler
        self.seen_tracker: SeenTracker | None = None
        self._store_errors: tuple[type[Exception], ...] = ()  # store_errors(), in from_crawler
        self._store_failed = False
        self.parse_pool = ParsePool(0)  # the crawl's own, from its settings, in from_crawler
        try:
            self._check_urls(parsed.urls)
        except SpiderArgumentError as exc:
            report(self.name, exc)
            raise

    def _check_urls(self, urls: tuple[str, ...]) -> None:
        """Every URL of ``-a urls``/``urls_file`` is an article URL of this spider, on its site or mirror."""
        for url in urls:
            public_url = self.to_public_url(url, url)
            if public_url is None:
                mirror = f" or {self.args.base_url}" if self.args.base_url != self.public_origin else ""
                raise SpiderArgumentError(f"urls: {url} is not on {self.public_origin}{mirror}")
            if self.article_edition(public_url.split("?", 1)[0]) is None:
                raise SpiderArgumentError(
                    f"urls: {url} is not an article URL of {self.name} (see docs/editions.md)"
                )

    def _check_sources(self, args: SpiderArgs) -> None:
        usable = [
            s for s in args.sources if any(e.has_source(s, backfill=args.backfill) for e in self.editions)
        ]
        if not usable:
            mode = "a backfill (since=)" if args.backfill else "recent articles"
            raise SpiderArgumentError(
                f"sources={','.join(args.sources)}: none is known to exist for {mode} on "
                f"{', '.join(e.spider for e in self.editions)}; see docs/editions.md"
            )

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """Add the default feed (``NEWSCRAWL_FEED_URI``) unless ``-o``/``-O`` or FEEDS name one."""
        super().update_settings(settings)
        uri = settings.get("NEWSCRAWL_FEED_URI")
        if uri and settings.getbool(CRAWL_JOB) and not settings.getdict("FEEDS"):
            settings.set("FEEDS", {uri: _default_feed()}, priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        user_agent_is_default = (settings.getpriority("USER_AGENT") or 0) <= 0
        if user_agent_is_default and not settings.frozen:
            contact = settings.get("NEWSCRAWL_CONTACT_URL", "")
            crawler.settings.set(
                "USER_AGENT",
                f"newscrawl/{__version__} (+{contact})" if contact else f"newscrawl/{__version__}",
                priority="spider",
            )
        # the job id: Scrapyd's (-a _job=…), else a new one; feed file names may use it as %(job)s
        spider.job = str(kwargs.get("_job") or uuid.uuid4().hex)
        spider.parse_pool = crawler_pool(crawler)
        try:
            spider._in_flight_max = settings.getint("NEWSCRAWL_ARTICLES_IN_FLIGHT", 100)
        except ValueError:
            spider._in_flight_max = 0
        if spider._in_flight_max < 1:
            raise SettingError(
                "NEWSCRAWL_ARTICLES_IN_FLIGHT must be 1 or more, not "
                f"{settings.get('NEWSCRAWL_ARTICLES_IN_FLIGHT')!r}"
            )
        crawl_job = settings.getbool(CRAWL_JOB)
        if not crawl_job:  # scrapy parse/check: every article request goes to the tool, none is held back
            spider._in_flight_max = sys.maxsize
        crawler.signals.connect(spider._on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._keep_pending, signal=signals.spider_closed)
        scrapyd_uri = settings.get("NEWSCRAWL_SCRAPYD_FEED_URI")
        if (
            kwargs.get("_job")
            and scrapyd_uri
            and not settings.frozen
            and settings.getpriority("FEEDS") == _SPIDER
            # unless NEWSCRAWL_FEED_URI was given more explicitly (setting=, -s): the user's choice
            and (settings.getpriority("NEWSCRAWL_FEED_URI") or 0)
            <= (settings.getpriority("NEWSCRAWL_SCRAPYD_FEED_URI") or 0)
        ):
            # a Scrapyd job with the default feed: concurrent jobs must never share a file
            settings.set("FEEDS", {scrapyd_uri: _default_feed()}, priority="spider")
        try:
            claim_timeout = settings.getfloat("NEWSCRAWL_CLAIM_TIMEOUT", 0)
        except ValueError:
            claim_timeout = -1
        if not claim_timeout >= 0:  # also NaN
            raise SettingError(
                "NEWSCRAWL_CLAIM_TIMEOUT must be a number of seconds, 0 for never, not "
                f"{settings.get('NEWSCRAWL_CLAIM_TIMEOUT')!r}"
            )
        if crawl_job and settings.getbool("NEWSCRAWL_SEEN_STORE_ENABLED", True):
            spider._store_errors = store_errors(settings.get("NEWSCRAWL_SEEN_STORE"))
            spider.seen_tracker = _open_tracker(
                crawler, cls.site, spider.job, spider.args.recrawl, claim_timeout
            )
        if not settings.get("NEWSCRAWL_CONTACT_URL") and spider.args.base_url == cls.public_origin:
            spider.logger.warning(
                "NEWSCRAWL_CONTACT_URL is not set: the User-Agent names no contact for the "
                "site's operators; set it to a page or mailto: where you can be reached"
            )
        return spider

    # -- URLs -----------------------------------------------------------------

    def discovery_urls(self) -> Iterator[tuple[str, str, Edition]]:
        """``(public URL, source, edition)`` of every discovery page, in the order requested."""
        args = self.args
        for edition in self.editions:
            for source in args.sources:
                if not edition.has_source(source, backfill=args.backfill):
                    if args.sources_explicit:
                        self._count("sources/unavailable")
                        self.logger.warning(
                            "%s: no %s route is known to exist for %s; skipped (see docs/editions.md)",
                            self.name,
                            source,
                            edition.spider,
                        )
                    continue
                yield from ((url, source, edition) for url in self._source_urls(edition, source))

    def _source_urls(self, edition: Edition, source: str) -> Iterator[str]:
        yield from edition.source_urls(source, backfill=self.args.backfill, sections=self.args.sections)

    def to_fetch_url(self, public_url: str) -> str:
        """Where a public URL is requested: the same path and query on ``base_url``."""
        if self.args.base_url == self.public_origin:
            return public_url
        return replace_origin(public_url, self.args.base_url)

    def to_public_url(self, href: str, base: str) -> str | None:
        """Clean, absolute public URL of a link, or None when it leaves the site."""
        try:
            url = clean_url(urljoin(base, href))
        except ValueError:
            return None
        parts = urlsplit(url)
        host = parts.hostname or ""
        if host == self.public_host or host in self.host_aliases:
            return replace_origin(url, self.public_origin)
        if (parts.scheme, parts.netloc) == self._fetch_origin:
            return replace_origin(url, self.public_origin)
        return None

    def _document_url(self, href: str, base: str) -> str | None:
        """Public URL of a discovery document a sitemap index names (on any host of the site), or None."""
        url = urljoin(base, href)
        host = urlsplit(url).hostname or ""
        if host in self.document_hosts or host == urlsplit(base).hostname:
            return url
        return self.to_public_url(href, base)

    def _link_target(self, href: str, base: str, relative_on_site: bool) -> tuple[str, str, str] | None:
        """``(public URL, its decoded path, its dedup key or "")`` of a link on a page at ``base``.

        None when the link leaves the site. A root-relative or public-origin
        link already in its key form (:func:`plain_path_text`, as the cards of
        FMM pages are) takes a shortcut that gives the same three values; the key
        is then the URL itself. Otherwise the key is left to the caller ("").
        """
        if href.startswith("/"):
            relative = href if relative_on_site else None
        elif href.startswith(self._public_prefix):
            relative = href[len(self.public_origin) :]
        else:
            relative = None
        if relative is not None:
            text = plain_path_text(relative)
            if text is not None:
                url = self.public_origin + relative
                return url, text, url
        public_url = self.to_public_url(href, base)
        if public_url is None:
            return None
        return public_url, decoded_path(public_url), ""

    def article_edition(self, public_url: str, path: str | None = None) -> Edition | None:
        """The crawled edition whose article-URL rule ``public_url`` meets (``-a sections`` applied).

        ``path``: the URL's :func:`decoded_path`, when the caller has it already and knows the URL
        is on the public host (as :meth:`to_public_url` makes it).
        """
        if path is None:
            if urlsplit(public_url).hostname != self.public_host:
                return None
            path = decoded_path(public_url)
        for edition in self.editions:
            if edition.owns_path(path) and edition.is_article_path(path, self.args.sections):
                return edition
        return None

    def is_article_url(self, public_url: str) -> bool:
        return self.article_edition(public_url) is not None

    # -- discovery ------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # everything imported and built so far lives as long as the crawl: exempting it from the
        # garbage collector's scans saves ~12 % of a large crawl's CPU (docs/performance.md)
        gc.collect()
        gc.freeze()
        self._resume_pending()
        if self.args.urls:  # exactly these articles, no discovery
            for request in self.article_requests(self.args.urls, via="urls", base=self._public_prefix):
                yield request
            return
        for public_url, source, _edition in self.discovery_urls():
            yield scrapy.Request(
                self.to_fetch_url(public_url),
                callback=getattr(self, self.source_callbacks[source]),
                errback=self.on_error,
                meta={META_PUBLIC_URL: public_url},
                priority=10,
            )

    def _page_public_url(self, response: Response) -> str:
        public: str = response.meta.get(META_PUBLIC_URL, response.url)
        return self.to_public_url(response.url, response.url) or public

    def _is_text(self, response: Response, what: str) -> TypeGuard[TextResponse]:
        """True for a text response; otherwise log, count ``pages/not_text`` and say no."""
        if isinstance(response, TextResponse):
            return True
        self._count("pages/not_text")
        content_type = (response.headers.get("Content-Type") or b"?").decode("latin-1")
        url = response.meta.get(META_PUBLIC_URL, response.url)
        self.logger.warning("%s %s is not text (Content-Type %s); skipped", what, url, content_type)
        return False

    def _is_html(self, response: Response) -> TypeGuard[TextResponse]:
        """True for an HTML page; otherwise (a PDF, an image, JSON…) log, count ``pages/not_html``."""
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
        if isinstance(response, TextResponse) and ("html" in content_type or not content_type):
            return True
        self._count("pages/not_html")
        self.logger.warning(
            "article %s is not HTML (Content-Type %s); no item",
            response.meta.get(META_PUBLIC_URL, response.url),
            content_type or "missing",
        )
        return False

    @staticmethod
    def _html(response: TextResponse) -> Selector:
        """The page's tree, parsed from its UTF-8 bytes directly when it can (:func:`html_selector`)."""
        return html_selector(response.body, response.text, response.encoding)

    async def parse(self, response: Response, **kwargs: Any) -> AsyncIterator[ArticleItem | scrapy.Request]:
        """Any page of the site, read by what it is (``scrapy parse <url>``, a request without callback).

        An article URL of this spider gives its item; a sitemap, its article
        requests (an index, its child sitemaps); a feed, its article requests;
        any other page, the article requests of its links.
        """
        if self.article_edition(self._page_public_url(response)) is not None:
            async for item in self.parse_article(response):
                yield item
            return
        for request in self._page_callback(response)(response):
            yield request

    _XML_ROOT = re.compile(rb"<(?:[\w.-]+:)?(urlset|sitemapindex|rss|feed|RDF)[\s>]")

    _XML_ROOT = re.compile(rb"<(?:[\w.-]+:)?(urlset|sitemapindex|rss|feed|RDF)[\s>]")

    def _page_callback(self, response: Response) -> Callable[[Response], Iterator[scrapy.Request]]:
        """The callback for a non-article page: by its XML root (a gzipped sitemap too), else a listing."""
        body = response.body
        if body[:2] == _GZIP_MAGIC:
            return self.parse_sitemap
        root = self._XML_ROOT.search(body, 0, 4096)
        if root is not None:
            return self.parse_sitemap if root.group(1) in (b"urlset", b"sitemapindex") else self.parse_rss
        return self.parse_listing

    def listing_links(self, response: TextResponse) -> list[str]:
        """The links of an entry page; the article-URL rule keeps the articles among them."""
        links: list[str] = self._html(response).xpath("//a/@href").getall()
        return links

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        """The article links of an entry (section) page."""
        if not self._is_text(response, "listing page"):
            return
        links = self.listing_links(response)
        yield from self.article_requests(
            links, via="section", base=self._page_public_url(response), found_on=response
        )

    def parse_rss(self, response: Response) -> Iterator[scrapy.Request]:
        entries = parse_rss(response.body)
        if not entries:
            self.logger.warning("feed %s holds no readable item", response.url)
        yield from self.article_requests(
            (e.url for e in entries), via="rss", base=self._page_public_url(response), found_on=response
        )

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """A sitemap (article URLs) or an index (its child sitemaps); gzipped ones are gunzipped first."""
        body = response.body
        if body[:2] == _GZIP_MAGIC:
            try:
                body = gunzip(body, max_size=_GUNZIP_MAX)
            except (OSError, EOFError, ValueError) as exc:
                self._count("sources/unreadable")
                self.logger.warning("sitemap %s is not readable gzip (%s); skipped", response.url, exc)
                return
        entries, children = parse_sitemap(body)
        base = self._page_public_url(response)
        if not entries and not children:
            self.logger.warning("sitemap %s holds no readable <url> or <sitemap>", response.url)
        yield from self.article_requests(
            ((e.url, e.modified) for e in entries), via="sitemap", base=base, found_on=response
        )
        yield from self.child_sitemap_requests(children, base=base)

    def child_sitemap_requests(self, children: Iterable[str], *, base: str) -> Iterator[scrapy.Request]:
        """Requests for the child sitemaps of an index, each on a host of the site."""
        for child in children:
            public_url = self._document_url(child, base)
            if public_url is None:
                self._count("links/offsite")
                continue
            yield self._sitemap_request(public_url)

    def _sitemap_request(self, public_url: str) -> scrapy.Request:
        return scrapy.Request(
            self.to_fetch_url(public_url),
            callback=self.parse_sitemap,
            errback=self.on_error,
            meta={META_PUBLIC_URL: public_url},
            priority=5,
        )

    def article_requests(
        self,
        links: Iterable[str | tuple[str, str | None]],
        *,
        via: str,
        base: str,
        found_on: Response | None = None,
    ) -> Iterator[scrapy.Request]:
        """Requests for the article links among ``links``; every other link is dropped here.

        A link is an href, or ``(href, modification time)`` when a feed or
        sitemap gives one. Links are filtered before a request exists, so
        Scrapy's per-request costs are paid only for new article pages: other
        sites, non-article pages, articles outside a backfill window, links
        already requested in this job, and articles an earlier job wrote out
        (unless the feed shows a newer version) are counted and dropped.
        """
        candidates: dict[str, tuple[str, Edition, str | None, bytes]] = {}
        relative_on_site = self.to_public_url("/", base) is not None  # where this page's /paths lead
        for link in links:
            href, hint = (link, None) if isinstance(link, str) else link
            target = self._link_target(href, base, relative_on_site)
            if target is None:
                self._count("links/offsite")
                continue
            public_url, path, key = target
            edition = self.article_edition(public_url, path)
            if edition is None:
                self._count("links/not_article")
                continue
            if "?" in public_url:  # article URLs carry no query: ?page=N, ?maca= & co. cannot multiply them
                public_url = public_url.split("?", 1)[0]
            if self.args.backfill and not self.args.in_window(edition.link_date(path, hint)):
                self._count("links/out_of_window")
                continue
            key = key or url_key(public_url, clean=True)
            digest = key_digest(key)
            if digest in self._queued or key in candidates:
                self._count("links/duplicate")
                if hint and self.seen_tracker is not None:
                    self.seen_tracker.note_listed(key, hint)  # recorded with the article
                continue
            candidates[key] = (public_url, edition, hint, digest)
        if self.seen_tracker is not None:
            # written by an earlier job; a later link may still announce a newer version
            for key in self._seen_earlier({k: c[2] for k, c in candidates.items()}):
                del candidates[key]
        # one per page, shared by its links: the depth and Referer their requests will carry
        origin = (found_on.meta.get("depth", 0), found_on.url) if found_on is not None else (0, None)
        for public_url, edition, hint, digest in candidates.values():
            self._queued.add(digest)
            if (
                self.args.max_articles is not None
                and self._requested + len(self._pending) >= self.args.max_articles
            ):
                self._count("articles/over_max")  # kept: a failed article request frees a place
            self._pending.append((public_url, edition, via, origin, hint))
        yield from self._release()

    def _seen_earlier(self, candidates: dict[str, str | None]) -> set[str]:
        """The seen-store's :meth:`~SeenTracker.to_skip`; a store that fails closes the job.

        Without its store a job would fetch every article again, and could not record what it
        writes: it ends with finish reason ``seen_store_failed`` (:mod:`newscrawl.outcome`).
        """
        assert self.seen_tracker is not None
        if self._store_failed:
            return set(candidates)  # the job is closing: no new requests
        try:
            return self.seen_tracker.to_skip(candidates)
        except self._store_errors as exc:
            self._store_failed = True
            self._count("seen_store/failed")
            cause = f"the seen-store failed ({exc})"
            raise JobOutcomeMonitor.failure(self, SEEN_STORE_FAILED, cause) from None

    def _release(self) -> Iterator[scrapy.Request]:
        """Requests for pending article links, while fewer than ``NEWSCRAWL_ARTICLES_IN_FLIGHT`` are out.

        Links wait here as a few small values rather than as queued
        ``Request`` objects (with their headers, meta and callbacks): a section
        page of thousands of cards costs a tuple per link, and memory stays flat
        as a crawl grows. Each finished article request releases the next one
        (:meth:`_article_done`).
        """
        engine = self._engine()
        if engine is not None and not engine.running:
            return  # stopping (Ctrl-C, a close reason): the links stay pending, kept with JOBDIR
        cap = self.args.max_articles
        while (
            self._pending and self._in_flight < self._in_flight_max and (cap is None or self._requested < cap)
        ):
            yield self._article_request(*self._pending.popleft())

    def _article_request(
        self,
        public_url: str,
        edition: Edition,
        via: str,
        origin: tuple[int, str | None],
        listed_modified: str | None = None,
    ) -> scrapy.Request:
        self._requested += 1
        self._in_flight += 1
        self._count("links/article")
        self._count(f"discovered/{via}")
        depth, referer = origin
        meta: dict[str, Any] = {
            META_PUBLIC_URL: public_url,
            META_VIA: via,
            META_EDITION: edition.code,
            "depth": depth + 1,  # one below the page that listed it, whenever it is released
        }
        if listed_modified:
            meta[META_LISTED_MODIFIED] = listed_modified
        if edition.requires_js:
            meta["playwright"] = True  # rendered by newscrawl/browser.py
        return scrapy.Request(
            self.to_fetch_url(public_url),
            callback=self.parse_article,
            errback=self.on_error,
            meta=meta,
            headers={"Referer": referer} if referer else None,
        )

    def _article_done(self, *, item: bool) -> None:
        """An article request finished: the next pending links go to the scheduler.

        One that ended without an item also frees its place under ``max_articles``.
        They are handed to the engine, not yielded: a request yielded by an
        article's callback would be one level deeper than the article, and a
        long crawl would reach ``DEPTH_LIMIT`` link by link.
        """
        self._in_flight = max(0, self._in_flight - 1)
        if not item:
            self._requested -= 1
        self._schedule_released()

    def _engine(self) -> Any:
        """The running crawl's engine, or None before the crawl starts (or without a crawler)."""
        try:
            return self.crawler.engine
        except (AttributeError, RuntimeError):
            return None

    def _schedule_released(self) -> bool:
        """Send the links :meth:`_release` lets out to the engine; True when there were any."""
        engine = self._engine()
        if engine is None:
            return False  # no crawl running (a spider built in a test)
        released = False
        for request in self._release():
            engine.crawl(request)
            released = True
        return released

    def _keep_pending(self) -> None:
        """With ``JOBDIR``, links not requested yet are kept in the job's state for its resumption.

        (Scrapy's SpiderState extension pickles ``spider.state`` after this
        handler runs: the spider connects its handlers first.)
        """
        state = getattr(self, "state", None)
        if isinstance(state, dict):
            state[STATE_PENDING] = [(url, ed.code, *rest) for url, ed, *rest in self._pending]

    def _resume_pending(self) -> None:
        """Links a paused job had not requested yet (see :meth:`_keep_pending`)."""
        state = getattr(self, "state", None)
        kept = state.pop(STATE_PENDING, None) if isinstance(state, dict) else None
        editions = {edition.code: edition for edition in self.editions}
        for url, code, via, origin, *listed_modified in kept or ():
            if code in editions:
                self._queued.add(key_digest(url_key(url, clean=True)))
                self._pending.append((url, editions[code], via, origin, next(iter(listed_modified), None)))
        if kept:
            self.logger.info("%d article links kept by the paused job are pending again", len(kept))

    def _on_idle(self) -> None:
        """Nothing left in Scrapy, links still pending: release them (their slots were lost).

        A request that ends without reaching a callback or errback (a redirect
        dropped by a downloader middleware, say) never gives its place back;
        when the crawl goes idle, nothing is in flight by definition.
        """
        if not self._pending:
            return
        self._in_flight = 0
        if self._schedule_released():
            raise DontCloseSpider

    # -- articles -------------------------------------------------------------

    async def parse_article(self, response: Response) -> AsyncIterator[ArticleItem]:
        requested = response.meta.get(META_PUBLIC_URL) or self._page_public_url(response)
        if not self._is_html(response):
            self._article_done(item=False)
            return
        public_url = self.to_public_url(response.url, response.url) or requested
        try:
            # decoded, parsed and read in a parse worker (newscrawl/parsepool.py)
            read = await self.parse_pool.run(
                read_article, self.article_page_class(response), response.body, response.encoding, public_url
            )
        except ParseError as exc:
            self._count(f"pages/parse_failed/{exc.reason}")
            self.logger.error("%s could not be parsed (%s); no item:\n%s", requested, exc.reason, exc)
            self._article_done(item=False)
            return
        if read.repaired_encoding:
            self._count("pages/charset_mismatch")
            self.logger.warning(
                "%s: Content-Type says %s but the page is %s; decoded as %s",
                response.url,
                response.encoding,
                read.repaired_encoding,
                read.repaired_encoding,
            )
        if read.status == NOT_ARTICLE:
            self._count("pages/not_article")
            self.logger.warning("%s has no article markup; no item", requested)
        elif read.status == BROKEN_STRUCTURE:
            self._count("pages/broken_structure")
            self.logger.warning(
                "%s: broken markup cuts the body short (paragraphs outside it); no item", requested
            )
        if read.fields is None:
            self._article_done(item=False)
            return
        edition = self.article_edition(public_url) or self.article_edition(requested)
        if edition is None:  # redirected away from the article URLs of this crawl
            self._count("pages/not_article")
            self.logger.warning(
                "%s ended at %s, not an article URL of this crawl; no item", requested, public_url
            )
            self._article_done(item=False)
            return
        fields = read.fields
        canonical = self.to_public_url(fields["url"], public_url) if fields["url"] else None
        if fields["url"] and canonical is None and urlsplit(urljoin(public_url, fields["url"])).hostname:
            # the page says it belongs to another site: base_url (or a redirect) led elsewhere
            self._count("pages/foreign_canonical")
            self.logger.warning(
                "%s: %s names its canonical URL %s, not on %s: base_url serves another site?; no item",
                self.name,
                response.url,
                fields["url"],
                self.public_origin,
            )
            self._article_done(item=False)
            return
        fields["url"] = canonical if canonical and self.article_edition(canonical) is edition else public_url
        gate = self._rights_gate()
        rights = gate.item_rights(response, read.tdm) if gate is not None else None
        if rights is not None and rights["tdm_reservation"] == 1 and gate and gate.mode == ENFORCE:
            self._count(f"rights/dropped/{rights['source']}")
            self.logger.info(
                "%s: TDM rights reserved by the page's %s; no item (NEWSCRAWL_RIGHTS_MODE=enforce)",
                requested,
                rights["source"],
            )
            self._article_done(item=False)
            return
        if self.seen_tracker is not None:
            self.seen_tracker.note_fetch(
                fields["url"],
                requested,
                response.meta.get(META_LISTED_MODIFIED),
                fields.get("modified") or fields.get("published"),
            )
        yield ArticleItem(
            site=edition.site,
            edition=edition.code,
            language=edition.language,
            discovered_via=response.meta.get(META_VIA, "section"),
            crawled_at=utc_now_iso(),
            rights=rights,
            access="browser" if response.meta.get("playwright") and META_FETCH in response.meta else "http",
            **fields,
        )
        self._article_done(item=True)

    def article_page_class(self, request: scrapy.Request | Response) -> type[ArticlePage]:
        """The page class of the edition an article request was made for (meta ``newscrawl_edition``)."""
        code = request.meta.get(META_EDITION)
        for edition in self.editions:
            if edition.code == code:
                return edition.page_class
        return self.page_class

    def _rights_gate(self) -> RightsGateMiddleware | None:
        """The crawl's rights gate (newscrawl/rights.py), None when it is not in DOWNLOADER_MIDDLEWARES."""
        try:
            return self._rights
        except AttributeError:
            self._rights: RightsGateMiddleware | None = rights_middleware(self.crawler)
            return self._rights

    def on_error(self, failure: Failure) -> None:
        """A request that failed for good (after retries): log its URL and why, count the reason."""
        request = failure.request  # type: ignore[attr-defined]
        url = request.meta.get(META_PUBLIC_URL, request.url)
        reason = failure_reason(failure)
        self._count(f"fetch_failed/{reason}")
        self.logger.warning("fetch failed (%s): %s: %s", reason, url, failure.getErrorMessage())
        if request.callback == self.parse_article:
            self._article_done(item=False)

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/{key}")
