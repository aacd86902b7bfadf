"""Field coverage: counting parsed articles' fields, the confidence rule, the window, thresholds."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawl.coverage import (
    DEFAULT_THRESHOLDS,
    FINISH_REASON,
    FieldCoverageMonitor,
    FieldCoveragePipeline,
    check_thresholds,
    coverage_shortfalls,
    thresholds_for,
    wilson_upper,
)
from newscrawl.items import ArticleItem
from newscrawl.spiders.rfi import RfiCnSpider

IMAGE = {"url": "i", "caption": None, "credit": None}


def article(n: int = 0, **empty: bool) -> ArticleItem:
    """A parsed article with every main field, except those named (``body=True``: no body)."""
    fields: dict[str, Any] = {"title": "T", "lead": "L", "body": "B", "authors": ["A"], "published": "p",
                              "section": "S", "image": IMAGE}  # fmt: skip
    fields.update({name: None for name, drop in empty.items() if drop})
    return ArticleItem(url=f"u{n}", site="rfi", edition="cn", language="zh-Hans", **fields)


class ClosingEngine:
    """Stands for the engine in these unit tests: records the reason the monitor closes with."""

    def __init__(self) -> None:
        self.reasons: list[str] = []

    async def close_spider_async(self, reason: str) -> None:
        self.reasons.append(reason)


class Job:
    """One job of ``rfi_cn``: its pipeline, its monitor, the state directory its window is kept in."""

    def __init__(self, state: Path, **settings: Any) -> None:
        self.crawler = get_crawler(RfiCnSpider, {"NEWSCRAWL_STATE_DIR": str(state), **settings})
        self.spider = RfiCnSpider.from_crawler(self.crawler)
        self.engine = ClosingEngine()
        self.crawler.engine = self.engine  # type: ignore[assignment]
        self.pipeline = build_from_crawler(FieldCoveragePipeline, self.crawler)
        self.monitor = build_from_crawler(FieldCoverageMonitor, self.crawler)
        self.monitor.interval = 0  # checked by the test, not by a timer
        self.monitor.spider_opened(self.spider)

    def parse(self, *items: ArticleItem) -> None:
        for item in items:
            self.pipeline.process_item(item)

    def check(self, final: bool = True) -> list[str]:
        async def go() -> None:
            self.monitor.check(self.spider, final=final)
            await asyncio.sleep(0)  # the close, scheduled by the monitor, runs

        asyncio.run(go())
        return self.engine.reasons

    def close(self) -> None:
        self.monitor.spider_closed(self.spider)


def test_pipeline_counts_non_empty_fields() -> None:
    crawler = get_crawler()
    pipeline = build_from_crawler(FieldCoveragePipeline, crawler)
    empty = ArticleItem(url="u2", site="rfi", edition="cn", language="zh-Hans", title="  ", body="")
    pipeline.process_item(article(authors=False))
    pipeline.process_item(empty)
    stats = crawler.stats.get_stats()
    assert stats["newscrawl/coverage/items"] == 2
    assert stats["newscrawl/coverage/has/title"] == 1
    assert stats["newscrawl/coverage/has/body"] == 1
    assert stats["newscrawl/coverage/has/authors"] == 1
    assert "newscrawl/coverage/has/modified" not in stats


def test_wilson_upper_bound() -> None:
    assert wilson_upper(9, 10) == pytest.approx(0.9882, abs=1e-4)
    assert wilson_upper(0, 5) == pytest.approx(0.5703, abs=1e-4)
    assert wilson_upper(180, 200) == pytest.approx(0.9424, abs=1e-4)
    assert wilson_upper(0, 0) == 1.0


@pytest.mark.parametrize("items", range(10, 20))
def test_one_article_without_body_in_a_small_job_is_no_alarm(tmp_path: Path, items: int) -> None:
    job = Job(tmp_path)
    job.parse(article(0, body=True), *(article(n) for n in range(1, items)))
    assert job.check() == []


@pytest.mark.parametrize(
    ("items", "without_body"),
    [(5, 5), (16, 16), (10, 3), (20, 4)],
)
def test_a_small_job_that_clearly_lacks_bodies_trips(tmp_path: Path, items: int, without_body: int) -> None:
    job = Job(tmp_path)
    job.parse(*(article(n, body=n < without_body) for n in range(items)))
    assert job.check() == [FINISH_REASON]
    assert job.crawler.stats.get_value("newscrawl/coverage/below_threshold") == "body"


def test_a_rare_field_is_judged_by_its_own_threshold(tmp_path: Path) -> None:
    job = Job(tmp_path)
    job.parse(*(article(n, image=n > 0) for n in range(10)))  # 1 image in 10; threshold 20 %
    assert job.check() == []


def test_fewer_articles_than_the_minimum_are_not_judged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    job = Job(tmp_path)
    job.parse(*(article(n, body=True) for n in range(4)))
    with caplog.at_level(logging.INFO):
        assert job.check() == []
    assert "field coverage not judged: 4 articles parsed (0 by earlier jobs), fewer than 5" in caplog.text


def test_a_long_job_is_judged_on_its_recent_articles(tmp_path: Path) -> None:
    # 1,000 good articles, then the layout changes: 25 without body are 2.4 % of the job (its share,
    # 97.6 %, passes 95 %) but 12.5 % of the last 200 articles
    job = Job(tmp_path)
    job.parse(*(article(n) for n in range(1000)))
    assert job.check(final=False) == []
    job.parse(*(article(n, body=True) for n in range(1000, 1025)))
    assert job.check(final=False) == [FINISH_REASON]


def test_small_jobs_are_judged_together(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    first = Job(tmp_path)
    first.parse(*(article(n, body=True) for n in range(3)))
    assert first.check() == []
    first.close()
    saved = json.loads((tmp_path / "coverage-rfi_cn.json").read_text("utf-8"))
    assert saved["fields"] == ["title", "lead", "body", "published", "authors", "image", "section"]
    assert saved["masks"] == [0b1111011] * 3  # every field but body

    second = Job(tmp_path)
    second.parse(*(article(n, body=True) for n in range(3, 6)))
    with caplog.at_level(logging.ERROR):
        assert second.check() == [FINISH_REASON]
    assert (
        "rfi_cn: field coverage below threshold over 6 articles (3 of them by earlier jobs): "
        "body 0% < 95% (at most 53% at 99% confidence); the site's layout may have changed"
    ) in caplog.text
    second.close()
    assert not (tmp_path / "coverage-rfi_cn.json").exists()  # alarm raised: the next job starts afresh


def test_a_job_without_new_articles_leaves_the_window_alone(tmp_path: Path) -> None:
    first = Job(tmp_path)
    first.parse(*(article(n, body=True) for n in range(3)))
    first.close()
    second = Job(tmp_path, NEWSCRAWL_COVERAGE_THRESHOLDS={"body": 0.99})
    assert second.check() == []  # nothing parsed: nothing to judge, even with a new threshold
    second.close()
    assert len(json.loads((tmp_path / "coverage-rfi_cn.json").read_text("utf-8"))["masks"]) == 3


def test_the_window_keeps_the_last_articles_only(tmp_path: Path) -> None:
    job = Job(tmp_path, NEWSCRAWL_COVERAGE_WINDOW=20)
    job.parse(*(article(n, body=True) for n in range(30)), *(article(n) for n in range(30, 50)))
    assert job.check() == []  # the last 20 all have a body
    job.close()
    assert json.loads((tmp_path / "coverage-rfi_cn.json").read_text("utf-8"))["masks"] == [127] * 20


def test_shortfalls() -> None:
    short = coverage_shortfalls(20, {"title": 20, "body": 0}, {"title": 0.95, "body": 0.95})
    assert [(s.field, s.share, s.threshold) for s in short] == [("body", 0.0, 0.95)]
    assert coverage_shortfalls(0, {}, {"title": 0.95}) == []


def test_thresholds_defaults_then_settings_then_spider() -> None:
    spider = RfiCnSpider.from_crawler(get_crawler(RfiCnSpider))
    assert thresholds_for(spider, None) == DEFAULT_THRESHOLDS
    assert thresholds_for(spider, {"image": 0.9})["image"] == 0.9
    spider.coverage_thresholds = {"image": 0.0}  # type: ignore[attr-defined]
    assert thresholds_for(spider, {"image": 0.9})["image"] == 0.0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('{"bdy": 0.9}', "NEWSCRAWL_COVERAGE_THRESHOLDS: unknown field 'bdy'; fields: title, lead, body,"),
        ({"body": 1.5}, "NEWSCRAWL_COVERAGE_THRESHOLDS: body=1.5 is not a share between 0 and 1"),
        ('{"body": -0.1}', "NEWSCRAWL_COVERAGE_THRESHOLDS: body=-0.1 is not a share between 0 and 1"),
        ('{"body": "high"}', "NEWSCRAWL_COVERAGE_THRESHOLDS: body='high' is not a share between 0 and 1"),
        ('{"body": true}', "NEWSCRAWL_COVERAGE_THRESHOLDS: body=True is not a share between 0 and 1"),
        ("body=0.9", "NEWSCRAWL_COVERAGE_THRESHOLDS must be a dict of field: share, such as"),
        ("[0.9]", "NEWSCRAWL_COVERAGE_THRESHOLDS must be a dict of field: share, such as"),
    ],
)
def test_bad_threshold_settings_are_refused_at_start(value: Any, message: str) -> None:
    crawler = get_crawler(RfiCnSpider, {"NEWSCRAWL_COVERAGE_THRESHOLDS": value})
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        build_from_crawler(FieldCoverageMonitor, crawler)


@pytest.mark.parametrize(("value", "expected"), [('{"body": 0.5, "image": 0}', {"body": 0.5, "image": 0.0}),
                                                 ("", {}), ({"lead": 1}, {"lead": 1.0})])  # fmt: skip
def test_good_threshold_settings(value: Any, expected: dict[str, float]) -> None:
    assert check_thresholds(value, "X") == expected


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("NEWSCRAWL_COVERAGE_WINDOW", "0"),
        ("NEWSCRAWL_COVERAGE_WINDOW", "lots"),
        ("NEWSCRAWL_COVERAGE_MIN_ITEMS", "-1"),
    ],
)
def test_bad_counts_are_refused_at_start(name: str, value: str) -> None:
    crawler = get_crawler(RfiCnSpider, {name: value})
    with pytest.raises(ValueError, match=f"^{name} must be a whole number of articles >= 1, not '{value}'"):
        build_from_crawler(FieldCoverageMonitor, crawler)
