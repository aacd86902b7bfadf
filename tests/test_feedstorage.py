"""AtomicFileFeedStorage: complete files or none, in every feed format; claims committed after the rename."""

from __future__ import annotations

import csv
import errno
import fcntl
import io
import json
import logging
import marshal
import multiprocessing
import os
import pickle
import socket
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.exporters import (
    CsvItemExporter,
    JsonItemExporter,
    JsonLinesItemExporter,
    MarshalItemExporter,
    PickleItemExporter,
    XmlItemExporter,
)

from newscrawl.feedstorage import AtomicFileFeedStorage, part_path, remove_stale_parts
from newscrawl.seen import SeenStore, SeenTracker, SqliteSeenStore
from newscrawl.utils.urls import url_key
from tests.conftest import ROOT, RedisServer

EXPORTERS: dict[str, Any] = {
    "json": JsonItemExporter,
    "jsonlines": JsonLinesItemExporter,
    "jl": JsonLinesItemExporter,
    "csv": CsvItemExporter,
    "xml": XmlItemExporter,
    "marshal": MarshalItemExporter,
    "pickle": PickleItemExporter,
}
FIELDS = ["url", "title", "published", "content_hash"]


def item(n: int | str, content_hash: str = "h") -> dict[str, Any]:
    return {
        "url": f"https://www.rfi.fr/cn/a/20240101-{n}",
        "title": f'标题, "{n}"\n<b>',
        "published": "2024-02-01T00:00:00+00:00",
        "content_hash": content_hash,
    }


def line(n: int | str) -> bytes:
    return (json.dumps(item(n)) + "\n").encode()


@pytest.fixture
def tracker(tmp_path: Path) -> SeenTracker:
    return SeenTracker(SqliteSeenStore(tmp_path / "seen.sqlite3", "rfi"), "job1")


def storage(
    target: Path, tracker: SeenTracker | None, overwrite: bool = False, fmt: str = "jsonlines"
) -> AtomicFileFeedStorage:
    crawler = SimpleNamespace(spider=SimpleNamespace(seen_tracker=tracker), stats=None)
    options = {"overwrite": overwrite, "format": fmt}
    return AtomicFileFeedStorage(str(target), feed_options=options, crawler=crawler)  # type: ignore[arg-type]


def export(feed: AtomicFileFeedStorage, items: list[dict[str, Any]], fmt: str = "jsonlines") -> list[str]:
    """What Scrapy's feed slot does: open, claim and export each item, store; return the URLs admitted."""
    fh = feed.open(None)  # type: ignore[arg-type]
    exporter = EXPORTERS[fmt](fh, fields_to_export=FIELDS)
    exporter.start_exporting()
    admitted = []
    for it in items:
        if feed.admit(it):
            exporter.export_item(it)
            admitted.append(it["url"])
    exporter.finish_exporting()
    feed.store(fh)
    return admitted


def read_feed(path: Path, fmt: str) -> list[dict[str, Any]]:
    data = path.read_bytes()
    if fmt == "json":
        return list(json.loads(data))
    if fmt in ("jsonlines", "jl"):
        return [json.loads(raw) for raw in data.splitlines()]
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    if fmt == "xml":
        return [{child.tag: child.text for child in element} for element in ET.fromstring(data)]
    loader = marshal.load if fmt == "marshal" else pickle.load
    stream, found = io.BytesIO(data), []
    while stream.tell() < len(data):
        found.append(loader(stream))
    return found


def seen_urls(store: SeenStore, *ns: int | str) -> set[str]:
    keys = {url_key(item(n)["url"]): item(n)["url"] for n in ns}
    return {keys[k] for k in store.lookup(keys)}


def test_items_are_invisible_until_store_then_atomically_complete(
    tmp_path: Path, tracker: SeenTracker
) -> None:
    target = tmp_path / "out" / "run.jsonl"
    feed = storage(target, tracker)
    fh = feed.open(None)  # type: ignore[arg-type]
    assert feed.admit(item("a"))
    fh.write(line("a"))
    assert not target.exists()
    assert part_path(target).exists()
    assert part_path(target).name.startswith(f".run.jsonl.part-{socket.gethostname()}-{os.getpid()}-")
    assert seen_urls(tracker.store, "a") == set()  # claimed, not seen
    feed.store(fh)
    assert target.read_bytes() == line("a")
    assert not part_path(target).exists()
    assert seen_urls(tracker.store, "a") == {item("a")["url"]}
    assert tracker.store.pending_batches() == {}


