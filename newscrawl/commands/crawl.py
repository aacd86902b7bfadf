"""``scrapy crawl``, exiting with status 3 when the job ended for a failing reason.

Scrapy's own command exits 0 whenever the crawl ran. A job closed with one of
``NEWSCRAWL_FAILING_FINISH_REASONS`` (default: ``coverage_below_threshold``)
exits 3 instead, so cron and CI notice a site whose layout changed.

It also sets ``NEWSCRAWL_CRAWL_JOB`` (at command-line priority): only a crawl
job (this command, so Scrapyd's jobs too) writes the default feed and reads
and updates the seen-store. ``scrapy parse``, ``fetch``, ``shell`` and
``check`` run the same spiders and write nothing.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

FAILING_EXIT_STATUS = 3


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
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return
        reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
        failing = crawler.settings.getlist("NEWSCRAWL_FAILING_FINISH_REASONS", ["coverage_below_threshold"])
        if reason in failing:
            print(
                f"{args[0]}: the job finished with reason {reason}; exit status {FAILING_EXIT_STATUS}",
                file=sys.stderr,
            )
            self.exitcode = FAILING_EXIT_STATUS
