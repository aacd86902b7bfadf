"""Small text helpers shared by page parsers and pipelines."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def collapse(text: str | None) -> str:
    """Collapse every whitespace run (no-break spaces included) to one space and trim."""
    return " ".join(text.split()) if text else ""


def iso_utc(value: datetime) -> str:
    """ISO 8601 in UTC with an explicit ``+00:00`` offset, to the second."""
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def parse_iso_datetime(value: str | None, *, naive_tz: ZoneInfo | None = None) -> str | None:
    """Normalize an ISO 8601 timestamp to :func:`iso_utc`, or ``None`` if unreadable.

    A timestamp without an offset is read in ``naive_tz`` (UTC when not given).
    """
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=naive_tz or UTC)
    return iso_utc(parsed)


def parse_paris_display_date(value: str | None) -> str | None:
    """Read the visible ``DD/MM/YYYY - HH:MM`` date (Paris local time) as UTC ISO 8601."""
    text = collapse(value)
    if not text:
        return None
    try:
        parsed = datetime.strptime(text, "%d/%m/%Y - %H:%M")
    except ValueError:
        return None
    return iso_utc(parsed.replace(tzinfo=PARIS))


def utc_now_iso() -> str:
    return iso_utc(datetime.now(UTC))
