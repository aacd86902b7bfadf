"""ValidateArticlePipeline (900, last): nothing incomplete or malformed is written.

An item without ``url``, ``title``, ``body`` or ``published`` is dropped
with the reason in the log and ``newscrawl/validation/dropped/missing_<field>``;
one whose ``published`` is absurd (before ``NEWSCRAWL_MIN_DATE``, default
1990-01-01, or more than a day in the future) with ``…/absurd_published``;
an item that breaks the JSON Schema (``newscrawl/schema/article.schema.json``)
with ``newscrawl/validation/dropped/schema``. An absurd ``modified`` (out of
those bounds, or before ``published``) is set to null, logged and counted in
``newscrawl/validation/fixed/absurd_modified``: the article itself is sound.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

from itemadapter import ItemAdapter
from jsonschema import Draft202012Validator
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

REQUIRED = ("url", "title", "body", "published")
logger = logging.getLogger(__name__)


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
        self.min_date = datetime.fromisoformat(
            crawler.settings.get("NEWSCRAWL_MIN_DATE", "1990-01-01")
        ).replace(tzinfo=UTC)

    def _sane(self, value: str) -> bool:
        """False only for a well-formed timestamp out of bounds (a malformed one is the schema's case)."""
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            return True
        if when.tzinfo is None:
            return True
        return self.min_date <= when <= datetime.now(UTC) + timedelta(days=1)

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
        if not self._sane(data["published"]):
            raise self._drop(
                "absurd_published", f"published {data['published']} is not a plausible date", url
            )
        modified = data.get("modified")
        if modified is not None and (not self._sane(modified) or modified < data["published"]):
            logger.warning(
                "%s: modified %s is not plausible (published %s); set to null",
                url,
                modified,
                data["published"],
            )
            self.stats.inc_value("newscrawl/validation/fixed/absurd_modified")
            ItemAdapter(item)["modified"] = None
            data["modified"] = None
        error = next(iter(self.validator.iter_errors(data)), None)
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "item"
            raise self._drop("schema", f"{where}: {error.message}", url)
        return item
