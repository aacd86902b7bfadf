"""Date reading and feed/sitemap parsing helpers."""

from __future__ import annotations

import time

import pytest

from newscrawl.pages.feeds import FeedEntry, parse_rss, parse_sitemap
from newscrawl.utils.text import PARIS, collapse, parse_iso_datetime, parse_paris_display_date


@pytest.mark.parametrize(
    ("shown", "utc"),
    [
        ("27/02/2024 - 16:08", "2024-02-27T15:08:00+00:00"),  # CET, the seed's date
        ("31/01/2024 - 23:09", "2024-01-31T22:09:00+00:00"),  # the real MCD page
        ("15/07/2024 - 16:08", "2024-07-15T14:08:00+00:00"),  # CEST: UTC+2, never a fixed +1
        ("01/01/2024 - 00:30", "2023-12-31T23:30:00+00:00"),
        (" 27/02/2024\u00a0-\u00a016:08 ", "2024-02-27T15:08:00+00:00"),
        ("27 février 2024", None),
        ("31/03/2024 - 02:30", None),  # no Paris clock showed it: not a date the site wrote
        ("27/10/2024 - 02:30", "2024-10-27T00:30:00+00:00"),  # shown twice: the first one
        ("", None),
    ],
)
def test_visible_date_is_paris_time(shown: str, utc: str | None) -> None:
    assert parse_paris_display_date(shown) == utc


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2024-01-31T22:09:43+00:00", "2024-01-31T22:09:43+00:00"),
        ("2024-01-31T23:09:43+01:00", "2024-01-31T22:09:43+00:00"),
        ("2024-01-31T22:09:43Z", "2024-01-31T22:09:43+00:00"),
        ("2024-01-31T22:09:43.123456+00:00", "2024-01-31T22:09:43+00:00"),
        ("2024-01-31T22:09:43", "2024-01-31T22:09:43+00:00"),  # no offset and no zone given: UTC
        ("yesterday", None),
        (None, None),
    ],
)
def test_iso_datetime(value: str | None, iso: str | None) -> None:
    assert parse_iso_datetime(value) == iso


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2024-01-31T23:09:43", "2024-01-31T22:09:43+00:00"),  # no offset: Paris time (CET)
        ("2024-07-15T16:08:00", "2024-07-15T14:08:00+00:00"),  # CEST
        ("2024-03-31T02:30:00", None),  # skipped by Paris clocks (spring forward)
        ("2024-01-31T22:09:43Z", "2024-01-31T22:09:43+00:00"),  # an offset wins
    ],
)
def test_iso_datetime_in_paris_time(value: str, iso: str | None) -> None:
    assert parse_iso_datetime(value, naive_tz=PARIS) == iso


def test_feed_times_without_offset_are_paris_time() -> None:
    sitemap = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://www.rfi.fr/cn/a/20240101-a</loc><lastmod>2024-01-02T10:00:00</lastmod></url></urlset>"
    )
    assert parse_sitemap(sitemap)[0] == [
        FeedEntry("https://www.rfi.fr/cn/a/20240101-a", modified="2024-01-02T09:00:00+00:00")
    ]


def test_rss_date_without_zone_is_utc_whatever_the_machine_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    """RFC 5322: "-0000" is UTC; the date must not depend on the crawling machine's own zone."""
    rss = (
        b"<rss><channel><item><link>https://www.rfi.fr/cn/a/20240101-a</link>"
        b"<pubDate>Tue, 26 Mar 2024 16:46:32 -0000</pubDate></item></channel></rss>"
    )
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        entries = parse_rss(rss)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert entries == [FeedEntry("https://www.rfi.fr/cn/a/20240101-a", published="2024-03-26T16:46:32+00:00")]


def test_collapse() -> None:
    assert collapse("  a\u00a0\n\t b  ") == "a b"
    assert collapse(None) == ""


RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>t</title>
<item><title>A</title><link>https://www.rfi.fr/cn/a/20240101-a?xtor=RSS-1</link>
<pubDate>Tue, 26 Mar 2024 16:46:32 GMT</pubDate></item>
<item><title>no link</title></item>
<item><guid>https://www.rfi.fr/cn/b/20240101-b</guid></item>
</channel></rss>"""


def test_rss_entries() -> None:
    assert parse_rss(RSS) == [
        FeedEntry("https://www.rfi.fr/cn/a/20240101-a?xtor=RSS-1", published="2024-03-26T16:46:32+00:00"),
        FeedEntry("https://www.rfi.fr/cn/b/20240101-b"),
    ]


def test_atom_entries() -> None:
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="alternate" href="https://x/a"/>
    <published>2024-01-01T00:00:00Z</published><updated>2024-01-02T00:00:00Z</updated></entry></feed>"""
    assert parse_rss(atom) == [
        FeedEntry("https://x/a", published="2024-01-01T00:00:00+00:00", modified="2024-01-02T00:00:00+00:00")
    ]


@pytest.mark.parametrize(
    "body", [b"", b"   ", b"<html><body>Access denied</body></html>", b"\x00\xff garbage"]
)
def test_unreadable_feeds_give_no_entries(body: bytes) -> None:
    assert parse_rss(body) == []
    assert parse_sitemap(body) == ([], [])


def test_truncated_feed_keeps_the_complete_items() -> None:
    assert [e.url for e in parse_rss(RSS[: RSS.index(b"<item><guid>")])] == [
        "https://www.rfi.fr/cn/a/20240101-a?xtor=RSS-1"
    ]


def test_external_entities_are_not_resolved(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<rss><channel><item><link>https://www.rfi.fr/cn/a/20240101-a&x;</link></item></channel></rss>"
    ).encode()
    assert all("TOP-SECRET" not in e.url for e in parse_rss(body))


def test_sitemap_entries_and_index_children() -> None:
    urlset = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
      <url><loc>https://www.rfi.fr/cn/a/20240101-a</loc><lastmod>2024-01-02T10:00:00+01:00</lastmod>
      <news:news><news:publication_date>2024-01-01T08:00:00+00:00</news:publication_date></news:news></url>
      <url><loc> </loc></url></urlset>"""
    assert parse_sitemap(urlset) == (
        [
            FeedEntry(
                "https://www.rfi.fr/cn/a/20240101-a", "2024-01-01T08:00:00+00:00", "2024-01-02T09:00:00+00:00"
            )
        ],
        [],
    )
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://www.rfi.fr/sitemaps/cn/contents_202401.xml</loc></sitemap></sitemapindex>"""
    assert parse_sitemap(index) == ([], ["https://www.rfi.fr/sitemaps/cn/contents_202401.xml"])
