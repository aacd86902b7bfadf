"""Voice of America in English (``www.voanews.com``), on the Pangea CMS.

Discovery: the RSS feed ``/api/`` (linked as ``<link rel="alternate" type="application/rss+xml">``
from the real page) for recent articles; the sitemap index ``/sitemap.xml`` and its gzipped
``sitemap_<n>.xml.gz`` children (notes, VOA §4) for a backfill (dates from their ``lastmod``).
Article URLs are ``/a/<slug>/<id>.html``; the AMP copies ``/amp/…`` are not requested.
"""

from __future__ import annotations

from typing import ClassVar

from newscrawl.pages.base import ArticlePage
from newscrawl.pages.voa import VoaArticlePage
from newscrawl.spiders.base import NewsSpider


class VoaEnSpider(NewsSpider):
    """VOA, English."""

    name = "voa_en"
    site = "voa"
    edition = "en"
    language = "en"
    public_origin = "https://www.voanews.com"
    host_aliases: ClassVar[frozenset[str]] = frozenset({"voanews.com"})
    page_class: ClassVar[type[ArticlePage]] = VoaArticlePage
    real_page_checked = True  # tests/fixtures/voa_en/
    article_path = r"/a/[^/]+/\d+\.html"
    recent_sources = (("rss", "/api/"),)
    backfill_sources = (("sitemap", "/sitemap.xml"),)
