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
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema
from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl.params import setting_date

REQUIRED = ("url", "title", "body", "published")
logger = logging.getLogger(__name__)


def article_schema() -> dict[str, Any]:
    """``newscrawl/schema/article.schema.json`` (JSON Schema 2020-12), the contract of every output line."""
    schema: dict[str, Any] = json.loads(
        resources.files("newscrawl.schema").joinpath("article.schema.json").read_text("utf-8")
    )
    return schema


def article_validator() -> Any:
    """The reference validator of the schema (``jsonschema``, a test dependency): slow, exact."""
    from jsonschema import Draft202012Validator

    schema = article_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _as_draft7(node: Any) -> Any:
    """The same constraints in draft-07 terms: a ``$ref`` beside other keywords goes into ``allOf``.

    Draft 2020-12 applies a ``$ref`` together with its sibling keywords
    (``{"$ref": "#/$defs/text", "not": {...}}``); draft-07, which fastjsonschema
    implements, ignores the siblings. Moving both into ``allOf`` means the same
    in either draft.
    """
    if isinstance(node, list):
        return [_as_draft7(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {key: _as_draft7(value) for key, value in node.items()}
    annotations = {"description", "title", "$comment"}
    siblings = {k: v for k, v in node.items() if k != "$ref" and k not in annotations}
    if "$ref" in node and siblings:
        kept = {k: v for k, v in node.items() if k in annotations}
        return {**kept, "allOf": [{"$ref": node["$ref"]}, siblings]}
    return node


@cache
def fast_article_validator() -> Callable[[dict[str, Any]], Any]:
    """The schema compiled to Python by fastjsonschema: ~25 µs per item against ~450 µs for jsonschema.

    ``tests/test_pipelines.py`` checks that both give the same verdicts.
    """
    schema = _as_draft7(article_schema())
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    validate: Callable[[dict[str, Any]], Any] = fastjsonschema.compile(schema)
    return validate


class ValidateArticlePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.validate = fast_article_validator()
        self.min_date = setting_date(crawler.settings, "NEWSCRAWL_MIN_DATE", "1990-01-01")

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
        try:
            self.validate(data)
        except fastjsonschema.JsonSchemaValueException as error:
            where = "/".join(str(p) for p in error.path[1:]) or "item"  # path[0] is "data", the item
            raise self._drop("schema", f"{where}: {error.message}", url) from None
        return item
