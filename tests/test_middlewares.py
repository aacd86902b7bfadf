"""Retry-After parsing and the redirect guard, without a network."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from newscrawl.middlewares import RedirectGuardMiddleware, RetryAfterMiddleware, retry_after_seconds


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (b"120", 120.0),
        ("0", 0.0),
        (b"Wed, 27 Nov 2026 10:00:30 GMT", 30.0),
        (b"Wed, 27 Nov 2026 09:59:00 GMT", 0.0),  # in the past: no wait
        (b"soon", None),
        (None, None),
        ("\u00b2", None),  # superscript two: str.isdigit() says yes, int() and float() read 2 or fail
        (b"\xb2", None),  # the same as a latin-1 header byte
        ("\u0663", None),  # Arabic-Indic three
        (b"-5", None),
        (b"1.5", None),
        (b"Fri, 31 Dec 9999 23:59:59 -1400", 251_606_577_599.0),  # far future: capped by the middleware
    ],
)
def test_retry_after_seconds(value: bytes | str | None, seconds: float | None) -> None:
    assert retry_after_seconds(value, now=datetime(2026, 11, 27, 10, 0, 0, tzinfo=UTC)) == seconds


def guard() -> RedirectGuardMiddleware:
    crawler = get_crawler(Spider)
    crawler.spider = Spider(name="s", allowed_domains=["127.0.0.1"])
    return RedirectGuardMiddleware.from_crawler(crawler)


def redirect(url: str, location: str, seen: list[str] | None = None) -> tuple[Request, Response]:
    request = Request(url, meta={"redirect_urls": seen or []})
    return request, Response(url, status=302, headers={"Location": location}, request=request)


def test_redirect_within_the_site_passes() -> None:
    request, response = redirect("http://127.0.0.1:8000/cn/a", "/cn/b")
    assert guard().process_response(request, response) is response


def test_redirect_off_the_site_is_refused() -> None:
    request, response = redirect("http://127.0.0.1:8000/cn/a", "https://evil.example/cn/a")
    with pytest.raises(
        IgnoreRequest, match=r"redirect off the site refused: .* -> https://evil.example/cn/a"
    ):
        guard().process_response(request, response)


def test_redirect_loop_is_refused() -> None:
    request, response = redirect("http://127.0.0.1:8000/cn/b", "/cn/a", seen=["http://127.0.0.1:8000/cn/a"])
    with pytest.raises(IgnoreRequest, match="redirect loop refused"):
        guard().process_response(request, response)


@pytest.mark.parametrize("header", [b"\xb2", "²".encode(), b"soon", b" "])
def test_unreadable_retry_after_is_taken_as_absent_and_counted(
    header: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    crawler = get_crawler(Spider, {"RETRY_TIMES": 2})
    crawler.spider = Spider.from_crawler(crawler, name="s")
    middleware = RetryAfterMiddleware.from_crawler(crawler)
    crawler.stats.open_spider()
    request = Request("http://127.0.0.1:8000/cn/a")
    response = Response(request.url, status=503, headers={"Retry-After": header}, request=request)
    retried = asyncio.run(middleware.process_response(request, response))
    assert isinstance(retried, Request)
    assert retried.url == request.url
    assert retried.meta["retry_times"] == 1
    assert crawler.stats.get_value("newscrawl/retry_after/malformed") == 1
    assert crawler.stats.get_value("newscrawl/retry_after/waited") is None
    assert "unreadable Retry-After" in caplog.text
