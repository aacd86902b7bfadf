"""JobOutcomeMonitor's verdicts on a job's stats; end to end in tests/e2e/test_faults.py."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from scrapy import Spider
from scrapy.exceptions import CloseSpider
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from newscrawl.outcome import JobOutcomeMonitor, check_feed_uris, ok_responses
from newscrawl.params import SettingError
from newscrawl.settings import NEWSCRAWL_FAILING_FINISH_REASONS


class Named(Spider):
    name = "rfi_cn"
    job = "0123abcd"


def monitor(stats: dict[str, Any]) -> JobOutcomeMonitor:
    crawler = get_crawler(Named, {"NEWSCRAWL_FAILING_FINISH_REASONS": NEWSCRAWL_FAILING_FINISH_REASONS})
    crawler.stats = MemoryStatsCollector(crawler)
    crawler.stats.set_stats(dict(stats))
    crawler.spider = Named()
    crawler.extensions = SimpleNamespace(middlewares=[])  # no FeedExporter: its stats alone
    return JobOutcomeMonitor(crawler)


def test_ok_responses_leave_robots_txt_out() -> None:
    stats = {
        "downloader/response_status_count/200": 3,
        "robotstxt/response_status_count/200": 1,
        "downloader/response_status_count/204": 1,
        "downloader/response_status_count/404": 7,
        "robotstxt/response_status_count/404": 1,
    }
    assert ok_responses(stats) == 3
    assert (
        ok_responses({"downloader/response_status_count/200": 1, "robotstxt/response_status_count/200": 1})
        == 0
    )


@pytest.mark.parametrize(
    ("stats", "closes"),
    [
        ({"newscrawl/fetch_failed/connection_refused": 11}, True),
        ({"newscrawl/fetch_failed/http_503": 10, "newscrawl/fetch_failed/dns": 1}, True),
        (
            {
                "newscrawl/fetch_failed/robots_txt": 11,
                "downloader/response_status_count/200": 1,
                "robotstxt/response_status_count/200": 1,
            },
            True,
        ),
        ({"newscrawl/fetch_failed/http_404": 5, "downloader/response_status_count/200": 6}, False),
        ({"downloader/response_status_count/200": 11}, False),  # nothing new: fine
        ({}, False),
    ],
)
def test_a_job_whose_requests_all_failed_is_closed_when_idle(stats: dict[str, Any], closes: bool) -> None:
    job = monitor(stats)
    if closes:
        with pytest.raises(CloseSpider) as raised:
            job.spider_idle(job.crawler.spider)
        assert raised.value.reason == "all_requests_failed"
    else:
        job.spider_idle(job.crawler.spider)


FEED_FAILED = "feedexport/failed_count/AtomicFileFeedStorage"
SEEN_FAILED = "newscrawl/seen_store/failed"
NOT_STORED = "1 feed(s) could not be stored"
SEEN_LOST = "the seen-store failed"


@pytest.mark.parametrize(
    ("stats", "reason", "logged"),
    [
        ({"finish_reason": "finished", FEED_FAILED: 1}, "feed_store_failed", NOT_STORED),
        ({"finish_reason": "shutdown", "feedexport/failed_count/S3FeedStorage": 2}, "feed_store_failed",
         "2 feed(s) could not be stored"),
        ({"finish_reason": "finished", SEEN_FAILED: 1}, "seen_store_failed", SEEN_LOST),
        ({"finish_reason": "finished", f"{SEEN_FAILED}_claims": 3}, "seen_store_failed", SEEN_LOST),
        # the first failing reason stays
        ({"finish_reason": "seen_store_failed", FEED_FAILED: 1}, "seen_store_failed", NOT_STORED),
        ({"finish_reason": "seen_store_failed", SEEN_FAILED: 1}, "seen_store_failed", None),
        ({"finish_reason": "coverage_below_threshold", FEED_FAILED: 2}, "coverage_below_threshold",
         "2 feed(s) could not be stored"),
        ({"finish_reason": "finished", "feedexport/success_count/S3FeedStorage": 1}, "finished", None),
    ],
)  # fmt: skip
def test_feed_and_seen_store_failures_set_the_finish_reason_when_feeds_are_stored(
    stats: dict[str, Any], reason: str, logged: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    job = monitor(stats)
    job.feed_exporter_closed()
    assert job.crawler.stats.get_value("finish_reason") == reason
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert errors == ([f"rfi_cn: {logged}; the job fails with finish reason {reason}"] if logged else [])


@pytest.mark.parametrize(
    "uri",
    [
        "out/%(name)s/%(time)s.jsonl",
        "out/%(name)s/%(time)s-%(job)s.jsonl",
        "out/%(batch_time)s-%(batch_id)05d.jsonl",
        "out/plain.jsonl",
        "out/100%.jsonl",
    ],
)
def test_feed_uris_the_spider_can_fill_are_accepted(uri: str) -> None:
    crawler = get_crawler(Named, {"FEEDS": {uri: {"format": "jsonlines"}}})
    check_feed_uris(crawler, Named())


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        (
            "out/%(nosuch)s.jsonl",
            r"^feed URI 'out/%\(nosuch\)s\.jsonl': no value for %\(nosuch\)s; a feed URI",
        ),
        ("out/%(name)d.jsonl", r"^feed URI 'out/%\(name\)d\.jsonl': %d format: a real number is required"),
    ],
)
def test_a_feed_uri_the_spider_cannot_fill_is_a_setting_error(uri: str, message: str) -> None:
    crawler = get_crawler(Named, {"FEEDS": {uri: {"format": "jsonlines"}}})
    with pytest.raises(SettingError, match=message):
        check_feed_uris(crawler, Named())
