"""An article response's bytes in, its fields out: the part of a crawl that runs in a parse worker.

:func:`read_article` takes plain values (the body, the encoding Scrapy
resolved for it, the public URL) and returns plain values, so it can run in
a :mod:`newscrawl.parsepool` worker as well as in the crawl process, with
the same result. It decodes the page as Scrapy's ``response.text`` would,
repairs a charset the HTTP header gets wrong, checks the article template
and the body's structure, and reads the fields.

:func:`has_article_markup` answers "does this page carry the article
template?" and :func:`body_shows_text` "is its body there?" on the raw bytes
without parsing them, for the crawl process (the browser middleware asks
them of every article response).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Any

from lxml import etree
from parsel import Selector
from w3lib.encoding import html_body_declared_encoding, html_to_unicode

from newscrawl.pages.base import ArticlePage
from newscrawl.utils.body import clean_body, content_hash
from newscrawl.utils.urls import clean_url

OK = "ok"
NOT_ARTICLE = "not_article"
BROKEN_STRUCTURE = "broken_structure"


@dataclass(frozen=True, slots=True)
class ArticleRead:
    #: :data:`OK`, :data:`NOT_ARTICLE` (no article template) or :data:`BROKEN_STRUCTURE` (body cut short)
    status: str
    #: :meth:`ArticlePage.fields` when ``status`` is :data:`OK`
    fields: dict[str, Any] | None = None
    #: the HTML's own charset, used because the one Scrapy resolved (from HTTP) misread the page
    repaired_encoding: str | None = None
    #: the page's TDMRep meta tags (:func:`tdm_meta`) when ``status`` is :data:`OK`
    tdm: dict[str, str | None] | None = None


def decode_page(body: bytes, encoding: str) -> tuple[str, str | None, str]:
    """The page's text, the charset used when it is not ``encoding``, and the codec that decoded it.

    ``encoding`` is Scrapy's ``response.encoding`` (HTTP header first). When
    the HTML's ``<meta charset>`` names another encoding that decodes the
    body without error, the page is read with it: servers that label every
    page UTF-8 whatever it holds exist. Otherwise the text is exactly
    Scrapy's ``response.text``.
    """
    declared = html_body_declared_encoding(body)
    if declared:
        try:
            if codecs.lookup(declared).name != codecs.lookup(encoding).name:
                return body.decode(declared), declared, declared
        except (UnicodeDecodeError, LookupError):
            pass
    used, text = html_to_unicode(f"charset={encoding}", body)
    return text, None, used


#: the parser of parsel's ``Selector(text=...)`` (``create_root_node``: lxml.html's, recover, huge_tree), made
#: once, with lxml's plain elements: the same libxml2 tree without lxml.html's Python class lookup for
#: each element a query returns (the page classes use no lxml.html element method)
_HTML_PARSER = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)


def html_selector(body: bytes, text: str, codec: str) -> Selector:
    """``Selector(text=text)``, parsed from ``body`` itself when that gives the same tree.

    parsel encodes ``text.strip()``, NUL characters removed, back to UTF-8 and
    parses it as HTML (a page that opens with ``<?xml`` as XML, a JSON
    document as JSON). When ``text`` is ``body`` decoded as UTF-8 without a
    replaced byte, and ``body`` holds no NUL and opens with ``<`` and ends
    with ``>`` around ASCII whitespace only (``str.strip`` and ``bytes.strip``
    agree), those bytes are ``body.strip()``: the ~45 KB copy is not made.
    """
    if codecs.lookup(codec).name == "utf-8" and "\ufffd" not in text and b"\x00" not in body:
        source = body.strip()
        if source.startswith(b"<") and not source.startswith(b"<?") and source.endswith(b">"):
            try:
                root = etree.fromstring(source, _HTML_PARSER)
            except etree.XMLSyntaxError:
                root = None
            if root is not None:
                return Selector(root=root, type="html")
    return Selector(text=text)


def read_article(page_class: type[ArticlePage], body: bytes, encoding: str, url: str) -> ArticleRead:
    """Decode, parse and read one article page; ``url`` is its public URL."""
    text, repaired, codec = decode_page(body, encoding)
    page = page_class(html_selector(body, text, codec), url, text)
    if not page.is_article():
        return ArticleRead(NOT_ARTICLE, repaired_encoding=repaired)
    if page.body_is_cut():
        return ArticleRead(BROKEN_STRUCTURE, repaired_encoding=repaired)
    return ArticleRead(OK, page.fields(), repaired, tdm_meta(page.sel))


#: ``<meta name="tdm-reservation" content="1">``, ``tdm-policy``, and the older drafts' ``TDM-a`` / ``TDM-b``
#: (W3C TDMRep §3.3; names compared in lowercase)
_TDM_META = "//meta[starts-with(translate(@name, 'TDMAB', 'tdmab'), 'tdm-')]"
_TDM_NAMES = frozenset({"tdm-reservation", "tdm-policy", "tdm-a", "tdm-b"})


def tdm_meta(selector: Selector) -> dict[str, str | None]:
    """The page's TDMRep meta tags, name (lowercase) -> content (None: no ``content``); the first of each."""
    found: dict[str, str | None] = {}
    for meta in selector.xpath(_TDM_META):
        name = (meta.attrib.get("name") or "").strip().lower()
        if name in _TDM_NAMES and name not in found:
            content = meta.attrib.get("content")
            found[name] = content.strip() if content is not None else None
    return found


