"""Escaping, URL, date and file helpers shared by every part of the snapshot generator."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent.parent
DATA_DIR = ROOT / "scripts" / "snapshot_data"
TEMPLATES = DATA_DIR / "templates"
CONTENT_DIR = DATA_DIR / "content"
EXTRA_DIR = DATA_DIR / "extra"
SNAP_DIR = ROOT / "snapshots"
FIXTURES_DIR = ROOT / "tests" / "fixtures"

NBSP = "\u00a0"
PLACEHOLDER_GIF = "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw=="
CARD_WIDTHS = (177, 388, 480)
MAIN_WIDTHS = (246, 388, 720, 980)


# --------------------------------------------------------------------------- escaping


def esc(text: str) -> str:
    """Twig's default ``escape('html')`` (htmlspecialchars, ENT_QUOTES): text and ordinary attributes."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#039;")
    )


def esc_body(text: str) -> str:
    """CMS body text (and the expected body_html): only &, < and > are escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def esc_html_attr(text: str) -> str:
    """Twig's ``escape('html_attr')``, as on the real tag titles and share labels (``&#x20;``)."""
    out = []
    for ch in text:
        if ch.isascii() and (ch.isalnum() or ch in ",.-_"):
            out.append(ch)
        elif ch in '"&<>':
            out.append({'"': "&quot;", "&": "&amp;", "<": "&lt;", ">": "&gt;"}[ch])
        elif ord(ch) < 0x100:
            out.append(f"&#x{ord(ch):02X};")
        else:
            out.append(f"&#x{ord(ch):04X};")
    return "".join(out)


def esc_xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --------------------------------------------------------------------------- URLs / text


def enc(path: str) -> str:
    """Percent-encode a site path the way the CMS writes card hrefs: UTF-8, upper-case hex, '/' kept."""
    return quote(path)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def collapse(text: str) -> str:
    return " ".join(text.split())


def slugify(title: str) -> str:
    """RFI-style slug: the words (any script kept, punctuation dropped) joined by '-', lower case."""
    return "-".join(w for w in re.split(r"[\W_]+", title) if w).lower()


def digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- dates


def parse_utc(value: str) -> datetime:
    dt = datetime.fromisoformat(value)
    if dt.utcoffset() != timedelta(0):
        raise ValueError(f"dates in the data must be UTC +00:00: {value}")
    return dt.astimezone(UTC)


def _last_sunday(year: int, month: int) -> datetime:
    day = datetime(year, month, 31, 1, 0, tzinfo=UTC)
    while day.weekday() != 6:
        day -= timedelta(days=1)
    return day


def paris(dt: datetime) -> datetime:
    """UTC -> Europe/Paris wall time (CET/CEST, EU rule: last Sunday of March/October at 01:00 UTC).

    Implemented here rather than with zoneinfo so that the output never depends on the host's tz database.
    """
    summer = _last_sunday(dt.year, 3) <= dt < _last_sunday(dt.year, 10)
    return (dt + timedelta(hours=2 if summer else 1)).replace(tzinfo=None)


def paris_date(value: str) -> date:
    return paris(parse_utc(value)).date()


def shown_date(value: str) -> str:
    return paris(parse_utc(value)).strftime("%d/%m/%Y - %H:%M")


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).replace(microsecond=0).isoformat()


def days(first: date, last: date) -> list[date]:
    out = []
    day = first
    while day <= last:
        out.append(day)
        day += timedelta(days=1)
    return out


# --------------------------------------------------------------------------- files


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def check_parse(files: dict[Path, str], lenient: frozenset[Path] = frozenset()) -> None:
    """Every page must parse with lxml: XML strictly, HTML with no libxml2 message but unknown (HTML5) tags.

    ``lenient`` pages (the real MCD page, served verbatim) only have to parse.
    """
    from lxml import etree

    for path, text in files.items():
        if path.suffix == ".html":
            parser = etree.HTMLParser()
            etree.fromstring(text.encode("utf-8"), parser)
            problems = [
                e.message for e in parser.error_log if not re.fullmatch(r"Tag \S+ invalid", e.message)
            ]
            if problems and path not in lenient:
                raise ValueError(f"{path}: HTML parse problems {problems}")
        elif path.suffix == ".xml":
            etree.fromstring(text.encode("utf-8"))
