"""Item pipelines, one component at a time, built from a crawler as Scrapy builds them."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import asdict, replace
from typing import Any

import pytest
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawl.items import FIELD_NAMES, ArticleItem
from newscrawl.pipelines.cleaning import CleanBodyPipeline
from newscrawl.pipelines.dedup import DropDuplicateUrlsPipeline
from newscrawl.pipelines.urls import CleanUrlPipeline
from newscrawl.pipelines.validation import ValidateArticlePipeline
from newscrawl.settings import ITEM_PIPELINES

URL = "https://www.rfi.fr/cn/%E4%B8%AD%E5%9B%BD/20240226-x"


def make(pipeline: type[Any], **settings: Any) -> Any:
    crawler = get_crawler(settings_dict=settings)
    return build_from_crawler(pipeline, crawler)


def stat(pipeline: Any, key: str) -> int:
    return int(pipeline.stats.get_value(key, 0))


def article(**overrides: Any) -> ArticleItem:
    base = ArticleItem(
        url=URL,
        site="rfi",
        edition="cn",
        language="zh-Hans",
        title="标题",
        lead="导语",
        body="第一段。\n\n第二段。",
        body_html="<p>第一段。</p>\n<p>第二段。</p>",
        authors=["RFI"],
        published="2024-02-26T07:30:00+00:00",
        modified=None,
        section="中国",
        tags=["中国"],
        image=None,
        content_hash="0" * 64,
        discovered_via="section",
        crawled_at="2026-11-27T01:00:00+00:00",
        rights=None,
        access="http",
    )
    return replace(base, **overrides)


def test_pipelines_run_in_the_documented_order() -> None:
    order = [path.rsplit(".", 1)[1] for path, _ in sorted(ITEM_PIPELINES.items(), key=lambda kv: kv[1])]
    assert order == [
        "CleanUrlPipeline",
        "DropDuplicateUrlsPipeline",
        "CleanBodyPipeline",
        "FieldCoveragePipeline",
        "ValidateArticlePipeline",
    ]


def test_item_field_order() -> None:
    assert FIELD_NAMES == (
        "url",
        "site",
        "edition",
        "language",
        "title",
        "lead",
        "body",
        "body_html",
        "authors",
        "published",
        "modified",
        "section",
        "tags",
        "image",
        "content_hash",
        "discovered_via",
        "crawled_at",
        "rights",
        "access",
    )


# -- 1. URL cleaning -------------------------------------------------------------


def test_url_cleaning_strips_tracking_and_normalizes() -> None:
    pipeline = make(CleanUrlPipeline)
    item = pipeline.process_item(
        article(url="https://WWW.rfi.fr/cn/中国/20240226-x?xtor=RSS-1&utm_source=x#top")
    )
    assert item.url == URL
    assert stat(pipeline, "newscrawl/url_cleaning/changed") == 1


def test_url_cleaning_drops_an_unusable_url() -> None:
    pipeline = make(CleanUrlPipeline)
    with pytest.raises(DropItem, match="unusable url"):
        pipeline.process_item(article(url="not a url"))


def test_url_cleaning_switch() -> None:
    with pytest.raises(NotConfigured, match="NEWSCRAWL_URL_CLEANING_ENABLED"):
        make(CleanUrlPipeline, NEWSCRAWL_URL_CLEANING_ENABLED=False)


# -- 2. dedup -------------------------------------------------------------------


def test_dedup_outputs_each_url_once_and_counts_drops() -> None:
    pipeline = make(DropDuplicateUrlsPipeline)
    assert pipeline.process_item(article()).url == URL
    for twin in (URL, URL + "?utm_source=x", "https://www.rfi.fr/cn/中国/20240226-x"):
        with pytest.raises(DropItem, match="duplicate url within this run"):
            pipeline.process_item(article(url=twin))
    other = article(url=URL.replace("20240226-x", "20240226-y"))
    assert pipeline.process_item(other) is other
    assert stat(pipeline, "newscrawl/dedup/dropped") == 3


def test_dedup_switch() -> None:
    with pytest.raises(NotConfigured, match="NEWSCRAWL_DEDUP_ENABLED"):
        make(DropDuplicateUrlsPipeline, NEWSCRAWL_DEDUP_ENABLED=False)


# -- 3. body cleaning ---------------------------------------------------------------


@pytest.mark.parametrize("workers", [0, 1], ids=["in-process", "parse-worker"])
def test_body_cleaning_sets_body_html_and_hash(workers: int) -> None:
    raw = (
        '<div class="t-content__body"><div class="m-interstitial"><span>广告</span></div><p>\u00a0</p>'
        '<p>第一段。</p><p>第二段 <a href="/cn/x">链接</a>。</p>'
        '<div class="o-self-promo" data-selfpromo-newsletter><p>订阅</p></div></div>'
    )
    pipeline = make(CleanBodyPipeline, NEWSCRAWL_PARSE_WORKERS=workers)

    async def clean() -> ArticleItem:
        try:
            return await pipeline.process_item(article(body="", body_html=raw, content_hash=None))  # type: ignore[no-any-return]
        finally:
            pipeline.pool.close()

    item = asyncio.run(clean())
    assert pipeline.pool.counts["workers_started"] == workers
    assert item.body == "第一段。\n\n第二段 链接。"
    assert item.body_html == '<p>第一段。</p>\n<p>第二段 <a href="https://www.rfi.fr/cn/x">链接</a>。</p>'
    assert item.content_hash == hashlib.sha256("第一段。\n\n第二段 链接。".encode()).hexdigest()


# -- 4. validation ------------------------------------------------------------------


def test_validation_passes_a_complete_item() -> None:
    pipeline = make(ValidateArticlePipeline)
    item = article(content_hash="a" * 64)
    assert pipeline.process_item(item) is item


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"title": None}, "missing_title"),
        ({"title": "  "}, "missing_title"),
        ({"body": ""}, "missing_body"),
        ({"published": None}, "missing_published"),
        ({"url": ""}, "missing_url"),
        ({"published": "2024-02-26 07:30"}, "schema"),  # not ISO 8601 with an offset
        ({"language": "Chinese"}, "schema"),
        ({"body_html": '<p onclick="x()">a</p>'}, "schema"),
        ({"body_html": "<p>a</p><script>x()</script>"}, "schema"),
        ({"discovered_via": "twitter"}, "schema"),
        ({"content_hash": "abc"}, "schema"),
        ({"published": "1970-01-01T00:00:00+00:00"}, "absurd_published"),
        ({"published": "1989-12-31T23:59:59+00:00"}, "absurd_published"),
        ({"published": "2999-01-01T00:00:00+00:00"}, "absurd_published"),
    ],
)
def test_validation_drops_with_a_reason_and_a_stat(overrides: dict[str, Any], reason: str) -> None:
    pipeline = make(ValidateArticlePipeline)
    with pytest.raises(DropItem, match=r"invalid article \(.+\): "):
        pipeline.process_item(article(**{"content_hash": "a" * 64, **overrides}))
    assert stat(pipeline, f"newscrawl/validation/dropped/{reason}") == 1
    assert stat(pipeline, "newscrawl/validation/dropped") == 1


@pytest.mark.parametrize(
    "modified",
    ["2999-01-01T00:00:00+00:00", "1980-01-01T00:00:00+00:00", "2024-02-25T00:00:00+00:00"],
    ids=["future", "before-1990", "before-published"],
)
def test_an_absurd_modified_date_is_set_to_null(modified: str) -> None:
    pipeline = make(ValidateArticlePipeline)
    item = pipeline.process_item(article(content_hash="a" * 64, modified=modified))
    assert item.modified is None
    assert item.published == "2024-02-26T07:30:00+00:00"
    assert stat(pipeline, "newscrawl/validation/fixed/absurd_modified") == 1


def test_a_plausible_modified_date_is_kept() -> None:
    pipeline = make(ValidateArticlePipeline)
    item = pipeline.process_item(article(content_hash="a" * 64, modified="2024-02-27T08:00:00+00:00"))
    assert item.modified == "2024-02-27T08:00:00+00:00"


# One change per case, each against a valid item: the fast validator (fastjsonschema on a draft-07
# rewrite of the schema) must say what the reference implementation (jsonschema, 2020-12) says.
SCHEMA_CASES: list[tuple[str, Any]] = [
    ("url", "ftp://www.rfi.fr/cn/x"),
    ("url", "https://www.rfi.fr/cn/a%e4"),  # lowercase percent-encoding
    ("url", "https://www.rfi.fr/cn/x?utm_source=y"),
    ("url", "https://www.rfi.fr/cn/x#frag"),
    ("title", ""),
    ("title", " "),
    ("title", 5),
    ("lead", None),
    ("lead", ""),
    ("body", "a\n\n\nb"),
    ("body", " a"),
    ("body", "a "),
    ("body_html", "<div>x</div>"),
    ("body_html", '<p class="x">y</p>'),
    ("body_html", '<a href="javascript:x()">y</a>'),
    ("body_html", '<p><a href="https://www.rfi.fr/x">y</a><br><strong>z</strong></p>'),
    ("authors", [""]),
    ("authors", "RFI"),
    ("published", "2024-01-01"),
    ("published", "2024-01-01T00:00:00Z"),
    ("modified", "yesterday"),
    ("section", ""),
    ("tags", [" "]),
    ("image", {"url": "https://s.rfi.fr/a.jpg", "caption": None, "credit": None}),
    ("image", {"url": "https://s.rfi.fr/a.jpg"}),
    ("image", {"url": "s.rfi.fr/a.jpg", "caption": None, "credit": None}),
    ("image", {"url": "https://s.rfi.fr/a.jpg", "caption": "", "credit": None}),
    ("content_hash", "A" * 64),
    ("site", "cnn"),
    ("edition", "cmn"),
    ("language", "zh_Hans"),
    ("language", "es-419"),
    ("discovered_via", "archive"),
    ("crawled_at", "2026-11-27T01:00:00.123+01:00"),
    ("extra_field", 1),
]


@pytest.mark.parametrize(("field", "value"), SCHEMA_CASES)
def test_the_fast_schema_check_agrees_with_the_reference_validator(field: str, value: Any) -> None:
    import fastjsonschema

    from newscrawl.pipelines.validation import article_validator, fast_article_validator

    data = asdict(article(content_hash="a" * 64))
    assert list(article_validator().iter_errors(data)) == []
    data[field] = value
    expected_valid = not list(article_validator().iter_errors(data))
    try:
        fast_article_validator()(data)
        fast_valid = True
    except fastjsonschema.JsonSchemaValueException:
        fast_valid = False
    assert fast_valid == expected_valid
