"""Seen-store benchmark: fill a store with N URLs, then measure lookups per second and memory.

    .venv/bin/python benchmarks/seen_store.py                      # SQLite, 1,000,000 URLs
    .venv/bin/python benchmarks/seen_store.py --redis redis://127.0.0.1:6379/15 --count 200000

Prints the fill rate, lookups per second for batches of 500 keys (how the
spider asks: one lookup per listing/feed page) and one key at a time, half of
them present, and the growth of this process's resident memory (the store's
data lives on disk or in Redis, not in the crawler).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from newscrawl.seen import RedisSeenStore, SeenRecord, SeenStore, SqliteSeenStore
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=100_000)
    parser.add_argument("--redis", help="redis://host:port/db of a scratch database (it is emptied)")
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
