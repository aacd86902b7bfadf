"""Snapshots of Euronews, DW, BBC News and VOA built from their real saved pages (see snapshots/README.md).

Each article page is a real page of ``/work/shared/broadcasters/real-pages`` (copied into
``tests/fixtures/<spider>/<stem>.html.gz``) with scripts, styles, SVGs and the site chrome cut out, and the
article's values (title, lead, body paragraphs, authors, dates, image, URL) replaced by those of
``scripts/snapshot_data/broadcasters/<spider>.json``; the rest stays byte for byte, the junk inside the
body included. An entry ``{"real": ...}`` is the real page itself with its own values. Expected items
come from the data (the real page's: its hand-checked fixture), never from parsing the pages.
"""

# ruff: noqa: E501

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

from snapshot.common import (
    DATA_DIR,
    FIXTURES_DIR,
    SNAP_DIR,
    _last_sunday,
    esc_body,
    esc_xml,
    paris,
    parse_utc,
)
from snapshot.markup import children, cut, find_start, strip_elements

DATA = DATA_DIR / "broadcasters"
SPIDERS = ("euronews_en", "euronews_fr", "euronews_de", "dw_de", "dw_en", "bbc_en", "voa_en")
#: what every template loses: scripts other than JSON-LD, styles, SVGs, noscript fallbacks
STRIPPED = (r"<script\b(?![^>]*application/ld\+json)", r"<style\b", r"<svg\b", r"<noscript\b")
EURONEWS_2024_CUTS = (
    '<header class="o-site-header',
    '<footer class="o-site-footer',
    'id="hamburger-menu"',
    'class="o-article-newsy__aside',
)
EURONEWS_META_CUT = re.compile(
    r'<meta name="(?:global-store-data|dfp-data|advertising-data|adobe-analytics-data|grapeshot-data)"[^>]*>'
)


@dataclass(frozen=True)
class Template:
    fixture: str  # tests/fixtures/<fixture>.json (+ .html.gz): the real page and its checked values
    cuts: tuple[str, ...]  # markers of chrome elements cut out
    body: str  # marker of the body container's start tag
    content: tuple[str, ...]  # start-tag prefixes of the container's text children (the rest is junk, kept)
    dates: str  # how the page writes dates: euronews, iso, voa, dw_legacy
    image: str  # the real image's token in its URLs
    host: str
    site: str


TEMPLATES = {
    "euronews_en_2024": Template(
        "euronews_en/20240430-swedish-police-gang-leaks",
        EURONEWS_2024_CUTS,
        'class="c-article-content ',
        ("<p", "<h2"),
        "euronews",
        "c8dc7a25-1707-552e-8522-51adf6daaa39-8368274",
        "www.euronews.com",
        "euronews",
    ),
    "euronews_fr_2024": Template(
        "euronews_fr/20240430-merlu-extinction",
        EURONEWS_2024_CUTS,
        'class="c-article-content ',
        ("<p", "<h2"),
        "euronews",
        "1ff2c7da-673e-5013-9bf4-aee1f8f170b2-8354658",
        "fr.euronews.com",
        "euronews",
    ),
    "euronews_de_2024": Template(
        "euronews_de/20240430-georgien-agentengesetz",
        EURONEWS_2024_CUTS,
        'class="c-article-content ',
        ("<p", "<h2"),
        "euronews",
        "13a842da-f8da-5ed8-87ef-65a56dd57f18-8406340",
        "de.euronews.com",
        "euronews",
    ),
    "euronews_en_2026": Template(
        "euronews_en/20260106-venezuelan-oil-dream",
        ('<header class="o-site-hr', 'id="enw-site-footer"'),
        'class="c-article-content',
        ("<p", "<h3"),
        "euronews",
        "f411dfc4-f27a-529b-9f37-99639dc9c7e2-9602669",
        "www.euronews.com",
        "euronews",
    ),
    "dw_current": Template(
        "dw_de/20230613-post-vac-syndrom",
        ("focus-menu-shown", 'id="footer"'),
        ' rich-text has-italic"',
        ("<p", "<h2"),
        "dw",
        "65897427",
        "www.dw.com",
        "dw",
    ),
    "dw_legacy": Template(
        "dw_de/20230428-ukrainische-gegenoffensive-legacy",
        ('id="footerSection"', 'id="topMetaLang"'),
        'class="longText"',
        ("<p", "<h2"),
        "dw_legacy",
        "65453399",
        "www.dw.com",
        "dw",
    ),
    "bbc": Template(
        "bbc_en/20260425-what-is-nato",
        ('id="bbc-header"', 'id="main-navigation-container"', 'id="bbc-footer"'),
        "<article",
        ('<div data-component="text-block"', '<div data-component="subheadline-block"'),
        "iso",
        "e1498860-2240-11f1-9b13-8f9ee895ecd6",
        "www.bbc.com",
        "bbc",
    ),
    "voa": Template(
        "voa_en/20240428-child-care-crisis",
        ('class="hdr-20 hdr-20--big"', "<footer"),
        'class="wsw"',
        ("<p",),
        "voa",
        "7C01456E-AFA3-4D09-A6AA-A6042A5159FA",
        "www.voanews.com",
        "voa",
    ),
}


