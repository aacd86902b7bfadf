"""python -m newscrawl.dataset: run files to a Parquet dataset that the common clients load."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from newscrawl.dataset.build import Options, build
from newscrawl.dataset.verify import verify
from tests.dataset_corpus import item, near_duplicate_pairs, planted, synthetic, write_run

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _offline_hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf" / "datasets"))


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newscrawl.dataset", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def rows(dataset: Path, kind: str, columns: str = "*") -> list[dict[str, Any]]:
    files = sorted(str(p) for p in (dataset / kind).rglob("*.parquet"))
    if not files:
        return []
    rel = duckdb.sql(f"SELECT {columns} FROM read_parquet({files!r}) ORDER BY ALL")
    names = rel.columns
    return [dict(zip(names, row, strict=True)) for row in rel.fetchall()]


def tree(dataset: Path) -> dict[str, bytes]:
    return {
        p.relative_to(dataset).as_posix(): p.read_bytes() for p in sorted(dataset.rglob("*")) if p.is_file()
    }


def test_crawl_does_not_import_the_dataset_stack() -> None:
    code = (
        "import sys, newscrawl.settings, newscrawl.spiders.rfi, newscrawl.spiders.f24;"
        "import newscrawl.pipelines.validation;"
        "names = ('pyarrow', 'duckdb', 'rensa', 'pycld2', 'newscrawl.dataset');"
        "print(sorted(m for m in names if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_null_first_rows_load_in_every_client(tmp_path: Path) -> None:
    import datasets
    import polars as pl

    runs = tmp_path / "output"
    lines = list(synthetic(30_000, words_per_text=12, spiders=("rfi_fr", "f24_fr", "rfi_cn")))
    for i, line in enumerate(lines):
        line["modified"] = None if i < 25_000 else "2026-02-03T04:05:06+01:00"
    run = write_run(runs / "rfi" / "2026-01-01T00-00-00.jsonl", lines)
    # the failure the dataset step exists for: Arrow infers `modified` from the first block as null
    with pytest.raises(datasets.exceptions.DatasetGenerationError):
        datasets.load_dataset("json", data_files=str(run), cache_dir=str(tmp_path / "raw"))

    dataset = tmp_path / "ds"
    done = cli("build", str(runs), str(dataset))
    assert done.returncode == 0, done.stderr
    assert "30000 lines read; 30000 articles" in done.stderr

    loaded = datasets.load_dataset(str(dataset), split="train")
    assert loaded.num_rows == 30_000
    assert str(loaded.features["published"].dtype) == "timestamp[us, tz=UTC]"
    assert str(loaded.features["modified"].dtype) == "timestamp[us, tz=UTC]"
    assert sum(m is not None for m in loaded["modified"]) == 5_000
    assert loaded[29_999]["modified"] is not None
    configs = datasets.get_dataset_config_names(str(dataset))
    spiders = [c for c in configs if "_" in c]
    languages = [c for c in configs if "_" not in c and c not in ("default", "versions", "removed")]
    assert (spiders, languages) == (["f24_fr", "rfi_cn", "rfi_fr"], ["fr", "zh-Hans"])
    counts = {c: datasets.load_dataset(str(dataset), c, split="train").num_rows for c in configs}
    assert sum(counts[c] for c in spiders) == 30_000
    assert sum(counts[c] for c in languages) == 30_000
    assert counts["versions"] == 30_000
    assert counts["default"] == 30_000
    streamed = datasets.load_dataset(str(dataset), split="train", streaming=True)
    first = next(iter(streamed))
    assert first["published"].tzinfo is not None
    assert first["published"].utcoffset().total_seconds() == 0
    assert sum(1 for _ in streamed) == 30_000

    glob = str(dataset / "data" / "**" / "*.parquet")
    count, typ, late = duckdb.sql(
        f"SELECT count(*), any_value(typeof(published)), count(modified) FROM read_parquet('{glob}')"
    ).fetchall()[0]
    assert (count, typ, late) == (30_000, "TIMESTAMP WITH TIME ZONE", 5_000)
    frame = pl.scan_parquet(glob)
    assert frame.select(pl.len()).collect().item() == 30_000
    assert frame.collect_schema()["published"] == pl.Datetime("us", "UTC")
    assert frame.select(pl.col("modified").is_not_null().sum()).collect().item() == 5_000
    import pandas as pd

    table = pd.read_parquet(dataset / "data")
    assert len(table) == 30_000
    assert str(table["published"].dtype) == "datetime64[us, UTC]"
    # files sized for readers: one per site/edition/year, sorted by published inside
    assert len(list((dataset / "data").rglob("*.parquet"))) == 3 * 11
    part = pq.read_table(next((dataset / "data" / "rfi" / "cn").rglob("*.parquet")))
    assert part.column("published").to_pylist() == sorted(part.column("published").to_pylist())
    assert set(part.column("site").to_pylist()) == {"rfi"}
    assert set(part.column("edition").to_pylist()) == {"cn"}
    assert verify(dataset) == []


def test_versions_keep_every_text_data_the_latest(tmp_path: Path) -> None:
    url = "https://www.rfi.fr/fr/france/20240201-budget"
    first = item(url, "Le budget est adopté en première lecture.", crawled_at="2026-01-01T00:00:00+00:00")
    second = item(
        url,
        "Le budget est adopté en première lecture, après un vote serré.",
        modified="2024-02-01T12:00:00+00:00",
        crawled_at="2026-01-02T00:00:00+00:00",
    )
    again = {**second, "crawled_at": "2026-01-03T00:00:00+00:00", "title": "Titre corrigé"}
    write_run(tmp_path / "runs" / "rfi_fr" / "a.jsonl", [first])
    write_run(tmp_path / "runs" / "rfi_fr" / "b.jsonl", [second])
    write_run(tmp_path / "runs" / "rfi_fr" / "c.jsonl", [again])
    build(tmp_path / "runs", tmp_path / "ds")
    data = rows(tmp_path / "ds", "data")
    assert len(data) == 1
    assert data[0]["body"] == second["body"]
    assert data[0]["versions"] == 2
    assert data[0]["title"] == "Titre corrigé"  # the latest crawl of that text
    assert str(data[0]["first_crawled_at"]) == "2026-01-02 00:00:00+00:00"
    versions = rows(tmp_path / "ds", "versions", "version, content_hash, body, first_crawled_at")
    assert [(v["version"], v["content_hash"]) for v in versions] == [
        (1, first["content_hash"]),
        (2, second["content_hash"]),
    ]


def test_exact_duplicates_across_urls_within_a_language(tmp_path: Path) -> None:
    wire = "Le président a annoncé dimanche la dissolution de l'Assemblée nationale."
    lines = [
        item("https://www.rfi.fr/fr/france/20240609-a", wire, published="2024-06-09T20:00:00+00:00"),
        item(
            "https://www.france24.com/fr/france/20240609-b",
            wire,
            site="f24",
            published="2024-06-09T20:05:00+00:00",
        ),
        item("https://www.rfi.fr/en/france/20240609-c", wire, edition="en", language="en"),
    ]
    write_run(tmp_path / "runs" / "x.jsonl", lines)
    build(tmp_path / "runs", tmp_path / "ds")
    data = rows(tmp_path / "ds", "data", "url, exact_duplicates")
    assert data == [
        {"url": "https://www.rfi.fr/en/france/20240609-c", "exact_duplicates": 0},
        {"url": "https://www.rfi.fr/fr/france/20240609-a", "exact_duplicates": 1},
    ]
    removed = rows(tmp_path / "ds", "removed", "url, removed_reason, duplicate_of, similarity")
    assert removed == [
        {
            "url": "https://www.france24.com/fr/france/20240609-b",
            "removed_reason": "exact_duplicate",
            "duplicate_of": "https://www.rfi.fr/fr/france/20240609-a",
            "similarity": 1.0,
        }
    ]


def test_planted_near_duplicates_recall_and_precision(tmp_path: Path) -> None:
    lines, positives = planted()
    languages = {line["language"] for line in lines}
    assert len(languages) >= 4
    assert {"zh-Hans", "zh-Hant", "km"} <= languages
    write_run(tmp_path / "runs" / "planted.jsonl", lines)
    build(tmp_path / "runs", tmp_path / "ds")
    found = near_duplicate_pairs(tmp_path / "ds")
    hits = len(found & positives)
    assert hits / len(positives) >= 0.98
    assert hits / len(found) >= 0.97
    removed = rows(tmp_path / "ds", "removed", "removed_reason, similarity, near_dup_cluster_size")
    assert len(removed) >= 0.98 * 2 * len(lines) / 3
    assert {r["removed_reason"] for r in removed} == {"near_duplicate"}
    assert min(r["similarity"] for r in removed) >= 0.7
    assert {r["near_dup_cluster_size"] for r in removed} <= {
        2,
        3,
    }


def test_short_texts_match_only_when_equal(tmp_path: Path) -> None:
    lines = [
        item("https://www.rfi.fr/fr/a/20240101-1", "Vidéo : Paris."),
        item("https://www.rfi.fr/fr/a/20240101-2", "VIDÉO — paris"),
        item("https://www.rfi.fr/fr/a/20240101-3", "Vidéo : Lyon."),
    ]
    write_run(tmp_path / "runs" / "x.jsonl", lines)
    build(tmp_path / "runs", tmp_path / "ds")
    assert near_duplicate_pairs(tmp_path / "ds") == {
        frozenset({"https://www.rfi.fr/fr/a/20240101-1", "https://www.rfi.fr/fr/a/20240101-2"})
    }


def test_language_check_annotates_and_filters_on_request(tmp_path: Path) -> None:
    english = (
        "The president announced on Sunday that parliament would be dissolved and that a snap election "
        "would be held within weeks, a decision that surprised his own ministers."
    )
    french = (
        "Le président a annoncé dimanche la dissolution de l'Assemblée nationale et des élections "
        "législatives anticipées dans les prochaines semaines, une décision qui a surpris ses ministres."
    )
    bambara = "Mali jamana ka kalata kɛra kunun, mɔgɔ caman ye u ka jama ɲɛnamaya."
    lines = [
        item("https://www.rfi.fr/fr/a/20240101-en", english),
        item("https://www.rfi.fr/fr/a/20240101-fr", french),
        item("https://www.rfi.fr/ma/a/20240101-bm", bambara, edition="ma", language="bm"),
    ]
    write_run(tmp_path / "runs" / "x.jsonl", lines)
    build(tmp_path / "runs", tmp_path / "ds")
    checks = rows(tmp_path / "ds", "data", "url, language_detected, language_check")
    assert [(r["language_detected"], r["language_check"]) for r in checks] == [
        ("en", "mismatch"),
        ("fr", "match"),
        (None, "unverifiable"),
    ]
    build(tmp_path / "runs", tmp_path / "filtered", Options(drop_language_mismatch=True))
    assert [r["url"] for r in rows(tmp_path / "filtered", "removed", "url, removed_reason")] == [
        "https://www.rfi.fr/fr/a/20240101-en"
    ]
    assert rows(tmp_path / "filtered", "removed", "removed_reason") == [
        {"removed_reason": "language_mismatch"}
    ]


def test_rights_and_access_typed_and_absent_in_older_runs(tmp_path: Path) -> None:
    old = item("https://www.rfi.fr/fr/a/20240101-old", "Un article d'une ancienne collecte, sans droits.")
    del old["rights"], old["access"]  # a run file written before schema version 2
    new = item(
        "https://www.rfi.fr/fr/a/20240101-new",
        "Un article d'une collecte récente, avec ses droits.",
        rights={
            "tdm_reservation": 1,
            "tdm_policy": "https://www.rfi.fr/tdm",
            "source": "tdmrep.json",
            "robots_disallows": ["GPTBot"],
            "checked_at": "2026-01-01T00:00:00+00:00",
            "evidence": "x",
            "legacy": ["TDM-a: 1"],
        },
        access="free",
    )
    write_run(tmp_path / "runs" / "old.jsonl", [old])
    write_run(tmp_path / "runs" / "new.jsonl", [new])
    build(tmp_path / "runs", tmp_path / "ds")
    schema = pq.read_schema(next((tmp_path / "ds" / "data").rglob("*.parquet")))
    assert str(schema.field("rights").type) == (
        "struct<tdm_reservation: int8, tdm_policy: string, source: string, "
        "robots_disallows: list<element: string>, "
        "checked_at: timestamp[us, tz=UTC], evidence: string, legacy: list<element: string>>"
    )
    got = rows(
        tmp_path / "ds", "data", "url, rights.tdm_reservation AS tdm, rights.robots_disallows AS bots, access"
    )
    assert got == [
        {"url": "https://www.rfi.fr/fr/a/20240101-new", "tdm": 1, "bots": ["GPTBot"], "access": "free"},
        {"url": "https://www.rfi.fr/fr/a/20240101-old", "tdm": None, "bots": None, "access": None},
    ]


def test_bad_lines_are_reported_and_the_rest_built(tmp_path: Path) -> None:
    good = item("https://www.rfi.fr/fr/a/20240101-ok", "Un texte correct.")
    run = tmp_path / "runs" / "rfi_fr" / "x.jsonl"
    run.parent.mkdir(parents=True)
    no_url = {k: v for k, v in good.items() if k != "url"}
    bad_time = {**good, "url": "https://www.rfi.fr/fr/a/20240101-t", "published": "hier"}
    run.write_text(
        json.dumps(good) + "\n{truncated\n" + json.dumps(no_url) + "\n" + json.dumps(bad_time) + "\n", "utf-8"
    )
    done = cli("build", str(tmp_path / "runs"), str(tmp_path / "ds"))
    assert done.returncode == 2
    assert "rfi_fr/x.jsonl line 2 rejected: not JSON" in done.stderr
    assert "rfi_fr/x.jsonl line 3 rejected: no url" in done.stderr
    assert (
        "rfi_fr/x.jsonl line 4 rejected: published is not an ISO 8601 time with a UTC offset: 'hier'"
        in done.stderr
    )
    assert "Traceback" not in done.stderr
    assert [r["url"] for r in rows(tmp_path / "ds", "data", "url")] == [good["url"]]
    manifest = json.loads((tmp_path / "ds" / "manifest.json").read_text("utf-8"))
    assert [(i["path"], i["rows"], i["rejected"]) for i in manifest["inputs"]] == [("rfi_fr/x.jsonl", 1, 3)]
    not_a_dataset = tmp_path / "mine"
    (not_a_dataset / "notes.txt").parent.mkdir()
    (not_a_dataset / "notes.txt").write_text("keep me", "utf-8")
    refused = cli("build", str(tmp_path / "runs"), str(not_a_dataset))
    assert refused.returncode == 1
    assert "not empty and not a dataset" in refused.stderr
    assert (not_a_dataset / "notes.txt").read_text("utf-8") == "keep me"


def test_incremental_build_equals_full_build_and_rewrites_only_touched_partitions(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    base = list(synthetic(3_000, words_per_text=30))
    lines, _ = planted()
    runs = tmp_path / "runs"
    write_run(runs / "a" / "1.jsonl", base)
    appended = runs / "rfi_fr" / "o.jsonl"  # an -o file a later job appends to
    write_run(appended, lines[:150])
    build(runs, tmp_path / "inc")
    untouched = tmp_path / "inc" / "data" / "rfi" / "km" / "2016" / "part-00000.parquet"
    inode = untouched.stat().st_ino
    # a new run (an updated article, a new one) and lines appended to the -o file
    changed = {**base[1], "body": base[1]["body"] + " mise à jour", "crawled_at": "2026-02-01T00:00:00+00:00"}
    changed["content_hash"] = item("u", changed["body"])["content_hash"]
    write_run(
        runs / "a" / "2.jsonl", [changed, item("https://www.rfi.fr/fr/n/20240301-x", "Nouvel article.")]
    )
    with appended.open("a", encoding="utf-8") as fh:
        fh.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in lines[150:])
    caplog.set_level(logging.INFO, "newscrawl.dataset")
    result = build(runs, tmp_path / "inc")
    assert result.rows_read == 2 + len(lines) - 150
    assert any(
        "rfi_fr/o.jsonl: reading" in r.getMessage() and "appended bytes" in r.getMessage()
        for r in caplog.records
    )
    build(runs, tmp_path / "full")
    assert tree(tmp_path / "inc") == tree(tmp_path / "full")
    assert untouched.stat().st_ino == inode  # linked from the previous build, not written again
    assert 0 < len(result.written) < len(result.written) + len(result.linked)
    assert build(runs, tmp_path / "inc").unchanged


def test_kill_9_mid_build_leaves_the_old_dataset(tmp_path: Path) -> None:
    import datasets

    runs = tmp_path / "runs"
    write_run(runs / "1.jsonl", synthetic(200, words_per_text=20))
    assert cli("build", str(runs), str(tmp_path / "ds")).returncode == 0
    before = tree(tmp_path / "ds")
    write_run(runs / "2.jsonl", synthetic(5_000, seed=8, words_per_text=20, start=200))
    proc = subprocess.Popen(
        [sys.executable, "-m", "newscrawl.dataset", "build", str(runs), str(tmp_path / "ds")],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".ds.build-*/.work")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    assert list(tmp_path.glob(".ds.build-*"))  # it was killed mid-build
    assert tree(tmp_path / "ds") == before
    assert datasets.load_dataset(str(tmp_path / "ds"), split="train").num_rows == 200
    assert verify(tmp_path / "ds") == []
    done = cli("build", str(runs), str(tmp_path / "ds"))
    assert done.returncode == 0, done.stderr
    assert not list(tmp_path.glob(".ds.build-*"))
    assert datasets.load_dataset(str(tmp_path / "ds"), split="train").num_rows == 5_200


def test_verify_and_stats(tmp_path: Path) -> None:
    write_run(tmp_path / "runs" / "1.jsonl", synthetic(50, words_per_text=10))
    build(tmp_path / "runs", tmp_path / "ds")
    stats = json.loads(cli("stats", str(tmp_path / "ds")).stdout)
    assert stats["totals"] == {"data": 50, "versions": 50, "removed": 0}
    assert stats["input_rows"] == 50
    assert len(stats["editions"]) == 21
    victim = next((tmp_path / "ds" / "data").rglob("*.parquet"))
    victim.write_bytes(victim.read_bytes()[:-10])
    done = cli("verify", str(tmp_path / "ds"))
    assert done.returncode == 1
    assert "file sizes differ from the manifest" in done.stderr
