"""Rights and provenance: what each origin declared about text-and-data mining when its pages were fetched.

Per origin, before its first other request (on the robots.txt gate of
:mod:`newscrawl.robots`, once per job and again after
``NEWSCRAWL_ORIGIN_MAX_AGE``), the job keeps robots.txt and
``/.well-known/tdmrep.json`` (status, raw bytes, sha256; the file's rules and
parse errors). Per page it reads the TDMRep response fields (here, in the
crawl process) and meta tags (in the page parser, :func:`newscrawl.pages.article.tdm_meta`).
Each item gets a ``rights`` object and ``access`` (``http`` or ``browser``);
each local feed a ``<feed>.rights.json`` sidecar. See ``docs/rights.md``.

W3C TDM Reservation Protocol (Community Group Final Report, 2024-05-10):
``tdm-reservation`` is 1 (reserved) or 0 (not); any other value is a
protocol error and counts as unset (2, and the older drafts' ``TDM-a`` /
``TDM-b``, are recorded as legacy, never interpreted). ``tdm-policy`` is
read only with a reservation of 1. Carriers in increasing precedence: the
origin's file (first rule in array order whose ``location`` matches),
the HTTP response fields, the HTML meta tags; a carrier that says nothing
(or nothing valid) leaves the one below in force.

``NEWSCRAWL_RIGHTS_MODE``: ``record`` (default: record, one WARNING per
origin that reserves rights, stat ``newscrawl/rights/reserving_origins``),
``enforce`` (requests to URLs the file reserves are not made, items a field or
meta tag reserves are dropped, the browser is never used), ``off`` (no
tdmrep.json, ``rights`` null).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached

from newscrawl.items import Rights
from newscrawl.robots import UNREACHABLE, Fetched, OriginCheck, RobotsGateMiddleware

logger = logging.getLogger(__name__)

RECORD, ENFORCE, OFF = "record", "enforce", "off"
MODES = (RECORD, ENFORCE, OFF)
TDMREP_PATH = "/.well-known/tdmrep.json"
#: request meta key: the rights the origin's files give the request's URL (plain values, picklable)
META_RIGHTS = "newscrawl_rights"
LEGACY_NAMES = ("tdm-a", "tdm-b")
_UNRESERVED_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def rights_mode(settings: Any) -> str:
    """``NEWSCRAWL_RIGHTS_MODE``, checked: a value that is not a mode stops the job at start."""
    mode = str(settings.get("NEWSCRAWL_RIGHTS_MODE", RECORD) or RECORD).strip().lower()
    if mode not in MODES:
        given = settings.get("NEWSCRAWL_RIGHTS_MODE")
        raise ValueError(f"NEWSCRAWL_RIGHTS_MODE must be one of {', '.join(MODES)}, not {given!r}")
    return mode


# -- TDMRep values and rules -------------------------------------------------------------------------


def reservation_value(raw: object) -> tuple[int | None, str | None]:
    """``(0 or 1, None)``, or ``(None, legacy note)`` for 2, or ``(None, None)`` for a protocol error."""
    if isinstance(raw, bool):
        return None, None
    text = raw.strip() if isinstance(raw, str) else str(raw) if isinstance(raw, int) else None
    if text in ("0", "1"):
        return int(text), None
    if text == "2":
        return None, "tdm-reservation: 2"
    return None, None


def _decode_unreserved(text: str) -> str:
    """Percent-escapes of unreserved characters decoded, the others in uppercase hex (RFC 3986 §6.2.2)."""

    def replace(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else f"%{match.group(1).upper()}"

    return _UNRESERVED_ESCAPE.sub(replace, text)


def location_pattern(location: str) -> re.Pattern[str]:
    """A rule's ``location`` as a case-sensitive prefix match: ``*`` any characters, a final ``$`` the end."""
    text = _decode_unreserved(location)
    anchored = text.endswith("$")
    if anchored:
        text = text[:-1]
    regex = "".join(".*" if char == "*" else re.escape(char) for char in text)
    return re.compile(regex + ("$" if anchored else ""), re.DOTALL)


