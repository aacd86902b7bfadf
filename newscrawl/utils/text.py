"""Small text helpers shared by page parsers and pipelines.

Every FMM site (rfi.fr, france24.com, mc-doualiya.com) shows and writes
Paris time: a timestamp without an offset, a visible date and the date in
an article URL are Europe/Paris, never UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, tzinfo
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
_CLOCK_TIME = re.compile(r"(?<!\d)([01]?\d|2[0-3])[:h]([0-5]\d)(?!\d)")


def collapse(text: str | None) -> str:
    """Collapse every whitespace run (no-break spaces included) to one space and trim."""
    return " ".join(text.split()) if text else ""


def iso_utc(value: datetime) -> str:
    """ISO 8601 in UTC with an explicit ``+00:00`` offset, to the second."""
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def parse_iso_datetime(value: str | None, *, naive_tz: ZoneInfo | None = None) -> str | None:
    """Normalize an ISO 8601 timestamp to :func:`iso_utc`, or ``None`` if unreadable.

    A timestamp without an offset is read in ``naive_tz`` (UTC when not given;
    the FMM sites' pages and feeds pass :data:`PARIS`); one that does not exist
    there (in the spring-forward gap) is unreadable.
    """
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return _local_iso(parsed, naive_tz or UTC)
    return iso_utc(parsed)


def _local_iso(wall: datetime, zone: tzinfo) -> str | None:
    """A wall-clock time in ``zone`` as :func:`iso_utc`; None for a time the zone skips.

    In the autumn fold (02:00-03:00 twice) the first of the two is taken.
    """
    aware = wall.replace(tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
        return None  # e.g. 02:30 on the last Sunday of March: no clock in Paris showed it
    return iso_utc(aware)


def iso_date(value: str | None) -> date | None:
    """The date of a date-only ISO 8601 value (``2024-02-27``), None for anything else."""
    text = (value or "").strip()
    if not _DATE_ONLY.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:  # 2024-02-30
        return None


def paris_time_on(day: date, shown: str | None) -> str | None:
    """``day`` at the first ``HH:MM`` (or ``HHhMM``) of ``shown``, Paris time, as :func:`iso_utc`."""
    match = _CLOCK_TIME.search(shown or "")
    if not match:
        return None
    return _local_iso(datetime.combine(day, time(int(match.group(1)), int(match.group(2)))), PARIS)


def parse_paris_display_date(value: str | None) -> str | None:
    """Read the visible ``DD/MM/YYYY - HH:MM`` date (Paris local time) as UTC ISO 8601."""
    text = collapse(value)
    if not text:
        return None
    try:
        parsed = datetime.strptime(text, "%d/%m/%Y - %H:%M")
    except ValueError:
        return None
    return _local_iso(parsed, PARIS)


def utc_now_iso() -> str:
    return iso_utc(datetime.now(UTC))