@pytest.mark.parametrize("fmt", list(EXPORTERS))
def test_every_feed_format_is_published_complete_and_recorded(
    tmp_path: Path, tracker: SeenTracker, fmt: str
) -> None:
    """The file is what Scrapy's exporter wrote, byte for byte; the storage never reads it back."""
    target = tmp_path / f"europe.{fmt}"
    items = [item(n) for n in range(5)]
    assert export(storage(target, tracker, fmt=fmt), items, fmt) == [i["url"] for i in items]
    direct = io.BytesIO()
    exporter = EXPORTERS[fmt](direct, fields_to_export=FIELDS)
    exporter.start_exporting()
    for it in items:
        exporter.export_item(it)
    exporter.finish_exporting()
    assert target.read_bytes() == direct.getvalue()
    assert read_feed(target, fmt) == items
    assert seen_urls(tracker.store, *range(5)) == {i["url"] for i in items}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [target.name, "seen.sqlite3", *_sqlite_side()]
    )


def _sqlite_side() -> list[str]:
    return ["seen.sqlite3-shm", "seen.sqlite3-wal"]


@pytest.mark.parametrize("fmt", ["jsonlines", "jl", "csv", "marshal", "pickle"])
def test_appending_formats_take_a_second_export_and_stay_readable(
    tmp_path: Path, tracker: SeenTracker, fmt: str
) -> None:
    target = tmp_path / f"europe.{fmt}"
    export(storage(target, tracker, fmt=fmt), [item(0), item(1)], fmt)
    second = SeenTracker(tracker.store, "job2")
    # article 1 was written by job1: left out, never exported (nothing is removed from a file afterwards)
    assert export(storage(target, second, fmt=fmt), [item(1), item(2), item(3)], fmt) == [
        item(2)["url"],
        item(3)["url"],
    ]
    assert read_feed(target, fmt) == [item(0), item(1), item(2), item(3)]  # csv: one header line
    if fmt == "csv":
        assert target.read_bytes().count(b"url,title,published,content_hash") == 1


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_json_or_xml_file_that_has_content_is_not_appended_to(
    tmp_path: Path, tracker: SeenTracker, fmt: str
) -> None:
    target = tmp_path / f"europe.{fmt}"
    export(storage(target, tracker, fmt=fmt), [item(0)], fmt)
    before = target.read_bytes()
    feed = storage(target, SeenTracker(tracker.store, "job2"), fmt=fmt)
    reason = feed.cannot_append()
    assert reason is not None
    assert reason.startswith(f"-o {target}: a {fmt.upper()} file holds one document")
    assert f"Use -O {target}" in reason
    with pytest.raises(ValueError, match="appending would make it invalid"):
        export(feed, [item(1)], fmt)
    assert target.read_bytes() == before
    assert seen_urls(tracker.store, 1) == set()  # its claim was dropped: fetched again next time
    assert tracker.store.pending_batches() == {}
    assert storage(target, tracker, overwrite=True, fmt=fmt).cannot_append() is None


def test_a_snapshot_feed_writes_everything_and_records_nothing(tmp_path: Path, tracker: SeenTracker) -> None:
    target = tmp_path / "europe.jsonl"
    export(storage(tmp_path / "o.jsonl", tracker), [item(0)])
    assert export(storage(target, tracker, overwrite=True), [item(0), item(1)]) == [
        item(0)["url"],
        item(1)["url"],
    ]
    assert export(storage(target, tracker, overwrite=True), [item(0), item(1)]) == [
        item(0)["url"],
        item(1)["url"],
    ]
    assert read_feed(target, "jsonlines") == [item(0), item(1)]
    assert seen_urls(tracker.store, 0, 1) == {item(0)["url"]}


def test_append_mode_keeps_the_old_lines(tmp_path: Path) -> None:
    target = tmp_path / "o.jsonl"
    target.write_bytes(line(1))
    export(storage(target, None), [item(2)])
    assert target.read_bytes() == line(1) + line(2)


def test_append_mode_ends_an_unterminated_last_line_first(tmp_path: Path) -> None:
    target = tmp_path / "o.jsonl"
    target.write_bytes(line(1).rstrip(b"\n"))
    export(storage(target, None), [item(2)])
    assert target.read_bytes() == line(1) + line(2)


