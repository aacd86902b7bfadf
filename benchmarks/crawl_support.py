"""Helpers loaded inside the benchmarked crawls (benchmarks/ is on their PYTHONPATH).

``STATS_CLASS=crawl_support.JsonStatsCollector`` writes the crawl's final
stats to the JSON file named by ``BENCH_STATS_FILE`` when the spider closes
(after CoreStats has set ``finish_time``); otherwise Scrapy's
MemoryStatsCollector unchanged.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from typing import Any

from scrapy.statscollectors import MemoryStatsCollector, StatsT


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else str(value)


class JsonStatsCollector(MemoryStatsCollector):
    def _persist_stats(self, stats: StatsT) -> None:
        super()._persist_stats(stats)
        path = os.environ.get("BENCH_STATS_FILE")
        if path:
            with open(path, "w", encoding="utf-8") as fh:
                json.dump(stats, fh, default=_plain, ensure_ascii=False, indent=1, sort_keys=True)
