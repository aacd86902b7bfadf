"""Page parsers on saved pages: every fixture x every field, against hand-checked expected JSON.

Fixtures are ``tests/fixtures/<spider>/<stem>.json``: ``url`` (where the page
lives), ``page`` (the saved HTML, relative to the repository root) and
``expected`` (every field the page parser and body cleaning produce).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from newscrawl.items import FIELD_NAMES
from newscrawl.pages.fmm import FmmArticlePage
from tests.conftest import FIXTURES, ROOT, extract, load_fixture

# every item field the page provides; the spider adds the others
FIELDS = tuple(
    f
    for f in FIELD_NAMES
    if f not in ("site", "edition", "language", "discovered_via", "crawled_at", "rights", "access")
)
# the FMM fixtures; those naming a page_class (other CMSs) are checked by test_broadcaster_pages.py
FIXTURE_FILES = sorted(p for p in FIXTURES.glob("*/*.json") if "page_class" not in load_fixture(p))


@cache
def parsed(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    fixture = load_fixture(path)
    html = (ROOT / fixture["page"]).read_text("utf-8")
    return extract(html, fixture["url"]), fixture["expected"]


def test_fixtures_exist_for_rfi_cn_and_the_real_mcd_page() -> None:
    spiders = {p.parent.name for p in FIXTURE_FILES}
    assert {"rfi_cn", "mcd_ar"} <= spiders
    assert len([p for p in FIXTURE_FILES if p.parent.name == "rfi_cn"]) >= 15


@pytest.mark.parametrize(
    ("path", "field"),
    [(p, f) for p in FIXTURE_FILES for f in FIELDS],
    ids=[f"{p.parent.name}/{p.stem}::{f}" for p in FIXTURE_FILES for f in FIELDS],
)
def test_page_field(path: Path, field: str) -> None:
    got, expected = parsed(path)
    assert field in expected, f"{path.name} lacks expected {field}"
    assert got[field] == expected[field]


def test_real_mcd_page_main_values() -> None:
    got, _ = parsed(FIXTURES / "mcd_ar" / "20240131-netanyahu-coalition.json")
    # spelled out once more, so a regenerated fixture cannot hide a regression
    assert got["title"] == "نتانياهو ولعبة اللف والدوران بين عجز جيشه عن تحقيق انتصار وهشاشة ائتلافه الحاكم"
    assert got["published"] == "2024-01-31T22:09:43+00:00"
    assert got["authors"] == ["زياد حلبي - القدس"]
    assert got["image"]["url"].endswith("/w:980/p:16x9/IMG_0535.jpeg")
    assert got["image"]["credit"] == "AFP - AHMAD GHARABLI"
    assert len(got["body"].split("\n\n")) == 4


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FIXTURE_FILES])
def test_sound_pages_are_not_taken_for_cut_bodies(path: Path) -> None:
    fixture = load_fixture(path)
    html = (ROOT / fixture["page"]).read_text("utf-8")
    assert FmmArticlePage.from_html(html, fixture["url"]).body_is_cut() is False


def test_a_stray_end_tag_that_cuts_the_body_is_detected() -> None:
    fixture = load_fixture(FIXTURE_FILES[0])
    html = (ROOT / fixture["page"]).read_text("utf-8")
    start = html.index('class="t-content__body')
    head, body = html[:start], html[start:]
    parts = body.split("</p>")
    broken = head + "</p>".join(parts[:3]) + "</p></div></div>" + "</p>".join(parts[3:])
    assert FmmArticlePage.from_html(broken, fixture["url"]).body_is_cut() is True


MCD_PAGE = (FIXTURES / "real-pages" / "mcd_ar_article_20240131_excerpt.html").read_text("utf-8")
MCD_TIME = '<time datetime="2024-01-31T22:09:43+00:00" pubdate="pubdate">31/01/2024 - 23:09</time>'


@pytest.mark.parametrize(
    ("time_element", "published"),
    [
        (MCD_TIME, "2024-01-31T22:09:43+00:00"),  # as served
        # a date-only attribute: the time of day is the visible one, Paris time
        (
            '<time datetime="2024-01-31" pubdate="pubdate">31/01/2024 - 23:09</time>',
            "2024-01-31T22:09:00+00:00",
        ),
        ('<time datetime="2024-01-31">23:09</time>', "2024-01-31T22:09:00+00:00"),
        ('<time datetime="2024-07-15">16:08</time>', "2024-07-15T14:08:00+00:00"),  # CEST
        (
            '<time datetime="2024-01-31"></time>',
            "2024-01-30T23:00:00+00:00",
        ),  # no time shown: midnight in Paris
        # no offset: Paris time, as the page shows it
        ('<time datetime="2024-01-31T23:09:43">31/01/2024 - 23:09</time>', "2024-01-31T22:09:43+00:00"),
    ],
)
def test_shown_date_is_read_in_paris_time(time_element: str, published: str) -> None:
    assert MCD_TIME in MCD_PAGE
    page = FmmArticlePage.from_html(MCD_PAGE.replace(MCD_TIME, time_element), "https://www.mc-doualiya.com/x")
    assert page.published() == published


def _head_only(head: str) -> FmmArticlePage:
    return FmmArticlePage.from_html(
        f"<html><head>{head}</head><body></body></html>", "https://www.rfi.fr/cn/x/20240227-y"
    )


@pytest.mark.parametrize(
    "article_type", ['"NewsArticle"', '["NewsArticle", "Article"]', '["WebPage", "ReportageNewsArticle"]']
)
def test_json_ld_article_type_may_be_a_list(article_type: str) -> None:
    json_ld = (
        f'{{"@type": {article_type}, "headline": "H", "datePublished": "2024-02-27T10:31:00+01:00", '
        '"dateModified": "2024-02-27T12:00:00", "author": [{"name": "A"}]}'
    )
    page = _head_only(f'<script type="application/ld+json">{json_ld}</script>')
    assert page.title() == "H"
    assert page.published() == "2024-02-27T09:31:00+00:00"
    assert page.modified() == "2024-02-27T11:00:00+00:00"  # no offset: Paris time
    assert page.authors() == ["A"]


def test_json_ld_without_an_article_type_is_not_read() -> None:
    page = _head_only('<script type="application/ld+json">{"@type": ["WebSite"], "headline": "H"}</script>')
    assert page.json_ld_article() == {}


def test_meta_time_without_offset_is_paris_time() -> None:
    page = _head_only('<meta property="article:published_time" content="2024-02-27T10:31:00">')
    assert page.published() == "2024-02-27T09:31:00+00:00"
