"""Loading and validating the per-spider content files ``scripts/snapshot_data/content/<spider>.json``.

Format (written by people, not generated)::

    {"spider": "rfi_fr", "site_name": "...", "home_title": "...", "description": "...",
     "labels": {"published", "updated", "by", "share", "tags_title", "related", "read_more", "ad",
                "reading_time", "minutes", "newsletter_title", "newsletter_text", "subscribe", "app_text",
                "home", "live", "archives"},
     "sections": {"<slug>": "<display name>", ...}, "tag_slug": "tag",
     "articles": [{"key": "20240226-ascii-stem", "section": "<slug>", "slug": "<own-language url slug>",
                   "title",
                   "lead", "body": [paragraphs], "authors": [names], "tags": [names], "caption",
                   "credit" (or null), "published": "UTC ISO"}]}

Extra articles of a spider (same article format) may sit in ``scripts/snapshot_data/extra/<spider>_*.json`` as
``{"spider": ..., "articles": [...]}``.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from snapshot.common import ROOT, collapse, nfc, paris

LABEL_KEYS = (
    "published",
    "updated",
    "by",
    "share",
    "tags_title",
    "related",
    "read_more",
    "ad",
    "reading_time",
    "minutes",
    "newsletter_title",
    "newsletter_text",
    "subscribe",
    "app_text",
    "home",
    "live",
    "archives",
)
ARTICLE_KEYS = (
    "key",
    "section",
    "slug",
    "title",
    "lead",
    "body",
    "authors",
    "tags",
    "caption",
    "credit",
    "published",
)
KEY_RE = re.compile(r"^\d{8}-[a-z0-9]+(?:-[a-z0-9]+)*$")
BAD_PATH_CHARS = re.compile(r"[\s/?#%\\\"'<>]")


class ContentError(ValueError):
    pass


def display(path: Path) -> str:
    """The path relative to the repository when it is inside it."""
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


class Checker:
    def __init__(self, path: Path):
        self.path = path
        self.errors: list[str] = []

    def fail(self, field: str, message: str) -> None:
        self.errors.append(f"{display(self.path)}: {field}: {message}")

    def text(self, obj: dict, key: str, field: str, *, empty: bool = False) -> str | None:
        if key not in obj:
            self.fail(field, "missing")
            return None
        value = obj[key]
        if not isinstance(value, str):
            self.fail(field, f"must be a string, got {type(value).__name__}")
            return None
        if not empty and not value.strip():
            self.fail(field, "must not be empty")
            return None
        return value

    def texts(self, obj: dict, key: str, field: str, *, min_items: int = 0) -> list[str] | None:
        value = obj.get(key)
        if not isinstance(value, list):
            self.fail(field, f"must be a list, got {type(value).__name__}")
            return None
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.fail(f"{field}[{i}]", "must be a non-empty string")
                continue
            out.append(item)
        if len(value) < min_items:
            self.fail(field, f"needs at least {min_items} item(s)")
        return out

    def path_segment(self, value: str, field: str) -> None:
        if BAD_PATH_CHARS.search(value) or value in (".", ".."):
            self.fail(field, f"not usable as a URL path segment: {value!r}")


def parse_published(value: str) -> datetime:
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if dt.tzinfo is None or dt.utcoffset() != timedelta(0):
        raise ValueError("must be UTC with an explicit offset (+00:00 or Z)")
    return dt.astimezone(UTC)


def check_articles(
    ck: Checker, articles: object, sections: dict[str, str], where: str = "articles"
) -> list[dict]:
    out: list[dict] = []
    if not isinstance(articles, list) or not articles:
        ck.fail(where, "must be a non-empty list")
        return out
    for i, raw in enumerate(articles):
        field = f"{where}[{i}]"
        if not isinstance(raw, dict):
            ck.fail(field, "must be an object")
            continue
        if isinstance(raw.get("key"), str):
            field = f"{where}[{i}] ({raw['key']})"
        missing = [k for k in ARTICLE_KEYS if k not in raw]
        if missing:
            ck.fail(field, f"missing {', '.join(missing)}")
            continue
        before = len(ck.errors)
        key = ck.text(raw, "key", f"{field}.key")
        if key is not None and not KEY_RE.match(key):
            ck.fail(f"{field}.key", f"must look like 20240226-ascii-stem, got {key!r}")
        section = ck.text(raw, "section", f"{field}.section")
        if section is not None and nfc(section) not in sections:
            ck.fail(f"{field}.section", f"{section!r} is not one of the sections")
        slug = ck.text(raw, "slug", f"{field}.slug")
        if slug is not None:
            ck.path_segment(slug, f"{field}.slug")
        title = ck.text(raw, "title", f"{field}.title")
        lead = ck.text(raw, "lead", f"{field}.lead")
        body = ck.texts(raw, "body", f"{field}.body", min_items=1)
        authors = ck.texts(raw, "authors", f"{field}.authors")
        tags = ck.texts(raw, "tags", f"{field}.tags")
        caption = ck.text(raw, "caption", f"{field}.caption")
        credit = raw.get("credit")
        if credit is not None and (not isinstance(credit, str) or not credit.strip()):
            ck.fail(f"{field}.credit", "must be a non-empty string or null")
        published = ck.text(raw, "published", f"{field}.published")
        pub = None
        if published is not None:
            try:
                pub = parse_published(published)
            except ValueError as exc:
                ck.fail(f"{field}.published", f"{published!r}: {exc}")
        if pub is not None and key is not None and KEY_RE.match(key):
            day = paris(pub).strftime("%Y%m%d")
            if key[:8] != day:
                ck.fail(
                    f"{field}.key", f"date {key[:8]} is not the Paris date {day} of published {published}"
                )
        if len(ck.errors) > before:
            continue
        out.append(
            {
                "key": key,
                "section": nfc(section),
                "slug": nfc(slug),
                "title": collapse(title),
                "lead": lead,
                "body": [collapse(p) for p in body],
                "authors": [collapse(a) for a in authors],
                "tags": [collapse(t) for t in tags],
                "caption": collapse(caption),
                "credit": collapse(credit) if credit else None,
                "published": pub.replace(microsecond=0).isoformat(),
            }
        )
    return out


def load_content(path: Path, spider: str) -> dict:
    """The validated, normalized content of one spider; raises ContentError listing every problem."""
    ck = Checker(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ContentError(f"{display(path)}: not readable JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ContentError(f"{display(path)}: the top level must be an object")
    if data.get("spider") != spider:
        ck.fail("spider", f"must be {spider!r} (the file name), got {data.get('spider')!r}")
    for key in ("site_name", "home_title", "description", "tag_slug"):
        ck.text(data, key, key)
    if isinstance(data.get("tag_slug"), str):
        ck.path_segment(data["tag_slug"], "tag_slug")
    labels = data.get("labels")
    if not isinstance(labels, dict):
        ck.fail("labels", "must be an object")
        labels = {}
    for key in LABEL_KEYS:
        ck.text(labels, key, f"labels.{key}")
    sections_raw = data.get("sections")
    sections: dict[str, str] = {}
    if not isinstance(sections_raw, dict) or not sections_raw:
        ck.fail("sections", "must be a non-empty object slug -> display name")
    else:
        for slug, name in sections_raw.items():
            ck.path_segment(slug, f"sections[{slug!r}]")
            if not isinstance(name, str) or not name.strip():
                ck.fail(f"sections[{slug!r}]", "display name must be a non-empty string")
                continue
            sections[nfc(slug)] = collapse(name)
    if isinstance(data.get("tag_slug"), str) and nfc(data["tag_slug"]) in sections:
        ck.fail("tag_slug", "must not be a section slug")
    articles = check_articles(ck, data.get("articles"), sections)
    keys = [a["key"] for a in articles]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        ck.fail("articles", f"duplicate key {key}")
    if ck.errors:
        raise ContentError("\n".join(ck.errors))
    return {
        "spider": spider,
        "file": path,
        "site_name": collapse(data["site_name"]),
        "home_title": collapse(data["home_title"]),
        "description": collapse(data["description"]),
        "labels": {k: collapse(labels[k]) for k in LABEL_KEYS},
        "sections": sections,
        "tag_slug": nfc(data["tag_slug"]),
        "articles": articles,
    }


def load_extra(path: Path, spider: str, sections: dict[str, str]) -> list[dict]:
    ck = Checker(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ContentError(f"{display(path)}: not readable JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("spider") != spider:
        raise ContentError(f"{display(path)}: spider must be {spider!r}")
    articles = check_articles(ck, data.get("articles"), sections)
    if ck.errors:
        raise ContentError("\n".join(ck.errors))
    return articles