def load_fixture(name: str) -> tuple[dict[str, Any], str]:
    path = FIXTURES_DIR / f"{name}.json"
    fixture = json.loads(path.read_text("utf-8"))
    page = gzip.decompress(path.with_name(f"{path.stem}.html.gz").read_bytes()).decode("utf-8")
    return fixture, page


def trimmed(tpl: Template, page: str) -> str:
    for pattern in STRIPPED:
        page = strip_elements(page, pattern)
    for marker in tpl.cuts:
        page = cut(page, marker)
    return EURONEWS_META_CUT.sub("", page)


# --------------------------------------------------------------------------- value substitution


def _php_json(text: str) -> str:
    return json.dumps(text)[1:-1].replace('\\"', "\\u0022").replace("/", "\\/")


ENCODINGS = (
    lambda s: s,
    lambda s: html.escape(s, quote=True),
    lambda s: html.escape(s, quote=True).replace("&#x27;", "&#039;"),
    lambda s: s.replace('"', "&quot;"),
    lambda s: json.dumps(s)[1:-1],
    lambda s: json.dumps(s, ensure_ascii=False)[1:-1],
    lambda s: json.dumps(s)[1:-1].replace('\\"', "\\u0022"),
    lambda s: json.dumps(s)[1:-1].replace("'", "\\u0027"),
    lambda s: html.escape(s, quote=True).replace("&#x27;", "&#39;"),
    _php_json,
    quote_plus,
)


def substitute(page: str, old: str, new: str) -> str:
    """Every written form of ``old`` (HTML, JSON, URL-encoded) replaced by the same form of ``new``."""
    pairs: dict[str, str] = {}
    for enc in ENCODINGS:
        pairs.setdefault(enc(old), enc(new))
    for before in sorted(pairs, key=len, reverse=True):
        if before and before in page:
            page = page.replace(before, pairs[before])
    return page


def _eastern(dt: datetime) -> tuple[datetime, str]:
    """UTC -> US Eastern wall time and offset (DST from the second Sunday of March to the first of November)."""
    start = datetime(dt.year, 3, 8, 7, tzinfo=UTC)
    start += timedelta(days=(6 - start.weekday()) % 7)
    end = datetime(dt.year, 11, 1, 6, tzinfo=UTC)
    end += timedelta(days=(6 - end.weekday()) % 7)
    hours = -4 if start <= dt < end else -5
    return (dt + timedelta(hours=hours)).replace(tzinfo=None), f"-0{-hours}:00"


def date_forms(style: str, value: str) -> list[str]:
    """How a page of ``style`` writes the instant ``value`` (longest first)."""
    dt = parse_utc(value)
    if style == "euronews":
        local = paris(dt)
        summer = _last_sunday(dt.year, 3) <= dt < _last_sunday(dt.year, 10)
        offset = "+02:00" if summer else "+01:00"
        return [
            local.strftime(f"%Y-%m-%d %H:%M:%S {offset}"),
            local.strftime("%Y-%m-%d %H:%M:%S"),
            local.strftime("%d/%m/%Y - %H:%M"),
            str(int(dt.timestamp())),
            local.strftime('datetime="%Y-%m-%d"'),  # 2024: <time datetime> holds the day only
            local.strftime('<time datetime="%H:%M">%H:%M'),  # 2026: a second <time> holds only the time
        ]
    if style == "iso":
        return [dt.strftime("%Y-%m-%dT%H:%M:%S")]
    if style == "dw":  # and the "– DW – dd.mm.yyyy" suffix of <title> and og:title
        return [dt.strftime("%Y-%m-%dT%H:%M:%S"), dt.strftime("%d.%m.%Y")]
    if style == "voa":
        local, offset = _eastern(dt)
        return [dt.strftime("%Y-%m-%d %H:%M:%S"), local.strftime(f"%Y-%m-%dT%H:%M:%S{offset}")]
    if style == "dw_legacy":
        return [dt.strftime("%d.%m.%Y")]
    raise ValueError(style)


