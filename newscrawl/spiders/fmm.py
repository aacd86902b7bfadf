"""FmmSpider: the France Médias Monde CMS (RFI, France 24, MCD) on the CMS-neutral :class:`NewsSpider`.

A concrete spider declares data (``name``, ``edition``, ``language``,
``sections``, which routes the site is known to publish); this class turns it
into an :class:`~newscrawl.editions.FmmEdition`, whose URL rules give the
discovery URLs (homepage, section pages, RSS feed ``/<ed>/rss``, news sitemap
``/sitemaps/<ed>/news.xml``; for a backfill the monthly sitemaps of
``/sitemaps/<ed>/index.xml`` and daily archives) and the article-URL rule.
Listings and archive pages are read by :mod:`newscrawl.pages.fmm`; everything
else (arguments, seen-store, budget, waiting links, errors) is
:class:`~newscrawl.spiders.base.NewsSpider`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from typing import ClassVar

import scrapy
from scrapy.http import Response, TextResponse

from newscrawl.editions import Edition, FmmEdition, contents_month
from newscrawl.pages.base import ArticlePage
from newscrawl.pages.fmm import FmmArchivePage, FmmArticlePage, FmmListingPage
from newscrawl.spiders.base import (  # noqa: F401  (META_* are part of this module's interface)
    META_EDITION,
    META_LISTED_MODIFIED,
    META_PUBLIC_URL,
    META_VIA,
    STATE_PENDING,
    NewsSpider,
)
from newscrawl.utils.text import PARIS


class FmmSpider(NewsSpider):
    """Base of every FMM-CMS spider (no ``name``: not listed by ``scrapy list``)."""

    #: True when the site's paths start with the edition code (``/cn/…``)
    edition_in_path: ClassVar[bool] = True
    #: section slugs of the edition's navigation, as decoded text
    sections: ClassVar[tuple[str, ...]]
    #: first path segments (after the prefix) that never hold articles: tags, authors, live
    non_article_segments: ClassVar[frozenset[str]] = frozenset({"tag", "auteur", "author"})
    #: recent routes the site publishes for this edition, besides listings: "rss", "sitemap"
    feeds: ClassVar[frozenset[str]] = frozenset()
    #: backfill routes: "sitemap" (index of monthly maps), "archive" (daily pages)
    backfill_routes: ClassVar[frozenset[str]] = frozenset()
    #: daily archive path (see :attr:`FmmEdition.archive_day`) and its month names
    archive_day: ClassVar[str | None] = None
    month_names: ClassVar[tuple[str, ...]] = ()
    page_class: ClassVar[type[ArticlePage]] = FmmArticlePage
    source_callbacks: ClassVar[dict[str, str]] = {**NewsSpider.source_callbacks, "archive": "parse_archive"}

    @classmethod
    def edition_info(cls) -> FmmEdition:
        """The :class:`FmmEdition` this (data-only) spider class declares."""
        return FmmEdition(
            **cls._edition_fields(),
            path_prefix=f"/{cls.edition}" if cls.edition_in_path else "",
            non_article_segments=cls.non_article_segments,
            feeds=cls.feeds,
            backfill=cls.backfill_routes,
            archive_day=cls.archive_day,
            month_names=cls.month_names,
        )

    @classmethod
    def _owns_request_path(cls, edition: Edition, path: str) -> bool:
        """``/cn/…`` and the edition's sitemaps, ``/sitemaps/cn/…``."""
        return edition.owns_path(path) or path.startswith(f"/sitemaps/{cls.edition}/")

    def _source_urls(self, edition: Edition, source: str) -> Iterator[str]:
        assert isinstance(edition, FmmEdition)
        args = self.args
        if source == "section":
            chosen = args.sections
            if chosen is None:
                yield edition.home_url
            yield from (edition.section_url(s) for s in edition.sections if chosen is None or s in chosen)
        elif source == "rss":
            yield edition.rss_url
        elif source == "sitemap":
            yield edition.sitemap_index_url if args.backfill else edition.news_sitemap_url
        elif source == "archive" and args.since is not None:
            day, last = args.since, args.until or datetime.now(PARIS).date()
            while day <= last:
                url = edition.archive_url(day)
                if url:
                    yield url
                day += timedelta(days=1)

    def _page_callback(self, response: Response) -> Callable[[Response], Iterator[scrapy.Request]]:
        """The callback for a page that is not an article: by its XML root, else by its markup."""
        callback = super()._page_callback(response)
        if (
            callback == self.parse_listing
            and isinstance(response, TextResponse)
            and FmmArchivePage(self._html(response)).article_links()
        ):
            return self.parse_archive
        return callback

    def listing_links(self, response: TextResponse) -> list[str]:
        links: list[str] = FmmListingPage(self._html(response)).article_links()
        return links

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        """The article links of a homepage, section, tag or programme page.

        @edition_url home
        @returns items 0 0
        @returns requests 1
        """
        yield from super().parse_listing(response)

    def parse_archive(self, response: Response) -> Iterator[scrapy.Request]:
        if not self._is_text(response, "archive page"):
            return
        links = FmmArchivePage(self._html(response)).article_links()
        yield from self.article_requests(
            links, via="archive", base=self._page_public_url(response), found_on=response
        )

    def child_sitemap_requests(self, children: Iterable[str], *, base: str) -> Iterator[scrapy.Request]:
        """Requests for the monthly ``contents_YYYYMM.xml`` maps of an index that meet the window."""
        since, until = self.args.since, self.args.until
        if since is None:
            return
        first, last = (since.year, since.month), ((until.year, until.month) if until else (9999, 12))
        for child in children:
            month = contents_month(child)
            public_url = self.to_public_url(child, base)
            if month is None or public_url is None:
                continue  # tags, shows, page-builder maps
            if not first <= month <= last:
                self._count("backfill/months_skipped")
                continue
            self._count("backfill/months_selected")
            yield self._sitemap_request(public_url)
