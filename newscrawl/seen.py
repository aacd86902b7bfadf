"""The persistent seen-store: which articles a site's earlier runs already wrote out.

Keys are :func:`newscrawl.utils.urls.url_key` of the article URL, namespaced
per site. Two backends share one protocol: SQLite in ``NEWSCRAWL_STATE_DIR``
(default) and Redis (``NEWSCRAWL_SEEN_STORE=redis://host:port/db``), which
several machines or Scrapyd nodes can share.

Marking follows a two-phase commit driven by the feed storage
(:mod:`newscrawl.feedstorage`). Each article is claimed for its output file
(the batch, named by the file's hidden part file) before it is exported: a key
another job already wrote, or is writing, is refused and the article left out
of the file. When the part file is complete, :meth:`SeenStore.seal` durably
records where its content will land in the final file (a
:class:`Publication`: offset, size and SHA-256); the file is renamed, then
:meth:`SeenStore.commit` turns the claims into seen records, in bounded
chunks. A crash at any point is repaired by :meth:`SeenStore.recover` at the
next start: a dead job's claims are committed only if its sealed content is
found, byte for byte, in the final file, and dropped otherwise. So a URL is
marked seen only once its item is durably in a complete output file, whatever
the file's name or mode, and no two complete files of concurrent or
successive runs hold the same article version.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import sqlite3
import sys
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)


def default_state_dir() -> Path:
    """``$XDG_STATE_HOME/newscrawl``, else ``~/.local/state/newscrawl``: outside output/ and the package."""
    return Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "newscrawl"


#: claims moved to seen records (or dropped) per store call: a 1,000,000-article file never
#: holds the store (a Redis script, an SQLite write transaction) for more than milliseconds
SETTLE_CHUNK = 500


class Recovery(NamedTuple):
    """Batches :meth:`SeenStore.recover` settled."""

    committed: int  # of this host: its content is in the final file
    dropped: int  # of this host: it is not
    given_up: int  # of another host, uncommitted for longer than the timeout


class Pending(NamedTuple):
    """A claimed, uncommitted batch."""

    host: str
    pid: int
    claimed_at: float  # the last claim of the batch
    info: dict[str, Any]  # process start, part and target files, then the sealed Publication


@dataclass(frozen=True, slots=True)
class Publication:
    """Where a batch's content lands: ``size`` bytes at ``offset`` of ``target`` with this SHA-256.

    Sealed in the store before the part file is renamed over ``target``:
    recovery checks that those bytes are there (the rename happened, and no
    one replaced the file since) before it commits the claims.
    """

    part: str
    target: str
    offset: int
    size: int
    sha256: str

    def landed(self) -> bool:
        """Is this content in the final file (and the part file, which held it, gone)?"""
        if os.path.lexists(self.part):
            return False
        try:
            with open(self.target, "rb") as fh:
                fh.seek(self.offset)
                return digest_of(fh, self.size) == self.sha256
        except OSError:
            return False


def digest_of(fh: Any, size: int) -> str:
    """SHA-256 of the next ``size`` bytes of ``fh`` (fewer if it ends first: then never a match)."""
    sha = hashlib.sha256()
    left = size
    while left > 0:
        chunk = fh.read(min(left, 1 << 20))
        if not chunk:
            return ""
        sha.update(chunk)
        left -= len(chunk)
    return sha.hexdigest()


def sealed_publication(info: Mapping[str, Any]) -> Publication | None:
    sealed = info.get("sealed")
    return Publication(**sealed) if isinstance(sealed, dict) else None


def publication_landed(info: Mapping[str, Any]) -> bool:
    """Default check of :meth:`SeenStore.recover`: a sealed publication whose bytes are in place."""
    publication = sealed_publication(info)
    return publication is not None and publication.landed()


def process_start(pid: int) -> str:
    """When process ``pid`` of this host started (boot id and clock ticks since boot); "" if unknown.

    With the pid it names one process for good: a pid is reused, the pair is not.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()[:8]
    except OSError:
        return ""
    return f"{boot}.{stat.rsplit(')', 1)[1].split()[19]}"


def this_process() -> tuple[str, int, str]:
    """``(host, pid, start)`` of this process: who holds a claim, who wrote a part file."""
    pid = os.getpid()  # not cached: a forked child is another process
    return _hostname(), pid, _own_start(pid)


@cache
def _hostname() -> str:
    return socket.gethostname()


@cache
def _own_start(pid: int) -> str:
    return process_start(pid)


def process_running(pid: int, start: str | None) -> bool:
    """Is the process ``pid`` of this host that started at ``start`` still running?"""
    if not process_alive(pid):
        return False
    return not start or process_start(pid) in (start, "")


def process_alive(pid: int) -> bool:
    """Is process ``pid`` of this host running?"""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True
    return True