# the start tag of <article class="… t-content__article-wrapper …"> or <h1 class="… t-content__title …">,
# up to the class name (FmmArticlePage.ARTICLE and .TITLE, the two marks of the template)
_MARKERS = (b"t-content__article-wrapper", b"t-content__title")
_START_TAG_UP_TO_CLASS = re.compile(rb"<(article|h1)\s[^<>]*?\bclass\s*=\s*[\"']?(?:[^\"'<>]*?\s)?", re.I)
_CLASS_NAME_END = frozenset(b" \t\n\r\f\"'>")


def has_article_markup(body: bytes) -> bool:
    """True when the page's bytes hold the article template's start tag (no parse: ~10 µs)."""
    for marker, tag in zip(_MARKERS, (b"article", b"h1"), strict=True):
        position = body.find(marker)
        while position >= 0:
            end = position + len(marker)
            start = body.rfind(b"<", 0, position)
            match = _START_TAG_UP_TO_CLASS.fullmatch(body, start, position) if start >= 0 else None
            if (
                match is not None
                and match.group(1).lower() == tag
                and (end == len(body) or body[end] in _CLASS_NAME_END)
            ):
                return True
            position = body.find(marker, end)
    return False


class NotAnArticle(ValueError):
    """A saved page that :func:`page_item` cannot read as an article (the reason is the message)."""


def page_item(page_class: type[ArticlePage], body: bytes, url: str) -> dict[str, Any]:
    """The fields a crawl writes for one saved article page, without a crawler.

    :func:`read_article` (as a parse worker runs it), then what the URL and
    body-cleaning pipelines do: the clean ``url``, ``body``, ``body_html`` and
    ``content_hash``. The spider's fields (``site``, ``edition``,
    ``language``, ``discovered_via``, ``crawled_at``) are not included.
    Raises :class:`NotAnArticle` when the page is not read.
    """
    read = read_article(page_class, body, "utf-8", url)
    if read.status != OK or read.fields is None:
        raise NotAnArticle(f"{page_class.__name__} does not read {url} as an article: {read.status}")
    fields = dict(read.fields)
    fields["url"] = clean_url(fields["url"])
    cleaned = clean_body(fields["body_html"], fields["url"])
    fields.update(body=cleaned.text, body_html=cleaned.html, content_hash=content_hash(cleaned.text))
    return fields


# the start tag of the body container, <div class="… t-content__body …"> (FmmArticlePage.BODY)
_BODY_MARKER = b"t-content__body"
_BODY_START_TAG = re.compile(
    rb"<div\s[^<>]*?\bclass\s*=\s*[\"']?(?:[^\"'<>]*?\s)?t-content__body(?=[\s\"'>])[^<>]*>", re.I
)
# the tags that delimit the body's own paragraphs, named: p, end_p, div, end_div
_DIV_OR_P_TAG = re.compile(
    rb"<(?:(?P<p>p)|/(?P<end_p>p)|(?P<div>div)|/(?P<end_div>div))(?=[\s/>])[^<>]*>", re.I
)
# what ArticlePage.is_ready does not count as text: tags, whitespace, no-break and zero-width spaces, BOM
_NO_TEXT = re.compile(
    rb"(?:<[^<>]*>|\s|\xc2\xa0|\xe2\x80\x8b|\xef\xbb\xbf|&nbsp;|&#160;|&#xa0;|&#8203;|&#x200b;|&#65279;|&#xfeff;)*",
    re.I,
)


def _holds_text(body: bytes, start: int, end: int) -> bool:
    """True when ``body[start:end]`` holds text: more than what ``_NO_TEXT`` matches at its start."""
    blank = _NO_TEXT.match(body, start, end)  # always matches (possibly nothing)
    return blank is not None and blank.end() < end


def body_shows_text(body: bytes) -> bool | None:
    """Whether the page's bytes show a paragraph with text directly in the body container.

    The byte form of :attr:`FmmArticlePage.READY_SELECTOR` (no parse: ~15 µs): the
    ``<p>`` elements outside any ``<div>`` nested in ``div.t-content__body``
    (the interstitial ad and the self-promo blocks are such divs), each up to
    the next ``<p>`` or ``<div>`` tag. None when the page has no body
    container at all.
    """
    position = body.find(_BODY_MARKER)
    while position >= 0:
        start = body.rfind(b"<", 0, position)
        container = _BODY_START_TAG.match(body, start) if start >= 0 else None
        if container is not None:
            break
        position = body.find(_BODY_MARKER, position + len(_BODY_MARKER))
    else:
        return None
    depth = 0  # of the <div>s open inside the body container
    paragraph = -1  # where the text of a paragraph of the container itself starts
    for tag in _DIV_OR_P_TAG.finditer(body, container.end()):
        if paragraph >= 0 and _holds_text(body, paragraph, tag.start()):
            return True
        kind = tag.lastgroup
        paragraph = tag.end() if kind == "p" and depth == 0 else -1
        if kind == "div":
            depth += 1
        elif kind == "end_div":
            if depth == 0:
                return False  # the container's end
            depth -= 1
    return paragraph >= 0 and _holds_text(body, paragraph, len(body))
