"""The build: run files in, a dataset directory out (docs/datasets.md).

Stages, each a DuckDB query over tables that spill to disk (bounded memory):

1. **read** the new or changed run files (appended files from where the last build stopped)
   with explicit column types;
2. **versions**: one row per distinct body of a URL (the previous build's versions plus the new
   lines), fields of its latest crawl, ``first_crawled_at`` of its first;
3. **latest**: per URL the version with the newest ``modified`` (else ``published``), then
   ``crawled_at``;
4. **exact duplicates**: the same ``content_hash`` under several URLs of one language keeps
   the earliest published (then smallest URL);
5. **sketch** (Python, cached by language and content hash): the language check and MinHash
   LSH band keys of each remaining text;
6. **near duplicates**: band buckets give candidate pairs, verified by estimated Jaccard;
   clusters keep their earliest published article;
7. **write** the partitions whose rows changed (a fingerprint per partition), link the others
   from the previous build, write the card and the manifest, swap the new tree in.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from newscrawl.dataset import card, langcheck, neardup
from newscrawl.dataset.inputs import InputFile, create_rows, digests, insert_rows, read_run, run_files
from newscrawl.dataset.output import (
    Kind,
    Partition,
    partition_dir,
    publish,
    recover,
    spill_partitions,
    write_partitions,
    write_table,
)
from newscrawl.dataset.schema import ITEM_COLUMNS, SCHEMAS

logger = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
SKETCH = ".state/sketch.parquet"
KINDS = ("data", "versions", "removed")
#: the spilled rows' ``role`` that puts a row in each kind of partition (None: every version)
ROLES: dict[str, int | None] = {"data": 1, "versions": None, "removed": 2}
SKETCH_BATCH = 2000
#: rows per batch DuckDB hands to the partition writer (larger batches cost DuckDB more memory)
SPILL_BATCH = 2048


class BuildError(Exception):
    """The build cannot go on; the message says why (no traceback for the user)."""


@dataclass
class Options:
    near_duplicates: bool = True
    language_check: bool = True
    #: move rows whose text is not in the edition's language to removed/
    drop_language_mismatch: bool = False
    row_group_size: int = 10_000
    rows_per_file: int = 250_000
    #: DuckDB's memory before it spills to disk
    memory_limit: str = "400MB"
    threads: int = 2
    full: bool = False
    #: the card's rights statement (``license: other``)
    rights: str = card.DEFAULT_RIGHTS

    def output_affecting(self) -> dict[str, Any]:
        return {
            "rights": self.rights,
            "near_duplicates": self.near_duplicates,
            "language_check": self.language_check,
            "drop_language_mismatch": self.drop_language_mismatch,
            "row_group_size": self.row_group_size,
            "rows_per_file": self.rows_per_file,
        }


def engine() -> dict[str, Any]:
    """What the output bytes depend on besides the inputs and options."""
    versions = {
        name: metadata.version(name) for name in ("duckdb", "pyarrow", "rensa", "pycld2", "py3langid")
    }
    return {
        "format": FORMAT,
        **versions,
        "minhash": {
            "ngram": neardup.NGRAM,
            "num_perm": neardup.NUM_PERM,
            "bands": neardup.BANDS,
            "seed": neardup.SEED,
            "threshold": neardup.THRESHOLD,
        },
    }


@dataclass
class Result:
    dataset: Path
    manifest: dict[str, Any]
    rows_read: int = 0
    rejected: int = 0
    written: list[str] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    unchanged: bool = False


def load_manifest(dataset: Path) -> dict[str, Any] | None:
    path = dataset / MANIFEST
    if not path.exists():
        return None
    try:
        data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    except ValueError as exc:
        raise BuildError(f"{path}: not a dataset manifest ({exc})") from None
    return data


def _cols(names: list[str], prefix: str = "") -> str:
    return ", ".join(f"{prefix}{name}" for name in names)


ITEMS = _cols(ITEM_COLUMNS)
#: columns of the output that are not the item's own (the item's are covered by ``row_hash``)
DERIVED = {
    "data": [
        "year",
        "first_crawled_at",
        "versions",
        "exact_duplicates",
        "near_dup_cluster",
        "near_dup_cluster_size",
        "language_detected",
        "language_check",
    ],
    "versions": ["year", "first_crawled_at", "version"],
}
DERIVED["removed"] = [*DERIVED["data"], "removed_reason", "duplicate_of", "similarity"]


class Build:
    def __init__(self, runs: Path, dataset: Path, options: Options):
        self.runs, self.dataset, self.options = runs, dataset, options
        self.staging = dataset.parent / f".{dataset.name}.build-{os.getpid()}"
        self.backup = dataset.parent / f".{dataset.name}.old"
        self.timer: dict[str, float] = {}

    # -- plumbing ---------------------------------------------------------------------------

    def _lock(self) -> int:
        self.dataset.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.dataset.parent / f".{self.dataset.name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise BuildError(f"another build of {self.dataset} is running") from None
        return fd

    def _clean_leftovers(self) -> None:
        recover(self.dataset, self.backup)
        for stale in self.dataset.parent.glob(f".{self.dataset.name}.build-*"):
            logger.info("removing %s, left by a build that did not finish", stale)
            shutil.rmtree(stale, ignore_errors=True)

    def _stage(self, name: str, started: float) -> float:
        now = time.perf_counter()
        self.timer[name] = self.timer.get(name, 0.0) + now - started
        return now

    # -- the build --------------------------------------------------------------------------

    def run(self) -> Result:
        if not self.runs.is_dir():
            raise BuildError(f"{self.runs}: no such directory of run files")
        if self.dataset.exists() and not self.dataset.is_dir():
            raise BuildError(f"{self.dataset}: exists and is not a directory")
        fd = self._lock()
        try:
            self._clean_leftovers()
            previous = None if self.options.full else load_manifest(self.dataset)
            if self.dataset.exists() and any(self.dataset.iterdir()) and load_manifest(self.dataset) is None:
                raise BuildError(f"{self.dataset}: not empty and not a dataset (no {MANIFEST}); not touched")
            if previous is not None and (
                previous.get("engine") != engine()
                or previous.get("options") != self.options.output_affecting()
            ):
                logger.info("engine or options differ from the previous build: every partition is rewritten")
                previous = {**previous, "partitions": {}, "sketch": False}
            self.staging.mkdir()
            try:
                return self._build(previous)
            except duckdb.OutOfMemoryException as exc:
                raise BuildError(
                    f"DuckDB ran out of memory ({str(exc).splitlines()[0]}): give it more with --memory-limit"
                ) from None
            finally:
                if self.staging.exists():
                    shutil.rmtree(self.staging, ignore_errors=True)
        finally:
            os.close(fd)

    def _connect(self) -> duckdb.DuckDBPyConnection:
        work = self.staging / ".work"
        work.mkdir()
        con = duckdb.connect(":memory:")  # spills to temp_directory past memory_limit
        con.execute("SET TimeZone = 'UTC'")
        con.execute(f"SET memory_limit = '{self.options.memory_limit}'")
        con.execute(f"SET threads = {int(self.options.threads)}")
        con.execute(f"SET temp_directory = '{work / 'spill'}'")
        con.execute("SET preserve_insertion_order = false")
        return con

    def _build(self, previous: dict[str, Any] | None) -> Result:
        started = time.perf_counter()
        con = self._connect()
        create_rows(con)
        inputs, rows_read, rejected, changed = self._read_inputs(con, previous)
        t = self._stage("read", started)
        if not inputs:
            raise BuildError(f"{self.runs}: no run files (*.jsonl)")
        if previous is not None and not changed and previous.get("partitions"):
            logger.info("no new or changed run files: %s is up to date", self.dataset)
            con.close()
            return Result(self.dataset, previous, unchanged=True, seconds=self.timer)

        old_versions = self._previous_files(previous, "versions")
        self._versions(con, old_versions)
        t = self._stage("versions", t)
        self._latest(con)
        t = self._stage("exact", t)
        self._sketch(con, previous)
        t = self._stage("sketch", t)
        self._near(con)
        t = self._stage("near", t)
        self._final(con)
        t = self._stage("final", t)
        manifest = self._write(con, previous, inputs)  # closes con
        shutil.rmtree(self.staging / ".work")
        t = self._stage("write", t)
        publish(self.staging, self.dataset, self.backup)
        self._stage("publish", t)
        result = Result(self.dataset, manifest, rows_read, rejected, seconds=self.timer)
        result.written, result.linked = self.written, self.linked
        return result

    def _previous_files(self, previous: dict[str, Any] | None, kind: str) -> list[str]:
        if previous is None:
            return []
        files = [
            str(self.dataset / name)
            for key, part in sorted(previous.get("partitions", {}).items())
            if key.startswith(kind + "/")
            for name in part["files"]
        ]
        if not files and previous.get("partitions") == {} and kind == "versions":
            # rewritten because the engine changed: the versions on disk are still the history
            files = sorted(str(p) for p in (self.dataset / kind).rglob("*.parquet"))
        return files

    def _read_inputs(
        self, con: duckdb.DuckDBPyConnection, previous: dict[str, Any] | None
    ) -> tuple[list[InputFile], int, int, bool]:
        known = {entry["path"]: entry for entry in (previous or {}).get("inputs", [])}
        entries: dict[str, InputFile] = {path: InputFile(**entry) for path, entry in known.items()}
        rows_read = rejected_total = 0
        changed = False
        scratch = self.staging / ".work"
        paths = run_files(self.runs)

        def hashed(path: Path) -> tuple[int, str, str]:
            size = path.stat().st_size
            old = known.get(path.relative_to(self.runs).as_posix())
            return (size, *digests(path, old["size"] if old else 0))

        # the next files are hashed by a thread while DuckDB reads this one
        pool = ThreadPoolExecutor(1)
        try:
            for path, (size, head, whole) in zip(paths, pool.map(hashed, paths), strict=True):
                rel = path.relative_to(self.runs).as_posix()
                old = known.get(rel)
                if old and old["size"] == size and old["sha256"] == whole:
                    continue
                changed = True
                offset, base_rows, base_rejected = 0, 0, 0
                if old and size > old["size"] and head == old["sha256"]:
                    offset, base_rows, base_rejected = old["size"], old["rows"], old.get("rejected", 0)
                    logger.info("%s: reading %d appended bytes", rel, size - offset)
                elif old:
                    logger.info("%s: changed since the last build, reading it whole", rel)
                try:
                    rows, rejected = read_run(con, path, offset, scratch, rel)
                except duckdb.Error as exc:
                    raise BuildError(f"{rel}: cannot be read: {str(exc).splitlines()[0]}") from None
                if rejected:
                    logger.warning("%s: %d line(s) rejected, %d read", rel, rejected, rows)
                rows_read += rows
                rejected_total += rejected
                entries[rel] = InputFile(rel, size, whole, base_rows + rows, base_rejected + rejected)
        finally:
            pool.shutdown(cancel_futures=True)
        return [entries[k] for k in sorted(entries)], rows_read, rejected_total, changed

    def _versions(self, con: duckdb.DuckDBPyConnection, old_files: list[str]) -> None:
        if old_files:  # the history the new lines are added to
            listing = ", ".join("'" + f.replace("'", "''") + "'" for f in old_files)
            insert_rows(con, f"read_parquet([{listing}])", "first_crawled_at")
        # per (url, body): the fields of its latest crawl, the time of its first; decided on keys only
        con.execute(
            """
            CREATE TABLE picks AS
            SELECT rid, first_seen,
                   CAST(row_number() OVER (PARTITION BY url ORDER BY first_seen, content_hash) AS INTEGER)
                       AS version
            FROM (
                SELECT rowid AS rid, url, content_hash,
                       min(first_crawled_at) OVER (PARTITION BY url, content_hash) AS first_seen,
                       -- equal row hashes: equal rows (or a 2^-64 accident), either one will do
                       row_number() OVER (PARTITION BY url, content_hash
                                          ORDER BY crawled_at DESC, row_hash) AS pick
                FROM rows)
            WHERE pick = 1
            """
        )
        # a view, not a copy: the texts are read from ``rows`` once, when they are written out;
        # ``rows`` on the left, the side a join probes (see _spill)
        con.execute(
            f"""
            CREATE VIEW versions AS
            SELECT {_cols(ITEM_COLUMNS, "r.")}, CAST(year(r.published) AS SMALLINT) AS year,
                   p.first_seen AS first_crawled_at, p.version, r.row_hash, p.rid AS vid
            FROM rows r JOIN picks p ON p.rid = r.rowid
            """
        )

    def _latest(self, con: duckdb.DuckDBPyConnection) -> None:
        """Latest version per URL, then exact duplicates per (language, content_hash).

        Only keys and derived columns: the texts stay in ``rows`` (``vid`` is a version's rowid there), so the
        window sorts move a few bytes per row, not the articles.
        """
        con.execute(
            """
            CREATE TABLE latest AS
            SELECT *,
                   row_number() OVER same_text AS exact_rank,
                   CAST(count(*) OVER (PARTITION BY language, content_hash) - 1 AS INTEGER)
                       AS exact_duplicates,
                   first_value(url) OVER same_text AS exact_first
            FROM (
                SELECT * EXCLUDE (pick) FROM (
                    SELECT vid, url, language, content_hash, published,
                           CAST(count(*) OVER (PARTITION BY url) AS INTEGER) AS versions,
                           row_number() OVER (PARTITION BY url
                                              ORDER BY coalesce(modified, published) DESC, crawled_at DESC,
                                                       content_hash) AS pick
                    FROM versions)
                WHERE pick = 1)
            WINDOW same_text AS (PARTITION BY language, content_hash ORDER BY published, url)
            """
        )

    def _sketch(self, con: duckdb.DuckDBPyConnection, previous: dict[str, Any] | None) -> None:
        """Language check and LSH band keys per distinct (language, text), the previous build's reused."""
        bands = ", ".join(f"b{i} UBIGINT" for i in range(neardup.BANDS))
        con.execute(
            f"""CREATE TABLE sketch (language VARCHAR, content_hash VARCHAR, language_detected VARCHAR,
                                     language_check VARCHAR, {bands})"""
        )
        cached = self.dataset / SKETCH
        if previous is not None and previous.get("sketch") and cached.exists():
            con.execute(
                f"""INSERT INTO sketch SELECT s.* FROM read_parquet('{cached}') s
                    SEMI JOIN latest l ON l.language = s.language AND l.content_hash = s.content_hash
                                          AND l.exact_rank = 1"""
            )
        if not (self.options.language_check or self.options.near_duplicates):
            con.execute(
                """INSERT INTO sketch (language, content_hash)
                   SELECT language, content_hash FROM latest WHERE exact_rank = 1"""
            )
            return
        reader = con.cursor()  # a second connection: the first one inserts while this one streams
        todo = reader.sql(
            """SELECT l.language, l.content_hash, v.body FROM latest l JOIN versions v ON v.vid = l.vid
               ANTI JOIN sketch s ON l.language = s.language AND l.content_hash = s.content_hash
               WHERE l.exact_rank = 1"""
        ).to_arrow_reader(SKETCH_BATCH)
        language_ids: dict[str, int] = {}
        for batch in todo:
            con.register("sketched", self._sketch_batch(batch, language_ids))
            con.execute("INSERT INTO sketch SELECT * FROM sketched")
            con.unregister("sketched")
        reader.close()

    def _sketch_batch(self, batch: pa.RecordBatch, language_ids: dict[str, int]) -> pa.Table:
        languages = batch.column("language").to_pylist()
        bodies = batch.column("body").to_pylist()
        detected: list[str | None] = [None] * len(bodies)
        checks: list[str | None] = [None] * len(bodies)
        if self.options.language_check:
            for i, (body, language) in enumerate(zip(bodies, languages, strict=True)):
                detected[i], checks[i] = langcheck.check(body, language)
        keys = np.zeros((len(bodies), neardup.BANDS), dtype=np.uint64)
        valid = np.zeros(len(bodies), dtype=bool)
        if self.options.near_duplicates:
            sets = [
                neardup.shingles(body, language) for body, language in zip(bodies, languages, strict=True)
            ]
            valid = np.array([bool(s) for s in sets], dtype=bool)
            sigs = neardup.signatures([s for s in sets if s])
            lang = np.array([_language_id(x, language_ids) for x in languages], dtype=np.uint64)[valid]
            keys[valid] = neardup.band_keys(sigs) ^ lang[:, None]
        columns: dict[str, Any] = {
            "language": batch.column("language"),
            "content_hash": batch.column("content_hash"),
            "language_detected": pa.array(detected, pa.string()),
            "language_check": pa.array(checks, pa.string()),
        }
        mask = ~valid
        for i in range(neardup.BANDS):
            columns[f"b{i}"] = pa.array(keys[:, i], pa.uint64(), mask=mask)
        return pa.table(columns)

    def _near(self, con: duckdb.DuckDBPyConnection) -> None:
        """Candidate pairs from shared band keys, verified by estimated Jaccard; clusters."""
        con.execute(
            """CREATE TABLE near (language VARCHAR, content_hash VARCHAR, near_dup_cluster VARCHAR,
                                  near_dup_cluster_size INTEGER, keep BOOLEAN, duplicate_of VARCHAR,
                                  similarity FLOAT)"""
        )
        if not self.options.near_duplicates:
            return
        con.execute(
            """CREATE TABLE docs AS
               SELECT row_number() OVER (ORDER BY language, content_hash) AS doc, * FROM sketch"""
        )
        pairs: set[tuple[int, int]] = set()
        for band in range(neardup.BANDS):
            buckets = con.sql(
                f"""SELECT list(doc ORDER BY doc) FROM docs WHERE b{band} IS NOT NULL
                    GROUP BY b{band} HAVING count(*) > 1"""
            ).fetchall()
            for (members,) in buckets:
                pairs.update(_bucket_pairs(members))
        if not pairs:
            return
        candidates = pa.table({"doc": pa.array(sorted({d for pair in pairs for d in pair}), pa.int64())})
        con.register("candidates", candidates)
        rows = con.sql(
            """SELECT d.doc, l.language, l.content_hash, l.url, l.published, v.body
               FROM candidates c JOIN docs d USING (doc)
               JOIN latest l
                 ON l.language = d.language AND l.content_hash = d.content_hash AND l.exact_rank = 1
               JOIN versions v ON v.vid = l.vid
               ORDER BY d.doc"""
        ).fetchall()
        con.unregister("candidates")
        info = {row[0]: row[1:] for row in rows}
        doc_ids = [row[0] for row in rows]
        sigs = dict(
            zip(doc_ids, neardup.signatures([neardup.shingles(row[5], row[1]) for row in rows]), strict=True)
        )
        clusters = neardup.UnionFind()
        for a, b in sorted(pairs):
            if neardup.jaccard(sigs[a], sigs[b]) >= neardup.THRESHOLD:
                clusters.union(a, b)
        out: dict[str, list[Any]] = {
            name: []
            for name in (
                "language",
                "content_hash",
                "near_dup_cluster",
                "near_dup_cluster_size",
                "keep",
                "duplicate_of",
                "similarity",
            )
        }
        for members in clusters.groups().values():
            if len(members) < 2:
                continue
            keeper = min(members, key=lambda d: (info[d][3], info[d][2]))
            cluster_id = info[keeper][1][:16]
            for doc in sorted(members):
                language, content_hash, _url, _, _ = info[doc]
                out["language"].append(language)
                out["content_hash"].append(content_hash)
                out["near_dup_cluster"].append(cluster_id)
                out["near_dup_cluster_size"].append(len(members))
                out["keep"].append(doc == keeper)
                out["duplicate_of"].append(None if doc == keeper else info[keeper][2])
                out["similarity"].append(None if doc == keeper else neardup.jaccard(sigs[doc], sigs[keeper]))
        con.register("found", pa.table(out))
        con.execute("INSERT INTO near SELECT * FROM found")
        con.unregister("found")

    def _final(self, con: duckdb.DuckDBPyConnection) -> None:
        drop_mismatch = "TRUE" if self.options.drop_language_mismatch else "FALSE"
        con.execute(
            f"""
            CREATE TABLE final AS
            SELECT l.vid, l.versions, l.exact_duplicates,
                   n.near_dup_cluster, coalesce(n.near_dup_cluster_size, 1) AS near_dup_cluster_size,
                   s.language_detected, s.language_check,
                   CASE WHEN l.exact_rank > 1 THEN 'exact_duplicate'
                        WHEN NOT n.keep THEN 'near_duplicate'
                        WHEN {drop_mismatch} AND s.language_check = 'mismatch' THEN 'language_mismatch'
                   END AS removed_reason,
                   CASE WHEN l.exact_rank > 1 THEN l.exact_first WHEN NOT n.keep THEN n.duplicate_of
                   END AS duplicate_of,
                   CASE WHEN l.exact_rank > 1 THEN 1.0 WHEN NOT n.keep THEN n.similarity END AS similarity
            FROM latest l
            LEFT JOIN sketch s ON s.language = l.language AND s.content_hash = l.content_hash
            LEFT JOIN near n ON n.language = l.language AND n.content_hash = l.content_hash
            """
        )

    # -- output -----------------------------------------------------------------------------

    def _query(self, kind: str, columns: str | None = None) -> str:
        columns = columns or _cols(SCHEMAS[kind].names)
        if kind == "versions":
            return f"SELECT {columns} FROM versions"
        where = "removed_reason IS NULL" if kind == "data" else "removed_reason IS NOT NULL"
        return f"SELECT {columns} FROM final f JOIN versions v ON v.vid = f.vid WHERE {where}"

    def _fingerprints(self, con: duckdb.DuckDBPyConnection, kind: str) -> dict[Partition, tuple[int, str]]:
        """Per partition: rows and a digest of their content (the item's row hash and the derived columns)."""
        row = f"site, edition, year, hash(row_hash, {_cols(DERIVED[kind])}) AS h"
        rows = con.sql(
            f"""SELECT site, edition, year, count(*),
                       bit_xor(h)::VARCHAR || '-' || sum(h::HUGEINT)::VARCHAR
                FROM ({self._query(kind, row)})
                GROUP BY site, edition, year"""
        ).fetchall()
        return {(site, edition, int(year)): (count, fp) for site, edition, year, count, fp in rows}

    def _spill(self, con: duckdb.DuckDBPyConnection, keys: list[Partition], scratch: Path) -> None:
        """The rows of the site/edition/year ``keys`` to ``scratch``, in one pass over ``versions``:
        each version once, with its ``role`` (1: the latest, kept in data/; 2: the latest, removed;
        null: an earlier version) and the derived columns of the latest ones."""
        con.register(
            "keys",
            pa.table(
                {
                    "kid": pa.array(range(len(keys)), pa.int32()),
                    "site": [key[0] for key in keys],
                    "edition": [key[1] for key in keys],
                    "year": pa.array([key[2] for key in keys], pa.int16()),
                }
            ),
        )
        own = set(SCHEMAS["versions"].names)
        names = [*SCHEMAS["versions"].names, *(n for n in SCHEMAS["removed"].names if n not in own)]
        selected = ", ".join(f"v.{n}" if n in own else f"f.{n}" for n in names)
        # the joins build their hash tables on the right-hand sides as written (keys, final: a few
        # columns per row), never on the texts: the optimizer, misled by the estimate of the keys
        # join, would otherwise hold every text of ``versions`` in a hash table before the first row
        con.execute("SET disabled_optimizers = 'build_side_probe_side'")
        reader = con.sql(
            f"""SELECT {selected}, k.kid,
                       CASE WHEN f.vid IS NULL THEN NULL WHEN f.removed_reason IS NULL THEN {ROLES["data"]}
                            ELSE {ROLES["removed"]} END AS role
                FROM versions v
                JOIN keys k ON k.site = v.site AND k.edition = v.edition AND k.year = v.year
                LEFT JOIN final f ON f.vid = v.vid"""
        ).to_arrow_reader(SPILL_BATCH)
        try:
            spill_partitions(reader, scratch, self.options.row_group_size, "kid")
        finally:
            con.execute("RESET disabled_optimizers")
        con.unregister("keys")

    def _write(
        self, con: duckdb.DuckDBPyConnection, previous: dict[str, Any] | None, inputs: list[InputFile]
    ) -> dict[str, Any]:
        old_parts: dict[str, Any] = (previous or {}).get("partitions", {})
        partitions: dict[str, Any] = {}
        self.written: list[str] = []
        self.linked: list[str] = []
        opts = self.options
        touched: list[tuple[str, Partition]] = []
        for kind in KINDS:
            for key, (count, fp) in sorted(self._fingerprints(con, kind).items()):
                name = partition_dir(kind, key)
                old = old_parts.get(name)
                if (
                    old
                    and old["fingerprint"] == fp
                    and old["rows"] == count
                    and all((self.dataset / f).is_file() for f in old["files"])
                ):
                    for f in old["files"]:
                        (self.staging / f).parent.mkdir(parents=True, exist_ok=True)
                        os.link(self.dataset / f, self.staging / f)
                    self.linked.extend(old["files"])
                    partitions[name] = old
                else:
                    touched.append((kind, key))
                    partitions[name] = {"rows": count, "fingerprint": fp, "files": []}
        scratch = self.staging / ".work" / "spill"
        keys = sorted({key for _, key in touched})
        if keys:
            self._spill(con, keys, scratch)
        sketch = con.sql("SELECT * FROM sketch ORDER BY language, content_hash").to_arrow_reader(SPILL_BATCH)
        write_table(sketch, self.staging / SKETCH, 50_000)
        summary = card.summarize(con)
        con.close()  # DuckDB's memory is given back before the partitions are written
        kinds: dict[Partition, list[Kind]] = {key: [] for key in keys}
        for kind, key in touched:
            kinds[key].append((kind, ROLES[kind], SCHEMAS[kind]))
        written = write_partitions(
            scratch,
            {kid: (key, kinds[key]) for kid, key in enumerate(keys)},
            self.staging,
            ["published", "url", "version"],
            opts.row_group_size,
            opts.rows_per_file,
            opts.threads,
        )
        for (kind, key), (_, files) in sorted(written.items()):
            partitions[partition_dir(kind, key)]["files"] = files
            self.written.extend(files)
        for part in partitions.values():
            if "bytes" not in part:
                part["bytes"] = sum((self.staging / f).stat().st_size for f in part["files"])
                part["uncompressed"] = sum(
                    meta.row_group(i).total_byte_size
                    for f in part["files"]
                    for meta in [pq.read_metadata(self.staging / f)]
                    for i in range(meta.num_row_groups)
                )
        manifest = {
            "format": FORMAT,
            "engine": engine(),
            "options": opts.output_affecting(),
            "sketch": True,
            "inputs": [entry.as_dict() for entry in inputs],
            "partitions": dict(sorted(partitions.items())),
        }
        manifest["summary"] = summary
        (self.staging / MANIFEST).write_text(
            json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=False) + "\n", "utf-8"
        )
        (self.staging / "README.md").write_text(card.render(manifest, summary, opts.rights), "utf-8")
        return manifest


def _language_id(language: str, ids: dict[str, int]) -> int:
    """A stable 64-bit number per language, folded into band keys so buckets never mix languages."""
    if language not in ids:
        ids[language] = int.from_bytes(hashlib.sha256(language.encode("utf-8")).digest()[:8], "little")
    return ids[language]


def _bucket_pairs(members: list[int]) -> Iterator[tuple[int, int]]:
    """Candidate pairs of one bucket: all of them, or a chain and a star in a huge bucket."""
    if len(members) <= neardup.BUCKET_ALL_PAIRS:
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                yield a, b
    else:
        for i in range(1, len(members)):
            yield members[0], members[i]
            yield members[i - 1], members[i]


def build(runs: Path, dataset: Path, options: Options | None = None) -> Result:
    return Build(runs, dataset, options or Options()).run()
