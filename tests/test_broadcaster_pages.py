"""Page classes of Euronews, DW, BBC News and VOA on their saved real pages, against hand-checked JSON.

Fixtures are ``tests/fixtures/<spider>/<stem>.html.gz`` (the real page, byte-exact) and
``<stem>.json`` (written by ``scripts/save_fixture.py``, then checked by hand against the page):
``url``, ``saved_on``, ``provenance``, ``page_class`` (``module:Class``), ``sha256`` of the page,
``body_must_not_contain`` (junk seen on the page) and ``expected``: every item field but
``discovered_via`` and ``crawled_at``.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import importlib
import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from parsel import Selector
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newscrawl.items import FIELD_NAMES
from newscrawl.pages.article import page_item
from newscrawl.pages.base import ArticlePage
from newscrawl.pages.dw import DwArticlePage
from newscrawl.pipelines.validation import ValidateArticlePipeline
from tests.conftest import FIXTURES, ROOT, load_fixture

FIXTURE_FILES = sorted(p for p in FIXTURES.glob("*/*.json") if "page_class" in load_fixture(p))
IDS = [f"{p.parent.name}/{p.stem}" for p in FIXTURE_FILES]
#: what the spider sets, not the page
SPIDER_FIELDS = ("site", "edition", "language")
# what the spider adds at crawl time
CRAWL_FIELDS = ("discovered_via", "crawled_at", "rights", "access")
EXPECTED_FIELDS = tuple(f for f in FIELD_NAMES if f not in CRAWL_FIELDS)
PAGE_FIELDS = tuple(f for f in EXPECTED_FIELDS if f not in SPIDER_FIELDS)


def page_class(path: str) -> type[ArticlePage]:
    module, _, name = path.partition(":")
    cls: type[ArticlePage] = getattr(importlib.import_module(module), name)
    return cls


@cache
def loaded(path: Path) -> tuple[dict[str, Any], bytes, dict[str, Any]]:
    """The fixture, the page's bytes, and the fields the crawl writes for the page."""
    fixture = load_fixture(path)
    body = gzip.decompress(path.with_name(f"{path.stem}.html.gz").read_bytes())
    return fixture, body, page_item(page_class(fixture["page_class"]), body, fixture["url"])


def test_every_real_page_has_a_fixture() -> None:
    spiders = [p.parent.name for p in FIXTURE_FILES]
    assert sorted(spiders) == sorted(
        ["euronews_en", "euronews_en", "euronews_fr", "euronews_de", "dw_de", "dw_de", "bbc_en", "voa_en"]
    )


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=IDS)
def test_fixture_is_reviewed_complete_and_its_page_unchanged(path: Path) -> None:
    fixture, body, _ = loaded(path)
    assert "draft" not in fixture, "review the draft against the page, then delete its draft mark"
    assert list(fixture["expected"]) == sorted(EXPECTED_FIELDS)
    assert hashlib.sha256(body).hexdigest() == fixture["sha256"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", fixture["saved_on"])
    assert "real-pages/" in fixture["provenance"]
    assert fixture["body_must_not_contain"]


@pytest.mark.parametrize(
    ("path", "field"),
    [(p, f) for p in FIXTURE_FILES for f in PAGE_FIELDS],
    ids=[f"{i}::{f}" for i in IDS for f in PAGE_FIELDS],
)
def test_page_field(path: Path, field: str) -> None:
    fixture, _, got = loaded(path)
    assert got[field] == fixture["expected"][field]


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=IDS)
def test_site_edition_and_language_fit_the_page(path: Path) -> None:
    fixture, body, _ = loaded(path)
    expected = fixture["expected"]
    assert expected["site"] == page_class(fixture["page_class"]).SITE
    assert expected["edition"] == path.parent.name.partition("_")[2]
    lang = Selector(text=body.decode()).xpath("/html/@lang").get()
    assert lang == expected["language"] or lang.startswith(f"{expected['language']}-")


