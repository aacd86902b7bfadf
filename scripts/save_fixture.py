"""Turn a saved article page into a test fixture: the page gzipped, and a DRAFT expected JSON to review.

.venv/bin/python scripts/save_fixture.py PAGE.html --url URL --spider SPIDER \\
    --page-class newscrawl.pages.MODULE:CLASS --stem STEM --saved-on YYYY-MM-DD --provenance TEXT

writes ``tests/fixtures/<SPIDER>/<STEM>.html.gz`` (the page's bytes, unchanged) and
``tests/fixtures/<SPIDER>/<STEM>.json``: ``url`` (where the page lives), ``saved_on``,
``provenance``, ``page_class``, ``sha256`` of the page, ``body_must_not_contain`` (empty: add the
junk seen on the page) and ``expected``: every field the page class and the cleaning pipelines
produce, plus ``site`` (the page class's), ``edition`` (the spider name after its first ``_``) and
``language`` (``--language``, default the page's ``<html lang>``).

The JSON is marked ``"draft": true``: read the page, check every field against it (the title, each
paragraph of the body, the dates and their UTC conversion, the authors, the image), correct what is
wrong, then delete the mark. tests/test_broadcaster_pages.py fails on a fixture still marked draft.
The script never fetches anything; an existing fixture is kept unless ``--force`` is given.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib
import json
import sys
from pathlib import Path
from typing import Any

from parsel import Selector

from newscrawl.pages.article import NotAnArticle, page_item
from newscrawl.pages.base import ArticlePage

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def load_page_class(path: str) -> type[ArticlePage]:
    """``module:Class`` (``newscrawl.pages.euronews:EuronewsArticlePage``) as a page class."""
    module_name, _, class_name = path.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise SystemExit(f"save_fixture: no page class {path!r}: {exc}") from None
    if not (isinstance(cls, type) and issubclass(cls, ArticlePage)):
        raise SystemExit(f"save_fixture: {path!r} is not an ArticlePage subclass")
    return cls


def draft(body: bytes, args: argparse.Namespace) -> dict[str, Any]:
    """The fixture's JSON, its expected values as the page class reads them today."""
    page_class = load_page_class(args.page_class)
    try:
        fields = page_item(page_class, body, args.url)
    except NotAnArticle as exc:
        raise SystemExit(f"save_fixture: {exc}") from None
    language = args.language or Selector(text=body.decode("utf-8", "replace")).xpath("/html/@lang").get()
    fields.update(
        site=page_class.SITE or None,
        edition=args.spider.partition("_")[2] or None,
        language=language,
    )
    return {
        "draft": True,
        "url": args.url,
        "saved_on": args.saved_on,
        "provenance": args.provenance,
        "page_class": args.page_class,
        "sha256": hashlib.sha256(body).hexdigest(),
        "body_must_not_contain": [],
        "expected": dict(sorted(fields.items())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("page", type=Path, help="the saved HTML page (UTF-8)")
    parser.add_argument("--url", required=True, help="the URL the page was saved from")
    parser.add_argument("--spider", required=True, help="spider, e.g. euronews_en (the fixture's folder)")
    parser.add_argument("--page-class", required=True, help="module:Class of the page class")
    parser.add_argument("--stem", required=True, help="file name without suffix: 20240430-some-slug")
    parser.add_argument("--saved-on", required=True, help="YYYY-MM-DD the page was saved")
    parser.add_argument("--provenance", required=True, help="where the saved page comes from")
    parser.add_argument("--language", help="BCP 47 tag of the edition (default: the page's <html lang>)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing fixture")
    parser.add_argument("--fixtures", type=Path, default=FIXTURES, help="default: tests/fixtures")
    args = parser.parse_args(argv)

    if not args.page.is_file():
        print(f"save_fixture: no such page file: {args.page}", file=sys.stderr)
        return 1
    body = args.page.read_bytes()
    folder = args.fixtures / args.spider
    page_file, json_file = folder / f"{args.stem}.html.gz", folder / f"{args.stem}.json"
    if not args.force and (page_file.exists() or json_file.exists()):
        print(f"save_fixture: {json_file} exists (use --force to overwrite)", file=sys.stderr)
        return 1
    fixture = draft(body, args)
    folder.mkdir(parents=True, exist_ok=True)
    page_file.write_bytes(gzip.compress(body, mtime=0))
    json_file.write_text(json.dumps(fixture, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"wrote {page_file} and {json_file}: DRAFT, review it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
