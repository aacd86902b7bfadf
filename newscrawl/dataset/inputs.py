"""Run files: finding them, what the manifest knows of them, reading their lines into DuckDB."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from newscrawl.dataset.schema import JSON_COLUMNS, REQUIRED

logger = logging.getLogger(__name__)

RUN_SUFFIXES = (".jsonl", ".jl")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class InputFile:
    """A consumed run file as the manifest records it."""

    path: str  # relative to the runs directory, POSIX separators
    size: int
    sha256: str
    rows: int
    rejected: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_files(runs: Path) -> list[Path]:
    """Every run file under ``runs``, sorted; hidden files (``.x.jsonl.part-123``) are writes in progress."""
    return sorted(
        p
        for p in runs.rglob("*")
        if p.suffix in RUN_SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(runs).parts)
    )


def digests(path: Path, prefix: int) -> tuple[str, str]:
    """(sha256 of the first ``prefix`` bytes, sha256 of the whole file), in one read."""
    whole = hashlib.sha256()
    head = None
    done = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            if head is None and done + len(chunk) >= prefix:
                cut = prefix - done
                whole.update(chunk[:cut])
                head = whole.copy()
                whole.update(chunk[cut:])
            else:
                whole.update(chunk)
            done += len(chunk)
    return (head.hexdigest() if head is not None else ""), whole.hexdigest()


def _problem(raw: bytes) -> str | None:
    """Why a run line cannot become a row, or None."""
    try:
        item = json.loads(raw)
    except ValueError as exc:
        return f"not JSON ({getattr(exc, 'msg', exc)})"
    if not isinstance(item, dict):
        return "not a JSON object"
    for name in REQUIRED:
        if not isinstance(item.get(name), str) or not item[name]:
            return f"no {name}"
    for name in ("published", "modified", "crawled_at"):
        value = item.get(name)
        if value is None:
            continue
        try:
            if not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is None:
                return f"{name} is not an ISO 8601 time with a UTC offset: {value!r}"
        except ValueError:
            return f"{name} is not an ISO 8601 time with a UTC offset: {value!r}"
    for name in ("authors", "tags"):
        value = item.get(name)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return f"{name} is not a list of strings"
    for name in ("image", "rights"):
        if item.get(name) is not None and not isinstance(item[name], dict):
            return f"{name} is not an object"
    return None


def _checked_copy(source: Path, target: Path, label: str) -> tuple[int, int]:
    """Copy the lines of ``source`` that can become rows to ``target``; log each one that cannot."""
    kept = rejected = 0
    with source.open("rb") as src, target.open("wb") as dst:
        for number, raw in enumerate(src, 1):
            if not raw.strip():
                continue
            reason = _problem(raw)
            if reason is not None:
                rejected += 1
                logger.warning("%s line %d rejected: %s", label, number, reason)
                continue
            dst.write(raw if raw.endswith(b"\n") else raw + b"\n")
            kept += 1
    return kept, rejected


def create_rows(con: duckdb.DuckDBPyConnection) -> None:
    """The ``rows`` table: the items with the run files' column types, when their text was first
    crawled and a hash of the item. A row without a required field fails its insert."""
    columns = [
        f"{name} {kind}{' NOT NULL' if name in REQUIRED else ''}" for name, kind in JSON_COLUMNS.items()
    ]
    checks = [f"CHECK ({name} <> '')" for name in REQUIRED if JSON_COLUMNS[name] == "VARCHAR"]
    con.execute(
        f"""CREATE TABLE rows ({", ".join(columns)}, first_crawled_at TIMESTAMPTZ NOT NULL,
                               row_hash UBIGINT NOT NULL, {", ".join(checks)})"""
    )


def insert_rows(
    con: duckdb.DuckDBPyConnection, source: str, first_crawled_at: str, params: Any = None
) -> int:
    """Append the items of ``source`` (a table function) to ``rows``; the number of rows appended."""
    typed = ", ".join(f"CAST({name} AS {kind}) AS {name}" for name, kind in JSON_COLUMNS.items())
    inserted = con.execute(
        f"""INSERT INTO rows
            SELECT *, hash({", ".join(JSON_COLUMNS)})
            FROM (SELECT {typed}, {first_crawled_at} AS first_crawled_at FROM {source})""",
        params,
    ).fetchall()
    return int(inserted[0][0])


def _insert(con: duckdb.DuckDBPyConnection, source: Path) -> int:
    return insert_rows(
        con, "read_json(?, columns=?, format='newline_delimited')", "crawled_at", [str(source), JSON_COLUMNS]
    )


def read_run(
    con: duckdb.DuckDBPyConnection, path: Path, offset: int, scratch: Path, label: str
) -> tuple[int, int]:
    """Append the lines of ``path`` from byte ``offset`` on to the ``rows`` table: (rows, rejected).

    DuckDB reads the file with the explicit column types (no inference: a column that is null
    for the first 25,000 lines is still a timestamp). If it refuses the file, or some line lacks
    a required field, the file is read line by line instead: each bad line is logged and left
    out, the others are read.
    """
    source = path
    if offset:
        source = scratch / "tail.jsonl"
        with path.open("rb") as src, source.open("wb") as dst:
            src.seek(offset)
            while chunk := src.read(_CHUNK):
                dst.write(chunk)
    try:
        con.execute("BEGIN")
        rows = _insert(con, source)  # a missing required field fails the constraints of ``rows``
        con.execute("COMMIT")
        return rows, 0
    except duckdb.Error:
        con.execute("ROLLBACK")
    checked = scratch / "checked.jsonl"
    kept, rejected = _checked_copy(source, checked, label)
    rows = _insert(con, checked) if kept else 0
    return rows, rejected
