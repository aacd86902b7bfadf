"""Dataset build benchmark: throughput, peak memory and near-duplicate quality, printed.

    .venv/bin/python benchmarks/dataset.py                    # 1,000,000 input rows
    .venv/bin/python benchmarks/dataset.py --rows 100000 --skip-full

Writes run files of ``--rows`` synthetic articles (tests/dataset_corpus.py: random words of
each edition's language, 21 editions, 11 years; 2 % of them crawled again with an edited
text, 1 % copied under a second URL of the same language) to a temporary directory, then
builds them twice, each build in its own process (``python -m newscrawl.dataset build``):

1. exact stages only (``--no-near-duplicates --no-language-check``): read, versions,
   latest, exact duplicates, write; target >= 20,000 input rows/s;
2. everything (near duplicates and the language check too): target >= 1,500 rows/s.

Peak RSS is the child's ``ru_maxrss`` (DuckDB runs in that process); target <= 1 GB at
1,000,000 rows. Last, the labelled near-duplicate set (planted pairs in 17 languages) is
built and its recall and precision printed (targets 0.98 and 0.97).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.dataset_corpus import item, near_duplicate_pairs, planted, synthetic, write_run  # noqa: E402

TARGET_EXACT = 20_000
TARGET_FULL = 1_500
TARGET_RSS_MB = 1024
TARGET_RECALL = 0.98
TARGET_PRECISION = 0.97


def make_runs(runs: Path, rows: int, per_file: int = 100_000) -> int:
    """Run files of ``rows`` lines in all; returns the number of lines written."""
    rng = random.Random(3)
    written = 0
    fh = None
    for i, line in enumerate(synthetic(rows)):
        if i % per_file == 0:
            if fh:
                fh.close()
            path = runs / line["site"] / f"run-{i // per_file:04d}.jsonl"
            path.parent.mkdir(parents=True, exist_ok=True)
            fh = path.open("w", encoding="utf-8")
        assert fh is not None
        roll = rng.random()
        if roll < 0.02:  # crawled again later with an edited text: a second version
            edited = line["body"] + " (mise à jour)"
            again = item(
                line["url"],
                edited,
                **{k: line[k] for k in ("site", "edition", "language", "published")},
                crawled_at="2026-01-02T00:00:00+00:00",
            )
            fh.write(json.dumps(again, ensure_ascii=False) + "\n")
            written += 1
        elif roll < 0.03:  # the same text under a second URL
            twin = {**line, "url": line["url"] + "-copy"}
            fh.write(json.dumps(twin, ensure_ascii=False) + "\n")
            written += 1
        fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        written += 1
    if fh:
        fh.close()
    return written


def timed_build(runs: Path, dataset: Path, *flags: str) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, last log line) of one build in a child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "newscrawl.dataset", "build", str(runs), str(dataset), *flags],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    log = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"build failed ({proc.returncode}):\n{log}")
    return seconds, usage.ru_maxrss / 1024, log.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--skip-full", action="store_true", help="only the exact stages")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newscrawl-dataset-bench-") as tmp:
        runs = Path(tmp) / "output"
        start = time.perf_counter()
        lines = make_runs(runs, args.rows)
        size = sum(p.stat().st_size for p in runs.rglob("*.jsonl"))
        print(
            f"input: {lines:,} lines, {size / 1e9:.2f} GB of run files "
            f"(made in {time.perf_counter() - start:.0f} s)"
        )
        seconds, rss, last = timed_build(
            runs, Path(tmp) / "exact", "--no-near-duplicates", "--no-language-check"
        )
        rate = lines / seconds
        print(
            f"exact stages: {seconds:.1f} s, {rate:,.0f} rows/s (target >= {TARGET_EXACT:,}), "
            f"peak RSS {rss:.0f} MB (target <= {TARGET_RSS_MB})"
        )
        print(f"  {last}")
        if not args.skip_full:
            seconds, rss, last = timed_build(runs, Path(tmp) / "full")
            rate = lines / seconds
            print(
                f"near duplicates + language check: {seconds:.1f} s, {rate:,.0f} rows/s "
                f"(target >= {TARGET_FULL:,}), peak RSS {rss:.0f} MB (target <= {TARGET_RSS_MB})"
            )
            print(f"  {last}")
        items, positives = planted()
        write_run(Path(tmp) / "planted" / "runs" / "planted.jsonl", items)
        timed_build(Path(tmp) / "planted" / "runs", Path(tmp) / "planted" / "ds")
        found = near_duplicate_pairs(Path(tmp) / "planted" / "ds")
        hits = len(found & positives)
        languages = len({i["language"] for i in items})
        print(
            f"planted near duplicates: {len(items)} texts in {languages} languages, "
            f"{len(positives)} positive pairs; "
            f"found {len(found)} pairs, recall {hits / len(positives):.3f} (target >= {TARGET_RECALL}), "
            f"precision {hits / max(1, len(found)):.3f} (target >= {TARGET_PRECISION})"
        )


if __name__ == "__main__":
    main()
