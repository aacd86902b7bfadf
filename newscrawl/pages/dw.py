"""Deutsche Welle (``www.dw.com/<code>/``): the current (React) template and the legacy one.

Real pages seen: German only (a current page of 2023-06 and a legacy page
of 2023-04); the other 30 editions run the same application but no page of
theirs has been read. The legacy template's labels ("Datum",
"Autorin/Autor") are localized: only the German ones are known.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from newscrawl.pages.base import ArticlePage, _first
from newscrawl.utils.text import collapse, iso_utc


class DwArticlePage(ArticlePage):
    """One DW article.

    Current template: the fields come from the NewsArticle JSON-LD
    (headline, authors, dates in UTC with milliseconds, images) and the
    article's header (lead, kicker as section); the title is the article
    header's ``h1``, not the page's first one (a page has three). Tags are
    the related topics' links. Legacy template: ``h1``, ``p.intro``,
    ``div.longText``; date and author sit in ``ul.smallList`` behind labels;
    the date has no time of day, so ``published`` is that day at 00:00 UTC.
    """

    SITE = "dw"

    ARTICLE = "article div.content-area div.rich-text, div#bodyContent div.longText"
    READY_SELECTOR = "article div.content-area div.rich-text p, div#bodyContent div.longText p"
    #: inside the body: in-text ad slots, embedded video players (title, player, "enable JavaScript"
    #: notice), and the legacy template's inline pictures (their captions are paragraphs)
    JUNK = ("span.rich-text-ad", "div.vjs-wrapper", "div.picBox")

    TITLE = "article header h1, div#bodyContent > div.col3 > h1"
    #: "… – DW – 13.06.2023" (og:title, <title>), "… | DW | 28.04.2023" (legacy og:title)
    TITLE_SUFFIX = re.compile(r"\s+[–|]\s+DW\s+[–|]\s+\d{2}\.\d{2}\.\d{4}$")
    LEAD = "article header p, div#bodyContent > div.col3 > p.intro"  # class teaser-text, later tease
    BODY = "article div.content-area div.rich-text, div#bodyContent div.longText"
    SECTION = "article header div.kicker a, div#navPath a"
    TAGS = "div.content-block aside.link-wrapper a"
    IMAGE_CAPTION = (
        "article div.content-area > figure > figcaption::text, div#bodyContent > div.col3 > div.picBox > p"
    )
    #: the credit's text nodes: a label ("Bild:") first, then the credit
    IMAGE_CREDIT_TEXTS = "article div.content-area > figure small.copyright::text"

    #: legacy template: ``ul.smallList > li`` items by their (German) label
    LEGACY_FACTS = "ul.smallList > li"
    LEGACY_DATE_LABELS = ("Datum",)
    LEGACY_AUTHOR_LABELS = ("Autorin/Autor",)

    def _legacy_fact(self, labels: tuple[str, ...]) -> str | None:
        """The text after the first ``ul.smallList`` item's label that is one of ``labels``."""
        for item in self._all(self.LEGACY_FACTS):
            label = _first([collapse(t) for t in item.xpath("strong//text()")])
            if label in labels:
                return collapse(" ".join(item.xpath("text()"))) or None
        return None

    def authors(self) -> list[str]:
        legacy = self._legacy_fact(self.LEGACY_AUTHOR_LABELS)
        return super().authors() or ([legacy] if legacy else [])

    def published(self) -> str | None:
        value = super().published()
        if value is None and (day := self._legacy_fact(self.LEGACY_DATE_LABELS)):
            try:
                return iso_utc(datetime.strptime(day, "%d.%m.%Y").replace(tzinfo=UTC))
            except ValueError:
                return None
        return value

    def image_credit(self) -> str | None:
        texts = [collapse(t) for t in self._all(self.IMAGE_CREDIT_TEXTS)]
        return collapse(" ".join(texts[1:])) or None
