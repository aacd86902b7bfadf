"""Spider arguments, parsed and validated once when a spider is created; bad input at start.

Arguments arrive as strings (``scrapy crawl -a``, Scrapyd's ``schedule.json``).
Scrapyd adds its own underscore-prefixed ones (``_job``), which are ignored;
any other unknown name is an error, so a typo never silently changes a crawl.

A bad argument or setting raises a :class:`StartupError` whose message names it
and says why; ``scrapy crawl`` (:mod:`newscrawl.commands.crawl`) logs that one
line, without a traceback, and exits with status 1.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from newscrawl.editions import BACKFILL_SOURCES, RECENT_SOURCES, SOURCES
from newscrawl.utils.text import PARIS

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ARGUMENTS: tuple[str, ...] = (
    "base_url",
    "sections",
    "sources",
    "max_articles",
    "since",
    "until",
    "recrawl",
    "urls",
    "urls_file",
)
#: arguments that choose what discovery reads, meaningless with ``urls``/``urls_file``
_DISCOVERY_ARGUMENTS = ("sections", "sources", "since", "until")


class StartupError(ValueError):
    """Bad input found before the crawl starts; the message is all a user needs (no traceback)."""

    #: what went wrong, in the log line ``<spider>: <kind>: <message>``
    kind = "cannot start"
    #: logged already (by :func:`report`)
    reported = False


def report(spider: str, error: StartupError) -> None:
    """Log ``error`` as its one ERROR line, ``<spider>: <kind>: <message>``, once."""
    if not error.reported:
        logger.error("%s: %s: %s", spider, error.kind, error)
        error.reported = True


class SpiderArgumentError(StartupError):
    """A spider argument has a bad value; the message says which and why."""

    kind = "bad spider argument"


class SettingError(StartupError):
    """A setting has a bad value, or names something unusable; the message says which and why."""

    kind = "bad setting"


def setting_date(settings: BaseSettings, name: str, default: str) -> datetime:
    """Setting ``name``, an ISO 8601 date (or date and time); UTC when it names no offset."""
    raw = settings.get(name, default)
    try:
        when = datetime.fromisoformat(str(raw).strip())
    except ValueError:
        raise SettingError(f"{name}={raw!r}: expected a date as YYYY-MM-DD") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class SpiderArgs:
    #: ``scheme://host[:port]`` every request is sent to
    base_url: str
    #: section slugs chosen with ``-a sections`` (NFC); None: every section, homepage included
    sections: tuple[str, ...] | None
    #: discovery sources, a subset of :data:`SOURCES` in that order
    sources: tuple[str, ...]
    #: True when ``sources`` was given (an edition lacking one of them is then worth a warning)
    sources_explicit: bool
    #: stop requesting article pages after this many (None: no limit)
    max_articles: int | None
    #: True: ignore the seen-store for this job and write every article again
    recrawl: bool = False
    #: edition codes chosen with ``-a editions`` (multi-edition spiders only)
    editions: tuple[str, ...] = ()
    #: backfill window, inclusive Paris dates of publication (the URL date); None: recent sources only
    since: date | None = None
    until: date | None = None
    #: article URLs given with ``-a urls`` / ``-a urls_file``: crawled instead of discovery, in this order
    urls: tuple[str, ...] = ()

    @property
    def backfill(self) -> bool:
        return self.since is not None

    def in_window(self, day: date | None) -> bool:
        if self.since is None:
            return True
        if day is None:
            return False
        return self.since <= day and (self.until is None or day <= self.until)


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
    known_sections: Sequence[str] | Mapping[str, Sequence[str]],
    known_editions: Sequence[str] = (),
) -> SpiderArgs:
    """Validate spider keyword arguments; raise :class:`SpiderArgumentError` on a bad one.

    ``known_editions`` is given by multi-edition spiders, which take ``editions``;
    their ``known_sections`` maps each edition code to its sections, and
    ``sections`` is checked against the editions chosen. An argument given
    with an empty value (``-a sections=``) is refused rather than read as
    its default: leaving it out says that.
    """
    allowed = (*ARGUMENTS, "editions") if known_editions else ARGUMENTS
    unknown = sorted(k for k in kwargs if k not in allowed and not k.startswith("_"))
    if unknown:
        hint = "; editions= is taken by the multi-edition spiders (rfi)" if "editions" in unknown else ""
        raise SpiderArgumentError(
            f"unknown spider argument(s) {', '.join(unknown)}; known: {', '.join(allowed)}{hint}"
        )
    for name in allowed:
        value = kwargs.get(name)
        if isinstance(value, str) and not value.strip():
            raise SpiderArgumentError(
                f"{name}={value!r}: empty value; leave the argument out for its default"
            )

    editions = tuple(known_editions)
    if known_editions and kwargs.get("editions") not in (None, "", "all"):
        wanted = [e.lower() for e in _split(kwargs["editions"])]
        bad = [e for e in wanted if e not in known_editions]
        if bad or not wanted:
            raise SpiderArgumentError(
                f"editions={kwargs['editions']!r}: unknown edition(s) {', '.join(bad) or '(none given)'}; "
                f"choose from {', '.join(known_editions)} or all"
            )
        editions = tuple(dict.fromkeys(wanted))

    sections = None
    if kwargs.get("sections") is not None:
        if isinstance(known_sections, Mapping):
            chosen = [known_sections[e] for e in editions]
            known = tuple(dict.fromkeys(s for slugs in chosen for s in slugs))
            holder = f"the edition(s) {', '.join(editions)} know"
        else:
            known, holder = tuple(known_sections), "this spider knows"
        wanted = _split(kwargs["sections"])
        bad = [s for s in wanted if s not in known]
        if bad or not wanted:
            raise SpiderArgumentError(
                f"sections={kwargs['sections']!r}: unknown section(s) {', '.join(bad) or '(none given)'}; "
                f"{holder}: {', '.join(known)}"
            )
        sections = tuple(dict.fromkeys(wanted))

    urls = _urls(kwargs)
    if urls:
        given = [name for name in _DISCOVERY_ARGUMENTS if kwargs.get(name) is not None]
        if given:
            raise SpiderArgumentError(
                f"urls: the URLs given are crawled instead of discovery; leave out {', '.join(given)}"
            )

    since = _date(kwargs, "since")
    until = _date(kwargs, "until")
    if until is not None and since is None:
        raise SpiderArgumentError(
            f"until={kwargs['until']!r}: give since= too (until only ends a backfill window)"
        )
    today = datetime.now(PARIS).date()  # the dates are Paris dates, as in article URLs
    if since is not None and since > today:
        raise SpiderArgumentError(f"since={kwargs['since']!r}: the date is in the future")
    if since is not None and until is not None and until < since:
        raise SpiderArgumentError(f"until={kwargs['until']!r}: before since={kwargs['since']!r}")

    sources = BACKFILL_SOURCES if since is not None else RECENT_SOURCES
    if kwargs.get("sources") not in (None, ""):
        wanted = [s.lower() for s in _split(kwargs["sources"])]
        bad = [s for s in wanted if s not in SOURCES]
        if bad or not wanted:
            raise SpiderArgumentError(
                f"sources={kwargs['sources']!r}: unknown source(s) {', '.join(bad) or '(none given)'}; "
                f"choose from {', '.join(SOURCES)}"
            )
        sources = tuple(s for s in SOURCES if s in wanted)
        if since is None and "archive" in sources:
            raise SpiderArgumentError(
                f"sources={kwargs['sources']!r}: archive pages are a backfill source; give since= too"
            )

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
        sources_explicit=kwargs.get("sources") not in (None, ""),
        max_articles=max_articles,
        recrawl=_bool(kwargs, "recrawl"),
        editions=editions,
        since=since,
        until=until,
        urls=urls,
    )


def _urls(kwargs: Mapping[str, object]) -> tuple[str, ...]:
    """The URLs of ``urls`` (comma-separated) and ``urls_file`` (one a line, ``#`` comments), each once."""
    found: list[str] = []
    if kwargs.get("urls") is not None:
        found += [url.strip() for url in str(kwargs["urls"]).split(",") if url.strip()]
        if not found:
            raise SpiderArgumentError(f"urls={kwargs['urls']!r}: holds no URL")
    if kwargs.get("urls_file") is not None:
        path = str(kwargs["urls_file"]).strip()
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise SpiderArgumentError(f"urls_file={path!r}: cannot read it ({reason})") from None
        lines = [line.strip() for line in text.splitlines()]
        listed = [line for line in lines if line and not line.startswith("#")]
        if not listed:
            raise SpiderArgumentError(f"urls_file={path!r}: holds no URL (one a line; # starts a comment)")
        found += listed
    for url in found:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SpiderArgumentError(f"urls: {url!r} is not an http(s) URL")
    return tuple(dict.fromkeys(found))


def _date(kwargs: Mapping[str, object], name: str) -> date | None:
    raw = kwargs.get(name)
    if raw in (None, ""):
        return None
    text = str(raw).strip()
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise SpiderArgumentError(f"{name}={text!r}: expected a date as YYYY-MM-DD") from None


def _bool(kwargs: Mapping[str, object], name: str) -> bool:
    raw = kwargs.get(name)
    if raw in (None, ""):
        return False
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise SpiderArgumentError(f"{name}={raw!r}: expected true or false")
