"""Field coverage: counting parsed articles' fields, thresholds, shortfalls."""

from __future__ import annotations

from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawl.coverage import DEFAULT_THRESHOLDS, FieldCoveragePipeline, coverage_shortfalls, thresholds_for
from newscrawl.items import ArticleItem
from newscrawl.spiders.rfi import RfiCnSpider


def test_pipeline_counts_non_empty_fields() -> None:
    crawler = get_crawler()
    pipeline = build_from_crawler(FieldCoveragePipeline, crawler)
    image = {"url": "i", "caption": None, "credit": None}
    full = ArticleItem(url="u", site="rfi", edition="cn", language="zh-Hans", title="T", lead="L", body="B",
                       authors=["A"], published="p", section="S", image=image)  # type: ignore[arg-type]  # fmt: skip
    empty = ArticleItem(url="u2", site="rfi", edition="cn", language="zh-Hans", title="  ", body="")
    pipeline.process_item(full)
    pipeline.process_item(empty)
    stats = crawler.stats.get_stats()
    assert stats["newscrawl/coverage/items"] == 2
    assert stats["newscrawl/coverage/has/title"] == 1
    assert stats["newscrawl/coverage/has/body"] == 1
    assert stats["newscrawl/coverage/has/authors"] == 1
    assert "newscrawl/coverage/has/modified" not in stats


def test_shortfalls() -> None:
    stats = {
        "newscrawl/coverage/items": 20,
        "newscrawl/coverage/has/title": 20,
        "newscrawl/coverage/has/body": 0,
    }
    short = coverage_shortfalls(stats, {"title": 0.95, "body": 0.95})
    assert short == [("body", 0.0, 0.95)]
    assert coverage_shortfalls({}, {"title": 0.95}) == []


def test_thresholds_defaults_then_settings_then_spider() -> None:
    spider = RfiCnSpider.from_crawler(get_crawler(RfiCnSpider))
    assert thresholds_for(spider, None) == DEFAULT_THRESHOLDS
    assert thresholds_for(spider, {"image": 0.9})["image"] == 0.9
    spider.coverage_thresholds = {"image": 0.0}  # type: ignore[attr-defined]
    assert thresholds_for(spider, {"image": 0.9})["image"] == 0.0
