"""Spider contracts for ``scrapy check``: sample pages named by what they are, not by URL.

``@edition_url <page>`` requests a page of the spider's (first) edition:
``home``, ``rss``, ``news_sitemap``, ``sitemap_index`` (the
:class:`~newscrawl.editions.Edition` URL of that name) or ``sample_article``
(see :class:`SampleArticleCheck`). Like every request of the spider it goes to
``base_url``, so the same contracts check the live site
(``scrapy check rfi_cn``) or a local mirror
(``scrapy check rfi_cn -a base_url=http://127.0.0.1:8000``).

``@filled <field> …`` fails when an item leaves one of the fields empty: a
layout change that a parser no longer reads shows up here first.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, ClassVar

from itemadapter import ItemAdapter, is_item
from scrapy.contracts import Contract
from scrapy.exceptions import ContractFail
from scrapy.http import Response

if TYPE_CHECKING:
    from newscrawl.items import ArticleItem

PAGES = ("home", "rss", "news_sitemap", "sitemap_index", "sample_article")


class EditionUrlContract(Contract):
    """``@edition_url home``: the sample request of a callback, on ``base_url``."""

    name = "edition_url"

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        from newscrawl.spiders.base import META_PUBLIC_URL

        spider = args["callback"].__self__
        page = self.args[0] if self.args else ""
        if page not in PAGES:
            raise ValueError(f"@edition_url {page!r}: expected one of {', '.join(PAGES)}")
        if page == "sample_article":
            public_url = spider.sample_article
        else:
            public_url = getattr(spider.editions[0], f"{page}_url")
        args["url"] = spider.to_fetch_url(public_url)
        args["meta"] = {**(args.get("meta") or {}), META_PUBLIC_URL: public_url}
        return args


class FilledContract(Contract):
    """``@filled title published``: every item has a value (not None, not empty) in each field."""

    name = "filled"

    def post_process(self, output: list[Any]) -> None:
        for item in output:
            if is_item(item):
                adapter = ItemAdapter(item)
                empty = [field for field in self.args if not adapter.get(field)]
                if empty:
                    raise ContractFail(f"{adapter.get('url')}: empty {', '.join(empty)}")


class SampleArticleCheck:
    """Spider mixin: ``scrapy check`` reads :attr:`sample_article`, a stable article URL of the site.

    Only spiders that know one of the live site carry it (an invented URL
    would fail every live check).
    """

    #: public URL of a real article of the edition
    sample_article: ClassVar[str]

    async def check_article(self, response: Response) -> AsyncIterator[ArticleItem]:
        """The sample article gives one item with its main fields read.

        @edition_url sample_article
        @returns items 1 1
        @returns requests 0 0
        @filled url title lead published authors section body_html
        """
        async for item in self.parse_article(response):  # type: ignore[attr-defined]
            yield item
