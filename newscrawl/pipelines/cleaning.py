"""CleanBodyPipeline (300): ``body_html`` raw in, clean ``body``, ``body_html`` and ``content_hash`` out.

Removes ads, self-promo, share bars, tags and related blocks, scripts and
embeds, and paragraphs that are empty after whitespace folding (see
:mod:`newscrawl.utils.body`). Text found outside any block is left out and
counted in ``newscrawl/body/loose_chars``. Always on: it produces ``body``.
The cleaning runs in the crawl's parse workers (:mod:`newscrawl.parsepool`);
an item whose body could not be cleaned there is dropped, logged and counted
in ``newscrawl/body/clean_failed/<reason>``, never written with a raw body.
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl.parsepool import ParseError, crawler_pool
from newscrawl.utils.body import clean_body, content_hash


class CleanBodyPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.pool = crawler_pool(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanBodyPipeline:
        return cls(crawler)

    async def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        url = adapter.get("url") or ""
        try:
            cleaned = await self.pool.run(clean_body, adapter.get("body_html") or "", url)
        except ParseError as exc:
            self.stats.inc_value(f"newscrawl/body/clean_failed/{exc.reason}")
            message = f"body could not be cleaned ({exc.reason}): {url}\n{exc}"
            raise DropItem(message, log_level="ERROR") from None
        adapter["body"] = cleaned.text
        adapter["body_html"] = cleaned.html
        adapter["content_hash"] = content_hash(cleaned.text)
        if cleaned.loose_chars:
            self.stats.inc_value("newscrawl/body/loose_chars", cleaned.loose_chars)
        return item
