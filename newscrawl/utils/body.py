"""Article body cleaning: raw body HTML in, plain text and minimal HTML out.

The body is rebuilt from an allow-list rather than scrubbed from a
deny-list: only paragraphs, sub-headings, quotes and lists become blocks,
and inside them only links, emphasis and line breaks survive, with no
attribute but ``href``. Known junk (ads, self-promo, share bars, tags,
related lists, embeds, scripts) is removed first, so that text nested in it
can never leak into a block. Then paragraphs that only point elsewhere
("► À lire aussi : <link>", a newsletter sign-up link) and blocks without a
visible character (a lone no-break or zero-width space) are left out.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from newscrawl.utils.text import collapse
from newscrawl.utils.urls import clean_url

#: Subtrees removed before blocks are collected (SITE-NOTES §1.6 and the seed): by tag,
JUNK_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "iframe", "object", "embed", "video", "audio", "svg",
        "form", "button", "img", "picture", "figure", "aside", "share-button", "share-modal",
    }
)  # fmt: skip
#: by attribute,
JUNK_ATTRIBUTES = (
    "data-tms-ad-type", "data-selfpromo-newsletter", "data-selfpromo-app", "data-root-share",
    "data-readmore-target",
)  # fmt: skip
#: and by class: the FMM blocks (the self-promo's parts too, should they stand outside it), and the
#: embed code X, Instagram and TikTok publish (``<blockquote class="twitter-tweet">`` and the like),
#: which a body may carry outside an ``m-embed`` wrapper.
JUNK_CLASSES = frozenset(
    {
        "m-interstitial", "m-block-ad", "o-self-promo", "o-self-promo-wrapper", "o-self-promo__text",
        "o-self-promo__link", "t-content__shares", "m-share-bar", "t-content__tags", "t-content__related",
        "t-content__list-content", "o-ad-container", "ob-smartfeed-wrapper", "m-embed",
        "twitter-tweet", "twitter-video", "instagram-media", "tiktok-embed",
    }
)  # fmt: skip
#: A paragraph of links introduced by a marker (and a short lead-in) or by a "read also" label points to other
#: articles: it is not article text. The labels are those of the editions' related-articles block
#: ("À lire aussi" on rfi.fr/fr, "مواضيع متعلقة" on mc-doualiya.com), compared case-insensitively.
READ_ALSO_MARKERS = ("►", "▶")
READ_ALSO_LABELS = frozenset(
    label.casefold()
    for label in (
        "À lire aussi", "Read also", "Related", "Leer también", "Contenido relacionado", "Leia também",
        "Читайте также", "Читайте також", "相关新闻", "相關新聞", "Tin liên quan", "អត្ថបទពាក់ព័ន្ធ",
        "مطالب مرتبط", "مواضيع متعلقة", "مواضيع ذات صلة", "Habari zinazohusiana", "Labarai masu alaƙa",
        "Kunnafoni ɲɔgɔnnaw", "Kabaruuji jokkondirɗi",
    )
)  # fmt: skip
#: the newsletter sign-up host of every FMM site (emailing.rfi.fr, emailing.mc-doualiya.com, …): a
#: paragraph linking there is the self-promo's text, wherever it stands
NEWSLETTER_HOST_PREFIX = "emailing."


_JUNK_ATTRIBUTE_NAMES = frozenset(JUNK_ATTRIBUTES)


def _is_junk(element: etree._Element) -> bool:
    tag = element.tag
    if tag in JUNK_TAGS or tag.endswith("}svg"):  # an SVG in its namespace, too
        return True
    if not _JUNK_ATTRIBUTE_NAMES.isdisjoint(element.keys()):
        return True
    classes = element.get("class")
    return bool(classes) and not JUNK_CLASSES.isdisjoint(classes.split())


def drop_tree(element: etree._Element) -> None:
    """Remove ``element`` and its subtree, keeping its tail (``lxml.html``'s ``drop_tree`` on any element)."""
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + element.tail
        else:
            previous.tail = (previous.tail or "") + element.tail
    parent.remove(element)


def _remove_junk(root: etree._Element) -> None:
    """One walk over the tree (an XPath union of every rule costs twice as much).

    The walk does not enter a junk subtree: what is nested in it goes with it.
    """
    junk = []
    walk = etree.iterwalk(root, events=("start",))
    for _, element in walk:
        if isinstance(element.tag, str) and _is_junk(element):
            junk.append(element)
            walk.skip_subtree()
    for element in junk:
        if element.getparent() is not None:
            drop_tree(element)


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# elements that end an open paragraph in HTML; libxml2 may nest them inside one instead (after an
# unclosed <strong>, say), so a paragraph holding one is read as a container
_CLOSES_P = (
    frozenset({"p", "div", "ul", "ol", "blockquote", "table", "section", "figure", "aside"}) | _HEADINGS
)
_HAS_BLOCK = etree.XPath("descendant::*[" + " or ".join(f"self::{tag}" for tag in sorted(_CLOSES_P)) + "]")
_LISTS = frozenset({"ul", "ol"})
_INLINE_RENAME = {"strong": "strong", "b": "strong", "em": "em", "i": "em"}
_SPACE = re.compile(r"\s+")
# format characters that show nothing (str.split() does not take them for spaces); inside words
# they stay (the zero-width non-joiner is part of Persian spelling)
_INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff")
_READ_ALSO_PUNCTUATION = " :：-–—|"
_READ_ALSO_LEAD_IN = 30  # characters of text besides the links, at most, after a marker
# whitespace at the edges of a block's markup, inside its leading opening or trailing closing tags
_LEADING_SPACE = re.compile(r"^((?:<[^>]+>)*) ")
_TRAILING_SPACE = re.compile(r" ((?:</[^>]+>)*)$")


@dataclass(frozen=True, slots=True)
class CleanBody:
    text: str
    html: str
    #: characters of text that stood outside any block and were left out
    loose_chars: int = 0


def _is_blank(text: str) -> bool:
    """True when ``text`` (whitespace already collapsed) shows no character."""
    return not text or not text.translate(_INVISIBLE).strip()


class _Inline:
    """Serializes the inline content of one block, collapsing whitespace.

    With ``nested``, lists met inside are not read but appended to it (the
    items of a list item's own sub-lists).
    """

    __slots__ = ("base_url", "nested", "parts", "text")

    def __init__(self, base_url: str, nested: list[etree._Element] | None = None) -> None:
        self.base_url = base_url
        self.nested = nested
        self.parts: list[str] = []  # html tokens; text tokens are escaped
        self.text: list[str] = []

    def add_text(self, raw: str | None) -> None:
        if not raw:
            return
        chunk = _SPACE.sub(" ", raw)
        if chunk.startswith(" ") and (not self.text or self.text[-1].endswith(" ")):
            chunk = chunk[1:]
        if chunk:
            self.text.append(chunk)
            self.parts.append(html.escape(chunk, quote=False))

    def add_children(self, element: etree._Element) -> None:
        self.add_text(element.text)
        for child in element:
            if isinstance(child.tag, str):
                self.add_element(child)
            self.add_text(child.tail)

    def add_element(self, element: etree._Element) -> None:
        tag = element.tag
        if self.nested is not None and tag in _LISTS:
            self.nested.append(element)
            return
        if tag == "br":
            self.parts.append("<br>")
            if self.text and not self.text[-1].endswith(" "):
                self.text.append(" ")  # a line break separates words in the text
            return
        if tag == "a":
            href = self.safe_href(element.get("href"))
            if href:
                start = len(self.parts)
                self.parts.append(f'<a href="{html.escape(href, quote=True)}">')
                self.add_children(element)
                self._close_or_discard(start, "</a>")
                return
        elif tag in _INLINE_RENAME:
            name = _INLINE_RENAME[tag]
            start = len(self.parts)
            self.parts.append(f"<{name}>")
            self.add_children(element)
            self._close_or_discard(start, f"</{name}>")
            return
        self.add_children(element)  # any other tag: keep its text, drop the tag

    def _close_or_discard(self, start: int, closing: str) -> None:
        if len(self.parts) == start + 1:  # nothing inside: drop the empty tag
            self.parts.pop()
        else:
            self.parts.append(closing)

    def safe_href(self, href: str | None) -> str | None:
        if not href or not href.strip():
            return None
        absolute = urljoin(self.base_url, href.strip())
        if urlsplit(absolute).scheme not in ("http", "https"):
            return None  # javascript:, data:, mailto: and the like
        try:
            return clean_url(absolute)
        except ValueError:
            return None

    def result(self) -> tuple[str, str]:
        text = "".join(self.text).strip()
        markup = "".join(self.parts)
        # whitespace at the edges of the block may sit inside an inline tag (the cheap edge tests
        # spare most blocks the regexes; "\n" because "$" also matches before a final newline)
        if markup.startswith((" ", "<")):
            markup = _LEADING_SPACE.sub(r"\1", markup)
        if markup.endswith((" ", ">", "\n")):
            markup = _TRAILING_SPACE.sub(r"\1", markup)
        return text, markup


def _block(element: etree._Element, tag: str, base_url: str) -> tuple[str, str] | None:
    inline = _Inline(base_url)
    inline.add_children(element)
    text, markup = inline.result()
    if _is_blank(text):
        return None
    return text, f"<{tag}>{markup}</{tag}>"


def _list_block(element: etree._Element, base_url: str) -> tuple[str, str] | None:
    """A list, its sub-lists nested in their items: each item once, in order (one line each in the text)."""
    texts: list[str] = []
    markup = _list_markup(element, base_url, texts)
    if not texts:
        return None
    return "\n".join(texts), markup


def _list_markup(element: etree._Element, base_url: str, texts: list[str]) -> str:
    """``<ul>…</ul>`` of ``element``'s items (empty when none has text); their texts go to ``texts``."""
    items: list[str] = []
    for child in _list_children(element):
        if child.tag in _LISTS:  # a list right inside a list: it belongs to the item before it
            sub = _list_markup(child, base_url, texts)
            if sub and items:
                items[-1] = items[-1][: -len("</li>")] + sub + "</li>"
            elif sub:
                items.append(f"<li>{sub}</li>")
            continue
        nested: list[etree._Element] = []
        inline = _Inline(base_url, nested)
        inline.add_children(child)
        text, markup = inline.result()
        if _is_blank(text):
            markup = ""
        else:
            texts.append(text)
        markup += "".join(_list_markup(sub, base_url, texts) for sub in nested)
        if markup:
            items.append(f"<li>{markup}</li>")
    return f"<{element.tag}>{''.join(items)}</{element.tag}>" if items else ""


def _list_children(element: etree._Element) -> Iterator[etree._Element]:
    """The items of a list and the lists right inside it, through wrappers, not into nested lists."""
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "li" or child.tag in _LISTS:
            yield child
        else:
            yield from _list_children(child)


def _text_outside_links(element: etree._Element, out: list[str]) -> list[str]:
    out.append(element.text or "")
    for child in element:
        if isinstance(child.tag, str) and child.tag != "a":
            _text_outside_links(child, out)
        out.append(child.tail or "")
    return out


def _points_elsewhere(paragraph: etree._Element) -> bool:
    """A "► À lire aussi : <link>" paragraph, or one linking to the newsletter sign-up."""
    links = [a.get("href") or "" for a in paragraph.iter("a")]
    if not links:
        return False
    for href in links:
        if (urlsplit(href.strip()).hostname or "").startswith(NEWSLETTER_HOST_PREFIX):
            return True
    rest = collapse("".join(_text_outside_links(paragraph, [])))
    marked = rest.startswith(READ_ALSO_MARKERS)
    rest = rest.lstrip("".join(READ_ALSO_MARKERS)).strip(_READ_ALSO_PUNCTUATION)
    if marked and len(rest) <= _READ_ALSO_LEAD_IN:  # "► <label>: <link>", whatever the label's language
        return True
    return unicodedata.normalize("NFC", rest).casefold() in READ_ALSO_LABELS


def _is_quote(element: etree._Element) -> bool:
    return element.tag == "blockquote" or " m-em-quote " in f" {element.get('class', '')} "


def _collect(container: etree._Element, base_url: str, out: list[tuple[str, str]]) -> int:
    """Append the blocks found under ``container`` in order; return loose text length."""
    loose = len(collapse(container.text))
    for child in container:
        if isinstance(child.tag, str):
            loose += _collect_element(child, base_url, out)
        loose += len(collapse(child.tail))
    return loose


def _collect_element(element: etree._Element, base_url: str, out: list[tuple[str, str]]) -> int:
    tag = element.tag
    block: tuple[str, str] | None
    if tag == "p":
        if len(element):  # most paragraphs have no child: no XPath call
            if _HAS_BLOCK(element):
                _collect_mixed(element, base_url, out)
                return 0
            if _points_elsewhere(element):
                return 0
        block = _block(element, "p", base_url)
    elif tag in _HEADINGS:
        block = _block(element, "h2" if tag == "h1" else tag, base_url)
    elif _is_quote(element):
        block = _block(element, "blockquote", base_url)
    elif tag in _LISTS:
        block = _list_block(element, base_url)
    else:
        return _collect(element, base_url, out)
    if block:
        out.append(block)
    return 0


def _collect_mixed(
    element: etree._Element, base_url: str, out: list[tuple[str, str]], inline: _Inline | None = None
) -> _Inline:
    """A paragraph with blocks inside (broken nesting): inline runs between them become paragraphs.

    An inline element that wraps blocks (``<strong>`` left open) is walked
    through, its text joining the run around it (its emphasis is not kept).
    """
    top = inline is None
    run = inline or _Inline(base_url)
    run.add_text(element.text)
    for child in element:
        if isinstance(child.tag, str):
            if child.tag in _CLOSES_P:
                run = _flush(run, out)
                _collect_element(child, base_url, out)
            elif _HAS_BLOCK(child):
                run = _collect_mixed(child, base_url, out, run)
            else:
                run.add_element(child)
        run.add_text(child.tail)
    return _flush(run, out) if top else run


def _flush(run: _Inline, out: list[tuple[str, str]]) -> _Inline:
    text, markup = run.result()
    if not _is_blank(text):
        out.append((text, f"<p>{markup}</p>"))
    return _Inline(run.base_url)


#: libxml2's HTML parser with lxml's plain elements: the cleaner uses no ``lxml.html`` element method,
#: and lxml.html's per-element class lookup made every walk over the tree cost twice as much
_FRAGMENT_PARSER = etree.HTMLParser()
_FULL_DOCUMENT = re.compile(r"^\s*<(?:html|!doctype)", re.I)  # lxml.html parses these unwrapped


def _parse_fragment(raw_html: str) -> etree._Element:
    """The tree of ``lxml.html.fragment_fromstring(raw_html, create_parent="div")``, built for less.

    lxml.html parses the same ``<html><body>…</body></html>`` string with the
    same libxml2 options, then moves the body's children into a new ``<div>``;
    here the body itself becomes that ``<div>`` (no attribute, and no text
    when its text is blank, as lxml.html leaves it).
    """
    if not _FULL_DOCUMENT.match(raw_html):
        document = etree.fromstring(f"<html><body>{raw_html}</body></html>", _FRAGMENT_PARSER)
        bodies = [child for child in document if child.tag == "body"]
        if document.tag == "html" and len(bodies) == 1:
            root: etree._Element = bodies[0]
            root.tag = "div"
            root.attrib.clear()
            if root.text is not None and not root.text.strip():
                root.text = None
            return root
    return lxml.html.fragment_fromstring(raw_html, create_parent="div")  # and lxml.html's own errors


def clean_body(raw_html: str, base_url: str) -> CleanBody:
    """Clean the raw HTML of an article body.

    ``base_url`` is the article's public URL; relative links are resolved
    against it. Text that stands outside any paragraph, heading, quote or
    list (date lines, share labels, feed footers) is left out and counted in
    :attr:`CleanBody.loose_chars`.
    """
    if not raw_html or not raw_html.strip():
        return CleanBody("", "")
    root = _parse_fragment(raw_html)
    _remove_junk(root)
    blocks: list[tuple[str, str]] = []
    loose = _collect(root, base_url, blocks)
    return CleanBody(
        text="\n\n".join(text for text, _ in blocks),
        html="\n".join(markup for _, markup in blocks),
        loose_chars=loose,
    )


def content_hash(text: str) -> str | None:
    """sha256 hex digest of the body text (UTF-8); None for an empty body."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else None