@dataclass(frozen=True, slots=True)
class TdmRule:
    location: str
    #: 1, 0, or None (a protocol error: the rule matches and leaves the reservation unset)
    reservation: int | None
    policy: str | None
    pattern: re.Pattern[str] = field(compare=False, repr=False)
    #: an older draft's value or member in this rule, recorded, not interpreted
    legacy: tuple[str, ...] = ()

    def matches(self, path: str) -> bool:
        return self.pattern.match(path) is not None

    def as_json(self) -> dict[str, Any]:
        return {"location": self.location, "tdm-reservation": self.reservation, "tdm-policy": self.policy}


@dataclass(slots=True)
class TdmFile:
    rules: list[TdmRule] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    legacy: list[str] = field(default_factory=list)


def parse_tdmrep(body: bytes, base_url: str) -> TdmFile:
    """The rules of a ``tdmrep.json`` in array order, with what could not be read and legacy values."""
    parsed = TdmFile()
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        parsed.errors.append(f"not JSON: {exc}")
        return parsed
    if not isinstance(data, list):
        parsed.errors.append(f"not a JSON array but {type(data).__name__}")
        return parsed
    for index, entry in enumerate(data):
        if not isinstance(entry, dict):
            parsed.errors.append(f"rule {index}: not an object")
            continue
        location = entry.get("location")
        if not isinstance(location, str) or not location:
            parsed.errors.append(f"rule {index}: no location")
            continue
        notes = [f"file {name}: {entry[name]}" for name in entry if name.lower() in LEGACY_NAMES]
        raw = entry.get("tdm-reservation")
        value, legacy = reservation_value(raw) if isinstance(raw, int) else (None, None)
        if legacy:
            notes.append(f"file {legacy}")
        elif value is None:
            parsed.errors.append(f"rule {index}: tdm-reservation {raw!r} is not 0 or 1")
        policy = entry.get("tdm-policy")
        if policy is not None and not isinstance(policy, str):
            parsed.errors.append(f"rule {index}: tdm-policy is not a string")
            policy = None
        if value == 1 and policy:
            policy = urljoin(base_url, policy)
        policy = policy if value == 1 else None
        parsed.rules.append(TdmRule(location, value, policy, location_pattern(location), tuple(notes)))
        parsed.legacy.extend(f"rule {index}: {note}" for note in notes)
    return parsed


def first_match(rules: Iterable[TdmRule], path: str) -> TdmRule | None:
    """The first rule in array order whose location matches ``path`` (path and query of the URL)."""
    decoded = _decode_unreserved(path)
    return next((rule for rule in rules if rule.matches(decoded)), None)


@dataclass(frozen=True, slots=True)
class Declared:
    """What one carrier says: a valid reservation (None: nothing valid), its policy, legacy values."""

    reservation: int | None
    policy: str | None
    legacy: tuple[str, ...] = ()


def declared(values: Mapping[str, str | None], where: str, base_url: str) -> Declared | None:
    """The declaration of a page's header fields or meta tags (names in lowercase), None when none."""
    if not values:
        return None
    legacy = [f"{where} {name}: {values[name]}" for name in LEGACY_NAMES if name in values]
    raw = values.get("tdm-reservation")
    value, note = reservation_value(raw) if raw is not None else (None, None)
    if note:
        legacy.append(f"{where} {note}")
    policy = values.get("tdm-policy")
    policy = urljoin(base_url, policy.strip()) if value == 1 and policy and policy.strip() else None
    return Declared(value, policy, tuple(legacy))


def header_values(response: Response) -> dict[str, str | None]:
    """The response's TDMRep fields (names case-insensitive), legacy names included."""
    found: dict[str, str | None] = {}
    for name in ("tdm-reservation", "tdm-policy", *LEGACY_NAMES):
        value = response.headers.get(name)
        if value is not None:
            found[name] = value.decode("latin-1").strip()
    return found


