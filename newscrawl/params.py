"""Spider arguments, parsed and validated once when a spider is created.

Arguments arrive as strings (``scrapy crawl -a``, Scrapyd's ``schedule.json``).
Scrapyd adds its own underscore-prefixed ones (``_job``), which are ignored;
any other unknown name is an error, so a typo never silently changes a crawl.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

SOURCES: tuple[str, ...] = ("section", "rss", "sitemap")
ARGUMENTS: tuple[str, ...] = ("base_url", "sections", "sources", "max_articles")


class SpiderArgumentError(ValueError):
    """A spider argument has a bad value; the message says which and why."""


@dataclass(frozen=True, slots=True)
class SpiderArgs:
    #: ``scheme://host[:port]`` every request is sent to
    base_url: str
    #: section slugs chosen with ``-a sections`` (NFC); None: every section, homepage included
    sections: tuple[str, ...] | None
    #: discovery sources, a subset of :data:`SOURCES` in that order
    sources: tuple[str, ...]
    #: stop requesting article pages after this many (None: no limit)
    max_articles: int | None


def _split(value: object) -> list[str]:
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, Sequence):
        items = [str(v) for v in value]
    else:
        items = [str(value)]
    return [unicodedata.normalize("NFC", unquote(item.strip().strip("/"))) for item in items if item.strip()]


def _base_url(value: object, default: str) -> str:
    text = str(value if value is not None else default).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SpiderArgumentError(
            f"base_url={text!r}: expected an http(s) origin such as http://127.0.0.1:8000"
        )
    try:
        port = parts.port
    except ValueError as exc:
        raise SpiderArgumentError(f"base_url={text!r}: bad port ({exc})") from None
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise SpiderArgumentError(
            f"base_url={text!r}: give only scheme, host and port (no path, query, "
            "fragment or credentials); request paths are those of the site"
        )
    host = parts.hostname
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def parse_args(
    kwargs: Mapping[str, object],
    *,
    default_base_url: str,
    known_sections: Sequence[str],
) -> SpiderArgs:
    """Validate spider keyword arguments; raise :class:`SpiderArgumentError` on a bad one."""
    unknown = sorted(k for k in kwargs if k not in ARGUMENTS and not k.startswith("_"))
    if unknown:
        raise SpiderArgumentError(
            f"unknown spider argument(s) {', '.join(unknown)}; known: {', '.join(ARGUMENTS)}"
        )

    sections = None
    if kwargs.get("sections") not in (None, ""):
        wanted = _split(kwargs["sections"])
        bad = [s for s in wanted if s not in known_sections]
        if bad or not wanted:
            raise SpiderArgumentError(
                f"sections={kwargs['sections']!r}: unknown section(s) {', '.join(bad) or '(none given)'}; "
                f"this spider knows: {', '.join(known_sections)}"
            )
        sections = tuple(dict.fromkeys(wanted))

    sources = SOURCES
    if kwargs.get("sources") not in (None, ""):
        wanted = [s.lower() for s in _split(kwargs["sources"])]
        bad = [s for s in wanted if s not in SOURCES]
        if bad or not wanted:
            raise SpiderArgumentError(
                f"sources={kwargs['sources']!r}: unknown source(s) {', '.join(bad) or '(none given)'}; "
                f"choose from {', '.join(SOURCES)}"
            )
        sources = tuple(s for s in SOURCES if s in wanted)

    max_articles = None
    if kwargs.get("max_articles") not in (None, ""):
        raw = str(kwargs["max_articles"]).strip()
        try:
            max_articles = int(raw)
        except ValueError:
            raise SpiderArgumentError(f"max_articles={raw!r}: expected a whole number >= 1") from None
        if max_articles < 1:
            raise SpiderArgumentError(f"max_articles={raw!r}: expected a whole number >= 1")

    return SpiderArgs(
        base_url=_base_url(kwargs.get("base_url"), default_base_url),
        sections=sections,
        sources=sources,
        max_articles=max_articles,
    )
