"""CleanUrlPipeline (100): the item's ``url`` in its clean form (:func:`clean_url`).

Setting: ``NEWSCRAWL_URL_CLEANING_ENABLED`` (default True).
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from newscrawl.utils.urls import clean_url


class CleanUrlPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanUrlPipeline:
        if not crawler.settings.getbool("NEWSCRAWL_URL_CLEANING_ENABLED", True):
            raise NotConfigured("NEWSCRAWL_URL_CLEANING_ENABLED is off")
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        raw = adapter.get("url") or ""
        try:
            cleaned = clean_url(raw)
        except ValueError as exc:
            self.stats.inc_value("newscrawl/url_cleaning/dropped")
            raise DropItem(f"unusable url: {exc}", log_level="WARNING") from None
        if cleaned != raw:
            self.stats.inc_value("newscrawl/url_cleaning/changed")
            adapter["url"] = cleaned
        return item