# -- evidence per origin -----------------------------------------------------------------------------


@dataclass(slots=True)
class OriginRights:
    origin: str
    robots: Fetched
    robots_verdict: str
    #: None: not fetched (robots.txt unreachable, or disallowing it for newscrawl's own agent)
    tdmrep: Fetched | None
    tdm: TdmFile
    checked_at: str
    #: agent -> True when robots.txt allows it the origin's root ``/``
    agents_at_root: dict[str, bool]
    evidence: str = ""

    def __post_init__(self) -> None:
        tdm = self.tdmrep
        text = "\n".join(
            [
                self.origin,
                str(self.robots.status),
                self.robots.sha256,
                str(tdm.status) if tdm else "-",
                tdm.sha256 if tdm else "-",
            ]
        )
        self.evidence = hashlib.sha256(text.encode()).hexdigest()

    def file_reserves(self) -> list[TdmRule]:
        return [rule for rule in self.tdm.rules if rule.reservation == 1]

    def as_json(self) -> dict[str, Any]:
        def fetched(item: Fetched | None) -> dict[str, Any] | None:
            if item is None:
                return None
            try:
                text: str | None = item.body.decode("utf-8")
            except UnicodeDecodeError:
                text = None
            return {
                "url": item.url,
                "status": item.status,
                "error": item.error,
                "sha256": item.sha256,
                "bytes": len(item.body),
                "base64": base64.b64encode(item.body).decode("ascii"),
                "text": text,
            }

        return {
            "origin": self.origin,
            "checked_at": self.checked_at,
            "evidence": self.evidence,
            "robots_txt": {**(fetched(self.robots) or {}), "verdict": self.robots_verdict},
            "tdmrep_json": None
            if self.tdmrep is None
            else {
                **(fetched(self.tdmrep) or {}),
                "rules": [rule.as_json() for rule in self.tdm.rules],
                "errors": self.tdm.errors,
                "legacy": self.tdm.legacy,
            },
            "robots_agents": self.agents_at_root,
        }


