"""RobotsGateMiddleware: no request to an origin leaves before that origin's robots.txt is parsed.

Replaces ``scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware`` (same
settings: ``ROBOTSTXT_OBEY``, ``ROBOTSTXT_PARSER``, ``ROBOTSTXT_USER_AGENT``;
same stats ``robotstxt/*``). Scrapy's middleware lets requests through while
robots.txt is pending (every request after the second that waits on it gets
"no parser" and goes out) and reads a 5xx error page as an allow-all file.
Here, per origin (scheme, host and port of the request URL, so a ``base_url``
mirror on 127.0.0.1 has its own):

- the first request starts one check of the origin (robots.txt, fetched
  through the downloader like any request, retries and redirects included);
  every request to the origin, the first included, waits for its end;
- 2xx: the file is parsed with ``ROBOTSTXT_PARSER`` (Protego by default);
- 4xx (or a 3xx without a usable Location): "unavailable", allow all
  (RFC 9309 §2.3.1.3); redirects are followed, to another host too; a
  redirect loop or a chain over ``REDIRECT_MAX_TIMES`` counts as unreachable;
- 5xx, a timeout, a connection error: "unreachable", **disallow all** for the
  job (RFC 9309 §2.3.1.4), with one ERROR line naming the origin and the
  stat ``newscrawl/robots/unreachable``; when no request of the job could
  go out because of it, the job closes with reason ``robots_txt_unreachable``
  (``scrapy crawl`` exits 3);
- the check is made again, before the next request, once it is older than
  ``NEWSCRAWL_ORIGIN_MAX_AGE`` seconds (24 h, RFC 9309 §2.4) in long jobs.

Requests go through here before any other downloader middleware sees them
(order 100, as Scrapy's), browser fetches included: the browser middleware
turns an article request into a browser one after this gate. A resumed job
(``JOBDIR``) checks each origin again before its first request.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.http.request import NO_CALLBACK
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler

from newscrawl.utils.text import utc_now_iso

logger = logging.getLogger(__name__)

#: finish reason of a job none of whose requests could go out because robots.txt was unreachable
UNREACHABLE_REASON = "robots_txt_unreachable"
#: meta key of the requests the gate makes itself (robots.txt and the other per-origin files)
META_ORIGIN_FILE = "newscrawl_origin_file"

PARSED = "parsed"
UNAVAILABLE = "unavailable"
UNREACHABLE = "unreachable"

_DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"
_WEB = ("http", "https")


@dataclass(slots=True)
class Fetched:
    """One per-origin file as the job got it: final URL, status (None: no answer) and raw bytes."""

    url: str
    status: int | None
    body: bytes = b""
    error: str | None = None
    sha256: str = field(init=False)

    def __post_init__(self) -> None:
        self.sha256 = hashlib.sha256(self.body).hexdigest()

    def describe(self) -> str:
        return f"HTTP {self.status}" if self.status is not None else (self.error or "no answer")


@dataclass(slots=True)
class OriginCheck:
    """What the gate learnt of one origin: robots.txt, its parser and verdict, and when."""

    origin: str
    robots: Fetched
    parser: RobotParser
    #: :data:`PARSED`, :data:`UNAVAILABLE` (allow all) or :data:`UNREACHABLE` (disallow all)
    verdict: str
    #: ISO 8601 UTC time of the check
    checked_at: str
    monotonic: float
    extra: dict[str, Any] = field(default_factory=dict)


def origin_of(request: Request) -> str:
    parts = urlparse_cached(request)
    return f"{parts.scheme}://{parts.netloc}"


class RobotsGateMiddleware(RobotsTxtMiddleware):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.max_age = crawler.settings.getfloat("NEWSCRAWL_ORIGIN_MAX_AGE", 86400.0)
        self._checks: dict[str, asyncio.Future[OriginCheck]] = {}
        self._unreachable: set[str] = set()
        self._passed = 0  # requests the gate let out (its own excluded)
        self._closing = False
        crawler.signals.connect(self._on_idle, signal=signals.spider_idle)

    # -- downloader middleware -------------------------------------------------

    async def process_request(self, request: Request, spider: Any = None) -> None:
        if request.meta.get("dont_obey_robotstxt") or urlparse_cached(request).scheme not in _WEB:
            return
        check = await self.check(request)
        self.process_request_2(check.parser, request)
        self._passed += 1

    async def robot_parser(self, request: Request) -> RobotParser | None:
        return (await self.check(request)).parser

    # -- the per-origin check --------------------------------------------------

    async def check(self, request: Request) -> OriginCheck:
        """The origin's check, made once (again when older than NEWSCRAWL_ORIGIN_MAX_AGE), shared by all."""
        origin = origin_of(request)
        future = self._checks.get(origin)
        if (
            future is not None
            and future.done()
            and not future.cancelled()
            and future.exception() is None
            and time.monotonic() - future.result().monotonic > self.max_age
        ):
            future = None
        if future is None:
            future = asyncio.ensure_future(self._check(origin, request))
            self._checks[origin] = future
        # shielded: a cancelled waiter (the job stopping) does not cancel the check the others wait for
        return await asyncio.shield(future)

    async def _check(self, origin: str, request: Request) -> OriginCheck:
        robots = await self.fetch(f"{origin}/robots.txt", stat_prefix="robotstxt")
        stats = self._stats
        stats.inc_value("robotstxt/request_count")
        if robots.status is not None:
            stats.inc_value("robotstxt/response_count")
            stats.inc_value(f"robotstxt/response_status_count/{robots.status}")
        if robots.status is not None and 200 <= robots.status < 300:
            verdict, body = PARSED, robots.body
        elif robots.status is not None and (400 <= robots.status < 500 or 300 <= robots.status < 400):
            verdict, body = UNAVAILABLE, b""
            logger.info(
                "%s/robots.txt: %s, no rules: all allowed (RFC 9309 §2.3.1.3)", origin, robots.describe()
            )
        else:
            verdict, body = UNREACHABLE, _DISALLOW_ALL
            self._unreachable.add(origin)
            stats.inc_value("newscrawl/robots/unreachable")
            logger.error(
                "%s/robots.txt is unreachable (%s): nothing of %s is fetched in this job "
                "(RFC 9309 §2.3.1.4: unreachable means disallow all)",
                origin,
                robots.describe(),
                origin,
            )
        parser = build_from_crawler(self._parserimpl, self.crawler, body)
        await self.crawler.signals.send_catch_log_async(
            signal=signals.robots_parsed, robotparser=parser, request=request
        )
        check = OriginCheck(origin, robots, parser, verdict, utc_now_iso(), time.monotonic())
        await self.after_robots(check)
        return check

    async def after_robots(self, check: OriginCheck) -> None:
        """Hook: more per-origin work before the origin's first request (nothing here)."""

    async def fetch(self, url: str, stat_prefix: str = "newscrawl/origin_files") -> Fetched:
        """GET one per-origin file through the downloader (retries, redirects), never raising.

        A failure is counted as ``<stat_prefix>/exception_count/<exception type>``.
        """
        request = Request(
            url,
            priority=self.DOWNLOAD_PRIORITY,
            meta={"dont_obey_robotstxt": True, META_ORIGIN_FILE: True, "allow_offsite": True},
            callback=NO_CALLBACK,
            dont_filter=True,
        )
        assert self.crawler.engine is not None
        try:
            response: Response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # any failure is "no answer", recorded as such
            self._stats.inc_value(f"{stat_prefix}/exception_count/{type(exc)}")
            return Fetched(url, None, error=f"{type(exc).__name__}: {exc}")
        return Fetched(response.url, response.status, response.body)

    # -- a job that could fetch nothing ----------------------------------------

    def _on_idle(self) -> None:
        if not self._unreachable or self._passed or self._closing:
            return
        self._closing = True
        assert self.crawler.engine is not None
        coro = self.crawler.engine.close_spider_async(reason=UNREACHABLE_REASON)
        deferred_from_coro(coro).addErrback(lambda f: logger.error("closing the spider failed: %s", f))
        raise DontCloseSpider
