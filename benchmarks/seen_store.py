"""Seen-store benchmark: fill a store with N URLs, then measure lookups per second and memory.

    .venv/bin/python benchmarks/seen_store.py                      # SQLite, 1,000,000 URLs
    .venv/bin/python benchmarks/seen_store.py --redis redis://127.0.0.1:6379/15 --count 200000
    .venv/bin/python benchmarks/seen_store.py --redis redis://127.0.0.1:6379/15 --claims 1000000

Prints the fill rate, lookups per second for batches of 500 keys (how the
spider asks: one lookup per listing/feed page) and one key at a time, half of
them present, and the growth of this process's resident memory (the store's
data lives on disk or in Redis, not in the crawler).

With ``--claims N``: one output file of N articles (a backfill), claimed one
article at a time as the feed exporter does, sealed and committed; prints the
rates and the longest wait of another client (a PING every 10 ms, or an SQLite
reader) while the claims and while the commit run.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from newscrawl.seen import Publication, RedisSeenStore, SeenRecord, SeenStore, SqliteSeenStore
from newscrawl.utils.urls import url_key


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def url(i: int) -> str:
    return f"https://www.rfi.fr/cn/%E4%B8%AD%E5%9B%BD/2024{i % 12 + 1:02d}{i % 28 + 1:02d}-article-{i:08d}"


def fill(store: SeenStore, count: int, batch: int = 5000) -> float:
    start = time.perf_counter()
    for first in range(0, count, batch):
        records = {
            url_key(url(i)): SeenRecord(url(i), "2024-02-01T00:00:00+00:00", f"{i:064x}", "bench")
            for i in range(first, min(first + batch, count))
        }
        name = f"bench-{first}#bench"
        store.reserve(name, records)
        store.commit(name)
    return time.perf_counter() - start


def record(i: int) -> tuple[str, SeenRecord]:
    return url_key(url(i)), SeenRecord(url(i), "2024-02-01T00:00:00+00:00", f"{i:064x}", "bench")


def _watch(store_spec: str, stop: Any, longest: Any) -> None:
    """Another client (its own process), asking the store every 10 ms; keeps its longest wait."""
    store = (
        RedisSeenStore(store_spec, "bench")
        if "://" in store_spec
        else SqliteSeenStore(Path(store_spec), "bench")
    )
    while not stop.is_set():
        start = time.perf_counter()
        store.lookup(["https://www.rfi.fr/cn/x"])
        longest.value = max(longest.value, time.perf_counter() - start)
        time.sleep(0.01)


class Watch:
    """:func:`_watch` in a process of its own (not sharing this one's GIL) while the block runs."""

    def __init__(self, store_spec: str) -> None:
        context = multiprocessing.get_context("spawn")
        self.stop = context.Event()
        self._longest = context.Value("d", 0.0)
        self._process = context.Process(target=_watch, args=(store_spec, self.stop, self._longest))

    @property
    def longest(self) -> float:
        return float(self._longest.value)

    def __enter__(self) -> Watch:
        self._process.start()
        time.sleep(1.0)  # its imports and connection
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self._process.join()


def claims(store: SeenStore, store_spec: str, count: int) -> None:
    """One file of ``count`` articles: claimed one at a time, sealed, committed."""
    batch = "/srv/output/backfill.jsonl.part-bench#bench"
    info = {"part": batch, "target": "/srv/output/backfill.jsonl"}
    with Watch(store_spec) as during_claims:
        start = time.perf_counter()
        for i in range(count):
            key, rec = record(i)
            store.reserve(batch, {key: rec}, info=info)
        claimed = time.perf_counter() - start
    with Watch(store_spec) as during_commit:
        start = time.perf_counter()
        store.seal(batch, Publication(batch, info["target"], 0, 0, ""))
        store.commit(batch)
        committed = time.perf_counter() - start
    assert store.count() == count
    assert store.pending_batches() == {}
    print(f"claims: {count:,} articles of one file in {claimed:.1f} s ({count / claimed:,.0f}/s)")
    print(f"  another client's longest wait meanwhile: {during_claims.longest * 1000:.0f} ms")
    print(f"seal + commit: {committed:.1f} s ({count / committed:,.0f} claims/s)")
    print(f"  another client's longest wait meanwhile: {during_commit.longest * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=100_000)
    parser.add_argument("--redis", help="redis://host:port/db of a scratch database (it is emptied)")
    parser.add_argument("--claims", type=int, help="instead: claim and commit one file of this many articles")
    args = parser.parse_args()

    rss_start = rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        store: SeenStore
        if args.redis:
            store = RedisSeenStore(args.redis, "bench")
            store.client.flushdb()
            backend = f"Redis {args.redis}"
        else:
            store = SqliteSeenStore(Path(tmp) / "seen-bench.sqlite3", "bench")
            backend = "SQLite"
        if args.claims:
            print(f"backend: {backend}")
            claims(store, args.redis or str(Path(tmp) / "seen-bench.sqlite3"), args.claims)
            return
        fill_seconds = fill(store, args.count)
        rss_filled = rss_mb()
        assert store.count() == args.count

        rng = random.Random(7)
        # half present, half absent keys
        keys = [url_key(url(rng.randrange(args.count * 2))) for _ in range(args.lookups)]
        start = time.perf_counter()
        found = 0
        for first in range(0, len(keys), 500):
            found += len(store.lookup(keys[first : first + 500]))
        batched = len(keys) / (time.perf_counter() - start)
        singles = keys[: args.lookups // 10]
        start = time.perf_counter()
        for key in singles:
            store.lookup([key])
        single = len(singles) / (time.perf_counter() - start)
        rss_end = rss_mb()
        size = ""
        if not args.redis:
            db = Path(tmp) / "seen-bench.sqlite3"
            size = f", {db.stat().st_size / 1e6:.0f} MB on disk"
        store.close()

    rate = args.count / fill_seconds
    print(f"backend: {backend}; {args.count:,} URLs stored in {fill_seconds:.1f} s ({rate:,.0f}/s){size}")
    print(f"lookups, batches of 500: {batched:,.0f} keys/s ({found:,} of {len(keys):,} found)")
    print(f"lookups, one key at a time: {single:,.0f} keys/s")
    print(
        f"process RSS: {rss_start:.0f} MB at start, {rss_filled:.0f} MB after filling, "
        f"{rss_end:.0f} MB after lookups (growth {rss_end - rss_start:+.0f} MB)"
    )


if __name__ == "__main__":
    main()