class RightsGateMiddleware(RobotsGateMiddleware):
    """The robots.txt gate, plus each origin's tdmrep.json and the rights each request's URL has."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.mode = rights_mode(settings)
        self.agents: list[str] = settings.getlist("NEWSCRAWL_RIGHTS_AI_AGENTS")
        self.origins: dict[str, OriginRights] = {}  # by evidence hash: every version seen in the job
        self.item_counts: Counter[str] = Counter()
        self._warned: set[str] = set()
        crawler.signals.connect(self._item_scraped, signal=signals.item_scraped)

    async def after_robots(self, check: OriginCheck) -> None:
        if self.mode == OFF:
            return
        tdmrep: Fetched | None = None
        tdm = TdmFile()
        url = check.origin + TDMREP_PATH
        if check.verdict != UNREACHABLE and check.parser.allowed(url, self._own_agent()):
            tdmrep = await self.fetch(url)
            self._stats.inc_value("newscrawl/rights/tdmrep_requests")
            if tdmrep.status is not None and 200 <= tdmrep.status < 300:
                tdm = parse_tdmrep(tdmrep.body, tdmrep.url)
                for error in tdm.errors:
                    logger.warning("%s: %s; rule ignored", tdmrep.url, error)
                if tdm.errors:
                    self._stats.inc_value("newscrawl/rights/tdmrep_errors", len(tdm.errors))
            else:
                # 404: the origin does not use the protocol; 403, 5xx, no answer: unknown (never "0")
                logger.info("%s: %s; no TDMRep rules for %s", url, tdmrep.describe(), check.origin)
        rights = OriginRights(
            check.origin,
            check.robots,
            check.verdict,
            tdmrep,
            tdm,
            check.checked_at,
            {agent: bool(check.parser.allowed(check.origin + "/", agent)) for agent in self.agents},
        )
        check.extra["rights"] = rights
        check.extra["agent_classes"] = agent_classes(check.parser, self.agents)
        self.origins[rights.evidence] = rights
        reserved = rights.file_reserves()
        if reserved:
            self.warn_reserved(
                check.origin,
                f"{TDMREP_PATH} reserves {', '.join(rule.location for rule in reserved)}",
            )

    def _own_agent(self) -> str:
        return str(self._robotstxt_useragent or self._default_useragent)

    async def process_request(self, request: Request, spider: Any = None) -> None:
        await super().process_request(request, spider)
        if self.mode == OFF or request.meta.get("dont_obey_robotstxt"):
            return
        if urlparse_cached(request).scheme not in ("http", "https"):
            return
        check = await self.check(request)
        rights: OriginRights | None = check.extra.get("rights")
        if rights is None:
            return
        parts = urlparse_cached(request)
        path = parts.path + (f"?{parts.query}" if parts.query else "") or "/"
        rule = first_match(rights.tdm.rules, path)
        if rule is not None and rule.reservation == 1 and self.mode == ENFORCE:
            self._stats.inc_value("newscrawl/rights/skipped/file")
            raise IgnoreRequest(
                f"TDM rights reserved by {check.origin}{TDMREP_PATH} (location {rule.location}); "
                "not fetched (NEWSCRAWL_RIGHTS_MODE=enforce)"
            )
        request.meta[META_RIGHTS] = {
            "file": [rule.reservation, rule.policy] if rule is not None else None,
            "robots_disallows": robots_disallows(check.parser, check.extra["agent_classes"], request.url),
            "checked_at": rights.checked_at,
            "evidence": rights.evidence,
            "origin": rights.origin,
            "legacy": list(rule.legacy) if rule is not None else [],
        }

    # -- per item ----------------------------------------------------------------------------------

    def item_rights(self, response: Response, meta_tags: Mapping[str, str | None] | None) -> Rights | None:
        """The ``rights`` of the item read from ``response`` (its page's meta tags given), None when off."""
        base = response.meta.get(META_RIGHTS)
        if self.mode == OFF or base is None:
            return None
        file_value = base["file"]
        carriers = [
            ("file", Declared(file_value[0], file_value[1]) if file_value else None),
            ("header", declared(header_values(response), "header", response.url)),
            ("meta", declared(meta_tags or {}, "meta", response.url)),
        ]
        reservation: int | None = None
        policy: str | None = None
        source: str | None = None
        legacy: list[str] = list(base["legacy"])
        for name, carrier in carriers:
            if carrier is None:
                continue
            legacy.extend(carrier.legacy)
            if carrier.reservation is not None:
                reservation, policy, source = carrier.reservation, carrier.policy, name
        if reservation == 1 and source != "file":
            self.warn_reserved(base["origin"], f"a page's {source} reserves {response.url}")
        return Rights(
            tdm_reservation=reservation,
            tdm_policy=policy,
            source=source,
            robots_disallows=base["robots_disallows"],
            checked_at=base["checked_at"],
            evidence=base["evidence"],
            legacy=legacy,
        )

    def warn_reserved(self, origin: str, what: str) -> None:
        if origin in self._warned:
            return
        self._warned.add(origin)
        self._stats.inc_value("newscrawl/rights/reserving_origins")
        action = (
            "reserved pages are not fetched and their items dropped"
            if self.mode == ENFORCE
            else "recorded in each item's rights (NEWSCRAWL_RIGHTS_MODE=record)"
        )
        logger.warning("%s reserves text-and-data-mining rights (TDMRep: %s); %s", origin, what, action)

    def _item_scraped(self, item: Any) -> None:
        rights = item.get("rights") if isinstance(item, dict) else getattr(item, "rights", None)
        if rights is not None:
            value = rights["tdm_reservation"]
            self.item_counts["unset" if value is None else str(value)] += 1
            for agent in rights["robots_disallows"]:
                self.item_counts[f"robots_disallows/{agent}"] += 1

    # -- the job's sidecar ---------------------------------------------------------------------------

    def sidecar(self) -> dict[str, Any]:
        settings = self.crawler.settings
        spider = self.crawler.spider
        return {
            "crawler": {
                "user_agent": self._own_agent(),
                "contact": settings.get("NEWSCRAWL_CONTACT_URL") or None,
                "job": getattr(spider, "job", None),
                "spider": getattr(spider, "name", None),
                "rights_mode": self.mode,
                "ai_agents": self.agents,
            },
            "origins": [rights.as_json() for rights in self.origins.values()],
            "items": {
                "tdm_reservation": {key: self.item_counts[key] for key in ("1", "0", "unset")},
                "robots_disallows": {
                    agent: self.item_counts[f"robots_disallows/{agent}"] for agent in self.agents
                },
            },
        }


@dataclass(frozen=True, slots=True)
class AgentClasses:
    """User agents, and the same agents grouped by the robots.txt group that applies to each."""

    agents: tuple[str, ...]
    classes: tuple[tuple[str, ...], ...]


def agent_classes(parser: RobotParser, agents: Iterable[str]) -> AgentClasses:
    """The agents grouped by robots.txt group: one check per group and URL instead of one per agent.

    Uses Protego's group lookup where ``ROBOTSTXT_PARSER`` is Protego; with
    another parser every agent is its own class.
    """
    agents = tuple(agents)
    lookup = getattr(getattr(parser, "rp", None), "_get_matching_rule_set", None)
    if lookup is None:
        return AgentClasses(agents, tuple((agent,) for agent in agents))
    classes: dict[int, list[str]] = {}
    for agent in agents:
        classes.setdefault(id(lookup(agent)), []).append(agent)
    return AgentClasses(agents, tuple(tuple(group) for group in classes.values()))


def robots_disallows(parser: RobotParser, grouped: AgentClasses, url: str) -> list[str]:
    """The agents robots.txt disallows at ``url``, in the order given to :func:`agent_classes`."""
    refused = {agent for group in grouped.classes if not parser.allowed(url, group[0]) for agent in group}
    return [agent for agent in grouped.agents if agent in refused] if refused else []


def rights_middleware(crawler: Crawler) -> RightsGateMiddleware | None:
    """The crawl's :class:`RightsGateMiddleware`, None when it is not enabled (or the crawl not started)."""
    lookup = getattr(crawler, "get_downloader_middleware", None)
    try:
        return lookup(RightsGateMiddleware) if lookup is not None else None
    except RuntimeError:
        return None


def write_sidecar(feed: Path, crawler: Crawler | None, *, append: bool) -> None:
    """``<feed>.rights.json`` beside a published feed, replaced atomically; merged when the feed is appended.

    Appending jobs keep every earlier job's origins (by evidence hash) and add theirs.
    """
    middleware = rights_middleware(crawler) if crawler is not None else None
    if middleware is None or middleware.mode == OFF:
        return
    target = feed.with_name(feed.name + ".rights.json")
    data = middleware.sidecar()
    data["feed"] = feed.name
    if append and target.exists():
        try:
            earlier = json.loads(target.read_text("utf-8"))
            known = {origin["evidence"] for origin in data["origins"]}
            data["origins"] = [
                *(o for o in earlier.get("origins", []) if o.get("evidence") not in known),
                *data["origins"],
            ]
            data["earlier_jobs"] = [*earlier.get("earlier_jobs", []), earlier.get("crawler")]
        except (OSError, ValueError, AttributeError) as exc:
            logger.error("%s could not be read (%s); replaced by this job's", target, exc)
    tmp = target.with_name(f".{target.name}.part-{os.getpid()}")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        middleware.crawler.stats.inc_value("newscrawl/rights/sidecar_failed")
        logger.error("%s could not be written (%s); the feed %s itself is complete", target, exc, feed)
