"""CleanBodyPipeline (300): ``body_html`` raw in, clean ``body``, ``body_html`` and ``content_hash`` out.

Removes ads, self-promo, share bars, tags and related blocks, scripts and
embeds, and paragraphs that are empty after whitespace folding (see
:mod:`newscrawl.utils.body`). Text found outside any block is left out and
counted in ``newscrawl/body/loose_chars``. Always on: it produces ``body``.
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler

from newscrawl.utils.body import clean_body, content_hash


class CleanBodyPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanBodyPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        cleaned = clean_body(adapter.get("body_html") or "", adapter.get("url") or "")
        adapter["body"] = cleaned.text
        adapter["body_html"] = cleaned.html
        adapter["content_hash"] = content_hash(cleaned.text)
        if cleaned.loose_chars:
            self.stats.inc_value("newscrawl/body/loose_chars", cleaned.loose_chars)
        return item
