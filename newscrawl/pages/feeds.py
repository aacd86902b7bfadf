"""RSS feed and sitemap parsers: bytes in, entries out.

XML is parsed with entity resolution and network access off, so a hostile
feed cannot read local files or make requests (XXE), and with ``recover``
so that one malformed item does not hide the others. A time without an
offset is Paris time, as on the FMM sites' pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime

from lxml import etree

from newscrawl.utils.text import PARIS, collapse, iso_utc, parse_iso_datetime

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One article link announced by a feed or sitemap."""

    url: str
    published: str | None = None
    modified: str | None = None


def _root(body: bytes) -> etree._Element | None:
    if not body or not body.strip():
        return None
    try:
        return etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError:
        return None


def _iso(value: str | None) -> str | None:
    return parse_iso_datetime(value, naive_tz=PARIS)


def _rfc822(value: str | None) -> str | None:
    text = collapse(value)
    if not text:
        return None
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return _iso(text)
    # "-0000" (and no zone) gives a naive time: UTC by RFC 5322, never the machine's own zone
    return iso_utc(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))


def parse_rss(body: bytes) -> list[FeedEntry]:
    """Entries of an RSS 2.0 (``item/link``) or Atom (``entry/link@href``) feed."""
    root = _root(body)
    if root is None:
        return []
    entries = []
    for item in root.xpath("//*[local-name()='item']"):
        link = collapse(item.findtext("link")) or collapse(item.findtext("guid"))
        if link:
            entries.append(FeedEntry(link, published=_rfc822(item.findtext("pubDate")), modified=None))
    for entry in root.xpath("//*[local-name()='entry']"):
        hrefs = entry.xpath("*[local-name()='link'][not(@rel) or @rel='alternate']/@href")
        if hrefs:
            published = entry.xpath("string(*[local-name()='published'])")
            updated = entry.xpath("string(*[local-name()='updated'])")
            entries.append(
                FeedEntry(
                    collapse(hrefs[0]),
                    published=_iso(published),
                    modified=_iso(updated),
                )
            )
    return entries


def parse_sitemap(body: bytes) -> tuple[list[FeedEntry], list[str]]:
    """``(urls, child sitemaps)`` of a sitemap or sitemap index (Google News fields included)."""
    root = _root(body)
    if root is None:
        return [], []
    entries = []
    for url in root.xpath("//*[local-name()='urlset']/*[local-name()='url']"):
        loc = collapse(url.xpath("string(*[local-name()='loc'])"))
        if not loc:
            continue
        published = url.xpath("string(*[local-name()='news']/*[local-name()='publication_date'])")
        lastmod = url.xpath("string(*[local-name()='lastmod'])")
        entries.append(
            FeedEntry(
                loc,
                published=_iso(published),
                modified=_iso(lastmod),
            )
        )
    children = [
        collapse(loc)
        for loc in root.xpath(
            "//*[local-name()='sitemapindex']/*[local-name()='sitemap']/*[local-name()='loc']/text()"
        )
        if collapse(loc)
    ]
    return entries, children