def chunks(items: Iterable[Any], size: int | None = None) -> Iterator[list[Any]]:
    """``items`` in lists of ``size`` (default :data:`SETTLE_CHUNK`)."""
    size = size or SETTLE_CHUNK
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass(frozen=True, slots=True)
class SeenRecord:
    """What the store keeps of the last version of an article that was written out."""

    url: str
    #: the version's modification time (``modified``, else ``published``), ISO 8601
    modified: str | None
    content_hash: str | None
    #: the job that wrote it
    job: str

    def to_json(self) -> str:
        fields = (("url", self.url), ("modified", self.modified), ("content_hash", self.content_hash))
        return json.dumps({**dict(fields), "job": self.job}, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> SeenRecord:
        return cls(**json.loads(raw))

    def accepts(self, new: SeenRecord) -> bool:
        """May ``new`` be written although this version was? Only a changed article from another job."""
        return new.job == self.job or (new.content_hash is not None and new.content_hash != self.content_hash)


class SeenStore(ABC):
    """Per-site store of written-out articles."""

    site: str
    #: when this process last wrote each batch's record (:meth:`_batch_info`)
    _touched: dict[str, float]

    @abstractmethod
    def lookup(self, keys: Iterable[str]) -> dict[str, SeenRecord]:
        """The records of those keys that are seen (committed)."""

    def reserve(
        self,
        batch: str,
        records: Mapping[str, SeenRecord],
        *,
        force: bool = False,
        info: Mapping[str, Any] | None = None,
    ) -> set[str]:
        """Claim ``records`` for the output batch ``batch``; return the keys granted.

        A key is refused while another job claims it, and when it is seen with
        the same content (unless ``force``: a full recrawl writes it again).
        ``info`` (the part and target files) is kept with the batch for
        recovery, beside this process's host, pid and start time and the time
        of the claim.
        """
        granted: set[str] = set()
        for chunk in chunks(records.items()):
            granted |= self._reserve_chunk(batch, chunk, force, self._batch_info(batch, info))
        return granted

    @abstractmethod
    def _reserve_chunk(
        self, batch: str, chunk: list[tuple[str, SeenRecord]], force: bool, info: str
    ) -> set[str]:
        """Claim at most :data:`SETTLE_CHUNK` keys at once; ``info``: the batch's record ("": keep it)."""

    @abstractmethod
    def claimed(self, batch: str, keys: Iterable[str]) -> dict[str, SeenRecord]:
        """The records of those keys that ``batch`` claims (not committed yet)."""

    @abstractmethod
    def seal(self, batch: str, publication: Publication) -> None:
        """Durably record where the batch's content lands, before its file is renamed."""

    @abstractmethod
    def commit(self, batch: str) -> None:
        """The batch's file is complete under its final name: its claims become seen records."""

    @abstractmethod
    def abort(self, batch: str) -> None:
        """The batch was not written: drop its claims."""

    @abstractmethod
    def pending_batches(self) -> dict[str, Pending]:
        """Claimed, uncommitted batches."""

    @abstractmethod
    def reset(self) -> int:
        """Forget every record of the site; return how many there were."""

    @abstractmethod
    def count(self) -> int: ...

    def close(self) -> None:  # noqa: B027 - optional for backends without resources
        pass

    def _batch_info(self, batch: str, info: Mapping[str, Any] | None) -> str:
        """The batch's record as JSON; "" when this process wrote it less than 10 s ago (kept as is)."""
        now = time.time()
        if now - self._touched.get(batch, 0.0) < 10:
            return ""
        self._touched[batch] = now
        host, pid, start = this_process()
        return json.dumps({"host": host, "pid": pid, "claimed_at": now, "start": start, **(info or {})})

    def _sealed_info(self, raw: str | bytes | None, batch: str, publication: Publication) -> dict[str, Any]:
        """The batch's record with the seal; a new one if another host gave up its claims meanwhile."""
        if raw is None:
            self._touched.pop(batch, None)
            raw = self._batch_info(batch, {"part": publication.part, "target": publication.target})
        return {**json.loads(raw), "sealed": asdict(publication)}

    def recover(
        self, landed: Callable[[Mapping[str, Any]], bool] = publication_landed, *, foreign_timeout: float = 0
    ) -> Recovery:
        """Settle claims left by crashed jobs: ``(committed, dropped, given_up)`` batches.

        A claim of this host is settled once its process (pid and start time)
        is gone: committed if its sealed content is in the final file
        (``landed``), dropped otherwise, and a part file left by it removed.
        Another host's claims are its own to settle, since only it sees its
        files; but one whose last claim is older than ``foreign_timeout``
        seconds (0: never) is given up, as a node that crashed between claim
        and commit and never came back: its articles may be fetched and
        written again, rather than be kept out of every output for good.
        """
        committed = dropped = given_up = 0
        host = _hostname()
        now = time.time()
        for batch, pending in self.pending_batches().items():
            age = now - pending.claimed_at
            if pending.host != host:
                if foreign_timeout > 0 and age >= foreign_timeout:
                    logger.warning(
                        "seen-store: gave up the claims of %s by %s (pid %d), uncommitted for %.0f s; "
                        "its articles may be fetched and written again",
                        batch,
                        pending.host,
                        pending.pid,
                        age,
                    )
                    self.abort(batch)
                    given_up += 1
                continue
            if process_running(pending.pid, pending.info.get("start")):
                continue
            if landed(pending.info):
                self.commit(batch)
                committed += 1
            else:
                self.abort(batch)
                dropped += 1
                part = pending.info.get("part")
                if part:  # this job's own part file (its name says host, pid and start): never published
                    Path(part).unlink(missing_ok=True)
                    Path(f"{part}.a").unlink(missing_ok=True)
        return Recovery(committed, dropped, given_up)


class SqliteSeenStore(SeenStore):
    """One SQLite file per site in the state directory; safe for several processes of one host.

    Claims are written without waiting for the disk (``synchronous=NORMAL``);
    the seal waits (``FULL``), and with it every claim before it.
    """

    def __init__(self, path: Path, site: str) -> None:
        self.site = site
        self.path = path
        self._touched = {}
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=60, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, record TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS claim (key TEXT PRIMARY KEY, batch TEXT NOT NULL, record TEXT NOT NULL)
                WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS claim_batch ON claim (batch);
            CREATE TABLE IF NOT EXISTS batch (
                batch TEXT PRIMARY KEY, host TEXT NOT NULL, pid INTEGER NOT NULL, claimed_at REAL NOT NULL
            );
            """
        )
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(batch)")}
        if "info" not in columns:  # a store of an earlier version
            self.db.execute("ALTER TABLE batch ADD COLUMN info TEXT NOT NULL DEFAULT '{}'")

    def lookup(self, keys: Iterable[str]) -> dict[str, SeenRecord]:
        found: dict[str, SeenRecord] = {}
        for chunk in chunks(keys, 500):
            marks = ",".join("?" * len(chunk))
            for key, record in self.db.execute(f"SELECT key, record FROM seen WHERE key IN ({marks})", chunk):
                found[key] = SeenRecord.from_json(record)
        return found

    def _reserve_chunk(
        self, batch: str, chunk: list[tuple[str, SeenRecord]], force: bool, info: str
    ) -> set[str]:
        granted: set[str] = set()
        with self._transaction():
            if info:
                meta = json.loads(info)
                self.db.execute(
                    "INSERT INTO batch VALUES (?, ?, ?, ?, ?) ON CONFLICT (batch) DO UPDATE SET "
                    "claimed_at = excluded.claimed_at",
                    (batch, meta["host"], meta["pid"], meta["claimed_at"], info),
                )
            for key, new in chunk:
                claimed = self.db.execute("SELECT record FROM claim WHERE key = ?", (key,)).fetchone()
                if claimed and SeenRecord.from_json(claimed[0]).job != new.job:
                    continue  # another job is writing it right now
                row = (
                    None
                    if force
                    else self.db.execute("SELECT record FROM seen WHERE key = ?", (key,)).fetchone()
                )
                if row and not SeenRecord.from_json(row[0]).accepts(new):
                    continue
                self.db.execute("INSERT OR REPLACE INTO claim VALUES (?, ?, ?)", (key, batch, new.to_json()))
                granted.add(key)
        return granted

    def claimed(self, batch: str, keys: Iterable[str]) -> dict[str, SeenRecord]:
        found: dict[str, SeenRecord] = {}
        for chunk in chunks(keys, 500):
            marks = ",".join("?" * len(chunk))
            query = f"SELECT key, record FROM claim WHERE batch = ? AND key IN ({marks})"
            for key, record in self.db.execute(query, [batch, *chunk]):
                found[key] = SeenRecord.from_json(record)
        return found

    def seal(self, batch: str, publication: Publication) -> None:
        self.db.execute("PRAGMA synchronous=FULL")
        try:
            with self._transaction():
                row = self.db.execute("SELECT info FROM batch WHERE batch = ?", (batch,)).fetchone()
                info = self._sealed_info(row[0] if row else None, batch, publication)
                self.db.execute(
                    "INSERT OR REPLACE INTO batch VALUES (?, ?, ?, ?, ?)",
                    (batch, info["host"], info["pid"], info["claimed_at"], json.dumps(info)),
                )
        finally:
            self.db.execute("PRAGMA synchronous=NORMAL")

    def commit(self, batch: str) -> None:
        self._settle(batch, commit=True)

    def abort(self, batch: str) -> None:
        self._settle(batch, commit=False)

    def _settle(self, batch: str, *, commit: bool) -> None:
        self._touched.pop(batch, None)
        while self._settle_chunk(batch, commit):
            pass

    def _settle_chunk(self, batch: str, commit: bool) -> bool:
        """Settle up to :data:`SETTLE_CHUNK` claims of ``batch`` at once; True while more are left."""
        with self._transaction():
            rows = self.db.execute(
                "SELECT key, record FROM claim WHERE batch = ? LIMIT ?", (batch, SETTLE_CHUNK)
            ).fetchall()
            if commit:
                self.db.executemany("INSERT OR REPLACE INTO seen VALUES (?, ?)", rows)
            self.db.executemany("DELETE FROM claim WHERE key = ?", [(key,) for key, _ in rows])
            if len(rows) < SETTLE_CHUNK:
                self.db.execute("DELETE FROM batch WHERE batch = ?", (batch,))
                return False
        return True

    def pending_batches(self) -> dict[str, Pending]:
        rows = self.db.execute("SELECT batch, host, pid, claimed_at, info FROM batch")
        return {b: Pending(h, int(p), float(t), json.loads(i)) for b, h, p, t, i in rows}

    def reset(self) -> int:
        with self._transaction():
            count = self.count()
            self.db.execute("DELETE FROM seen")
        return count

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM seen").fetchone()[0])

    def close(self) -> None:
        self.db.close()

    def _transaction(self) -> _Transaction:
        return _Transaction(self.db)


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``: one writer at a time across processes."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


# Atomic claim of some of a batch's keys (at most SETTLE_CHUNK a call): KEYS[1] seen hash, KEYS[2]
# claim hash, KEYS[3] batch hash, KEYS[4] batches hash; ARGV[1] batch, ARGV[2] "1" to force,
# ARGV[3] batch info (its claimed_at refreshed, the rest kept; "": leave it), then key/record pairs.
_RESERVE = """
if ARGV[3] ~= '' then
  local info = cjson.decode(ARGV[3])
  local old = redis.call('HGET', KEYS[4], ARGV[1])
  if old then
    local kept = cjson.decode(old)
    kept.claimed_at = info.claimed_at
    info = kept
  end
  redis.call('HSET', KEYS[4], ARGV[1], cjson.encode(info))
end
local granted = {}
for i = 4, #ARGV, 2 do
  local key, record = ARGV[i], ARGV[i + 1]
  local new = cjson.decode(record)
  local ok = true
  local claim = redis.call('HGET', KEYS[2], key)
  if claim then
    local c = cjson.decode(claim)
    if c.job ~= new.job then ok = false end
  end
  if ok and ARGV[2] ~= '1' then
    local seen = redis.call('HGET', KEYS[1], key)
    if seen then
      local s = cjson.decode(seen)
      if s.job ~= new.job and (new.content_hash == cjson.null or new.content_hash == s.content_hash) then
        ok = false
      end
    end
  end
  if ok then
    local claim_value = cjson.encode({batch = ARGV[1], job = new.job})
    redis.call('HSET', KEYS[2], key, claim_value)
    redis.call('HSET', KEYS[3], key, record)
    table.insert(granted, key)
  end
end
return granted
"""
# Settle some keys of a batch: KEYS[1] seen, KEYS[2] claim, KEYS[3] batch hash; ARGV[1] batch,
# ARGV[2] "1" to commit (else drop), then the keys (at most SETTLE_CHUNK).
_SETTLE = """
for i = 3, #ARGV do
  local key = ARGV[i]
  local record = redis.call('HGET', KEYS[3], key)
  if record then
    if ARGV[2] == '1' then redis.call('HSET', KEYS[1], key, record) end
    local claim = redis.call('HGET', KEYS[2], key)
    if claim and cjson.decode(claim).batch == ARGV[1] then redis.call('HDEL', KEYS[2], key) end
    redis.call('HDEL', KEYS[3], key)
  end
end
return #ARGV - 2
"""


class RedisSeenStore(SeenStore):
    """Hashes in one Redis database, shared by every crawler that points at it.

    No call holds Redis for long: claims and commits go in chunks of at most
    :data:`SETTLE_CHUNK` keys, so a backfill's 1,000,000-article file never
    blocks other clients (or hits the client's timeout).
    """

    def __init__(self, url: str, site: str) -> None:
        import redis

        self.site = site
        self._touched = {}
        self.client: Any = redis.Redis.from_url(url)
        self.client.ping()
        prefix = f"newscrawl:{site}"
        self.seen_key, self.claim_key, self.batches_key = (
            f"{prefix}:seen",
            f"{prefix}:claim",
            f"{prefix}:batches",
        )
        self._reserve = self.client.register_script(_RESERVE)
        self._settle_script = self.client.register_script(_SETTLE)

    def _batch_key(self, batch: str) -> str:
        return f"newscrawl:{self.site}:batch:{batch}"

    def lookup(self, keys: Iterable[str]) -> dict[str, SeenRecord]:
        found: dict[str, SeenRecord] = {}
        for wanted in chunks(keys):
            values = self.client.hmget(self.seen_key, wanted)
            found.update(
                (k, SeenRecord.from_json(v)) for k, v in zip(wanted, values, strict=True) if v is not None
            )
        return found

    def _reserve_chunk(
        self, batch: str, chunk: list[tuple[str, SeenRecord]], force: bool, info: str
    ) -> set[str]:
        keys = [self.seen_key, self.claim_key, self._batch_key(batch), self.batches_key]
        args: list[str] = [batch, "1" if force else "0", info]
        for key, record in chunk:
            args += [key, record.to_json()]
        return {k.decode() if isinstance(k, bytes) else k for k in self._reserve(keys=keys, args=args)}

    def claimed(self, batch: str, keys: Iterable[str]) -> dict[str, SeenRecord]:
        found: dict[str, SeenRecord] = {}
        for wanted in chunks(keys):
            values = self.client.hmget(self._batch_key(batch), wanted)
            found.update(
                (k, SeenRecord.from_json(v)) for k, v in zip(wanted, values, strict=True) if v is not None
            )
        return found

    def seal(self, batch: str, publication: Publication) -> None:
        info = self._sealed_info(self.client.hget(self.batches_key, batch), batch, publication)
        self.client.hset(self.batches_key, batch, json.dumps(info))

    def _settle(self, batch: str, *, commit: bool) -> None:
        self._touched.pop(batch, None)
        while True:
            # HSCAN returns every key present from start to end at least once, deleted ones or not
            for chunk in chunks(self.client.hscan_iter(self._batch_key(batch), count=SETTLE_CHUNK)):
                self._settle_chunk(batch, [k for k, _ in chunk], commit)
            if not self.client.exists(self._batch_key(batch)):
                break
        self.client.hdel(self.batches_key, batch)

    def _settle_chunk(self, batch: str, fields: list[bytes], commit: bool) -> None:
        keys = [self.seen_key, self.claim_key, self._batch_key(batch)]
        self._settle_script(keys=keys, args=[batch, "1" if commit else "0", *fields])

    def commit(self, batch: str) -> None:
        self._settle(batch, commit=True)

    def abort(self, batch: str) -> None:
        self._settle(batch, commit=False)

    def pending_batches(self) -> dict[str, Pending]:
        result = {}
        for batch, raw in self.client.hgetall(self.batches_key).items():
            info = json.loads(raw)
            name = batch.decode() if isinstance(batch, bytes) else batch
            result[name] = Pending(info["host"], int(info["pid"]), float(info["claimed_at"]), info)
        return result

    def reset(self) -> int:
        count = self.count()
        self.client.delete(self.seen_key)
        return count

    def count(self) -> int:
        return int(self.client.hlen(self.seen_key))

    def close(self) -> None:
        self.client.close()


class SeenTracker:
    """A job's view of the seen-store: which article requests to skip, and the commit steps.

    Built by the spider from settings (``NEWSCRAWL_SEEN_STORE_ENABLED``,
    ``NEWSCRAWL_SEEN_STORE``, ``NEWSCRAWL_STATE_DIR``); with ``-a recrawl=true``
    the store is not consulted before requests and every article is written
    again, and still recorded.

    So that an article is not fetched again in every run, what a fetch saw
    besides the page is recorded with it: a feed's or sitemap's modification
    time later than any the page shows becomes the record's modification time
    (a link is fetched again only when its time is later than that), also when
    the refetched article is unchanged; and a listed URL other than the
    article's final one (a redirect, a canonical URL, an edited slug) is
    recorded as seen too, as an alias of the article.
    """

    def __init__(
        self,
        store: SeenStore,
        job: str,
        *,
        recrawl: bool = False,
        crawler: Any = None,
        claim_timeout: float = 0,
    ) -> None:
        self.store = store
        self.job = job
        self.recrawl = recrawl
        self.crawler = crawler  # its stats exist only once the crawl has started
        #: feeds that take no part in the seen-store (-O snapshots, stdout, remote storages)
        self.snapshot_feeds = snapshot_feeds(crawler.settings) if crawler is not None else []
        if self.snapshot_feeds and not recrawl:
            logger.info(
                "seen-store: %s written in full: every article found is fetched and written "
                "(-O writes a complete snapshot; see docs/incremental.md)",
                ", ".join(self.snapshot_feeds),
            )
        # what this job looked up, by key_digest(): the modification time an earlier job wrote the
        # article with ("" when it had none), or that no job wrote it; so that a link met again in
        # another source costs no lookup yet can still announce a newer version. 16-byte digests
        # and one string per article: a backfill meets hundreds of thousands.
        self._written: dict[bytes, str] = {}
        self._unwritten: set[bytes] = set()
        self._counted: set[bytes] = set()
        # by key digest of the article URL: a listing's modification time later than the page's
        # (rare: kept only then), and the other listed URLs' keys of the article (rarer)
        self._listed: dict[bytes, str] = {}
        self._listed_keys: dict[bytes, str] = {}  # their keys, to date an article claimed before
        self._aliases: dict[bytes, set[str]] = {}
        self._alias_keys: dict[bytes, str] = {}  # the article's key, to record aliases met after its claim
        committed, dropped, given_up = store.recover(foreign_timeout=claim_timeout)
        if committed or dropped:
            logger.info(
                "seen-store recovery: %d interrupted commit(s) completed, %d dropped", committed, dropped
            )
        if given_up:
            self._inc("claims_given_up", given_up)

    def _inc(self, key: str, count: int = 1) -> None:
        if self.crawler is None:
            return
        try:
            stats = self.crawler.stats
        except RuntimeError:  # before the crawl starts
            return
        stats.inc_value(f"newscrawl/seen_store/{key}", count)

    def to_skip(self, candidates: Mapping[str, str | None]) -> set[str]:
        """Keys (of ``{key: modified hint}``) already written, unless the hint shows a newer version."""
        if self.recrawl or self.snapshot_feeds or not candidates:
            return set()
        from newscrawl.utils.urls import key_digest

        digests = {key: key_digest(key) for key in candidates}
        unknown = [k for k, d in digests.items() if d not in self._written and d not in self._unwritten]
        if unknown:
            found = self.store.lookup(unknown)
            for key in unknown:
                record = found.get(key)
                if record is None:
                    self._unwritten.add(digests[key])
                else:
                    self._written[digests[key]] = record.modified or ""
        skip = set()
        for key, hint in candidates.items():
            digest = digests[key]
            modified = self._written.get(digest)
            if modified is None:
                continue
            if hint and later(hint, modified):
                self._inc("refetch_updated")
                self.note_listed(key, hint)
                continue
            skip.add(key)
            if digest not in self._counted:
                self._counted.add(digest)
                self._inc("skipped")
        return skip

    def note_listed(self, key: str, modified: str) -> None:
        """A link to ``key`` that a feed or sitemap dates ``modified``, met after its request was made."""
        from newscrawl.utils.urls import key_digest

        digest = key_digest(key)
        known = self._listed.get(digest)
        if known is None or later(modified, known):
            self._listed[digest] = modified
            self._listed_keys[digest] = key

    def note_fetch(
        self, url: str, listed_url: str, listed_modified: str | None, modified: str | None
    ) -> None:
        """The article at ``url`` was read from the link ``listed_url`` (dated ``listed_modified``).

        ``modified``: the page's own modification (else publication) time.
        """
        from newscrawl.utils.urls import key_digest, url_key

        digest = key_digest(key := url_key(url))
        listed_key = url_key(listed_url)
        if listed_key != key:
            self._aliases.setdefault(digest, set()).add(listed_key)
            self._alias_keys[digest] = key
            earlier = self._listed.pop(key_digest(listed_key), None)
            if earlier and (not listed_modified or later(earlier, listed_modified)):
                listed_modified = earlier
        if listed_modified and later(listed_modified, modified):
            self.note_listed(key, listed_modified)

    def reserve(
        self, batch: str, records_by_url: Mapping[str, SeenRecord], info: Mapping[str, Any] | None = None
    ) -> set[str]:
        """Claim articles for the output batch ``batch``; return the URLs that may be written to it."""
        from newscrawl.utils.urls import key_digest, url_key

        by_key = {}
        dated: set[str] = set()  # keys whose time is a listing's, later than the page's
        for url, r in records_by_url.items():
            key = url_key(url)
            modified = r.modified
            listed = self._listed.pop(key_digest(key), None)
            if listed and later(listed, modified):
                modified = listed
                dated.add(key)
            by_key[key] = SeenRecord(r.url, modified, r.content_hash, self.job)
        granted = self.store.reserve(batch, by_key, force=self.recrawl, info=info)
        self._inc("recorded", len(granted))
        also = self._also_seen(by_key, granted, dated)
        if also:
            self.store.reserve(batch, also, force=True)
        return {by_key[k].url for k in granted}

    def _also_seen(
        self, by_key: Mapping[str, SeenRecord], granted: set[str], dated: set[str]
    ) -> dict[str, SeenRecord]:
        """Records committed with the batch besides its lines: aliases, and newer times of unchanged articles.

        An article refused because an earlier job wrote the same version still
        gets the time this fetch saw (else a listing's later time would fetch it
        again in every run) and its aliases.
        """
        from newscrawl.utils.urls import key_digest

        aliases: dict[str, set[str]] = {}
        if self._aliases:
            for key in by_key:
                found = self._aliases.pop(key_digest(key), None)
                if found:
                    aliases[key] = found - by_key.keys()  # a URL written as an article is no alias
        also = {alias: by_key[k] for k in granted & aliases.keys() for alias in aliases[k]}
        refused = [k for k in dated | aliases.keys() if k not in granted]
        for key, seen in self.store.lookup(refused).items():
            new = by_key[key]
            if new.content_hash is None or seen.content_hash != new.content_hash:
                continue  # another version: refused because another job is writing it
            if key in dated and new.modified and later(new.modified, seen.modified):
                also[key] = new
            also.update(dict.fromkeys(aliases.get(key, ()), new))
        return also

    def seal(self, batch: str, publication: Publication) -> None:
        self.store.seal(batch, publication)

    def commit(self, batch: str) -> None:
        self._date_claimed(batch)
        self.store.commit(batch)

    def _date_claimed(self, batch: str) -> None:
        """Listing times and aliases met after their article was claimed (it is claimed as it is exported).

        The article read again from another link is a duplicate the pipeline
        drops, so it is not claimed again: what that fetch saw is recorded here.
        """
        from newscrawl.utils.urls import key_digest

        waiting = {key: self._listed[d] for d, key in self._listed_keys.items() if d in self._listed}
        self._listed_keys = {d: key for d, key in self._listed_keys.items() if d in self._listed}
        self._alias_keys = {d: key for d, key in self._alias_keys.items() if d in self._aliases}
        aliased = set(self._alias_keys.values())
        late = {}
        for key, record in self.store.claimed(batch, waiting.keys() | aliased).items():
            if key in waiting and later(waiting[key], record.modified):
                record = late[key] = SeenRecord(record.url, waiting[key], record.content_hash, self.job)
            self._listed.pop(key_digest(key), None)
            for alias in self._aliases.pop(key_digest(key), ()):
                if alias != key:
                    late[alias] = record
        if late:
            self.store.reserve(batch, late, force=True)

    def abort(self, batch: str) -> None:
        self.store.abort(batch)

    def close(self) -> None:
        self.store.close()


def later(time: str, than: str | None) -> bool:
    """Is ISO 8601 ``time`` after ``than`` (None or "": no time known, so yes)?"""
    if not than:
        return True
    try:
        return datetime.fromisoformat(time) > datetime.fromisoformat(than)
    except (ValueError, TypeError):  # unreadable, or one without an offset
        return time > than


def sqlite_path(state_dir: str | Path | None, site: str) -> Path:
    """The SQLite file of ``site`` in ``NEWSCRAWL_STATE_DIR`` (unset: :func:`default_state_dir`)."""
    directory = Path(state_dir) if state_dir else default_state_dir()
    return directory.expanduser() / f"seen-{site}.sqlite3"


def snapshot_feeds(settings: Any) -> list[str]:
    """The ``FEEDS`` that take no part in the seen-store: ``-O``/``overwrite`` files, stdout, remote URIs.

    Only the local files :class:`~newscrawl.feedstorage.AtomicFileFeedStorage`
    appends to (the default feed, ``-o``) are incremental. A job with any
    other feed skips nothing, so that feed gets every article it finds.
    """
    found = []
    for uri, options in settings.getdict("FEEDS").items():
        scheme = urlsplit(str(uri)).scheme
        local = scheme in ("", "file") or len(scheme) == 1  # a Windows drive letter
        if not local or str(uri) == "-" or (options or {}).get("overwrite"):
            found.append(str(uri))
    return found


def open_store(setting: str | None, state_dir: str | Path | None, site: str) -> SeenStore:
    """The store named by ``NEWSCRAWL_SEEN_STORE`` (unset: SQLite in ``NEWSCRAWL_STATE_DIR``)."""
    if setting:
        scheme = urlsplit(setting).scheme
        if scheme in ("redis", "rediss", "unix"):
            return RedisSeenStore(setting, site)
        raise ValueError(
            f"NEWSCRAWL_SEEN_STORE={setting!r}: expected redis://host:port/db (or leave it unset for SQLite)"
        )
    return SqliteSeenStore(sqlite_path(state_dir, site), site)


def store_errors(setting: str | None) -> tuple[type[Exception], ...]:
    """What a store raises when it cannot do its work: the state directory or SQLite file unusable,
    or (with a Redis URL in ``setting``) the server unreachable or gone."""
    errors: tuple[type[Exception], ...] = (OSError, sqlite3.Error)
    if setting:
        import redis

        errors += (redis.RedisError,)
    return errors


def store_failure(setting: str | None, state_dir: str | Path | None, exc: Exception) -> str:
    """One line naming the store's setting and what is wrong with it."""
    if setting:
        where = f"NEWSCRAWL_SEEN_STORE={setting!r}"
    elif state_dir:
        where = f"NEWSCRAWL_STATE_DIR={str(state_dir)!r}"
    else:
        where = f"the default state directory {default_state_dir()}"
    if isinstance(exc, FileExistsError | NotADirectoryError):  # a file where a directory is needed
        return f"{where}: {exc.filename} is not a directory"
    return f"{where}: the seen-store cannot be opened: {exc}"


def _sites_of_spiders(settings: Any) -> dict[str, str]:
    """``{spider name: site code}`` of the project's spiders (Scrapy's spider loader)."""
    from scrapy.spiderloader import get_spider_loader

    loader = get_spider_loader(settings)
    sites = {name: getattr(loader.load(name), "site", None) for name in loader.list()}
    return {name: site for name, site in sites.items() if isinstance(site, str)}


def main(argv: list[str] | None = None) -> int:
    """``python -m newscrawl.seen [-s NAME=VALUE] [--store URL] [--state-dir DIR] {count,reset} SITE``.

    Count or forget the articles a site's earlier jobs wrote. SITE is a site code (rfi, f24, mcd):
    every spider of a site (rfi_cn, rfi_fr…) shares its store; ``count`` also takes a spider name.
    The store is the one a crawl would use: the project's settings, then ``-s``, ``--store``,
    ``--state-dir``. Nothing is created: counting a store that does not exist gives 0.
    """
    import argparse

    from scrapy.utils.project import get_project_settings

    prog = "python -m newscrawl.seen"
    parser = argparse.ArgumentParser(prog=prog, description=main.__doc__)
    parser.add_argument(
        "-s", "--set", dest="settings", metavar="NAME=VALUE", action="append", default=[],
        help="a setting, as with scrapy crawl -s (NEWSCRAWL_SEEN_STORE, NEWSCRAWL_STATE_DIR)",
    )  # fmt: skip
    parser.add_argument(
        "--store", metavar="URL", help="a Redis store, redis://host:port/db (NEWSCRAWL_SEEN_STORE)"
    )
    parser.add_argument(
        "--state-dir", metavar="DIR", help="directory of the SQLite stores (NEWSCRAWL_STATE_DIR)"
    )
    parser.add_argument("command", choices=("count", "reset"))
    parser.add_argument("site", help="site code: rfi, f24 or mcd (count: also a spider name, such as rfi_cn)")
    args = parser.parse_args(argv)
    settings = get_project_settings()
    for pair in args.settings:
        name, equals, value = pair.partition("=")
        if not equals or not name:
            parser.error(f"-s {pair!r}: expected NAME=VALUE")
        settings.set(name, value, priority="cmdline")
    for name, value in (("NEWSCRAWL_SEEN_STORE", args.store), ("NEWSCRAWL_STATE_DIR", args.state_dir)):
        if value is not None:
            settings.set(name, value, priority="cmdline")

    spiders = _sites_of_spiders(settings)
    sites = sorted(set(spiders.values()))
    site, shown = args.site, args.site
    if site not in sites:
        if site not in spiders:
            parser.error(
                f"unknown site {site!r}: choose from {', '.join(sites)} (count also takes a spider name)"
            )
        site = spiders[site]
        sharing = sorted(name for name, of in spiders.items() if of == site)
        if args.command == "reset":
            parser.error(
                f"{args.site} is a spider: its articles are kept under site {site!r}, with those of "
                f"{', '.join(sharing)}; 'reset {site}' forgets them all"
            )
        shown = f"{site} (the store {args.site} shares with every {site} spider)"

    done = "{} articles seen for " if args.command == "count" else "forgot {} articles seen for "
    setting, state_dir = settings.get("NEWSCRAWL_SEEN_STORE"), settings.get("NEWSCRAWL_STATE_DIR")
    if not setting and not sqlite_path(state_dir, site).exists():  # nothing to count or forget
        print(done.format(0) + f"{shown}: no store at {sqlite_path(state_dir, site)}")
        return 0
    try:
        store = open_store(setting, state_dir, site)
        try:
            print(done.format(store.count() if args.command == "count" else store.reset()) + shown)
        finally:
            store.close()
    except ValueError as exc:  # a NEWSCRAWL_SEEN_STORE open_store does not understand
        print(f"{prog}: {exc}", file=sys.stderr)
        return 1
    except store_errors(setting) as exc:
        print(f"{prog}: {store_failure(setting, state_dir, exc)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
