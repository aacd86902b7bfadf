"""AtomicFileFeedStorage: complete files or none, claims committed only after the rename."""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import multiprocessing
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from newscrawl.feedstorage import AtomicFileFeedStorage, part_path, remove_stale_parts
from newscrawl.seen import SeenTracker, SqliteSeenStore


def line(url: str, content_hash: str = "h") -> bytes:
    return (
        json.dumps({"url": url, "published": "2024-02-01T00:00:00+00:00", "content_hash": content_hash})
        + "\n"
    ).encode()


@pytest.fixture
def tracker(tmp_path: Path) -> SeenTracker:
    return SeenTracker(SqliteSeenStore(tmp_path / "seen.sqlite3", "rfi"), "job1")


def storage(target: Path, tracker: SeenTracker | None, overwrite: bool = True) -> AtomicFileFeedStorage:
    crawler = SimpleNamespace(spider=SimpleNamespace(seen_tracker=tracker), stats=None)
    return AtomicFileFeedStorage(str(target), feed_options={"overwrite": overwrite}, crawler=crawler)  # type: ignore[arg-type]


def test_items_are_invisible_until_store_then_atomically_complete(
    tmp_path: Path, tracker: SeenTracker
) -> None:
    target = tmp_path / "out" / "run.jsonl"
    feed = storage(target, tracker)
    fh = feed.open(None)  # type: ignore[arg-type]
    fh.write(line("https://www.rfi.fr/cn/a/20240101-a"))
    assert not target.exists()
    assert part_path(target).exists()
    assert part_path(target).name.startswith(".")
    assert tracker.store.lookup(["https://www.rfi.fr/cn/a/20240101-a"]) == {}
    feed.store(fh)
    assert target.read_bytes() == line("https://www.rfi.fr/cn/a/20240101-a")
    assert not part_path(target).exists()
    from newscrawl.utils.urls import url_key

    assert list(tracker.store.lookup([url_key("https://www.rfi.fr/cn/a/20240101-a")])) == [
        url_key("https://www.rfi.fr/cn/a/20240101-a")
    ]


def test_lines_already_written_by_another_job_are_removed(tmp_path: Path, tracker: SeenTracker) -> None:
    first = storage(tmp_path / "one.jsonl", tracker)
    fh = first.open(None)  # type: ignore[arg-type]
    fh.write(line("https://www.rfi.fr/cn/a/20240101-a"))
    first.store(fh)
    other = SeenTracker(tracker.store, "job2")
    second = storage(tmp_path / "two.jsonl", other)
    fh = second.open(None)  # type: ignore[arg-type]
    fh.write(line("https://www.rfi.fr/cn/a/20240101-a") + line("https://www.rfi.fr/cn/a/20240101-b"))
    second.store(fh)
    assert (tmp_path / "two.jsonl").read_bytes() == line("https://www.rfi.fr/cn/a/20240101-b")


def test_append_mode_keeps_the_old_lines(tmp_path: Path) -> None:
    target = tmp_path / "o.jsonl"
    target.write_bytes(line("https://x/1"))
    feed = storage(target, None, overwrite=False)
    fh = feed.open(None)  # type: ignore[arg-type]
    fh.write(line("https://x/2"))
    feed.store(fh)
    assert target.read_bytes() == line("https://x/1") + line("https://x/2")


def test_append_mode_ends_an_unterminated_last_line_first(tmp_path: Path) -> None:
    target = tmp_path / "o.jsonl"
    target.write_bytes(line("https://x/1").rstrip(b"\n"))
    feed = storage(target, None, overwrite=False)
    fh = feed.open(None)  # type: ignore[arg-type]
    fh.write(line("https://x/2"))
    feed.store(fh)
    assert target.read_bytes() == line("https://x/1") + line("https://x/2")


def _append_rounds(target: str, worker: int, rounds: int, start: Any) -> None:
    start.wait()
    for r in range(rounds):
        feed = storage(Path(target), None, overwrite=False)
        fh = feed.open(None)  # type: ignore[arg-type]
        fh.write(b"".join(line(f"https://x/{worker}/{r}/{i}") for i in range(20)))
        feed.store(fh)


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
    assert set(urls) == {f"https://x/{w}/{r}/{i}" for w in range(4) for r in range(25) for i in range(20)}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared.jsonl"]  # no part or lock file left


def test_a_file_system_that_cannot_lock_still_gets_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    target = tmp_path / "o.jsonl"
    target.write_bytes(line("https://x/1"))
    feed = storage(target, None, overwrite=False)
    fh = feed.open(None)  # type: ignore[arg-type]
    fh.write(line("https://x/2"))
    with caplog.at_level(logging.WARNING, logger="newscrawl.feedstorage"):
        feed.store(fh)
    assert target.read_bytes() == line("https://x/1") + line("https://x/2")
    assert f"cannot lock {tmp_path} ([Errno {errno.ENOLCK}] No locks available)" in caplog.text


def test_a_failed_rename_aborts_the_claims(
    tmp_path: Path, tracker: SeenTracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = storage(tmp_path / "x.jsonl", tracker)
    fh = feed.open(None)  # type: ignore[arg-type]
    fh.write(line("https://www.rfi.fr/cn/a/20240101-a"))

    def fail(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        feed.store(fh)
    assert tracker.store.pending_batches() == {}
    assert tracker.store.count() == 0


def test_stale_parts_of_dead_processes_are_removed(tmp_path: Path) -> None:
    dead = tmp_path / ".run.jsonl.part-4194303999"
    mine = tmp_path / f".run.jsonl.part-{os.getpid()}"
    dead.write_text("{")
    mine.write_text("{")
    assert remove_stale_parts(tmp_path) == 1
    assert not dead.exists()
    assert mine.exists()
