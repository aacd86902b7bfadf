"""Field coverage: a changed site layout stops the job instead of writing empty fields for a week.

``FieldCoveragePipeline`` (800, after body cleaning, before validation) counts,
for every parsed article, which main fields are non-empty:
``newscrawl/coverage/items`` and ``newscrawl/coverage/has/<field>``. It sees
the items validation will drop, which is the point: when the body class is
renamed, every item loses its body and is dropped, and only this count shows it.

``FieldCoverageMonitor`` (an extension) compares each field's share with its
threshold when the spider goes idle at the end of the job, and every
``NEWSCRAWL_COVERAGE_CHECK_INTERVAL`` seconds in long jobs, once at least
``NEWSCRAWL_COVERAGE_MIN_ITEMS`` articles were parsed. Below a threshold, the
job closes with finish reason ``coverage_below_threshold``, an ERROR line names
the spider, the fields, their share and threshold, and ``scrapy crawl`` exits
with status 3 (:mod:`newscrawl.commands.crawl`).

Thresholds: :data:`DEFAULT_THRESHOLDS`, then ``NEWSCRAWL_COVERAGE_THRESHOLDS``
(a dict, all spiders), then the spider's ``coverage_thresholds`` attribute.
Switch: ``NEWSCRAWL_COVERAGE_ENABLED``.
"""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.task import LoopingCall

logger = logging.getLogger(__name__)

FINISH_REASON = "coverage_below_threshold"
MAIN_FIELDS = ("title", "lead", "body", "published", "authors", "image", "section")
#: share of parsed articles that must have each field
DEFAULT_THRESHOLDS: dict[str, float] = {
    "title": 0.95,
    "body": 0.95,
    "published": 0.95,
    "section": 0.8,
    "lead": 0.5,
    "authors": 0.2,
    "image": 0.2,
}


class FieldCoveragePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FieldCoveragePipeline:
        if not crawler.settings.getbool("NEWSCRAWL_COVERAGE_ENABLED", True):
            raise NotConfigured("NEWSCRAWL_COVERAGE_ENABLED is off")
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        stats = self.crawler.stats
        stats.inc_value("newscrawl/coverage/items")
        for field in MAIN_FIELDS:
            value = adapter.get(field)
            if value not in (None, "", [], {}) and not (isinstance(value, str) and not value.strip()):
                stats.inc_value(f"newscrawl/coverage/has/{field}")
        return item


def thresholds_for(spider: Spider, settings_value: dict[str, float] | None) -> dict[str, float]:
    merged = dict(DEFAULT_THRESHOLDS)
    merged.update(settings_value or {})
    merged.update(getattr(spider, "coverage_thresholds", None) or {})
    return merged


def coverage_shortfalls(
    stats: dict[str, Any], thresholds: dict[str, float]
) -> list[tuple[str, float, float]]:
    """``(field, share, threshold)`` for each field under its threshold."""
    items = int(stats.get("newscrawl/coverage/items", 0))
    if not items:
        return []
    short = []
    for field, threshold in thresholds.items():
        share = int(stats.get(f"newscrawl/coverage/has/{field}", 0)) / items
        if share < threshold:
            short.append((field, share, threshold))
    return short


class FieldCoverageMonitor:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.min_items = settings.getint("NEWSCRAWL_COVERAGE_MIN_ITEMS", 10)
        self.interval = settings.getfloat("NEWSCRAWL_COVERAGE_CHECK_INTERVAL", 600.0)
        self.settings_thresholds = settings.getdict("NEWSCRAWL_COVERAGE_THRESHOLDS")
        self.task: LoopingCall | None = None
        self.tripped = False
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FieldCoverageMonitor:
        if not crawler.settings.getbool("NEWSCRAWL_COVERAGE_ENABLED", True):
            raise NotConfigured("NEWSCRAWL_COVERAGE_ENABLED is off")
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        if self.interval > 0:
            self.task = LoopingCall(self.check, spider)
            self.task.start(self.interval, now=False)

    def spider_idle(self, spider: Spider) -> None:
        self.check(spider, final=True)

    def spider_closed(self, spider: Spider) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()

    def check(self, spider: Spider, final: bool = False) -> None:
        if self.tripped:
            return
        stats = self.crawler.stats.get_stats()
        items = int(stats.get("newscrawl/coverage/items", 0))
        if items < self.min_items:
            if final and items:
                logger.info(
                    "field coverage not checked: %d articles parsed, fewer than %d", items, self.min_items
                )
            return
        short = coverage_shortfalls(stats, thresholds_for(spider, self.settings_thresholds))
        if not short:
            return
        self.tripped = True
        detail = ", ".join(f"{field} {share:.0%} < {threshold:.0%}" for field, share, threshold in short)
        logger.error(
            "%s: field coverage below threshold over %d articles: %s; the site's layout may have changed",
            spider.name,
            items,
            detail,
        )
        self.crawler.stats.set_value("newscrawl/coverage/below_threshold", ",".join(f for f, _, _ in short))
        assert self.crawler.engine is not None
        coro = self.crawler.engine.close_spider_async(reason=FINISH_REASON)
        deferred_from_coro(coro).addErrback(lambda f: logger.error("closing the spider failed: %s", f))
