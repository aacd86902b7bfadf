"""Voice of America in English (``www.voanews.com``), on the Pangea CMS.

Real page seen: one English article of 2024-04. VOA's other language sites
and RFE/RL run the same platform, but no page of theirs has been read.
"""

from __future__ import annotations

from lxml import etree

from newscrawl.pages.base import ArticlePage, _query
from newscrawl.utils.body import drop_tree
from newscrawl.utils.text import collapse


class VoaArticlePage(ArticlePage):
    """One VOA article.

    The NewsArticle JSON-LD gives headline (with a trailing space), author,
    section, keywords, image and dates written ``"2024-04-28 07:00:00Z"``
    (a space for the ``T``). The lead is the meta description (the body has
    none). The image is the JSON-LD's share image: its file differs from the
    cover figure's, so the cover's caption is not attached to it. An agency
    dateline (``span.dateline``, "AUBURN, Wash. —") opens the first paragraph.
    """

    SITE = "voa"

    ARTICLE = "div#article-content div.wsw"
    READY_SELECTOR = "div#article-content div.wsw p"
    #: inside the body: embedded figures (with their captions)
    JUNK = ("div.wsw__embed",)
    DATELINE = "span.dateline"

    TITLE = "h1.pg-title"
    BODY = "div#article-content div.wsw"
    AUTHORS = "div.publishing-details a.links__item-link"
    SECTION = "div.category a"

    def _prepare_body(self, body: etree._Element) -> None:
        """The dateline, written before the first paragraph, becomes its first words."""
        for dateline in _query(self.DATELINE)(body):
            paragraph = dateline.getnext()
            text = collapse(" ".join(dateline.itertext()))
            if paragraph is not None and paragraph.tag == "p" and text:
                paragraph.text = f"{text} {paragraph.text or ''}"
                drop_tree(dateline)
