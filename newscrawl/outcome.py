"""A job that could not do its work ends with a failing finish reason, and ``scrapy crawl`` exits 3.

A run that fetched its pages and found nothing new ends ``finished`` and exits 0.
``JobOutcomeMonitor`` (an extension) gives a job that failed a finish reason of
its own, with an ERROR line naming the spider and the cause:

- ``all_requests_failed``: requests were made and none was answered with a 2xx
  status (robots.txt aside): the site unreachable (DNS, connection refused,
  timeouts) or answering only errors. Judged when the job goes idle, so the
  engine closes with this reason: ``Spider closed (all_requests_failed)``.
- ``seen_store_failed``: the seen-store failed during the job (Redis gone, the
  SQLite file unusable). The spider counts ``newscrawl/seen_store/failed`` and
  closes the job at its first failed lookup (:meth:`JobOutcomeMonitor.failure`):
  without the store it would fetch everything again and could not record what
  it writes. A ``newscrawl/seen_store/failed…`` stat counted while the job
  closes (recording an output file) gives the same reason.
- ``feed_store_failed``: a feed could not be stored (Scrapy's
  ``feedexport/failed_count/<storage>``, logged by Scrapy as ``Error storing …``)
  or its file could not even be opened (its directory cannot be created).
  Feeds are stored while the job closes, so the reason goes into the
  ``finish_reason`` stat (and the stats the log ends with), not into Scrapy's
  ``Spider closed (…)`` line.

A job keeps the first failing reason it gets. All are in the default
``NEWSCRAWL_FAILING_FINISH_REASONS``, for which ``scrapy crawl`` exits with
status 3 (:mod:`newscrawl.commands.crawl`).

A feed URI whose placeholders the spider cannot fill (``-O out/%(nosuch)s.jsonl``)
is refused before the crawl starts (:func:`check_feed_uris`): exit status 1.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.extensions.feedexport import FeedExporter, apply_uri_params
from scrapy.utils.misc import load_object

from newscrawl.params import SettingError

logger = logging.getLogger(__name__)

ALL_REQUESTS_FAILED = "all_requests_failed"
SEEN_STORE_FAILED = "seen_store_failed"
FEED_STORE_FAILED = "feed_store_failed"
#: stat prefixes: Scrapy's count of feeds not stored, the spider's failed fetches, seen-store failures
FEED_STORE_FAILURES = "feedexport/failed_count/"
FETCH_FAILURES = "newscrawl/fetch_failed/"
SEEN_STORE_FAILURES = "newscrawl/seen_store/failed"


def ok_responses(stats: dict[str, Any]) -> int:
    """Responses with a 2xx status, robots.txt's left out."""
    return sum(
        int(value) - int(stats.get(f"robotstxt/response_status_count/{key.rsplit('/', 1)[1]}", 0))
        for key, value in stats.items()
        if key.startswith("downloader/response_status_count/2")
    )


def total(stats: dict[str, Any], prefix: str) -> int:
    """The sum of the stats whose names start with ``prefix``."""
    return sum(int(value) for key, value in stats.items() if key.startswith(prefix))


class JobOutcomeMonitor:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.failing = crawler.settings.getlist("NEWSCRAWL_FAILING_FINISH_REASONS")
        self.stored: set[int] = set()  # id() of the feed slots whose storing was tried
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.feed_slot_closed, signal=signals.feed_slot_closed)
        crawler.signals.connect(self.feed_exporter_closed, signal=signals.feed_exporter_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobOutcomeMonitor:
        if crawler.spider is not None:  # extensions are built after the spider when a crawl starts
            check_feed_uris(crawler, crawler.spider)
        return cls(crawler)

    def spider_idle(self, spider: Spider) -> None:
        stats = self.crawler.stats.get_stats()
        failed = total(stats, FETCH_FAILURES)  # requests that failed for good, for any reason
        if failed and not ok_responses(stats):
            raise self.failure(spider, ALL_REQUESTS_FAILED, f"all {failed} requests failed")

    def feed_slot_closed(self, slot: Any) -> None:
        self.stored.add(id(slot))

    def feed_exporter_closed(self) -> None:
        """The job is closing and its feeds are stored: a feed that could not be stored, or a
        seen-store that failed while recording one, changes the finish reason, unless that is a
        failing one already.

        Scrapy counts the feeds whose storage failed (``feedexport/failed_count/<storage>``); a
        feed whose file could not even be opened (its directory cannot be created or written)
        is one that should have been stored and never reached its ``feed_slot_closed`` signal.
        """
        stats = self.crawler.stats
        spider = self.crawler.spider
        failed = total(stats.get_stats(), FEED_STORE_FAILURES)
        exporter = next((e for e in self.crawler.extensions.middlewares if isinstance(e, FeedExporter)), None)
        for slot in exporter.slots if exporter is not None else ():
            if (slot.itemcount or (slot.store_empty and slot.batch_id == 1)) and id(slot) not in self.stored:
                logger.error("feed %s could not be opened; nothing was stored", slot.uri)
                failed += 1
        seen_store_failed = total(stats.get_stats(), SEEN_STORE_FAILURES)
        if spider is None or not (failed or seen_store_failed):
            return
        reason = stats.get_value("finish_reason")
        if reason not in self.failing:  # else the job's first failing reason stays
            reason = FEED_STORE_FAILED if failed else SEEN_STORE_FAILED
            stats.set_value("finish_reason", reason)
        elif not failed:
            return  # the seen-store's failure was logged when it closed the job
        cause = f"{failed} feed(s) could not be stored" if failed else "the seen-store failed"
        self.failure(spider, reason, cause)

    @staticmethod
    def failure(spider: Spider, reason: str, cause: str) -> CloseSpider:
        """Log why the job fails; the CloseSpider that ends it with ``reason``."""
        logger.error("%s: %s; the job fails with finish reason %s", spider.name, cause, reason)
        return CloseSpider(reason)


def check_feed_uris(crawler: Crawler, spider: Spider) -> None:
    """Refuse (:class:`SettingError`) a feed URI with a placeholder the spider cannot fill.

    The parameters are those Scrapy's FeedExporter gives when it opens the feed:
    the spider's attributes, ``time``, ``batch_time``, ``batch_id``, and the
    feed's ``uri_params`` function.
    """
    feeds = crawler.settings.getdict("FEEDS")
    if not any("%" in str(uri) for uri in feeds):
        return
    params = {name: getattr(spider, name, None) for name in dir(spider)}
    now = datetime.now(UTC)
    params.update(time=now.replace(microsecond=0).isoformat(), batch_time=now.isoformat(), batch_id=1)
    for uri, options in feeds.items():
        function = (options or {}).get("uri_params") or crawler.settings.get("FEED_URI_PARAMS")
        values = load_object(function)(dict(params), spider) or params if function else params
        try:
            apply_uri_params(str(uri), values)
        except KeyError as exc:
            raise SettingError(
                f"feed URI {str(uri)!r}: no value for %({exc.args[0]})s; a feed URI may name the spider's "
                "attributes, such as %(name)s and %(job)s, and %(time)s, %(batch_time)s, %(batch_id)d"
            ) from None
        except (TypeError, ValueError) as exc:
            raise SettingError(f"feed URI {str(uri)!r}: {exc}") from None
