"""Downloader middlewares: retries that honour ``Retry-After``, and redirects that stay on the site.

RetryAfterMiddleware: Scrapy's retries, honouring a server's ``Retry-After`` within a bound.

Replaces ``scrapy.downloadermiddlewares.retry.RetryMiddleware`` (same
settings: ``RETRY_TIMES``, ``RETRY_HTTP_CODES``…). When a retried answer
(429, 503…) carries ``Retry-After`` (seconds or an HTTP date), the retry
waits that long, but never more than ``NEWSCRAWL_RETRY_AFTER_MAX`` seconds
(default 60): a server asking for more gets the bound, and the wait and its
cap are logged and counted (``newscrawl/retry_after/waited``,
``newscrawl/retry_after/capped``). Other requests go on meanwhile. A
``Retry-After`` that is neither ASCII digits nor an HTTP date is taken as
absent (the retry follows Scrapy's own timing), with a warning and
``newscrawl/retry_after/malformed``.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.response import response_status_message

logger = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for, or None when absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isascii() and text.isdigit():  # str.isdigit() alone also takes "²" or "٣"
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    max_wait: float

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        middleware = super().from_crawler(crawler)
        middleware.max_wait = crawler.settings.getfloat("NEWSCRAWL_RETRY_AFTER_MAX", 60.0)
        return middleware

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        header = response.headers.get("Retry-After")
        wait = retry_after_seconds(header)
        stats = self.crawler.stats
        if header and wait is None:
            logger.warning(
                "%s: HTTP %d with an unreadable Retry-After %r; retrying without it",
                request.url,
                response.status,
                header.decode("latin-1"),
            )
            stats.inc_value("newscrawl/retry_after/malformed")
        if wait:
            if wait > self.max_wait:
                logger.warning(
                    "%s asks to retry after %.0f s; waiting the bound, %.0f s (NEWSCRAWL_RETRY_AFTER_MAX)",
                    request.url,
                    wait,
                    self.max_wait,
                )
                stats.inc_value("newscrawl/retry_after/capped")
                wait = self.max_wait
            else:
                logger.info(
                    "%s: HTTP %d, retrying after %.1f s (Retry-After)", request.url, response.status, wait
                )
            stats.inc_value("newscrawl/retry_after/waited")
            await asyncio.sleep(wait)
        return retry


class RedirectGuardMiddleware:
    """Refuse, visibly, a redirect that leaves the crawled host or comes back to a URL already visited.

    Runs before Scrapy's RedirectMiddleware sees the 3xx (a higher order
    number). Scrapy would drop both silently (an offsite request is filtered
    at DEBUG level, a loop by the duplicate filter); here the request fails
    with a reason, so the spider's errback logs the URL and counts
    ``newscrawl/fetch_failed/offsite_redirect`` or ``…/redirect_loop``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectGuardMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get("Location")
        if response.status not in (301, 302, 303, 307, 308) or not location:
            return response
        target = urljoin(request.url, location.decode("latin-1").strip())
        allowed = getattr(self.crawler.spider, "allowed_domains", None) or []
        host = urlsplit(target).hostname or ""
        if allowed and host not in allowed and not request.meta.get("allow_offsite"):
            raise IgnoreRequest(f"redirect off the site refused: {request.url} -> {target}")
        seen = {request.url, *request.meta.get("redirect_urls", [])}
        if target in seen:
            raise IgnoreRequest(f"redirect loop refused: {request.url} -> {target}")
        return response
