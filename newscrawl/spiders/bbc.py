"""BBC News in English (``www.bbc.com/news``).

Discovery (notes, BBC §3): the news sitemap index ``https://www.bbc.co.uk/sitemaps/https-index-uk-news.xml``
and its child sitemaps. No sitemap for a backfill is known, so ``bbc_en`` takes no ``since``.
Article URLs are ``/news/articles/<id>`` (current) or ``/news/<section>-<digits>`` (older);
``/news/live/…`` and ``/news/videos/…`` are not articles. The World Service sites use another
renderer and no page of theirs has been read: no spider.
"""

from __future__ import annotations

from typing import ClassVar

from newscrawl.pages.base import ArticlePage
from newscrawl.pages.bbc import BbcArticlePage
from newscrawl.spiders.base import NewsSpider


class BbcEnSpider(NewsSpider):
    """BBC News, English."""

    name = "bbc_en"
    site = "bbc"
    edition = "en"
    language = "en"
    public_origin = "https://www.bbc.com"
    host_aliases: ClassVar[frozenset[str]] = frozenset({"bbc.com"})
    document_hosts: ClassVar[frozenset[str]] = frozenset({"www.bbc.co.uk"})
    page_class: ClassVar[type[ArticlePage]] = BbcArticlePage
    real_page_checked = True  # tests/fixtures/bbc_en/
    article_path = r"/news/(?:articles/[a-z0-9]+|[a-z0-9_-]+-\d+)"
    recent_sources = (("sitemap", "https://www.bbc.co.uk/sitemaps/https-index-uk-news.xml"),)