# spelled out once more, so a regenerated fixture cannot hide a regression:
# (paragraph count, first paragraph's start, last paragraph's end)
BODIES = {
    "euronews_en/20240430-swedish-police-gang-leaks": (
        12,
        "An investigation in Sweden has revealed that police employees",
        "with bombings and shootings recorded weekly.",
    ),
    "euronews_en/20260106-venezuelan-oil-dream": (
        40,
        "US President Donald Trump has said he wants to run Venezuela “through oil”",
        '“I’m afraid that history will repeat itself in Venezuela."',
    ),
    "euronews_fr/20240430-merlu-extinction": (
        24,
        "Le merlu européen est un poisson emblématique",
        'nous pouvons être sûrs que le poisson reviendra".',
    ),
    "euronews_de/20240430-georgien-agentengesetz": (
        10,
        "Tausende haben am Montag in Tiflis an einer regierungsfreundlichen Kundgebung teilgenommen.",
        "wenn das Gesetz vom Parlament verabschiedet wird.",
    ),
    "dw_de/20230613-post-vac-syndrom": (
        29,
        "Mehr als 13 Milliarden Impfdosen sind während der Corona-Pandemie",
        "Falk sagt, das sei in den seltensten Fällen möglich.",
    ),
    "dw_de/20230428-ukrainische-gegenoffensive-legacy": (
        17,
        "Eine Autobahn in Polen nahe der Grenze zur Ukraine.",
        "Er hofft deshalb auf weitere Konvois mit schwerem Kriegsgerät aus dem Westen.",
    ),
    "bbc_en/20260425-what-is-nato": (
        49,
        "The US is considering options for punishing Nato allies",
        "However, individual member states have supplied arms and equipment.",
    ),
    "voa_en/20240428-child-care-crisis": (
        26,
        "AUBURN, Wash. — After a series of lower-paying jobs, Nicole Slemp finally landed one she loved.",
        "they're not giving us a chance to provide for our kids to be able to do that.\"",
    ),
}


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=IDS)
def test_body_paragraph_by_paragraph(path: Path) -> None:
    fixture, _, got = loaded(path)
    paragraphs = got["body"].split("\n\n")
    expected = fixture["expected"]["body"].split("\n\n")
    count, first, last = BODIES[f"{path.parent.name}/{path.stem}"]
    assert len(paragraphs) == len(expected) == count
    assert paragraphs[0].startswith(first)
    assert paragraphs[-1].endswith(last)
    for index, (paragraph, want) in enumerate(zip(paragraphs, expected, strict=True)):
        assert paragraph == want, f"paragraph {index}"
    assert len(set(paragraphs)) == count, "a paragraph appears twice (a pull-quote kept?)"


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=IDS)
def test_body_has_none_of_the_junk_seen_on_the_page(path: Path) -> None:
    fixture, body, got = loaded(path)
    page_text = html.unescape(body.decode())
    for snippet in fixture["body_must_not_contain"]:
        assert snippet in page_text, f"{snippet!r} is not on the page: the test could not fail"
        assert snippet not in got["body"], snippet
        assert snippet not in got["body_html"], snippet


def _selector_constants(cls: type[ArticlePage]) -> dict[str, list[str]]:
    """Every non-empty CSS constant of ``cls``, split into the selectors of a group."""
    values: dict[str, list[str]] = {}
    for name in dir(cls):
        value = getattr(cls, name)
        if name.isupper() and name != "SITE" and isinstance(value, str) and value:
            values[name] = [part.strip() for part in value.split(", ")]
    values["JUNK"] = list(cls.JUNK)
    return values


PAGE_CLASSES = sorted({load_fixture(p)["page_class"] for p in FIXTURE_FILES})


@pytest.mark.parametrize("name", PAGE_CLASSES)
def test_every_selector_matches_markup_seen_in_a_real_page(name: str) -> None:
    """No selector for markup no saved page shows: each (and each junk rule) matches in some fixture."""
    cls = page_class(name)
    pages = [
        Selector(text=loaded(p)[1].decode()) for p in FIXTURE_FILES if load_fixture(p)["page_class"] == name
    ]
    for constant, selectors in _selector_constants(cls).items():
        for css in selectors:
            assert any(page.css(css) for page in pages), f"{constant}: {css} matches no saved page"


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=IDS)
def test_ready_selector_finds_the_body_content(path: Path) -> None:
    fixture, body, _ = loaded(path)
    cls = page_class(fixture["page_class"])
    page = Selector(text=body.decode())
    ready = page.css(cls.READY_SELECTOR)
    assert ready
    containers = {c.root for c in page.css(cls.BODY)}
    assert all(any(a in containers for a in r.root.iterancestors()) for r in ready)


