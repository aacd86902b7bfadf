"""Edition: the data that tells one language edition of an FMM site apart, and its URL rules.

Spiders declare editions as small classes (``newscrawl/spiders/rfi.py``);
:meth:`newscrawl.spiders.fmm.FmmSpider.edition_info` turns each into an
:class:`Edition`, which derives every URL the crawler requests and decides
which links are article pages. Pure functions of the data: no network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

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
    spider: str
    site: str
    code: str
    language: str
    public_origin: str
    #: ``/cn``; empty for a site whose paths carry no edition code (MCD)
    path_prefix: str
    sections: tuple[str, ...]
    non_article_segments: frozenset[str]
    #: recent routes the site is known to publish for this edition: ``rss``, ``sitemap`` (news map)
    feeds: frozenset[str]
    #: backfill routes known to exist: ``sitemap`` (index of monthly maps), ``archive`` (daily pages)
    backfill: frozenset[str]
    #: daily archive path, ``str.format`` fields ``year``, ``month``, ``day``, ``month_name``
    archive_day: str | None = None
    #: month names used in archive paths, January first
    month_names: tuple[str, ...] = ()
    #: the parser of the edition's article pages
    page_class: type[FmmArticlePage] = FmmArticlePage
    #: True: every article page is fetched through the browser (newscrawl/browser.py)
    requires_js: bool = False
    _article_path: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pattern = rf"^{re.escape(self.path_prefix)}/(?:[^/]+/){{1,3}}\d{{8}}-[^/]+$"
        object.__setattr__(self, "_article_path", re.compile(pattern))
        if self.archive_day and len(self.month_names) != 12:
            raise ValueError(f"{self.spider}: an archive path needs 12 month names")

    # -- discovery URLs (public, on public_origin) ----------------------------------

    @property
    def home_url(self) -> str:
        return f"{self.public_origin}{self.path_prefix}/"

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

    def owns_path(self, decoded_path: str) -> bool:
        return not self.path_prefix or decoded_path.startswith(f"{self.path_prefix}/")

    def is_article_path(self, decoded_path: str, sections: tuple[str, ...] | None = None) -> bool:
        """``<prefix>/<section>[/<show>]/<YYYYMMDD>-<slug>``, not a tag, author or live page.

        With ``sections``, only articles whose first segment is one of them.
        """
        if not self._article_path.match(decoded_path) or _FILE_ENDING.search(decoded_path):
            return False
        first = decoded_path[len(self.path_prefix) :].split("/")[1]
        if first in self.non_article_segments:
            return False
        return sections is None or first in sections


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
