"""The CMS-neutral page contract: one article page's markup and URL in, the item's fields out.

A page class for a CMS subclasses :class:`ArticlePage` and sets data: the
selectors of its template (named class constants), the selector a browser
waits for (:attr:`ArticlePage.READY_SELECTOR`) and the CMS's junk rules
(:attr:`ArticlePage.JUNK`, subtrees removed from the body container). Each
field has one typed method that reads the page's metadata first (JSON-LD,
OpenGraph and other ``<meta>`` tags) and its DOM second, so a class
overrides a method only where its CMS's metadata is wrong. Pages never touch
the network, the crawler, settings or the clock: each is testable from a
saved file.

The query helpers at the top (compiled, cached CSS) are shared with
:mod:`newscrawl.pages.fmm`.
"""

from __future__ import annotations

import copy
import html as html_lib
import json
import re
from functools import cache, cached_property
from typing import Any, ClassVar
from urllib.parse import urljoin

from lxml import etree
from parsel import Selector
from parsel.csstranslator import css2xpath

from newscrawl.utils.body import drop_tree
from newscrawl.utils.text import collapse, parse_iso_datetime

# a class test as parsel's translator writes it, on an element step with an axis and no other predicate
_CLASS_TEST = re.compile(
    r"::([a-z0-9]+|\*)\[@class and contains\(@class, '([^']+)'\) and "
    r"contains\(concat\(' ', normalize-space\(@class\), ' '\), ' \2 '\)\](?=/|$)"
)


def _class_test_on_attribute(match: re.Match[str]) -> str:
    """``*[class test]`` as ``*/@class[same test]/..``: the same elements, found in half the time.

    libxml2 evaluates a step's predicate once per element (a ``*`` step over
    an article visits ~150); on the ``@class`` step it runs only for the
    elements that have one. The parent of a matching ``class`` attribute is
    exactly an element that passes the test, and node-sets keep document order.
    """
    tag, name = match.groups()
    test = f"contains(., '{name}') and contains(concat(' ', normalize-space(.), ' '), ' {name} ')"
    return f"::{tag}/@class[{test}]/.."


@cache
def _query(css: str) -> etree.XPath:
    """``css`` compiled once, as parsel's ``Selector.css`` translates it.

    The compiled XPath is evaluated on lxml elements directly: parsel's
    ``.css()`` wraps every call and every result in a Selector (~10 µs a
    query, ~20 queries a page). Keyed by the CSS text, so a subclass that
    overrides a selector constant gets its own.
    """
    return etree.XPath(_CLASS_TEST.sub(_class_test_on_attribute, css2xpath(css)), smart_strings=False)


_TEXT_NODES = etree.XPath(".//text()", smart_strings=False)
#: a character of text: not whitespace (no-break space included), not a zero-width space or BOM
_TEXT_CHAR = re.compile(r"[^\s\u200b\ufeff]")


def _text(element: etree._Element) -> str:
    """The text nodes under ``element`` joined by spaces, whitespace collapsed (as parsel's ``.//text()``)."""
    return collapse(" ".join(_TEXT_NODES(element)))


def _first_text(nodes: list[Any]) -> str | None:
    """The first non-blank text of ``nodes`` (elements, or strings from a ``::text``/``::attr`` query)."""
    for node in nodes:
        text = collapse(node) if isinstance(node, str) else _text(node)
        if text:
            return text
    return None


def _first(values: list[str]) -> str | None:
    """What parsel's ``SelectorList.get()`` returns for attribute or text results."""
    return values[0] if values else None


#: what a page's markup says of its body (:meth:`ArticlePage.body_state`): the body's content is there;
#: the article template is there without a body container (a layout change: rendering cannot help);
#: neither yet (a script may still insert the article or its body)
READY = "ready"
NO_BODY = "no_body"
WAITING = "waiting"


def _names(value: Any) -> list[str]:
    """Names from a JSON-LD value: a string, an object with ``name``, or a list of either."""
    names = []
    for entry in value if isinstance(value, list) else [value]:
        raw = entry.get("name") if isinstance(entry, dict) else entry
        name = collapse(raw) if isinstance(raw, str) else ""
        if name:
            names.append(html_lib.unescape(name))
    return names


