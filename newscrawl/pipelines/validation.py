"""ValidateArticlePipeline (900, last): nothing incomplete or malformed is written.

An item without ``url``, ``title``, ``body`` or ``published`` is dropped
with the reason in the log and ``newscrawl/validation/dropped/missing_<field>``;
an item that breaks the JSON Schema (``newscrawl/schema/article.schema.json``)
is dropped with ``newscrawl/validation/dropped/schema``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from itemadapter import ItemAdapter
from jsonschema import Draft202012Validator
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

REQUIRED = ("url", "title", "body", "published")


@cache
def article_validator() -> Draft202012Validator:
    schema = json.loads(
        resources.files("newscrawl.schema").joinpath("article.schema.json").read_text("utf-8")
    )
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


class ValidateArticlePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.validator = article_validator()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidateArticlePipeline:
        return cls(crawler)

    def _drop(self, reason: str, detail: str, url: str) -> DropItem:
        self.stats.inc_value("newscrawl/validation/dropped")
        self.stats.inc_value(f"newscrawl/validation/dropped/{reason}")
        return DropItem(f"invalid article ({detail}): {url}", log_level="WARNING")

    def process_item(self, item: Any) -> Any:
        data = ItemAdapter(item).asdict()
        url = data.get("url") or "<no url>"
        for name in REQUIRED:
            value = data.get(name)
            if not (isinstance(value, str) and value.strip()):
                raise self._drop(f"missing_{name}", f"missing {name}", url)
        error = next(iter(self.validator.iter_errors(data)), None)
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "item"
            raise self._drop("schema", f"{where}: {error.message}", url)
        return item
