"""read_article's shortcuts give what the plain path gives: a page parsed from its bytes (not from
``Selector(text=...)``), the end of the body's source region found with ``find`` (not with the
regex), canonical path segments kept as they are (not unquoted and quoted again)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, unquote

import lxml.html
import pytest
from parsel import Selector

from newscrawl.pages.article import ArticleRead, decode_page, html_selector, read_article, tdm_meta
from newscrawl.pages.fmm import FmmArticlePage
from newscrawl.utils.urls import _normalize_segment
from tests.conftest import SNAPSHOT

PAGE = SNAPSHOT / "cn" / "欧洲" / "20240227-视频-巴黎会议向乌克兰提供更多武器-不排除未来派遣军队.html"
URL = "https://www.rfi.fr/cn/%E6%AC%A7%E6%B4%B2/20240227-x"
TEXT = PAGE.read_text("utf-8")


def read_from_text(body: bytes, encoding: str) -> ArticleRead:
    """read_article as it reads a page it does not parse from its bytes."""
    text, repaired, _ = decode_page(body, encoding)
    page = FmmArticlePage(Selector(text=text), URL, text)
    if not page.is_article():
        return ArticleRead("not_article", repaired_encoding=repaired)
    if page.body_is_cut():
        return ArticleRead("broken_structure", repaired_encoding=repaired)
    return ArticleRead("ok", page.fields(), repaired, tdm_meta(page.sel))


def test_a_utf8_page_is_parsed_from_its_bytes_and_others_from_their_text() -> None:
    for name, (body, encoding) in BODIES.items():
        text, _, codec = decode_page(body, encoding)
        selector = html_selector(body, text, codec)
        # parsel's HTML parse makes lxml.html elements, the parse of the bytes plain lxml ones
        from_bytes = selector.type == "html" and not isinstance(selector.root, lxml.html.HtmlElement)
        assert from_bytes is (name in FROM_BYTES), name


def _in_body(html: str, insert: str) -> str:
    at = html.index(">", html.index("t-content__body")) + 1
    return html[:at] + insert + html[at:]


BODIES = {
    "page": (TEXT.encode(), "utf-8"),
    "blank around": (b" \n\t" + TEXT.encode() + b"\n\x0c ", "utf-8"),
    "unicode blank around": ("\u3000\x1c".encode() + TEXT.encode() + "\x85".encode(), "utf-8"),
    "bom": (b"\xef\xbb\xbf" + TEXT.encode(), "utf-8"),
    "nul": (_in_body(TEXT, "<p>a\x00b</p>").encode(), "utf-8"),
    "invalid utf-8": (_in_body(TEXT, "<p>a@@b</p>").encode().replace(b"@@", b"\xff\xfe"), "utf-8"),
    "replacement character": (_in_body(TEXT, "<p>\ufffd</p>").encode(), "utf-8"),
    "xml declaration": (b'<?xml version="1.0"?>' + TEXT.encode(), "utf-8"),
    "header says latin-1": (TEXT.encode(), "latin-1"),
    "meta says gb18030": (TEXT.replace('charset="UTF-8"', 'charset="gb18030"').encode("gb18030"), "utf-8"),
    "cut body": (_in_body(TEXT, "</div></div><p>outside</p>").encode(), "utf-8"),
    "word before the body class": (TEXT.replace("t-content__body", "中t-content__body").encode(), "utf-8"),
    "punctuation before the body class": (
        TEXT.replace("t-content__body", "。t-content__body").encode(),
        "utf-8",
    ),
    "word after the share bar class": (
        TEXT.replace("t-content__shares", "t-content__shares中").encode(),
        "utf-8",
    ),
    "blank after <p": (
        _in_body(TEXT, "<p\u3000>a</p><P\xa0class='x'>b</P><p\u200b>c</p>").encode(),
        "utf-8",
    ),
    "json": (b'{"a": "<p>x</p>"}', "utf-8"),
    "empty": (b"", "utf-8"),
}


# the others hold a BOM, a NUL, a byte that is not UTF-8, a replacement character, an XML declaration,
# another charset, or are not HTML
FROM_BYTES = {
    "page",
    "blank around",
    "header says latin-1",  # the page's meta (UTF-8) wins over the header
    "cut body",
    "word before the body class",
    "punctuation before the body class",
    "word after the share bar class",
    "blank after <p",
}


@pytest.mark.parametrize("name", sorted(BODIES))
def test_read_article_equals_the_text_path(name: str) -> None:
    body, encoding = BODIES[name]
    try:
        expected: ArticleRead | str = read_from_text(body, encoding)
    except Exception as exc:
        expected = type(exc).__name__
    try:
        got: ArticleRead | str = read_article(FmmArticlePage, body, encoding, URL)
    except Exception as exc:
        got = type(exc).__name__
    assert got == expected


BODY_END = re.compile(r"class=\"[^\"]*\bt-content__(?:shares|tags|related)\b|</article>")


@pytest.mark.parametrize(
    "html",
    [
        '<p>a</p><div class="t-content__shares">',
        '<p>a</p><div class="x t-content__tags y">',
        '<p>a</p><div class="t-content__tagsx"></div><div class="t-content__related">',
        '<p>a</p><div class="中t-content__shares"></div></article>',
        '<p>a</p><div class="。t-content__shares"></div></article>',
        '<p>a</p><div title="t-content__shares"></div><div data-class="t-content__tags">',
        '<p>a</p><div class="a </article> t-content__shares">',
        "<p>a</p><div class='t-content__shares'></article>",
        "<p>a</p>",
    ],
)
def test_body_end_is_the_regex_leftmost_match(html: str) -> None:
    match = BODY_END.search(html, 2)
    assert FmmArticlePage._body_end(html, 2) == (match.start() if match else len(html))


def normalize_segment_unquoted(segment: str) -> str:
    """_normalize_segment without its canonical-form shortcut."""
    if "%" not in segment and segment.isascii():
        return segment
    try:
        decoded = unquote(segment, errors="strict")
    except UnicodeDecodeError:
        return re.sub(r"%[0-9a-fA-F]{2}", lambda m: m.group(0).upper(), segment)
    if "/" in decoded:
        return re.sub(r"%[0-9a-fA-F]{2}", lambda m: m.group(0).upper(), segment)
    return quote(unicodedata.normalize("NFC", decoded), safe="!$&'()*+,;=:@")


@pytest.mark.parametrize(
    "segment",
    [
        "%E4%B8%AD%E5%9B%BD",
        "20240226-%E4%B8%AD%E5%9B%BDA%E8%82%A1",
        "%e4%b8%ad",
        "vie%CC%82t",  # decomposed: NFC composes it
        "%EF%AC%81",  # a compatibility ligature, NFC keeps it
        "%ED%A0%80",  # an encoded surrogate: not UTF-8
        "%FF%FE",
        "%E4%B8",  # a cut character
        "a%2Fb",
        "%41%42",  # escaped ASCII letters are decoded
        "%20x",
        "x~!$&'()*+,;=:@-._%C3%A9",
        "%F0%9F%98%80",
    ],
)
def test_canonical_segments_are_kept_as_quoting_again_would_write_them(segment: str) -> None:
    assert _normalize_segment(segment) == normalize_segment_unquoted(segment)