class ArticlePage:
    """One article page of some CMS; ``url`` is its public URL (links and images resolve against it).

    The selectors are empty here; a subclass sets those its template has.
    A page-level query (``<meta>``, ``<link>``) ends in ``::attr(...)``; a
    DOM query of the article names elements, whose text is read.
    """

    #: the item's ``site`` code when the class serves one site ("" when the spider's site decides)
    SITE: ClassVar[str] = ""
    #: a mark of the article template (the page is an article when it is present)
    ARTICLE: ClassVar[str] = ""
    #: what a browser waits for before it hands the page over: the body's content
    READY_SELECTOR: ClassVar[str] = ""
    #: the CMS's junk rules: subtrees removed from the body container before it is returned
    JUNK: ClassVar[tuple[str, ...]] = ()

    TITLE: ClassVar[str] = ""
    #: a site suffix some title sources carry (``<title>``, ``og:title``), removed from any title read
    TITLE_SUFFIX: ClassVar[re.Pattern[str] | None] = None
    LEAD: ClassVar[str] = ""
    BODY: ClassVar[str] = ""
    AUTHORS: ClassVar[str] = ""
    AUTHOR_META: ClassVar[str] = ""
    PUBLISHED_META: ClassVar[str] = ""
    MODIFIED_META: ClassVar[str] = ""
    SECTION_META: ClassVar[str] = ""
    #: DOM links whose last one names the section (a breadcrumb, a kicker)
    SECTION: ClassVar[str] = ""
    TAGS_META: ClassVar[str] = "meta[name='keywords']::attr(content)"
    TAGS: ClassVar[str] = ""
    #: caption and credit of the lead image (text queries; the image URL comes from the metadata)
    IMAGE_CAPTION: ClassVar[str] = ""
    IMAGE_CREDIT: ClassVar[str] = ""

    CANONICAL: ClassVar[str] = "link[rel='canonical']::attr(href)"
    OG_URL: ClassVar[str] = "meta[property='og:url']::attr(content)"
    OG_TITLE: ClassVar[str] = "meta[property='og:title']::attr(content)"
    OG_IMAGE: ClassVar[str] = "meta[property='og:image']::attr(content)"
    DESCRIPTION: ClassVar[str] = "meta[name='description']::attr(content)"
    JSON_LD: ClassVar[str] = "script[type='application/ld+json']::text"

    def __init__(self, selector: Selector, url: str, html: str | None = None) -> None:
        self.sel = selector
        self.url = url
        #: the page's source text, when known
        self.html = html
        self._root: etree._Element = selector.root

    @classmethod
    def from_html(cls, text: str, url: str) -> ArticlePage:
        return cls(Selector(text=text), url, text)

    # -- queries --------------------------------------------------------------

    def _all(self, css: str) -> list[Any]:
        """Every match of ``css`` in the page (elements, or strings for ``::text``/``::attr``)."""
        return list(_query(css)(self._root)) if css else []

    def _value(self, css: str) -> str | None:
        """The first non-blank match of ``css``, whitespace collapsed."""
        return _first_text(self._all(css))

    def _texts(self, css: str) -> list[str]:
        """The non-blank texts of the matches of ``css``, whitespace collapsed, each once, in page order."""
        texts = (collapse(n) if isinstance(n, str) else _text(n) for n in self._all(css))
        return list(dict.fromkeys(t for t in texts if t))

    @cached_property
    def _json_ld_objects(self) -> list[dict[str, Any]]:
        """Every JSON-LD object of the page, ``@graph`` members included, in page order."""
        objects: list[dict[str, Any]] = []
        for raw in self._all(self.JSON_LD):
            try:
                data = json.loads(raw)
            except ValueError:
                continue
            candidates = data if isinstance(data, list) else [data]
            for obj in candidates:
                if not isinstance(obj, dict):
                    continue
                objects.append(obj)
                graph = obj.get("@graph")
                if isinstance(graph, list):
                    objects.extend(o for o in graph if isinstance(o, dict))
        return objects

    def _json_ld_typed(self, suffix: str) -> dict[str, Any]:
        for obj in self._json_ld_objects:
            types = obj.get("@type")
            if any(str(t).endswith(suffix) for t in (types if isinstance(types, list) else [types])):
                return obj
        return {}

    def json_ld_article(self) -> dict[str, Any]:
        """The first JSON-LD object typed as an article (``NewsArticle``, ``ReportageNewsArticle``…).

        ``{}`` when there is none; blocks may hold arrays or an ``@graph``.
        """
        return self._json_ld_typed("Article")

    def _breadcrumb(self) -> list[str]:
        """Names of the JSON-LD ``BreadcrumbList`` items that link somewhere (the article itself does not)."""
        items = self._json_ld_typed("BreadcrumbList").get("itemListElement")
        if not isinstance(items, list):
            return []
        linked = [item for item in items if isinstance(item, dict) and item.get("item")]
        return [name for item in linked for name in _names(item)]

    # -- fields ---------------------------------------------------------------

    def is_article(self) -> bool:
        """True when the page carries the article template."""
        return bool(self._all(self.ARTICLE))

    def is_ready(self) -> bool:
        """True when a match of ``READY_SELECTOR`` holds text: the body's content is in the page.

        The browser middleware asks it of an article's plain and rendered
        answers, and its wait in Chromium asks the same of the DOM
        (newscrawl/browser.py).
        """
        return any(
            _TEXT_CHAR.search(node if isinstance(node, str) else " ".join(_TEXT_NODES(node)))
            for node in self._all(self.READY_SELECTOR)
        )

    @classmethod
    def scan_body_state(cls, body: bytes) -> str | None:
        """:meth:`body_state` read from the page's bytes without a parse, or None when they cannot tell.

        The browser middleware asks it of every article response first; a CMS
        whose markers have a byte form it can trust overrides it.
        """
        return None

    def body_state(self) -> str:
        """:data:`READY`, :data:`NO_BODY` (the template without a body container) or :data:`WAITING`."""
        if self.is_ready():
            return READY
        if self.is_article() and self._body is None:
            return NO_BODY
        return WAITING

    def body_is_cut(self) -> bool:
        """True when broken markup cut the body short; only a CMS that can tell overrides it."""
        return False

    def canonical_url(self) -> str | None:
        """``link[rel=canonical]``, then ``og:url``, resolved against the page URL."""
        value = self._value(self.CANONICAL) or self._value(self.OG_URL)
        return urljoin(self.url, value) if value else None

    def _clean_title(self, value: str | None) -> str | None:
        title = collapse(value)
        if title and self.TITLE_SUFFIX is not None:
            title = self.TITLE_SUFFIX.sub("", title).strip()
        return title or None

    def title(self) -> str | None:
        """JSON-LD ``headline``, then the DOM's title, then ``og:title``; site suffixes removed."""
        headline = self.json_ld_article().get("headline")
        return (
            self._clean_title(html_lib.unescape(headline) if isinstance(headline, str) else None)
            or self._clean_title(self._value(self.TITLE))
            or self._clean_title(self._value(self.OG_TITLE))
        )

    def lead(self) -> str | None:
        """The chapô in the DOM, else the meta description."""
        return self._value(self.LEAD) or self._value(self.DESCRIPTION)

    @cached_property
    def _body(self) -> etree._Element | None:
        found = self._all(self.BODY)
        return found[0] if found else None

    def body_html(self) -> str:
        """HTML of the body container without the CMS's junk; the cleaning pipeline does the rest.

        The container is copied first: other fields may read inside it.
        """
        if self._body is None:
            return ""
        body = copy.deepcopy(self._body)
        body.tail = None
        for css in self.JUNK:
            for element in _query(css)(body):
                if element.getparent() is not None:
                    drop_tree(element)
        self._prepare_body(body)
        html: str = etree.tostring(body, method="html", encoding="unicode", with_tail=False)
        return html

    def _prepare_body(self, body: etree._Element) -> None:
        """Last changes to the body's copy, junk removed (a CMS's own markup habits)."""

    def authors(self) -> list[str]:
        """JSON-LD ``author`` names, then the author meta tags, then the DOM's bylines."""
        names = _names(self.json_ld_article().get("author"))
        return list(dict.fromkeys(names)) or self._texts(self.AUTHOR_META) or self._texts(self.AUTHORS)

    def _date(self, key: str, meta: str) -> str | None:
        value = self.json_ld_article().get(key)
        return parse_iso_datetime(value if isinstance(value, str) else None) or parse_iso_datetime(
            self._value(meta)
        )

    def published(self) -> str | None:
        """JSON-LD ``datePublished``, else the published meta tag, in UTC."""
        return self._date("datePublished", self.PUBLISHED_META)

    def modified(self) -> str | None:
        """JSON-LD ``dateModified``, else the modified meta tag, null when it equals ``published``."""
        value = self._date("dateModified", self.MODIFIED_META)
        return value if value != self.published() else None

    def section(self) -> str | None:
        """JSON-LD ``articleSection``, the breadcrumb's last link, the section meta, the DOM's last link."""
        section = _names(self.json_ld_article().get("articleSection"))
        breadcrumb = self._breadcrumb()
        dom = self._texts(self.SECTION)
        return (
            (section[0] if section else None)
            or (breadcrumb[-1] if breadcrumb else None)
            or self._value(self.SECTION_META)
            or (dom[-1] if dom else None)
        )

    def tags(self) -> list[str]:
        """JSON-LD ``keywords``, then the keywords meta tag (comma-separated), then the DOM's tag links."""
        keywords = self.json_ld_article().get("keywords") or self._value(self.TAGS_META) or []
        names = keywords.split(",") if isinstance(keywords, str) else [str(k) for k in keywords]
        tags = list(dict.fromkeys(n for n in (collapse(n) for n in names) if n))
        return tags or self._texts(self.TAGS)

    def image_url(self) -> str | None:
        """JSON-LD ``image`` (an ImageObject, a URL, or a list of either: the first), else ``og:image``."""
        image = self.json_ld_article().get("image")
        if isinstance(image, list):
            image = image[0] if image else None
        if isinstance(image, dict):
            image = image.get("url")
        url = collapse(image) if isinstance(image, str) else self._value(self.OG_IMAGE)
        return urljoin(self.url, url) if url else None

    def image_credit(self) -> str | None:
        return self._value(self.IMAGE_CREDIT)

    def image(self) -> dict[str, str | None] | None:
        """The lead image: its URL from the metadata, caption and credit from the lead figure."""
        url = self.image_url()
        if url is None:
            return None
        return {"url": url, "caption": self._value(self.IMAGE_CAPTION), "credit": self.image_credit()}

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
