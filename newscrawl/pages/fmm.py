"""Page parsers for the France Médias Monde CMS (rfi.fr, france24.com, mc-doualiya.com).

Parsers take markup and a URL and return fields; they never touch the
network, the crawler, settings or the clock, so each is testable from a
saved file. Selectors are the named constants at the top of each class;
where SITE-NOTES marks a fallback (meta tags, JSON-LD) it is read second.
"""

from __future__ import annotations

import re
from functools import cached_property
from urllib.parse import parse_qs, urljoin, urlsplit

from lxml import etree
from parsel import Selector

from newscrawl.pages.article import body_shows_text, has_article_markup
from newscrawl.pages.base import (
    _TEXT_NODES,
    NO_BODY,
    READY,
    WAITING,
    ArticlePage,
    _first,
    _first_text,
    _query,
    _text,
)
from newscrawl.utils.body import drop_tree
from newscrawl.utils.text import (
    PARIS,
    collapse,
    iso_date,
    paris_time_on,
    parse_iso_datetime,
    parse_paris_display_date,
)

_PARAGRAPHS = etree.XPath(".//p")


def _is_word(char: str) -> bool:
    r"""What ``\w`` matches in a ``str`` pattern (for a ``\b`` test)."""
    return char.isalnum() or char == "_"