def _append_rounds(target: str, worker: int, rounds: int, start: Any) -> None:
    start.wait()
    for r in range(rounds):
        export(storage(Path(target), None), [item(f"{worker}-{r}-{i}") for i in range(20)])


def test_jobs_appending_to_one_file_at_once_keep_every_line(tmp_path: Path) -> None:
    """4 processes each close 25 batches of 20 lines into one ``-o`` file at the same time."""
    context = multiprocessing.get_context("fork")
    start = context.Barrier(4)
    target = tmp_path / "shared.jsonl"
    workers = [context.Process(target=_append_rounds, args=(str(target), w, 25, start)) for w in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    urls = [json.loads(raw)["url"] for raw in target.read_bytes().splitlines()]
    assert len(urls) == 2000
    assert set(urls) == {item(f"{w}-{r}-{i}")["url"] for w in range(4) for r in range(25) for i in range(20)}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared.jsonl"]  # no part or lock file left


def test_a_file_system_that_cannot_lock_still_gets_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    target = tmp_path / "o.jsonl"
    target.write_bytes(line(1))
    with caplog.at_level(logging.WARNING, logger="newscrawl.feedstorage"):
        export(storage(target, None), [item(2)])
    assert target.read_bytes() == line(1) + line(2)
    assert f"cannot lock {tmp_path} ([Errno {errno.ENOLCK}] No locks available)" in caplog.text


def test_a_failed_rename_aborts_the_claims(
    tmp_path: Path, tracker: SeenTracker, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    stats = SimpleNamespace(values={})
    stats.inc_value = lambda key, n=1: stats.values.__setitem__(key, stats.values.get(key, 0) + n)
    feed = storage(tmp_path / "x.jsonl", tracker)
    feed.crawler.stats = stats  # type: ignore[union-attr]

    def fail(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with (
        caplog.at_level(logging.ERROR, logger="newscrawl.feedstorage"),
        pytest.raises(OSError, match="disk full"),
    ):
        export(feed, [item("a")])
    assert tracker.store.pending_batches() == {}
    assert tracker.store.count() == 0
    assert stats.values == {"newscrawl/feed_store_failed": 1}
    assert f"feed {tmp_path / 'x.jsonl'} not written: disk full" in caplog.text
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["seen.sqlite3", *_sqlite_side()])


def dead_process() -> tuple[int, str]:
    """The pid and start time of a process of this host that has ended."""
    from newscrawl.seen import process_start

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    start = process_start(child.pid)
    child.kill()
    child.wait()
    return child.pid, start


def test_only_part_files_of_this_hosts_dead_processes_are_removed(tmp_path: Path) -> None:
    host = socket.gethostname()
    pid, start = dead_process()
    dead = tmp_path / f".run.jsonl.part-{host}-{pid}-{start}"
    dead_merge = tmp_path / f".run.jsonl.part-{host}-{pid}-{start}.a"
    mine = part_path(tmp_path / "run.jsonl")
    # the same pid reused by another process: its start time differs
    reused = tmp_path / f".run.jsonl.part-{host}-{os.getpid()}-{start}"
    keep = [
        mine,
        tmp_path / f".run.jsonl.part-other-node-{pid}-{start}",  # another host on a shared directory
        tmp_path / f".run.jsonl.part-{pid}",  # not a name this storage gives
        tmp_path / ".notes.part-4194303999",
        tmp_path / ".out.jsonl.part-4194001.f",
    ]
    for path in [dead, dead_merge, reused, *keep]:
        path.write_text("{")
    assert remove_stale_parts(tmp_path) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in keep)


# -- the crash window: a job killed at each step of a publish, then the next job's recovery -----------

_KILLED_JOB = """
import os, signal, sys
from pathlib import Path
from types import SimpleNamespace
from newscrawl import seen
from newscrawl.feedstorage import AtomicFileFeedStorage
from tests.test_feedstorage import export, item, open_test_store

step, target, kind, state, overwrite = sys.argv[1:6]
store = open_test_store(kind, state)
tracker = seen.SeenTracker(store, "killed")

def die(*_):
    os.kill(os.getpid(), signal.SIGKILL)

if step == "claimed":
    AtomicFileFeedStorage.store = die
elif step == "committing":  # after the first of several chunks of the commit
    seen.SETTLE_CHUNK = 2
    settle = type(store)._settle_chunk
    def settle_then_die(self, *args):
        settle(self, *args)
        die()
    type(store)._settle_chunk = settle_then_die
else:
    AtomicFileFeedStorage._step = lambda self, name: die() if name == step else None
crawler = SimpleNamespace(spider=SimpleNamespace(seen_tracker=tracker), stats=None)
options = {"overwrite": overwrite == "1", "format": "jsonlines"}
feed = AtomicFileFeedStorage(target, feed_options=options, crawler=crawler)
export(feed, [item(n) for n in range(10, 15)])
"""


def open_test_store(kind: str, state: str) -> SeenStore:
    from newscrawl.seen import open_store

    return open_store(state if kind.startswith("redis") else None, state, "rfi")


STEPS = ["claimed", "merged", "sealed", "renamed", "committing", "done"]


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
@pytest.mark.parametrize("existing", [True, False], ids=["-o-existing-file", "new-file"])
@pytest.mark.parametrize("step", STEPS)
def test_a_job_killed_at_any_step_loses_and_repeats_nothing(
    tmp_path: Path, kind: str, existing: bool, step: str, request: pytest.FixtureRequest
) -> None:
    """Killed at each step boundary of the publish: the articles of its file are seen iff they are in it.

    The next job's recovery settles the dead job's claims; a job writing every
    article then adds exactly the ones missing: each is in the file once.
    """
    state = str(tmp_path / "state")
    if kind == "redis":
        server: RedisServer = request.getfixturevalue("redis_server")
        server.flush()
        state = server.url
    target = tmp_path / "out.jsonl"
    if existing:  # the file an earlier run of `-o out.jsonl` wrote
        export(storage(target, SeenTracker(open_test_store(kind, state), "earlier")), [item(0), item(1)])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [step, str(target), kind, state, "0"]
    killed = subprocess.run([sys.executable, "-c", _KILLED_JOB, *args], env=env, cwd=ROOT, check=False)
    assert killed.returncode == (0 if step == "done" else -9)

    store = open_test_store(kind, state)
    tracker = SeenTracker(store, "next")  # recovery
    assert store.pending_batches() == {}
    in_file = {i["url"] for i in read_feed(target, "jsonlines")} if target.exists() else set()
    new_urls = {item(n)["url"] for n in range(10, 15)}
    written = in_file & new_urls
    assert written == (new_urls if step in ("renamed", "committing", "done") else set())
    assert seen_urls(store, *range(10, 15)) == written  # seen exactly when written
    assert not [p.name for p in tmp_path.iterdir() if ".part-" in p.name]
    # the next job writes what is missing, and only that
    export(storage(target, tracker), [item(n) for n in (0, 1, *range(10, 15))])
    urls = [i["url"] for i in read_feed(target, "jsonlines")]
    assert sorted(urls) == sorted(item(n)["url"] for n in (0, 1, *range(10, 15)))  # each once


def test_recovery_does_not_commit_when_the_final_file_was_only_there_before(
    tmp_path: Path,
) -> None:
    """The reproducer's case: -o file from an earlier run, job killed after claiming, before the rename."""
    script = textwrap.dedent(_KILLED_JOB)
    target = tmp_path / "out.jsonl"
    target.write_bytes(line(0))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    state = str(tmp_path / "state")
    subprocess.run(
        [sys.executable, "-c", script, "sealed", str(target), "sqlite", state, "0"], env=env, check=False
    )
    tracker = SeenTracker(open_test_store("sqlite", state), "next")
    assert tracker.to_skip({url_key(item(10)["url"]): None}) == set()  # fetched again
    assert target.read_bytes() == line(0)


def test_a_refused_article_still_gets_the_later_time_its_fetch_saw(
    tmp_path: Path, tracker: SeenTracker
) -> None:
    """Unchanged, fetched again for a later sitemap time: not written, that time recorded with the file."""
    export(storage(tmp_path / "one.jsonl", tracker), [item("a")])
    second = SeenTracker(tracker.store, "job2")
    lastmod = "2024-03-01T00:00:00+00:00"
    second.note_fetch(item("a")["url"], item("a")["url"], lastmod, item("a")["published"])
    assert export(storage(tmp_path / "two.jsonl", second), [item("a")]) == []
    key = url_key(item("a")["url"])
    assert tracker.store.lookup([key])[key].modified == lastmod
    assert tracker.store.pending_batches() == {}
    assert (tmp_path / "two.jsonl").read_bytes() == b""
