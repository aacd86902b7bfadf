"""Edition: the data that tells one language edition of a site apart, and its URL rules.

Spiders declare editions as small data-only classes (``newscrawl/spiders/rfi.py``,
``newscrawl/spiders/euronews.py``…); :meth:`newscrawl.spiders.base.NewsSpider.edition_info`
turns each into an :class:`Edition`, which derives every discovery URL the crawler requests
and decides which links are article pages. :class:`Edition` is CMS-neutral: discovery
documents are listed as data and an article URL is a regular expression on the decoded path.
:class:`FmmEdition` holds the URL rules of the France Médias Monde CMS (RFI, France 24, MCD).
Pure functions of the data: no network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from urllib.parse import quote

from newscrawl.pages.base import ArticlePage
from newscrawl.pages.fmm import FmmArticlePage

#: discovery routes: listings, RSS feed, sitemaps (news map; monthly maps when backfilling), daily archives
SOURCES: tuple[str, ...] = ("section", "rss", "sitemap", "archive")
RECENT_SOURCES: tuple[str, ...] = ("section", "rss", "sitemap")
BACKFILL_SOURCES: tuple[str, ...] = ("sitemap", "archive")

# File endings that never name an article page, whatever the path looks like.
_FILE_ENDING = re.compile(r"\.(?:xml|rss|json|jpe?g|png|gif|webp|svg|mp3|mp4|m4a|pdf|css|js)$", re.I)
_URL_DATE = re.compile(r"/(\d{4})(\d{2})(\d{2})-[^/]+$")
_CONTENTS_MONTH = re.compile(r"/contents_(\d{4})(\d{2})\.xml$")


@dataclass(frozen=True)
class Edition:
    """One edition of a site: where its discovery documents are and which paths are its articles."""

    spider: str
    site: str
    code: str
    language: str
    public_origin: str
    #: the edition's own paths start with it (``/cn``, ``/de``); empty when a host holds one edition
    path_prefix: str = ""
    #: entry (section) pages, as paths below ``path_prefix`` (decoded text)
    sections: tuple[str, ...] = ()
    #: recent discovery documents: ``(source, public URL)``, source ``rss``, ``sitemap`` (a news sitemap,
    #: or an index of them) or ``section`` (an entry page)
    routes: tuple[tuple[str, str], ...] = ()
    #: backfill discovery documents: ``(source, public URL)``, source ``sitemap`` (a sitemap or an index)
    backfill_routes: tuple[tuple[str, str], ...] = ()
    #: an article page's decoded path, whole (``re.fullmatch``)
    article_path: str = ""
    #: groups ``year``, ``month``, ``day`` found in an article path (``re.search``); empty: dates come
    #: from the feed or sitemap that lists the article
    path_date: str = ""
    #: the parser of the edition's article pages
    page_class: type[ArticlePage] = ArticlePage
    #: True: every article page is fetched through the browser (newscrawl/browser.py)
    requires_js: bool = False
    _article_re: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _date_re: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_article_re", re.compile(self.article_path))
        object.__setattr__(self, "_date_re", re.compile(self.path_date) if self.path_date else None)

    @property
    def home_url(self) -> str:
        return f"{self.public_origin}{self.path_prefix}/"

    def section_url(self, slug: str) -> str:
        return f"{self.public_origin}{self.path_prefix}/{quote(slug, safe='/?=&')}"

    def has_source(self, source: str, *, backfill: bool) -> bool:
        if source == "section" and not backfill:
            return bool(self.sections)
        return any(s == source for s, _ in (self.backfill_routes if backfill else self.routes))

    def source_urls(self, source: str, *, backfill: bool, sections: tuple[str, ...] | None) -> list[str]:
        """The public URLs of the edition's ``source`` documents (``sections``: the entry pages chosen)."""
        if source == "section" and not backfill:
            return [self.section_url(s) for s in self.sections if sections is None or s in sections]
        return [url for s, url in (self.backfill_routes if backfill else self.routes) if s == source]

    def owns_path(self, decoded_path: str) -> bool:
        return not self.path_prefix or decoded_path.startswith(f"{self.path_prefix}/")

    def is_article_path(self, decoded_path: str, sections: tuple[str, ...] | None = None) -> bool:
        """The path meets the article rule (``sections`` choose entry pages only: paths do not name them)."""
        return self._article_re.fullmatch(decoded_path) is not None

    @property
    def dates_in_url(self) -> bool:
        """True when article paths carry their date (:meth:`url_date`)."""
        return self._date_re is not None

    def url_date(self, decoded_path: str) -> date | None:
        """The publication date an article path carries, or None."""
        match = self._date_re.search(decoded_path) if self._date_re is not None else None
        if match is None:
            return None
        try:
            return date(int(match["year"]), int(match["month"]), int(match["day"]))
        except ValueError:
            return None

    def link_date(self, decoded_path: str, listed: str | None) -> date | None:
        """The date a backfill window is checked on: the path's, else the listing's (an ISO instant, UTC)."""
        return self.url_date(decoded_path) if self.dates_in_url else instant_date(listed)


