"""The item every spider yields. Field order is the key order of the JSON Lines output.

Formats are documented in ``docs/item_schema.md`` and enforced by
``newscrawl/schema/article.schema.json`` in the validation pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TypedDict


class Image(TypedDict):
    url: str
    caption: str | None
    credit: str | None


class Rights(TypedDict):
    tdm_reservation: int | None
    tdm_policy: str | None
    source: str | None
    robots_disallows: list[str]
    checked_at: str
    evidence: str
    legacy: list[str]


@dataclass(slots=True)
class ArticleItem:
    #: public canonical URL on the site's own origin, cleaned (no tracking parameters, no fragment)
    url: str
    #: site code: ``rfi``
    site: str
    #: edition path code: ``cn``
    edition: str
    #: BCP 47 tag of the edition, from the site's hreflang table: ``zh-Hans``
    language: str
    title: str | None = None
    #: the chapô
    lead: str | None = None
    #: plain text: blocks joined by a blank line (set by the body-cleaning pipeline)
    body: str = ""
    #: minimal HTML of the body (raw container HTML until the body-cleaning pipeline)
    body_html: str = ""
    authors: list[str] = field(default_factory=list)
    #: ISO 8601, UTC offset included
    published: str | None = None
    #: ISO 8601, null when the page shows a single date
    modified: str | None = None
    #: display name from the breadcrumb
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    image: Image | None = None
    #: sha256 hex digest of ``body`` (UTF-8)
    content_hash: str | None = None
    #: ``section``, ``rss``, ``sitemap``, ``archive`` or ``urls`` (``-a urls``): the first source of the URL
    discovered_via: str = "section"
    #: ISO 8601 UTC time the page was parsed
    crawled_at: str = ""
    #: what the site declared about text-and-data mining (docs/rights.md); null with NEWSCRAWL_RIGHTS_MODE=off
    rights: Rights | None = None
    #: how the page was obtained: ``http`` (Scrapy's client) or ``browser`` (headless Chromium)
    access: str | None = None


#: Output key order (also the FEED_EXPORT_FIELDS setting).
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(ArticleItem))
