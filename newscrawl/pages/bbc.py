"""BBC News in English (``www.bbc.com/news``), the Next.js article template.

Real page seen: one English article of 2026-04. The World Service sites use
another renderer and are not read by this class.
"""

from __future__ import annotations

from newscrawl.pages.base import ArticlePage


class BbcArticlePage(ArticlePage):
    """One BBC News article.

    The ReportageNewsArticle JSON-LD gives headline, authors and dates;
    ``datePublished`` is the story's *first* publication (years before the
    last update on a long-lived explainer) and is kept as such, the update
    being ``modified``. The body is the article's text and subheadline
    blocks. There is no lead in the markup: the meta description repeats the
    first paragraph, so ``lead`` is null.
    """

    SITE = "bbc"

    ARTICLE = "article div[data-component='text-block']"
    READY_SELECTOR = "article div[data-component='text-block'] p"
    #: the article's blocks other than text and subheadlines: headline, byline (share, save),
    #: figures, related links, topic tags
    JUNK = (
        "div[data-component='headline-block']",
        "div[data-component='byline-block']",
        "div[data-component='image-block']",
        "div[data-component='links-block']",
        "div[data-component='tag-list-block']",
    )

    #: not on the saved page
    OG_URL = ""
    TAGS_META = ""

    TITLE = "article div[data-component='headline-block'] h1"
    BODY = "article"
    AUTHORS = "article div[data-component='byline-block'] span[data-testid='byline-contributors']"
    SECTION_META = "meta[name='page.subsection']::attr(content)"
    TAGS = "article div[data-component='tag-list-block'] a"
    IMAGE_CREDIT = "article div[data-testid='hero-image'] > span"

    def lead(self) -> None:
        return None