@dataclass(frozen=True)
class FmmEdition(Edition):
    """An edition of an FMM site: paths ``<prefix>/<section>[/<show>]/<YYYYMMDD>-<slug>``.

    ``path_prefix`` is ``/cn``; empty for a site whose paths carry no edition code (MCD).
    """

    non_article_segments: frozenset[str] = frozenset()
    #: recent routes the site is known to publish for this edition: ``rss``, ``sitemap`` (news map)
    feeds: frozenset[str] = frozenset()
    #: backfill routes known to exist: ``sitemap`` (index of monthly maps), ``archive`` (daily pages)
    backfill: frozenset[str] = frozenset()
    #: daily archive path, ``str.format`` fields ``year``, ``month``, ``day``, ``month_name``
    archive_day: str | None = None
    #: month names used in archive paths, January first
    month_names: tuple[str, ...] = ()
    page_class: type[ArticlePage] = FmmArticlePage

    def __post_init__(self) -> None:
        pattern = rf"^{re.escape(self.path_prefix)}/(?:[^/]+/){{1,3}}\d{{8}}-[^/]+$"
        object.__setattr__(self, "article_path", pattern)
        super().__post_init__()
        if self.archive_day and len(self.month_names) != 12:
            raise ValueError(f"{self.spider}: an archive path needs 12 month names")

    # -- discovery URLs (public, on public_origin) ----------------------------------

    def section_url(self, slug: str) -> str:
        return f"{self.public_origin}{self.path_prefix}/{quote(slug)}/"

    @property
    def rss_url(self) -> str:
        return f"{self.public_origin}{self.path_prefix}/rss"

    @property
    def news_sitemap_url(self) -> str:
        return f"{self.public_origin}/sitemaps/{self.code}/news.xml"

    @property
    def sitemap_index_url(self) -> str:
        return f"{self.public_origin}/sitemaps/{self.code}/index.xml"

    def archive_url(self, day: date) -> str | None:
        if not self.archive_day:
            return None
        path = self.archive_day.format(
            year=day.year, month=day.month, day=day.day, month_name=self.month_names[day.month - 1]
        )
        return f"{self.public_origin}{quote(path)}"

    def has_source(self, source: str, *, backfill: bool) -> bool:
        if source == "section":
            return True
        if source == "archive":
            return backfill and "archive" in self.backfill
        if source == "sitemap" and backfill:
            return "sitemap" in self.backfill
        return source in self.feeds

    # -- link rules ---------------------------------------------------------------------

    def is_article_path(self, decoded_path: str, sections: tuple[str, ...] | None = None) -> bool:
        """``<prefix>/<section>[/<show>]/<YYYYMMDD>-<slug>``, not a tag, author or live page.

        With ``sections``, only articles whose first segment is one of them.
        """
        if not self._article_re.match(decoded_path) or _FILE_ENDING.search(decoded_path):
            return False
        first = decoded_path[len(self.path_prefix) :].split("/")[1]
        if first in self.non_article_segments:
            return False
        return sections is None or first in sections

    @property
    def dates_in_url(self) -> bool:
        return True

    def url_date(self, decoded_path: str) -> date | None:
        return url_date(decoded_path)


def url_date(decoded_path: str) -> date | None:
    """The ``YYYYMMDD`` date an article path starts its last segment with (a Paris date)."""
    match = _URL_DATE.search(decoded_path)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def contents_month(url: str) -> tuple[int, int] | None:
    """``(year, month)`` of a monthly article sitemap ``…/contents_YYYYMM.xml``."""
    match = _CONTENTS_MONTH.search(url)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    return (year, month) if 1 <= month <= 12 else None


def instant_date(value: str | None) -> date | None:
    """The UTC date of an ISO 8601 instant (``2024-04-28T07:00:00+00:00``; a date alone is that date)."""
    try:
        when = datetime.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return when.astimezone(UTC).date() if when.tzinfo else when.date()
