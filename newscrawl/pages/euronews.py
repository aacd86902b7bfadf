"""Euronews (``<host>.euronews.com``): one template for every edition, in a 2024 and a 2026 version.

Real pages seen: English (2024 and 2026), French and German (2024); the
other editions use the same template but no page of theirs has been read.
"""

from __future__ import annotations

from newscrawl.pages.base import ArticlePage


class EuronewsArticlePage(ArticlePage):
    """One Euronews article, 2024 or 2026 template.

    The 2024 template has a NewsArticle JSON-LD (headline, author, dates,
    image); the 2026 one has none, and the same values come from the DOM and
    the meta tags (``article:author``, ``date.available``/``date.modified``:
    local time with its offset). ``og:title`` can be a shorter headline than
    the page's ``h1``. Section: the breadcrumb's last link (JSON-LD
    ``BreadcrumbList``). The JSON-LD image caption of the French page is the
    article's description, so caption and credit are read from the lead
    image's visible caption.
    """

    SITE = "euronews"

    ARTICLE = "h1.c-article-redesign-title"
    READY_SELECTOR = "div.c-article-content > p"
    #: inside the body container: ad slots with their placeholder text ("ADVERTISEMENT", "WERBUNG"), the
    #: related-stories, image, infographic and pull-quote widgets (the pull-quote repeats a paragraph),
    #: the video player and an empty first element
    JUNK = (
        "div.c-article-content__first-element",
        "div.c-ad",
        "div.advertising",
        "div.widget--type-related",
        "div.widget--type-image",
        "div.widget--type-infogram",
        "div.widget--type-quotation",
        "div.connatix-container",
    )

    TITLE = "h1.c-article-redesign-title"
    LEAD = "p.c-article-summary, h2.c-article-summary"  # p in 2024, h2 in 2026
    BODY = "div.c-article-content"
    AUTHOR_META = "meta[name='article:author']::attr(content)"  # 2026
    AUTHORS = "div.c-article-contributors a, div.c-article-contributors b"  # people as a, agencies as b
    PUBLISHED_META = "meta[name='date.available']::attr(content)"
    MODIFIED_META = "meta[name='date.modified']::attr(content)"
    SECTION = "nav.c-article-breadcrumbs a"
    TAGS_META = "meta[name='news_keywords']::attr(content)"
    IMAGE_CAPTION = "div.c-article-image-video span.c-article-caption__text::text"
    IMAGE_CREDIT = "div.c-article-image-video span.c-article-caption__credit"
