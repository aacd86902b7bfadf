"""Page parsers for the France Médias Monde CMS (rfi.fr, france24.com, mc-doualiya.com).

Parsers take markup and a URL and return fields; they never touch the
network, the crawler, settings or the clock, so each is testable from a
saved file. Selectors are the named constants at the top of each class;
where SITE-NOTES marks a fallback (meta tags, JSON-LD) it is read second.
"""

from __future__ import annotations

import json
import re
from functools import cached_property
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from parsel import Selector, SelectorList

from newscrawl.utils.text import collapse, parse_iso_datetime, parse_paris_display_date


def _first_text(nodes: SelectorList[Selector]) -> str | None:
    for node in nodes:
        text = collapse(" ".join(node.xpath(".//text()").getall()))
        if text:
            return text
    return None


class FmmArticlePage:
    """One article page of the FMM CMS.

    ``url`` is the page's public URL (``https://www.rfi.fr/...``): relative
    links and image URLs are resolved against it.
    """

    ARTICLE = "article.t-content__article-wrapper"
    TITLE = "h1.t-content__title"
    LEAD = "p.t-content__chapo"
    DATE_TIMES = ".t-content__dates .m-pub-dates__date time"
    BODY = "div.t-content__body"
    AUTHOR_NAMES = ".m-from-author .m-from-author__name"
    BREADCRUMB_LINKS = "nav.m-breadcrumb a.m-breadcrumb__list__item__link"
    TAGS = ".t-content__tags ul.m-tags-list a.a-hot-tag"
    MAIN_IMAGE = ".t-content__main-media figure.m-figure"
    IMAGE_IMG = "img.m-figure__img"
    IMAGE_LEGENDS = "figcaption .a-media-legend"
    CANONICAL = "link[rel='canonical']::attr(href)"
    OG_URL = "meta[property='og:url']::attr(content)"
    OG_TITLE = "meta[property='og:title']::attr(content)"
    DESCRIPTION = "meta[name='description']::attr(content)"
    PUBLISHED_META = "meta[property='article:published_time']::attr(content)"
    MODIFIED_META = "meta[property='article:modified_time']::attr(content)"
    SECTION_META = "meta[property='article:section']::attr(content)"
    JSON_LD = "script[type='application/ld+json']::text"
    SHARE_FACEBOOK = "a.m-share-bar__link[href*='facebook.com/dialog/share']::attr(href)"

    _SRCSET_ENTRY = re.compile(r"\s*(\S+)\s+(\d+)w\s*")

    def __init__(self, selector: Selector, url: str, html: str | None = None) -> None:
        self.sel = selector
        self.url = url
        #: the page's source text, when known (for :meth:`body_is_cut`)
        self.html = html
        self._json_ld: dict[str, Any] | None = None
        article = selector.css(self.ARTICLE)
        #: the article element (its fields are searched there only), else the whole page
        self.article: Selector = article[0] if article else selector

    @classmethod
    def from_html(cls, text: str, url: str) -> FmmArticlePage:
        return cls(Selector(text=text), url, text)

    # -- metadata fallbacks -------------------------------------------------

    def json_ld_article(self) -> dict[str, Any]:
        """The first JSON-LD object typed as an article (blocks may hold arrays or @graph)."""
        if self._json_ld is None:
            self._json_ld = {}
            for raw in self.sel.css(self.JSON_LD).getall():
                try:
                    data = json.loads(raw)
                except ValueError:
                    continue
                candidates = data if isinstance(data, list) else [data]
                for obj in list(candidates):
                    if isinstance(obj, dict) and isinstance(obj.get("@graph"), list):
                        candidates.extend(obj["@graph"])
                for obj in candidates:
                    if isinstance(obj, dict) and str(obj.get("@type", "")).endswith("Article"):
                        self._json_ld = obj
                        return obj
        return self._json_ld

    # -- fields ---------------------------------------------------------------

    def is_article(self) -> bool:
        """True when the page carries the article template."""
        return self.article is not self.sel or bool(self.sel.css(self.TITLE))

    _P_TAG = re.compile(r"<p[\s>]", re.I)
    _BODY_START = re.compile(r"<div[^>]*class=\"[^\"]*\bt-content__body\b")
    _BODY_END = re.compile(r"class=\"[^\"]*\bt-content__(?:shares|tags|related)\b|</article>")

    def body_is_cut(self) -> bool:
        """True when broken markup (a stray ``</div>``) ends the body container before its paragraphs.

        The ``<p>`` tags written between the body's start and the share bar (or
        the article's end) are counted in the source and in the parsed body: a
        parser that closed the container early leaves some outside, and the
        body read from it would be silently cut short.
        """
        if self.html is None:
            return False
        body = self.article.css(self.BODY)
        marker = self.html.find("t-content__body")  # a cheap find first; the regex only confirms
        start = (
            self._BODY_START.search(self.html, max(0, self.html.rfind("<div", 0, marker)))
            if marker >= 0
            else None
        )
        if not body or start is None:
            return False  # no body container: a layout change, for validation and coverage
        end = self._BODY_END.search(self.html, start.end())
        written = len(self._P_TAG.findall(self.html, start.end(), end.start() if end else len(self.html)))
        return written > len(body[0].xpath(".//p"))

    def canonical_url(self) -> str | None:
        """``link[rel=canonical]``, then ``og:url``, then the article URL in the share bar."""
        for query in (self.CANONICAL, self.OG_URL):
            value = self.sel.css(query).get()
            if value and value.strip():
                return urljoin(self.url, value.strip())
        share = self.sel.css(self.SHARE_FACEBOOK).get()
        if share:
            # redirect_uri holds the article URL, percent-encoded twice in the href
            redirect = parse_qs(urlsplit(share).query).get("redirect_uri")
            if redirect and redirect[0].startswith(("http://", "https://")):
                return redirect[0]
        return None

    def title(self) -> str | None:
        return (
            _first_text(self.article.css(self.TITLE))
            or collapse(self.sel.css(self.OG_TITLE).get())
            or collapse(self.json_ld_article().get("headline"))
            or None
        )

    def lead(self) -> str | None:
        return (
            _first_text(self.article.css(self.LEAD)) or collapse(self.sel.css(self.DESCRIPTION).get()) or None
        )

    def body_html(self) -> str:
        """Raw HTML of the body container; cleaning happens in the pipeline.

        Inline SVG (the app badges of the self-promo block weigh ~15 KB) carries
        no text: it is left out here rather than serialized and parsed again.
        """
        body = self.article.css(self.BODY)
        if not body:
            return ""
        for svg in body[0].root.xpath(".//*[local-name()='svg']"):
            svg.drop_tree()
        html: str = body[0].get()
        return html

    @cached_property
    def _dates(self) -> list[str]:
        values = []
        for node in self.article.css(self.DATE_TIMES):
            value = parse_iso_datetime(node.attrib.get("datetime")) or parse_paris_display_date(
                " ".join(node.xpath(".//text()").getall())
            )
            if value:
                values.append(value)
        return values

    def published(self) -> str | None:
        dates = self._dates
        if dates:
            return dates[0]
        return parse_iso_datetime(self.sel.css(self.PUBLISHED_META).get()) or parse_iso_datetime(
            self.json_ld_article().get("datePublished")
        )

    def modified(self) -> str | None:
        dates = self._dates
        if len(dates) > 1:
            return dates[1] if dates[1] != dates[0] else None
        if dates:  # the page shows a single date
            return None
        value = parse_iso_datetime(self.sel.css(self.MODIFIED_META).get()) or parse_iso_datetime(
            self.json_ld_article().get("dateModified")
        )
        return value if value != self.published() else None

    def authors(self) -> list[str]:
        names = [
            collapse(" ".join(n.xpath(".//text()").getall())) for n in self.article.css(self.AUTHOR_NAMES)
        ]
        names = [n for n in names if n]
        if not names:
            authors = self.json_ld_article().get("author") or []
            for author in authors if isinstance(authors, list) else [authors]:
                name = collapse(author.get("name") if isinstance(author, dict) else str(author))
                if name:
                    names.append(name)
        return list(dict.fromkeys(names))

    def section(self) -> str | None:
        links = self.sel.css(self.BREADCRUMB_LINKS)
        if len(links) > 1:
            return _first_text(links[-1:]) or None
        return collapse(self.sel.css(self.SECTION_META).get()) or None

    def tags(self) -> list[str]:
        names = [collapse(" ".join(n.xpath(".//text()").getall())) for n in self.article.css(self.TAGS)]
        if not any(names):
            keywords = self.json_ld_article().get("keywords") or []
            names = keywords.split(",") if isinstance(keywords, str) else [str(k) for k in keywords]
        return list(dict.fromkeys(n for n in (collapse(n) for n in names) if n))

    def image(self) -> dict[str, str | None] | None:
        figure = self.article.css(self.MAIN_IMAGE)
        if not figure:
            return None
        img = figure.css(self.IMAGE_IMG) or figure.css("img")
        if not img:
            return None
        url = self._largest_rendition(img[0].attrib.get("srcset", ""))
        if url is None:
            src = (img[0].attrib.get("src") or "").strip()
            url = urljoin(self.url, src) if src and not src.startswith("data:") else None
        if url is None:
            return None
        legends = [collapse(" ".join(n.xpath(".//text()").getall())) for n in figure.css(self.IMAGE_LEGENDS)]
        legends = [text for text in legends if text]
        caption = legends[0] if legends else collapse(img[0].attrib.get("alt")) or None
        credit = legends[1] if len(legends) > 1 else None
        return {"url": url, "caption": caption, "credit": credit}

    def _largest_rendition(self, srcset: str) -> str | None:
        best: tuple[int, str] | None = None
        for entry in srcset.split(","):
            match = self._SRCSET_ENTRY.fullmatch(entry)
            if match and not match.group(1).startswith("data:"):
                width = int(match.group(2))
                if best is None or width > best[0]:
                    best = (width, urljoin(self.url, match.group(1)))
        return best[1] if best else None

    def fields(self) -> dict[str, Any]:
        """Every field the page provides, named as in :class:`newscrawl.items.ArticleItem`.

        ``body`` stays empty and ``body_html`` raw: both are produced by the
        body-cleaning pipeline.
        """
        return {
            "url": self.canonical_url() or self.url,
            "title": self.title(),
            "lead": self.lead(),
            "body": "",
            "body_html": self.body_html(),
            "authors": self.authors(),
            "published": self.published(),
            "modified": self.modified(),
            "section": self.section(),
            "tags": self.tags(),
            "image": self.image(),
        }


class _LinkPage:
    """A page read only for its links: the hrefs matched by ``LINKS``, in page order, each once."""

    LINKS: tuple[str, ...] = ()

    def __init__(self, selector: Selector) -> None:
        self.sel = selector

    def article_links(self) -> list[str]:
        """Hrefs as written (relative or absolute); the spider decides which are articles."""
        hrefs: dict[str, None] = {}
        for query in self.LINKS:
            for href in self.sel.css(query).getall():
                href = href.strip()
                if href:
                    hrefs.setdefault(href, None)
        return list(hrefs)


class FmmListingPage(_LinkPage):
    """A homepage, section, tag or programme page: links of its article cards only."""

    LINKS = (
        ".m-item-list-article a[data-article-item-link]::attr(href)",
        ".article__title a::attr(href)",  # div.article__title today, p.article__title in 2020-21
    )


class FmmArchivePage(_LinkPage):
    """A daily archive page (RFI fr ``/fr/archives/…``, France 24 ``/<ed>/archives/…``)."""

    LINKS = (
        "div.o-archive-day ul.o-archive-day__list li a::attr(href)",  # RFI
        "li.o-archive-day__list__entry a::attr(href)",  # France 24
        "a.a-archive-link::attr(href)",
    )