class FmmArticlePage(ArticlePage):
    """One article page of the FMM CMS.

    ``url`` is the page's public URL (``https://www.rfi.fr/...``): relative
    links and image URLs are resolved against it.
    """

    ARTICLE = "article.t-content__article-wrapper"
    TITLE = "h1.t-content__title"
    #: the body's own paragraphs: the page is ready (its body is there) when one of them holds text
    #: (:meth:`is_ready`). The browser waits for it and a plain answer without it is rendered
    #: (newscrawl/browser.py), so a body inserted by script is never read before it is in the page.
    #: JUNK stays empty: the FMM junk rules are those of newscrawl.utils.body, applied to every body by
    #: the cleaning pipeline
    READY_SELECTOR = "div.t-content__body > p"
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
        self._root: etree._Element = selector.root
        articles = _query(self.ARTICLE)(self._root)
        self._article: etree._Element | None = articles[0] if articles else None
        #: where the article's fields are searched: the article element, else the whole page
        self._scope: etree._Element = self._root if self._article is None else self._article

    @classmethod
    def from_html(cls, text: str, url: str) -> FmmArticlePage:
        return cls(Selector(text=text), url, text)

    # -- queries --------------------------------------------------------------

    def _in_scope(self, css: str) -> list[etree._Element]:
        """Matches of an article-level query, in document order."""
        found: list[etree._Element] = _query(css)(self._scope)
        return found

    def _page_value(self, css: str) -> str | None:
        """First value of a page-level query (meta, link), as ``self.sel.css(css).get()``."""
        return _first(_query(css)(self._root))

    @cached_property
    def _body(self) -> etree._Element | None:
        """The body container (read by :meth:`body_html` and :meth:`body_is_cut`)."""
        found = self._in_scope(self.BODY)
        return found[0] if found else None

    @classmethod
    def scan_body_state(cls, body: bytes) -> str | None:
        """The byte forms of the template's marks (:func:`has_article_markup`) and of
        :attr:`READY_SELECTOR` (:func:`body_shows_text`): no parse in the crawl process (~15 µs).

        A subclass with a ``READY_SELECTOR`` of its own is parsed unless the template has no body.
        """
        shown = body_shows_text(body)
        if shown is None:
            return NO_BODY if has_article_markup(body) else None
        if shown and cls.READY_SELECTOR == FmmArticlePage.READY_SELECTOR:
            return READY
        return None

    def body_state(self) -> str:
        """Ready or waiting: a template without a body container is told by the bytes (above)."""
        return READY if self.is_ready() else WAITING

    # -- metadata fallbacks -------------------------------------------------

    @staticmethod
    def _paris_time(value: object) -> str | None:
        """A metadata timestamp; one without an offset is Paris time, as every FMM site shows it."""
        return parse_iso_datetime(value if isinstance(value, str) else None, naive_tz=PARIS)

    # -- fields ---------------------------------------------------------------

    def is_article(self) -> bool:
        """True when the page carries the article template."""
        return self._article is not None or bool(_query(self.TITLE)(self._root))

    _P_TAG = re.compile(r"<p[\s>]", re.I)
    _BODY_START = re.compile(r"<div[^>]*class=\"[^\"]*\bt-content__body\b")
    #: where the body's paragraphs end in the source: ``class="[^"]*\bt-content__(?:shares|tags|related)\b``
    #: or ``</article>``, found by :meth:`_body_end` (a search with that regex costs ~90 µs a page)
    _BODY_END_CLASSES = ("shares", "tags", "related")

    def body_is_cut(self) -> bool:
        """True when broken markup (a stray ``</div>``) ends the body container before its paragraphs.

        The ``<p>`` tags written between the body's start and the share bar (or
        the article's end) are counted in the source and in the parsed body: a
        parser that closed the container early leaves some outside, and the
        body read from it would be silently cut short.
        """
        if self.html is None:
            return False
        body = self._body
        marker = self.html.find("t-content__body")  # a cheap find first; the regex only confirms
        start = (
            self._BODY_START.search(self.html, max(0, self.html.rfind("<div", 0, marker)))
            if marker >= 0
            else None
        )
        if body is None or start is None:
            return False  # no body container: a layout change, for validation and coverage
        written = len(self._P_TAG.findall(self.html, start.end(), self._body_end(self.html, start.end())))
        return written > len(_PARAGRAPHS(body))

    @classmethod
    def _body_end(cls, html: str, pos: int) -> int:
        r"""Where the first match of ``class="[^"]*\bt-content__(?:shares|tags|related)\b|</article>``
        at or after ``pos`` starts (the end of ``html`` without one), found with ``str.find``.

        A class match ends on one of the names, and starts at the ``class="``
        whose quote is the last one before the name; such starts never decrease
        along the text, so the first name that has one gives the leftmost.
        """
        found = -1
        name = html.find("t-content__", pos)
        while name >= 0:
            after = name + len("t-content__")
            quote = html.rfind('"', 0, name)
            start = quote - len("class=")
            if (
                start >= pos
                and html.startswith('class="', start)
                and (name == 0 or not _is_word(html[name - 1]))
                and any(
                    html.startswith(end, after)
                    and (after + len(end) == len(html) or not _is_word(html[after + len(end)]))
                    for end in cls._BODY_END_CLASSES
                )
            ):
                found = start
                break
            name = html.find("t-content__", after)
        # a </article> that starts before the class match (it cannot overlap its class=")
        article_end = html.find("</article>", pos, len(html) if found < 0 else found + len("</article>") - 1)
        if article_end >= 0:
            return article_end
        return len(html) if found < 0 else found

    def canonical_url(self) -> str | None:
        """``link[rel=canonical]``, then ``og:url``, then the article URL in the share bar."""
        for query in (self.CANONICAL, self.OG_URL):
            value = self._page_value(query)
            if value and value.strip():
                return urljoin(self.url, value.strip())
        share = self._page_value(self.SHARE_FACEBOOK)
        if share:
            # redirect_uri holds the article URL, percent-encoded twice in the href
            redirect = parse_qs(urlsplit(share).query).get("redirect_uri")
            if redirect and redirect[0].startswith(("http://", "https://")):
                return redirect[0]
        return None

    def title(self) -> str | None:
        return (
            _first_text(self._in_scope(self.TITLE))
            or collapse(self._page_value(self.OG_TITLE))
            or collapse(self.json_ld_article().get("headline"))
            or None
        )

    def lead(self) -> str | None:
        return _first_text(self._in_scope(self.LEAD)) or collapse(self._page_value(self.DESCRIPTION)) or None

    def body_html(self) -> str:
        """Raw HTML of the body container; cleaning happens in the pipeline.

        Inline SVG (the app badges of the self-promo block weigh ~15 KB) carries
        no text: it is left out here rather than serialized and parsed again.
        """
        body = self._body
        if body is None:
            return ""
        for svg in list(body.iterdescendants("{*}svg")):  # any namespace, as local-name()='svg'
            drop_tree(svg)
        html: str = etree.tostring(body, method="html", encoding="unicode", with_tail=False)
        return html

    @cached_property
    def _dates(self) -> list[str]:
        """The shown dates: the ``datetime`` attribute, else the visible Paris time.

        A date-only attribute (``2024-02-27``) takes its time of day from the
        visible text (``27/02/2024 - 10:31``, or a bare ``10:31``); without one,
        midnight in Paris.
        """
        values = []
        for node in self._in_scope(self.DATE_TIMES):
            attribute = node.get("datetime")
            shown = " ".join(_TEXT_NODES(node))
            day = iso_date(attribute)
            if day is None:
                value = self._paris_time(attribute) or parse_paris_display_date(shown)
            else:
                value = (
                    parse_paris_display_date(shown) or paris_time_on(day, shown) or self._paris_time(str(day))
                )
            if value:
                values.append(value)
        return values

    def published(self) -> str | None:
        dates = self._dates
        if dates:
            return dates[0]
        return self._paris_time(self._page_value(self.PUBLISHED_META)) or self._paris_time(
            self.json_ld_article().get("datePublished")
        )

    def modified(self) -> str | None:
        dates = self._dates
        if len(dates) > 1:
            return dates[1] if dates[1] != dates[0] else None
        if dates:  # the page shows a single date
            return None
        value = self._paris_time(self._page_value(self.MODIFIED_META)) or self._paris_time(
            self.json_ld_article().get("dateModified")
        )
        return value if value != self.published() else None

    def authors(self) -> list[str]:
        names = [_text(n) for n in self._in_scope(self.AUTHOR_NAMES)]
        names = [n for n in names if n]
        if not names:
            authors = self.json_ld_article().get("author") or []
            for author in authors if isinstance(authors, list) else [authors]:
                name = collapse(author.get("name") if isinstance(author, dict) else str(author))
                if name:
                    names.append(name)
        return list(dict.fromkeys(names))

    def section(self) -> str | None:
        links = _query(self.BREADCRUMB_LINKS)(self._root)
        if len(links) > 1:
            return _text(links[-1]) or None
        return collapse(self._page_value(self.SECTION_META)) or None

    def tags(self) -> list[str]:
        names = [_text(n) for n in self._in_scope(self.TAGS)]
        if not any(names):
            keywords = self.json_ld_article().get("keywords") or []
            names = keywords.split(",") if isinstance(keywords, str) else [str(k) for k in keywords]
        return list(dict.fromkeys(n for n in (collapse(n) for n in names) if n))

    def image(self) -> dict[str, str | None] | None:
        figures = self._in_scope(self.MAIN_IMAGE)
        if not figures:
            return None
        # the first match over every figure, as parsel's SelectorList.css() flattens them
        img = next(
            (found[0] for query in (self.IMAGE_IMG, "img") for f in figures if (found := _query(query)(f))),
            None,
        )
        if img is None:
            return None
        url = self._largest_rendition(img.get("srcset", ""))
        if url is None:
            src = (img.get("src") or "").strip()
            url = urljoin(self.url, src) if src and not src.startswith("data:") else None
        if url is None:
            return None
        legends = [_text(n) for f in figures for n in _query(self.IMAGE_LEGENDS)(f)]
        legends = [text for text in legends if text]
        caption = legends[0] if legends else collapse(img.get("alt")) or None
        credit = legends[1] if len(legends) > 1 else None
        return {"url": url, "caption": caption, "credit": credit}

    def _largest_rendition(self, srcset: str) -> str | None:
        """The widest candidate (the first of equals), resolved against the page URL."""
        best: tuple[int, str] | None = None
        for entry in srcset.split(","):
            match = self._SRCSET_ENTRY.fullmatch(entry)
            if match and not match.group(1).startswith("data:"):
                width = int(match.group(2))
                if best is None or width > best[0]:
                    best = (width, match.group(1))
        return urljoin(self.url, best[1]) if best else None  # joined once, not per candidate


class _LinkPage:
    """A page read only for its links: the hrefs matched by ``LINKS``, in page order, each once."""

    LINKS: tuple[str, ...] = ()

    def __init__(self, selector: Selector) -> None:
        self.sel = selector

    def article_links(self) -> list[str]:
        """Hrefs as written (relative or absolute); the spider decides which are articles."""
        hrefs: dict[str, None] = {}
        for query in self.LINKS:
            for href in _query(query)(self.sel.root):
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