def test_dw_title_is_the_article_header_h1_not_the_first_of_three() -> None:
    path = FIXTURES / "dw_de" / "20230613-post-vac-syndrom.json"
    _, body, got = loaded(path)
    assert len(Selector(text=body.decode()).css("h1")) == 3
    assert got["title"] == "Post-Vac-Syndrom nach COVID-19-Impfung: Was wissen wir?"


def test_dw_title_from_og_title_loses_the_site_suffix() -> None:
    path = FIXTURES / "dw_de" / "20230613-post-vac-syndrom.json"
    fixture, body, _ = loaded(path)
    text = body.decode()
    # the page without its JSON-LD and its article header h1: og:title ("… – DW – 13.06.2023") is left
    text = re.sub(r'<script type="application/ld\+json">.*?</script>', "", text, flags=re.S)
    text = re.sub(r'<h1 class="sc-efBctP[^"]*">[^<]*</h1>', "", text)
    page = DwArticlePage.from_html(text, fixture["url"])
    assert page.title() == "Post-Vac-Syndrom nach COVID-19-Impfung: Was wissen wir?"


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=IDS)
def test_item_of_each_new_site_passes_validation(path: Path) -> None:
    fixture, _, _ = loaded(path)
    item = {
        **fixture["expected"],
        "discovered_via": "sitemap",
        "crawled_at": "2026-12-05T08:00:00+00:00",
        "rights": None,
        "access": "http",
    }
    pipeline = ValidateArticlePipeline.from_crawler(get_crawler())
    try:
        assert pipeline.process_item(item) is item
    except DropItem as exc:
        pytest.fail(f"dropped: {exc}")


SAVE_FIXTURE = ROOT / "scripts" / "save_fixture.py"


def save_fixture(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SAVE_FIXTURE), *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_save_fixture_drafts_the_reviewed_fixture_from_the_saved_page(tmp_path: Path) -> None:
    reviewed = FIXTURES / "voa_en" / "20240428-child-care-crisis.json"
    fixture, body, _ = loaded(reviewed)
    page = tmp_path / "VoiceOfAmerica_2024_04_28.html"
    page.write_bytes(body)
    args = [
        str(page), "--url", fixture["url"], "--spider", "voa_en", "--page-class", fixture["page_class"],
        "--stem", "x", "--saved-on", "2024-04-28", "--provenance", "a test", "--fixtures", str(tmp_path),
    ]  # fmt: skip
    result = save_fixture(*args)
    assert result.returncode == 0, result.stderr
    draft = json.loads((tmp_path / "voa_en" / "x.json").read_text("utf-8"))
    assert draft["draft"] is True
    assert draft["expected"] == fixture["expected"]  # the review changed no value of this page
    assert gzip.decompress((tmp_path / "voa_en" / "x.html.gz").read_bytes()) == body
    again = save_fixture(*args)
    assert again.returncode == 1
    assert "exists (use --force to overwrite)" in again.stderr


def test_save_fixture_refuses_a_page_class_that_is_not_one(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<html><body><p>x</p></body></html>", "utf-8")
    common = ["--url", "https://www.voanews.com/a/x/1.html", "--spider", "voa_en", "--stem", "x"]
    common += ["--saved-on", "2024-04-28", "--provenance", "a test", "--fixtures", str(tmp_path)]
    result = save_fixture(str(page), *common, "--page-class", "newscrawl.pages.voa:Nothing")
    assert result.returncode == 1
    assert result.stderr.startswith("save_fixture: no page class 'newscrawl.pages.voa:Nothing'")
    assert "Traceback" not in result.stderr
    result = save_fixture(str(page), *common, "--page-class", "newscrawl.pages.voa:VoaArticlePage")
    assert result.returncode == 1
    assert "VoaArticlePage does not read https://www.voanews.com/a/x/1.html as an article" in result.stderr
    assert not (tmp_path / "voa_en").exists()
