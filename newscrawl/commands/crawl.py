"""``scrapy crawl`` with exit statuses a scheduler can act on.

Scrapy's own command exits 0 whenever the crawl ran. This one exits

- 0: the job did its work (a run that fetched its pages and found nothing new included);
- 1: the job could not start: a bad spider argument or setting, a seen-store that cannot be
  opened. One ERROR line says which (``rfi_cn: bad setting: NEWSCRAWL_MIN_DATE='x': …``),
  without a traceback (:class:`newscrawl.params.StartupError`); any other error at start is
  logged with its traceback;
- 2: a usage error (Scrapy's own);
- 3: the job ran but failed: it closed with one of ``NEWSCRAWL_FAILING_FINISH_REASONS``
  (``coverage_below_threshold``, and those of :mod:`newscrawl.outcome`:
  ``all_requests_failed``, ``seen_store_failed``, ``feed_store_failed``). The log's last line
  says so, so that a Scrapyd job's log shows it too.

It also sets ``NEWSCRAWL_CRAWL_JOB`` (at command-line priority): only a crawl
job (this command, so Scrapyd's jobs too) writes the default feed and reads
and updates the seen-store. ``scrapy parse``, ``fetch``, ``shell`` and
``check`` run the same spiders and write nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Awaitable

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from newscrawl.params import StartupError, report

START_FAILED_EXIT_STATUS = 1
FAILING_EXIT_STATUS = 3

logger = logging.getLogger(__name__)


#: the setting that tells a spider it runs as a crawl job
CRAWL_JOB = "NEWSCRAWL_CRAWL_JOB"


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        self.settings.set(CRAWL_JOB, True, priority="cmdline")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        assert self.crawler_process is not None
        name = args[0]
        crawler = self._create_crawler(name)
        errors = _start_errors(self.crawler_process.crawl(crawler, **opts.spargs))
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            for error in errors:
                if isinstance(error, StartupError):
                    report(name, error)
                else:
                    logger.error("%s: the crawl could not start", name, exc_info=error)
            self.exitcode = START_FAILED_EXIT_STATUS
            return
        reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
        failing = crawler.settings.getlist("NEWSCRAWL_FAILING_FINISH_REASONS")
        if reason in failing:
            logger.error(
                "%s: the job failed (finish reason %s); exit status %d", name, reason, FAILING_EXIT_STATUS
            )
            self.exitcode = FAILING_EXIT_STATUS


def _start_errors(crawling: Awaitable[None]) -> list[BaseException]:
    """The exception the crawl ends with, once it has ended, taken from ``crawling`` (Scrapy's
    task or Deferred for it) so that neither asyncio nor Twisted prints it again as unhandled."""
    errors: list[BaseException] = []

    def failed(failure: Failure) -> None:
        if failure.value is not None:
            errors.append(failure.value)

    def done(task: asyncio.Future[None]) -> None:
        if not task.cancelled() and (error := task.exception()) is not None:
            errors.append(error)

    if isinstance(crawling, Deferred):
        crawling.addErrback(failed)
    elif isinstance(crawling, asyncio.Future):
        crawling.add_done_callback(done)
    return errors
