"""The baseline of benchmarks/crawl.py: a bare Scrapy spider over the same pages as rfi_cn.

    scrapy runspider benchmarks/bare_spider.py -a base_url=http://127.0.0.1:8000 -O items.jsonl

It starts at the homepage /cn/ and the 8 section pages rfi_cn reads, follows
the article-card links rfi_cn follows (``.m-item-list-article
a[data-article-item-link]``, each once per page; Scrapy's duplicate filter
drops repeats across pages) and yields ``{"url": response.url}`` per article
page: no parsing of articles, no pipelines, no seen-store. Run it with the
settings module ``bare_settings`` (not newscrawl's).

``-a follow=0`` fetches the start pages only and follows nothing: the least
any Scrapy crawl of this site costs, the floor of an incremental run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote

import scrapy
from scrapy.http import Response

SECTIONS = ("中国", "法国", "港澳台", "亚洲", "美洲", "非洲", "欧洲", "中东")
CARD_LINKS = ".m-item-list-article a[data-article-item-link]::attr(href)"


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, base_url: str = "http://127.0.0.1:8000", follow: str = "1", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        self.follow = follow not in ("0", "no", "false")

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for path in ["/cn/", *(f"/cn/{quote(s)}/" for s in SECTIONS)]:
            yield scrapy.Request(self.base_url + path, callback=self.parse_listing, priority=10)

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        if not self.follow:
            return
        for href in dict.fromkeys(response.css(CARD_LINKS).getall()):
            yield response.follow(href, callback=self.parse_article)

    def parse_article(self, response: Response) -> Iterator[dict[str, str]]:
        yield {"url": response.url}
