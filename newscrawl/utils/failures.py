"""Short, stable names for why a request failed, for log lines and ``newscrawl/fetch_failed/<reason>``."""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import defer, error
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

_TWISTED = (
    (error.DNSLookupError, "dns"),
    (error.TimeoutError, "timeout"),
    (defer.TimeoutError, "timeout"),
    (error.ConnectionRefusedError, "connection_refused"),
    (error.ConnectionDone, "connection_closed"),
    (error.ConnectionLost, "connection_lost"),
    (ResponseNeverReceived, "no_response"),
    (defer.CancelledError, "cancelled"),
)


# Scrapy's own download errors (scrapy.exceptions, 2.14+), by name so older names do not break imports
_SCRAPY = {
    "DownloadTimeoutError": "timeout",
    "ResponseDataLossError": "truncated",
    "DownloadCancelledError": "cancelled",
    "DownloadConnectionRefusedError": "connection_refused",
    "CannotResolveHostError": "dns",
    "DownloadFailedError": "connection_lost",
}


def failure_reason(failure: Failure) -> str:
    value = failure.value
    if isinstance(value, HttpError):
        return f"http_{value.response.status}"
    if isinstance(value, ResponseFailed):
        text = " ".join(str(r.value) for r in value.reasons if isinstance(r, Failure))
        return "truncated" if "dataloss" in text.lower() or "PotentialDataLoss" in text else "connection_lost"
    if isinstance(value, IgnoreRequest):
        text = str(value).lower()
        if "max" in text and "size" in text:
            return "too_large"
        if "redirect" in text and "loop" in text:
            return "redirect_loop"
        if "redirect" in text and ("off" in text or "another site" in text):
            return "offsite_redirect"
        if "max redirections" in text:
            return "redirect_loop"
        if "robots" in text:
            return "robots_txt"
        if "tdm rights reserved" in text:
            return "tdm_reserved"
        return "ignored"
    scrapy_name = _SCRAPY.get(type(value).__name__)
    if scrapy_name:
        if scrapy_name == "cancelled" and "max size" in str(value).lower():
            return "too_large"
        return scrapy_name
    for cls, name in _TWISTED:
        if isinstance(value, cls):
            if name == "cancelled" and "size" in str(value).lower():
                return "too_large"
            return name
    return type(value).__name__
