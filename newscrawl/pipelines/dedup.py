"""DropDuplicateUrlsPipeline (200): each article once per run, keyed by :func:`url_key`.

An article reached from several sections, the feed and the sitemap (or
through two URLs that clean to the same one) is written once; later copies
are dropped and counted in ``newscrawl/dedup/dropped``.

Setting: ``NEWSCRAWL_DEDUP_ENABLED`` (default True).
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from newscrawl.utils.urls import key_digest, url_key


class DropDuplicateUrlsPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.seen: set[bytes] = set()  # key_digest() of each URL written

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DropDuplicateUrlsPipeline:
        if not crawler.settings.getbool("NEWSCRAWL_DEDUP_ENABLED", True):
            raise NotConfigured("NEWSCRAWL_DEDUP_ENABLED is off")
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        url = ItemAdapter(item).get("url") or ""
        key = key_digest(url_key(url))
        if key in self.seen:
            self.stats.inc_value("newscrawl/dedup/dropped")
            raise DropItem(f"duplicate url within this run: {url}", log_level="DEBUG")
        self.seen.add(key)
        return item