# --------------------------------------------------------------------------- the body


def _inner_text(segment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", segment)).split())


def _prototype(segment: str) -> str:
    """``segment`` with the text of its innermost text element replaced by ``{}``."""
    match = re.search(r"(<(p|h2|h3|strong)\b[^>]*>)((?:(?!<(?:p|h2|h3|strong)\b).)*?)(</\2>)", segment, re.S)
    if match is None:
        raise ValueError(f"no text element in {segment[:80]!r}")
    return segment[: match.start(3)] + "{}" + segment[match.end(3) :]


@dataclass
class Body:
    """The real body container split into kept junk and text slots, with prototypes of a paragraph/subhead."""

    before: str
    parts: list[tuple[str, str]]  # (kind: junk|text, source)
    after: str
    para: str
    head: str
    head_expected: str  # the subhead in body_html, {} for its text

    @classmethod
    def of(cls, tpl: Template, page: str, real_html: str) -> Body:
        start = find_start(page, tpl.body)
        inner_start, inner_end, kids = children(page, start)
        parts: list[tuple[str, str]] = []
        pos = inner_start
        for a, b in kids:
            if a > pos:
                parts.append(("junk", page[pos:a]))
            segment = page[a:b]
            parts.append(("text" if segment.startswith(tpl.content) else "junk", segment))
            pos = b
        parts.append(("junk", page[pos:inner_end]))
        texts = [s for kind, s in parts if kind == "text"]
        para = next(
            s
            for s in texts
            if s.startswith(tpl.content[0])
            and _prototype(s).count("{}") == 1
            and re.search(r"<p\b[^>]*>\{\}</p>", _prototype(s))
        )
        heads = [s for s in texts if len(tpl.content) > 1 and s.startswith(tpl.content[1])]
        if not heads:  # no subhead in this template: text blocks only
            return cls(page[:inner_start], parts, page[inner_end:], _prototype(para), "", "")
        head_text = _inner_text(heads[0])
        line = next(line for line in real_html.split("\n") if _inner_text(line) == head_text)
        return cls(
            page[:inner_start],
            parts,
            page[inner_end:],
            _prototype(para),
            _prototype(heads[0]),
            line.replace(head_text, "{}"),
        )

    def render(self, blocks: list[Any]) -> str:
        new = [
            self.head.replace("{}", esc_body(b["h"]))
            if isinstance(b, dict)
            else self.para.replace("{}", esc_body(b))
            for b in blocks
        ]
        slots = [i for i, (kind, _) in enumerate(self.parts) if kind == "text"]
        out: list[str] = []
        for i, (kind, source) in enumerate(self.parts):
            if kind == "junk":
                out.append(source)
            elif new:
                out.append(new.pop(0) if i != slots[-1] else "".join(new))
                if i == slots[-1]:
                    new = []
        return self.before + "".join(out) + self.after

    def expected(self, blocks: list[Any], first_prefix: str = "") -> tuple[str, str]:
        texts, htmls = [], []
        for n, b in enumerate(blocks):
            if isinstance(b, dict):
                texts.append(b["h"])
                htmls.append(self.head_expected.replace("{}", esc_body(b["h"])))
            else:
                text = f"{first_prefix} {b}" if n == 0 and first_prefix else b
                texts.append(text)
                htmls.append(f"<p>{esc_body(text)}</p>")
        return "\n\n".join(texts), "\n".join(htmls)


# --------------------------------------------------------------------------- articles


@dataclass
class Article:
    spider: str
    raw: dict[str, Any]
    tpl: Template
    fixture: dict[str, Any]  # the template's real fixture
    key: str = ""
    path: str = ""
    url: str = ""
    published: str = ""
    modified: str | None = None
    title: str = ""
    sources: list[str] = field(default_factory=list)

    @property
    def host(self) -> str:
        return self.tpl.host

    @property
    def file(self) -> Path:
        """Where the page is served from (see ``root``)."""
        rel = self.path.lstrip("/")
        return root(self.spider) / (rel if rel.endswith(".html") else f"{rel}.html")


def root(spider: str) -> Path:
    """The document root serving ``spider``: one per Euronews host, one per other site."""
    site, _, code = spider.partition("_")
    if site == "euronews":
        return SNAP_DIR / "euronews" / f"{'www' if code == 'en' else code}.euronews.com"
    return SNAP_DIR / site


def real_path(fixture: dict[str, Any]) -> str:
    return "/" + fixture["expected"]["url"].split("/", 3)[3]


def build_article(spider: str, raw: dict[str, Any]) -> tuple[Article, str, dict[str, Any]]:
    """The article, its page and its expected item."""
    tpl = TEMPLATES[raw["template"]]
    fixture, real_page = load_fixture(tpl.fixture)
    real = fixture["expected"]
    page = trimmed(tpl, real_page)
    art = Article(spider, raw, tpl, fixture, sources=list(raw["sources"]))
    if "real" in raw:
        if raw["real"] != tpl.fixture:
            raise ValueError(f"{spider}: real page {raw['real']} is not the template's")
        art.key = tpl.fixture.split("/")[1]
        art.path, art.url, art.title = real_path(fixture), real["url"], real["title"]
        art.published, art.modified = real["published"], real["modified"]
        return art, page, dict(real)
    art.key, art.path, art.title = raw["key"], raw["path"], raw["title"]
    art.url = f"https://{tpl.host}{art.path}"
    art.published, art.modified = raw["published"], raw["modified"]
    lang = raw.get("lang")
    body = Body.of(tpl, page, real["body_html"])
    page = body.render(raw["body"])
    # the URL first (titles and slugs overlap), then the texts, the people, the image and the dates
    page = substitute(page, real_path(fixture).split("?")[0], art.path)
    if lang:
        page = substitute(page, f"/{real['language']}/", f"/{lang}/").replace(
            f'lang="{real["language"]}"', f'lang="{lang}"', 1
        )
    page = substitute(page, real["title"], raw["title"])
    if real["lead"] and raw.get("lead"):
        page = substitute(page, real["lead"], raw["lead"])
    elif real["lead"] is None:  # BBC: the description repeats the first paragraph
        description = re.search(r'<meta name="description" content="([^"]*)"', page)
        if description:
            page = substitute(page, html.unescape(description.group(1)), raw["body"][0])
    for old, new in zip(real["authors"], raw["authors"], strict=True):
        page = substitute(page, old, new)
    image = real["image"]
    if image and image.get("caption") and raw.get("caption"):
        page = substitute(page, image["caption"], raw["caption"])
    if image and image.get("credit") and raw.get("credit"):
        page = substitute(page, image["credit"], raw["credit"])
    page = page.replace(tpl.image, raw["image"])
    prefix = ""
    if tpl.dates == "voa":
        real_dateline = "AUBURN, Wash. —"
        page = page.replace(real_dateline, raw["dateline"])
        prefix = raw["dateline"]
    for old, new in (
        (real["published"], raw["published"]),
        (real["modified"], raw["modified"] or raw["published"]),
    ):
        if old is None:
            continue
        for before, after in zip(date_forms(tpl.dates, old), date_forms(tpl.dates, new), strict=True):
            page = page.replace(before, after)
    page = re.sub(
        r'("articleBody":\s*")(?:[^"\\]|\\.)*"',
        lambda m: (
            m.group(1) + _php_json(" ".join(b["h"] if isinstance(b, dict) else b for b in raw["body"])) + '"'
        ),
        page,
    )
    text, body_html = body.expected(raw["body"], prefix)
    expected = {
        **real,
        "url": art.url,
        "title": raw["title"],
        "lead": raw.get("lead") if real["lead"] is not None else None,
        "body": text,
        "body_html": body_html,
        "authors": list(raw["authors"]),
        "published": raw["published"],
        "modified": raw["modified"],
        "image": {
            "url": image["url"].replace(tpl.image, raw["image"]),
            "caption": raw.get("caption") if image["caption"] is not None else None,
            "credit": raw.get("credit", image["credit"]) if image["credit"] is not None else None,
        },
        "content_hash": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }
    if lang:
        expected.update(edition=lang, language=lang)
    return art, page, expected


# --------------------------------------------------------------------------- discovery documents

#: per site: (label, public URL of each discovery document) -- see snapshots/README.md for the source of each
NEWS_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
GENERATED = "2026-12-01T00:00:00+00:00"


def urlset(arts: list[Article], news: str | None = None, lang: str = "") -> str:
    rows = []
    for art in arts:
        if news:
            rows.append(
                f"<url><loc>{esc_xml(art.url)}</loc><news:news><news:publication><news:name>{esc_xml(news)}</news:name>"
                f"<news:language>{lang}</news:language></news:publication><news:publication_date>{art.published}</news:publication_date>"
                f"<news:title>{esc_xml(art.title)}</news:title></news:news></url>"
            )
        else:
            rows.append(
                f"<url><loc>{esc_xml(art.url)}</loc><lastmod>{art.modified or art.published}</lastmod></url>"
            )
    ns = NEWS_NS if news else 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {ns}>\n' + "\n".join(rows) + "\n</urlset>\n"


def sitemap_index(children_urls: list[str]) -> str:
    rows = "\n".join(
        f"<sitemap><loc>{esc_xml(u)}</loc><lastmod>{GENERATED}</lastmod></sitemap>" for u in children_urls
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}\n</sitemapindex>\n'


def rss(title: str, link: str, arts: list[Article], suffix: str = "") -> str:
    items = "\n".join(
        f"<item><title>{esc_xml(a.title)}</title><link>{esc_xml(a.url + suffix)}</link><guid>{esc_xml(a.url)}</guid>"
        f"<pubDate>{format_datetime(parse_utc(a.published))}</pubDate></item>"
        for a in arts
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
        f"<title>{esc_xml(title)}</title><link>{esc_xml(link)}</link><description>{esc_xml(title)}</description>\n{items}\n</channel>\n</rss>\n"
    )


def robots(sitemaps: list[str]) -> str:
    head = "# TEST SNAPSHOT (scripts/build_snapshot.py): this robots.txt text is INVENTED, the real one is unknown.\n"
    return head + "User-agent: *\nDisallow:\n\n" + "".join(f"Sitemap: {u}\n" for u in sitemaps)


def section_page(title: str, arts: list[Article], code: str) -> str:
    """An INVENTED DW entry page: only its URL is known (SITE-NOTES §2); links in DW's URL shapes."""
    links = [f'<li><a href="{a.path}">{html.escape(a.title)}</a></li>' for a in arts]
    links.insert(1, f'<li><a href="/{code}/themen/t-19990033">topic page (not an article)</a></li>')
    links.append(f'<li><a href="/{code}/s-9077">section page (not an article)</a></li>')
    return (
        f"<!DOCTYPE html>\n<!-- TEST SNAPSHOT (scripts/build_snapshot.py): INVENTED page, no real DW section page was saved -->\n"
        f'<html lang="{code}"><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
        f"<body><main><h1>{html.escape(title)}</h1><ul>\n"
        + "\n".join(links)
        + "\n</ul></main></body></html>\n"
    )


@dataclass
class Listed:
    """A non-article URL a discovery document lists (a video, live or AMP page): never served, never an item."""

    url: str
    title: str
    published: str
    sources: list[str]
    modified: str | None = None
    key: str = ""

    @property
    def path(self) -> str:
        return "/" + self.url.split("/", 3)[3]


def _with(arts: list[Any], source: str) -> list[Any]:
    return sorted((a for a in arts if source in a.sources), key=lambda a: (a.published, a.key), reverse=True)


def discovery(spider: str, arts: list[Any]) -> dict[Path, bytes]:
    site, _, code = spider.partition("_")
    base = root(spider)
    out: dict[Path, str | bytes] = {}
    if site == "euronews":
        host = f"{'www' if code == 'en' else code}.euronews.com"
        news, full = f"/sitemaps/{code}/latest-news.xml", f"/sitemaps/{code}/articles.xml"
        out[base / news.lstrip("/")] = urlset(_with(arts, "sitemap"), "Euronews", code)
        out[base / full.lstrip("/")] = urlset(_with(arts, "backfill"))
        out[base / "rss.xml"] = rss(f"Euronews {code}", f"https://{host}/", _with(arts, "rss"))
        out[base / "robots.txt"] = robots([f"https://{host}{news}", f"https://{host}{full}"])
    elif site == "dw":
        out[base / code / "news-sitemap.xml"] = urlset(_with(arts, "sitemap"), "DW", code)
        out[base / code / "article-sitemap.xml"] = urlset(_with(arts, "backfill"))
        maca = f"?maca={code}-rss-{code}-all-1119-xml-mrss"
        out[base / "xml" / f"rss-{code}-all.xml"] = rss(
            f"DW {code}", f"https://www.dw.com/{code}/", _with(arts, "rss"), maca
        )
        entry = {"de": "de/themen/s-9077", "en": "en/top-stories/s-9097"}[code]
        out[base / f"{entry}.html"] = section_page(f"DW {code}", _with(arts, "section"), code)
    elif site == "bbc":
        child = "https://www.bbc.co.uk/sitemaps/https-sitemap-uk-news-1.xml"
        out[base / "sitemaps" / "https-index-uk-news.xml"] = sitemap_index([child])
        out[base / "sitemaps" / "https-sitemap-uk-news-1.xml"] = urlset(
            _with(arts, "sitemap"), "BBC News", "en"
        )
        out[base / "robots.txt"] = robots(["https://www.bbc.co.uk/sitemaps/https-index-uk-news.xml"])
    elif site == "voa":
        months: dict[str, list[Any]] = {}
        for art in _with(arts, "backfill"):
            months.setdefault(art.published[:7], []).append(art)
        names = []
        for n, (_, group) in enumerate(sorted(months.items(), reverse=True), 1):
            names.append(f"sitemap_{n}.xml.gz")
            out[base / names[-1]] = gzip.compress(urlset(group).encode("utf-8"), mtime=0)
        out[base / "sitemap.xml"] = sitemap_index([f"https://www.voanews.com/{n}" for n in names])
        out[base / "api" / "index.html"] = rss(
            "VOA - Top Stories", "https://www.voanews.com/", _with(arts, "rss")
        )
        out[base / "robots.txt"] = robots(["https://www.voanews.com/sitemap.xml"])
    return {p: v if isinstance(v, bytes) else v.encode("utf-8") for p, v in out.items()}


def build() -> tuple[dict[Path, bytes], dict[str, list[Article]]]:
    """Every file of the four snapshots and of their fixtures (path -> bytes), and the articles by spider."""
    files: dict[Path, bytes] = {}
    by_spider: dict[str, list[Article]] = {}
    dw_robots: list[str] = []
    for spider in SPIDERS:
        data = json.loads((DATA / f"{spider}.json").read_text("utf-8"))
        arts = []
        for raw in data["articles"]:
            art, page, expected = build_article(spider, raw)
            arts.append(art)
            files[art.file] = page.encode("utf-8")
            fixture: dict[str, Any] = {
                "url": art.url,
                "page": art.file.relative_to(SNAP_DIR.parent).as_posix(),
                "page_class": art.fixture["page_class"],
                "template": f"tests/fixtures/{art.tpl.fixture}.json",
                "real_page": "real" in raw,
                "sources": art.sources,
                "expected": expected,
            }
            fixture_path = FIXTURES_DIR / spider / "snapshot" / f"{art.key}.json"
            files[fixture_path] = (
                json.dumps(fixture, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
            ).encode("utf-8")
        by_spider[spider] = arts
        listed = [Listed(**entry) for entry in data.get("non_articles", [])]
        files.update(discovery(spider, arts + listed))
        if spider.startswith("dw_"):
            code = spider[3:]
            dw_robots += [
                f"https://www.dw.com/{code}/news-sitemap.xml",
                f"https://www.dw.com/{code}/article-sitemap.xml",
            ]
    files[SNAP_DIR / "dw" / "robots.txt"] = robots(dw_robots).encode("utf-8")
    return files, by_spider


def outputs() -> list[Path]:
    """What the generator owns (removed before writing): the four roots and the snapshot fixture folders."""
    return [SNAP_DIR / s for s in ("euronews", "dw", "bbc", "voa")] + [
        FIXTURES_DIR / s / "snapshot" for s in SPIDERS
    ]


def readme(by_spider: dict[str, list[Article]]) -> str:
    """The section of snapshots/README.md on these snapshots."""
    counts = ", ".join(f"{spider} {len(arts)}" for spider, arts in by_spider.items())
    total = sum(len(arts) for arts in by_spider.values())
    real = sum(1 for arts in by_spider.values() for a in arts if "real" in a.raw)
    rows = []
    for spider, arts in by_spider.items():
        for a in sorted(arts, key=lambda a: (a.published, a.key)):
            kind = "REAL PAGE" if "real" in a.raw else "test text"
            template = a.raw["template"]
            rows.append(
                f"| {spider} | `{a.key}` | {template} | {kind} | `{a.path}` | {a.published} | {', '.join(a.sources)} |"
            )
        data = json.loads((DATA / f"{spider}.json").read_text("utf-8"))
        for entry in data.get("non_articles", []):
            path = "/" + entry["url"].split("/", 3)[3]
            rows.append(
                f"| {spider} | — | — | NON-ARTICLE, not served (404) | `{path}` | {entry['published']} | {', '.join(entry['sources'])} |"
            )
    table = "\n".join(rows)
    return README.format(counts=counts, total=total, real=real, invented=total - real, table=table)


README = """
# TEST SNAPSHOTS of Euronews, Deutsche Welle, BBC News and VOA

**TEST SNAPSHOTS, not copies of the real sites**, written by the same `scripts/build_snapshot.py` (code in
`scripts/snapshot/broadcasters.py` and `markup.py`, article data in `scripts/snapshot_data/broadcasters/<spider>.json`).
{total} article pages: {counts}.

## What is real and what is not

- **Markup: the real saved pages** (`/work/shared/broadcasters/real-pages/`, copied into
  `tests/fixtures/<spider>/<stem>.html.gz`; provenance in their fixtures). Each snapshot article is one of those pages
  with (a) every `<script>` but JSON-LD, every `<style>`, `<svg>` and `<noscript>` cut out, and the site chrome cut out
  (Euronews 2024: `header.o-site-header`, `footer.o-site-footer`, `aside#hamburger-menu`, the `o-article-newsy__aside`
  column and the five big data `<meta>`s; Euronews 2026: `header.o-site-hr`, `footer#enw-site-footer`; DW current: the
  focus menu and `footer#footer`; DW legacy: `div#footerSection`, `div#topMetaLang`; BBC: `#bbc-header`,
  `#main-navigation-container`, `#bbc-footer`; VOA: `div.hdr-20`, `footer`), so the 8 real pages shrink from 1,879,630 to
  455,389 bytes; (b) for an invented article, its values written in every form the page uses (text, HTML-escaped, JSON,
  URL-encoded): URL path, title, lead (BBC, which has none: the description, after the first paragraph), authors, image
  caption/credit, image id, dates (Euronews: Paris time with offset, without it, `dd/mm/YYYY - HH:MM`, epoch, the day-only
  and time-only `<time>`s -- `dateCreated`/`date.created`, which the notes say not to use, keep the real value; DW and
  BBC: ISO UTC, DW's `– DW – dd.mm.yyyy` title suffix; VOA: `"YYYY-MM-DD HH:MM:SSZ"` and US Eastern `time[datetime]`;
  DW legacy: `dd.mm.yyyy`), VOA's dateline, Euronews' JSON-LD `articleBody`; and the body container's paragraphs and subheads replaced, each written
  like the page's first paragraph / subhead, **while every junk child of the container (ads with "ADVERTISEMENT" /
  "WERBUNG", related widgets, players, figures, `rich-text-ad`, `wsw__embed`, BBC's byline/image/links blocks) stays
  byte for byte at its place**. Everything else is the real page's bytes, including attributes the parsers do not read
  (`data-*` JSON, share links' other values, hreflang alternates, related-story links, tags, section, breadcrumb): an
  invented article keeps its template's section and tags.
- **Real text**: the {real} articles marked "REAL PAGE" below are the real pages themselves (only cut (a)); their expected
  item is their hand-checked fixture's. **The other {invented} texts were written for testing.**
- dw_en pages are DW's German current template with `lang="en"`, `/en/` paths and English values; its chrome stays
  German (no real English DW page was saved).
- **Invented**: every discovery document's content (their URLs and kinds come from SITE-NOTES or a real page, below),
  the DW section pages (only their URLs are known: a bare list of links), all `robots.txt` texts, the image ids,
  the invented articles' URLs, ids and dates, the `?maca=en-rss-en-all-1119-xml-mrss` value of the English DW feed
  (the German one is from the real pages), VOA's `sitemap_1.xml.gz`/`sitemap_2.xml.gz` names and their split by month (SITE-NOTES: `sitemap_<digits>.xml.gz`), BBC's
  child `https-sitemap-uk-news-1.xml` (SITE-NOTES gives only the index URL).

## Discovery documents (URL -> file) and their source

| spider | document | public URL | file | source |
|---|---|---|---|---|
| euronews_<code> | news sitemap (Google News) | `https://<host>/sitemaps/<code>/latest-news.xml` | `euronews/<host>/sitemaps/<code>/latest-news.xml` | SITE-NOTES §1 |
| euronews_<code> | sitemap (every article, `lastmod`) | `https://<host>/sitemaps/<code>/articles.xml` | `euronews/<host>/sitemaps/<code>/articles.xml` | SITE-NOTES §1 (a single urlset: whether the real one is an index is unknown) |
| euronews_<code> | RSS 2.0 | `https://<host>/rss?level=vertical&name=…` and `…level=program…` | `euronews/<host>/rss.xml` | SITE-NOTES §1, `<link rel=alternate>` of the real pages; the server ignores the query, so every `/rss?…` gets this one feed |
| dw_de, dw_en | RSS 2.0, links with `?maca=…` | `https://rss.dw.com/xml/rss-<code>-all` | `dw/xml/rss-<code>-all.xml` | SITE-NOTES §2 |
| dw_de, dw_en | news sitemap | `https://www.dw.com/<code>/news-sitemap.xml` | `dw/<code>/news-sitemap.xml` | SITE-NOTES §2 |
| dw_de, dw_en | sitemap | `https://www.dw.com/<code>/article-sitemap.xml` | `dw/<code>/article-sitemap.xml` | SITE-NOTES §2 |
| dw_de, dw_en | section (entry) page | `/de/themen/s-9077`, `/en/top-stories/s-9097` | `dw/de/themen/s-9077.html`, `dw/en/top-stories/s-9097.html` | SITE-NOTES §2 (URL only; page INVENTED, with one topic `/t-` and one section `/s-` link that are not articles) |
| bbc_en | news sitemap index -> news sitemap | `https://www.bbc.co.uk/sitemaps/https-index-uk-news.xml` | `bbc/sitemaps/https-index-uk-news.xml` -> `bbc/sitemaps/https-sitemap-uk-news-1.xml` | SITE-NOTES §3 (index URL) |
| voa_en | sitemap index -> gzipped sitemaps | `https://www.voanews.com/sitemap.xml` | `voa/sitemap.xml` -> `voa/sitemap_1.xml.gz` (April 2024), `voa/sitemap_2.xml.gz` (March) (gzip bytes, served as `application/octet-stream`) | SITE-NOTES §4 |
| voa_en | RSS 2.0 "VOA - Top Stories" | `https://www.voanews.com/api/` | `voa/api/index.html` (served as `text/html`) | the real VOA page's `<link rel="alternate" type="application/rss+xml" href="/api/">` (not in SITE-NOTES) |

No section page for Euronews, BBC or VOA (SITE-NOTES gives none). For the crawler's readers
(`newscrawl/pages/feeds.py`): every document above parses with `parse_sitemap` / `parse_rss`, except that
VOA's `sitemap_<n>.xml.gz` must be gunzipped first (the readers take XML bytes; Scrapy's `scrapy.utils.gz.gunzip` does it),
DW's `?maca=` must be dropped from RSS links (the canonical URL has none), and the one Euronews `rss.xml` answers
both feed URLs.

## Serving

One document root per host the spider crawls, served with `python -m newscrawl.snapshot_server <root>` and the spider's
`base_url`: `snapshots/euronews/www.euronews.com` (euronews_en), `snapshots/euronews/fr.euronews.com`,
`snapshots/euronews/de.euronews.com`; `snapshots/dw` (www.dw.com, and rss.dw.com's `/xml/…` feeds in the same root:
no www.dw.com path starts with `/xml/`); `snapshots/bbc` (www.bbc.com, and www.bbc.co.uk's `/sitemaps/…`);
`snapshots/voa` (www.voanews.com). Article URL -> file: the path + `.html` (VOA paths already end in `.html`: the file
has that name).

## Fixtures

`tests/fixtures/<spider>/snapshot/<key>.json`, one per snapshot article: `url`, `page`, `page_class`, `template`
(the real page's fixture it was built from), `real_page`, `sources` (among `sitemap` = news sitemap, `rss`, `section`,
`backfill` = the whole-article sitemap; exactly the documents that list the article) and `expected` (every item field
but `discovered_via` and `crawled_at`), computed from the data: `body` = paragraphs and subheads joined by a blank line
(VOA: the dateline opens the first paragraph), `body_html` = `<p>` per paragraph and the subhead as the real page's
fixture writes it, `content_hash` = sha256 of `body`; a real page's `expected` is its hand-checked fixture's.

Non-article entries (`"non_articles"` in the data): some discovery documents also list a URL in a shape SITE-NOTES
says is not an article (Euronews `/video/…`, BBC `/news/live/…` and `/news/videos/…`, VOA's AMP `/amp/…` copy; DW's
entry pages link a `/t-` topic and an `/s-` section page). No file serves them: a crawl must not request them as articles.

## Articles

| spider | key | template | text | path | published (UTC) | sources |
|---|---|---|---|---|---|---|
{table}
"""
