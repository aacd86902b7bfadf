"""FmmSpider: discovery and routing shared by every site on the FMM CMS.

A concrete spider only declares data (``name``, ``edition``, ``language``,
``sections``); this base derives the discovery URLs (homepage, section
pages, edition RSS feed, Google News sitemap), the article-URL rule and the
mapping between the public origin and ``base_url``. It holds no selector:
pages are read by :mod:`newscrawl.pages`.

Stats (``newscrawl/`` prefix): ``links/article``, ``links/not_article``,
``links/offsite``, ``links/duplicate``, ``discovered/<source>``,
``articles/over_max``, ``pages/not_text``, ``pages/not_article``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, ClassVar, TypeGuard
from urllib.parse import urljoin, urlsplit

import scrapy
from parsel import Selector
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings

from newscrawl import __version__
from newscrawl.items import FIELD_NAMES, ArticleItem
from newscrawl.pages.feeds import parse_rss, parse_sitemap
from newscrawl.pages.fmm import FmmArticlePage, FmmListingPage
from newscrawl.params import SpiderArgs, SpiderArgumentError, parse_args
from newscrawl.utils.text import utc_now_iso
from newscrawl.utils.urls import clean_url, decoded_path, replace_origin, url_key

META_PUBLIC_URL = "newscrawl_public_url"
META_VIA = "newscrawl_discovered_via"

# File endings that never name an article page, whatever the path looks like.
_FILE_ENDING = re.compile(r"\.(?:xml|rss|json|jpe?g|png|gif|webp|svg|mp3|mp4|m4a|pdf|css|js)$", re.I)


class FmmSpider(scrapy.Spider):
    """Base of every FMM-CMS spider (no ``name``: not listed by ``scrapy list``)."""

    #: site code written to items (``rfi``)
    site: ClassVar[str]
    #: the site's public origin; item URLs always name it
    public_origin: ClassVar[str]
    #: other host names of the same site, mapped to the public origin's host
    host_aliases: ClassVar[frozenset[str]] = frozenset()
    #: edition code written to items (``cn``)
    edition: ClassVar[str]
    #: path prefix of the edition (``/cn``; empty for a site without one)
    path_prefix: ClassVar[str]
    #: BCP 47 language tag of the edition
    language: ClassVar[str]
    #: section slugs of the edition's navigation, as decoded text
    sections: ClassVar[tuple[str, ...]]
    #: first path segments (after the prefix) that never hold articles: tags, authors, live
    non_article_segments: ClassVar[frozenset[str]] = frozenset({"tag", "auteur", "author"})
    page_class: ClassVar[type[FmmArticlePage]] = FmmArticlePage

    args: SpiderArgs

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        try:
            parsed = parse_args(kwargs, default_base_url=self.public_origin, known_sections=self.sections)
        except SpiderArgumentError as exc:
            logging.getLogger(__name__).error("%s: bad spider argument: %s", self.name, exc)
            raise
        super().__init__(*args)
        self.args = parsed
        self.public_host = urlsplit(self.public_origin).hostname or ""
        fetch = urlsplit(parsed.base_url)
        self.fetch_host = fetch.hostname or ""
        self._fetch_origin = (fetch.scheme, fetch.netloc)
        self.allowed_domains = [self.fetch_host]
        self._article_path = re.compile(rf"^{re.escape(self.path_prefix)}/(?:[^/]+/){{1,3}}\d{{8}}-[^/]+$")
        self._queued: set[str] = set()

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """Add the default feed (``NEWSCRAWL_FEED_URI``) unless ``-o``/``-O`` or FEEDS name one."""
        super().update_settings(settings)
        uri = settings.get("NEWSCRAWL_FEED_URI")
        if uri and not settings.getdict("FEEDS"):
            feed = {"format": "jsonlines", "encoding": "utf-8", "fields": list(FIELD_NAMES)}
            settings.set("FEEDS", {uri: feed}, priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> FmmSpider:
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
        if not settings.get("NEWSCRAWL_CONTACT_URL") and spider.args.base_url == cls.public_origin:
            spider.logger.warning(
                "NEWSCRAWL_CONTACT_URL is not set: the User-Agent names no contact for the "
                "site's operators; set it to a page or mailto: where you can be reached"
            )
        return spider

    # -- URLs -----------------------------------------------------------------

    @property
    def edition_url(self) -> str:
        return f"{self.public_origin}{self.path_prefix}/"

    def discovery_urls(self) -> Iterator[tuple[str, str]]:
        """``(public URL, source)`` of every discovery page, in the order requested."""
        prefix = self.path_prefix
        if "section" in self.args.sources:
            if self.args.sections is None:
                yield self.edition_url, "section"
            for slug in self.args.sections or self.sections:
                yield clean_url(f"{self.public_origin}{prefix}/{slug}/"), "section"
        if "rss" in self.args.sources:
            yield f"{self.public_origin}{prefix}/rss", "rss"
        if "sitemap" in self.args.sources:
            yield f"{self.public_origin}/sitemaps/{self.edition}/news.xml", "sitemap"

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

    def is_article_url(self, public_url: str) -> bool:
        """``<prefix>/<section>[/<show>]/<YYYYMMDD>-<slug>`` on the public host; not tag, author, live.

        With ``-a sections``, only articles under those sections count.
        """
        if urlsplit(public_url).hostname != self.public_host:
            return False
        path = decoded_path(public_url)
        if not self._article_path.match(path) or _FILE_ENDING.search(path):
            return False
        first = path[len(self.path_prefix) :].split("/")[1]
        if first in self.non_article_segments:
            return False
        return self.args.sections is None or first in self.args.sections

    # -- discovery ------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        callbacks = {"section": self.parse_listing, "rss": self.parse_rss, "sitemap": self.parse_sitemap}
        for public_url, source in self.discovery_urls():
            yield scrapy.Request(
                self.to_fetch_url(public_url),
                callback=callbacks[source],
                meta={META_PUBLIC_URL: public_url},
                priority=10,
            )

    def _page_public_url(self, response: Response) -> str:
        return self.to_public_url(response.url, response.url) or response.meta.get(
            META_PUBLIC_URL, response.url
        )

    def _is_text(self, response: Response, what: str) -> TypeGuard[TextResponse]:
        """True for a text response; otherwise log, count ``pages/not_text`` and say no."""
        if isinstance(response, TextResponse):
            return True
        self._count("pages/not_text")
        content_type = (response.headers.get("Content-Type") or b"?").decode("latin-1")
        self.logger.warning("%s %s is not text (Content-Type %s); skipped", what, response.url, content_type)
        return False

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        if not self._is_text(response, "listing page"):
            return
        links = FmmListingPage(Selector(text=response.text)).article_links()
        yield from self.article_requests(links, via="section", base=self._page_public_url(response))

    def parse_rss(self, response: Response) -> Iterator[scrapy.Request]:
        entries = parse_rss(response.body)
        if not entries:
            self.logger.warning("feed %s holds no readable item", response.url)
        yield from self.article_requests((e.url for e in entries), via="rss", base=self.edition_url)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        entries, _children = parse_sitemap(response.body)
        if not entries:
            self.logger.warning("sitemap %s holds no readable <url>", response.url)
        yield from self.article_requests((e.url for e in entries), via="sitemap", base=self.edition_url)

    def article_requests(self, hrefs: Iterable[str], *, via: str, base: str) -> Iterator[scrapy.Request]:
        """Requests for the article links among ``hrefs``; every other link is dropped here.

        Links are filtered and deduplicated before a request exists, so
        Scrapy's per-request costs are paid only for new article pages.
        """
        max_articles = self.args.max_articles
        for href in hrefs:
            public_url = self.to_public_url(href, base)
            if public_url is None:
                self._count("links/offsite")
                continue
            if not self.is_article_url(public_url):
                self._count("links/not_article")
                continue
            key = url_key(public_url)
            if key in self._queued:
                self._count("links/duplicate")
                continue
            if max_articles is not None and len(self._queued) >= max_articles:
                self._count("articles/over_max")
                continue
            self._queued.add(key)
            self._count("links/article")
            self._count(f"discovered/{via}")
            yield scrapy.Request(
                self.to_fetch_url(public_url),
                callback=self.parse_article,
                meta={META_PUBLIC_URL: public_url, META_VIA: via},
            )

    # -- articles -------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[ArticleItem]:
        requested = response.meta[META_PUBLIC_URL]
        if not self._is_text(response, "article"):
            return
        public_url = self.to_public_url(response.url, response.url) or requested
        page = self.page_class(Selector(text=response.text), public_url)
        if not page.is_article():
            self._count("pages/not_article")
            self.logger.warning("%s has no article markup; no item", requested)
            return
        fields = page.fields()
        canonical = self.to_public_url(fields["url"], public_url) if fields["url"] else None
        fields["url"] = canonical if canonical and self.is_article_url(canonical) else public_url
        yield ArticleItem(
            site=self.site,
            edition=self.edition,
            language=self.language,
            discovered_via=response.meta.get(META_VIA, "section"),
            crawled_at=utc_now_iso(),
            **fields,
        )

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/{key}")
