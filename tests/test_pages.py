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
    f for f in FIELD_NAMES if f not in ("site", "edition", "language", "discovered_via", "crawled_at")
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
