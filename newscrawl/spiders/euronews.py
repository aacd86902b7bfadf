"""Euronews (``<host>.euronews.com``): one host per edition, one template (2024 and 2026 versions).

Each edition is one entry of :data:`EDITIONS`: code (the spider is ``euronews_<code>``, the item's
``edition``), host, BCP 47 language, and the RSS verticals seen linked from a real page of the
edition. Discovery (site notes, Euronews §1): the news sitemap
``/sitemaps/<code>/latest-news.xml`` and RSS ``/rss?level=vertical&name=<vertical>`` for recent
articles, the sitemap ``/sitemaps/<code>/articles.xml`` for a backfill (``since``; dates from the
article path). Article URLs are ``/[<vertical>/]YYYY/MM/DD/<slug>``; ``/video/…`` pages are not
articles. Real pages read: en, fr and de; the other editions' sitemap paths follow the same
pattern with their code, unchecked.
"""

from __future__ import annotations

from typing import ClassVar

from newscrawl.pages.base import ArticlePage
from newscrawl.pages.euronews import EuronewsArticlePage
from newscrawl.spiders.base import NewsSpider


class EuronewsSpider(NewsSpider):
    """Base of the Euronews editions (no ``name``)."""

    site = "euronews"
    page_class: ClassVar[type[ArticlePage]] = EuronewsArticlePage
    article_path = r"/(?!video/)(?:[a-z0-9-]+/)?\d{4}/\d{2}/\d{2}/[^/]+"
    path_date = r"/(?P<year>\d{4})/(?P<month>\d{2})/(?P<day>\d{2})/[^/]+$"


#: editions whose pages were checked on a real page (tests/fixtures/euronews_<code>/)
REAL_PAGES = frozenset({"en", "fr", "de"})
#: (code, host, language, RSS verticals seen on a real page of the edition)
EDITIONS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("en", "www", "en", ("news",)),
    ("fr", "fr", "fr", ("green",)),
    ("de", "de", "de", ("my-europe",)),
    ("it", "it", "it", ()),
    ("es", "es", "es", ()),
    ("pt", "pt", "pt", ()),
    ("pl", "pl", "pl", ()),
    ("ru", "ru", "ru", ()),
    ("tr", "tr", "tr", ()),
    ("el", "gr", "el", ()),
    ("hu", "hu", "hu", ()),
    ("fa", "parsi", "fa", ()),
    ("ar", "arabic", "ar", ()),
)

SPIDERS = tuple(
    EuronewsSpider.declare(
        f"euronews_{code}",
        doc=f"Euronews, {language} edition ({host}.euronews.com).",
        edition=code,
        language=language,
        public_origin=f"https://{host}.euronews.com",
        recent_sources=(
            ("sitemap", f"/sitemaps/{code}/latest-news.xml"),
            *(("rss", f"/rss?level=vertical&name={vertical}") for vertical in verticals),
        ),
        backfill_sources=(("sitemap", f"/sitemaps/{code}/articles.xml"),),
        real_page_checked=code in REAL_PAGES,
    )
    for code, host, language, verticals in EDITIONS
)
globals().update((spider.__name__, spider) for spider in SPIDERS)
