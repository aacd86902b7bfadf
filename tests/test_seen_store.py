"""The seen-store, on SQLite and on a real Redis: lookups, the two-phase commit, recovery, reset."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy.spiderloader import get_spider_loader
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from newscrawl.seen import (
    Publication,
    RedisSeenStore,
    SeenRecord,
    SeenStore,
    SeenTracker,
    SqliteSeenStore,
    open_store,
    process_start,
)
from newscrawl.seen import main as seen_main
from newscrawl.utils.urls import url_key
from tests.conftest import RedisServer, free_port


@pytest.fixture(params=["sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SeenStore]:
    if request.param == "sqlite":
        backend: SeenStore = SqliteSeenStore(tmp_path / "seen-rfi.sqlite3", "rfi")
    else:
        server: RedisServer = request.getfixturevalue("redis_server")
        server.flush()
        backend = RedisSeenStore(server.url, "rfi")
    yield backend
    backend.close()


def rec(url: str, job: str = "job1", content_hash: str = "h1", modified: str = "2024-02-01T00:00:00+00:00"):
    return SeenRecord(url=url, modified=modified, content_hash=content_hash, job=job)


def test_reserve_commit_lookup(store: SeenStore) -> None:
    assert store.lookup(["a", "b"]) == {}
    assert store.reserve("f1#job1", {"a": rec("A"), "b": rec("B")}) == {"a", "b"}
    assert store.lookup(["a", "b"]) == {}  # claimed, not yet seen
    store.commit("f1#job1")
    assert store.lookup(["a", "b", "c"]) == {"a": rec("A"), "b": rec("B")}
    assert store.count() == 2
    assert store.pending_batches() == {}


def test_abort_drops_claims(store: SeenStore) -> None:
    store.reserve("f1#job1", {"a": rec("A")})
    store.abort("f1#job1")
    assert store.lookup(["a"]) == {}
    assert store.reserve("f2#job2", {"a": rec("A", job="job2")}) == {"a"}


def test_another_jobs_claim_or_unchanged_article_is_refused(store: SeenStore) -> None:
    store.reserve("f1#job1", {"a": rec("A")})
    assert store.reserve("f2#job2", {"a": rec("A", job="job2")}) == set()  # being written by job1
    store.commit("f1#job1")
    assert store.reserve("f3#job3", {"a": rec("A", job="job3")}) == set()  # same content, written already
    changed = rec("A", job="job3", content_hash="h2", modified="2024-02-02T00:00:00+00:00")
    assert store.reserve("f3#job3", {"a": changed}) == {"a"}  # an updated version
    store.commit("f3#job3")
    assert store.lookup(["a"])["a"].content_hash == "h2"


def test_the_same_job_may_write_an_article_to_a_second_feed(store: SeenStore) -> None:
    store.reserve("f1#job1", {"a": rec("A")})
    store.commit("f1#job1")
    assert store.reserve("g1#job1", {"a": rec("A")}) == {"a"}


def test_force_rewrites_unchanged_articles_but_respects_claims(store: SeenStore) -> None:
    store.reserve("f1#job1", {"a": rec("A")})
    store.commit("f1#job1")
    store.reserve("f9#job9", {"b": rec("B", job="job9")})
    granted = store.reserve("f2#job2", {"a": rec("A", job="job2"), "b": rec("B", job="job2")}, force=True)
    assert granted == {"a"}


def test_recovery_commits_only_batches_whose_sealed_content_is_in_the_final_file(
    store: SeenStore, tmp_path: Path
) -> None:
    content = b'{"url": "A"}\n'
    done = tmp_path / "done.jsonl"  # renamed: the part file is gone, its bytes are in the file
    done.write_bytes(b'{"url": "old"}\n' + content)
    store.reserve("done-part", {"a": rec("A", job="dead")}, info={"part": str(tmp_path / ".done-part")})
    store.seal("done-part", publication(tmp_path / ".done-part", done, 15, content))
    # the final file existed before the job (-o): sealed, but its part file was never renamed
    stale = tmp_path / "stale.jsonl"
    stale.write_bytes(b'{"url": "old"}\n')
    part = tmp_path / ".stale-part"
    part.write_bytes(b'{"url": "old"}\n' + content)
    store.reserve("stale-part", {"b": rec("B", job="dead")}, info={"part": str(part)})
    store.seal("stale-part", publication(part, stale, 15, content))
    # claimed, killed before the seal
    store.reserve("unsealed", {"c": rec("C", job="dead")}, info={"part": str(tmp_path / ".x")})
    # sealed, renamed, then the file was replaced by another (-O) job: its bytes are not there
    replaced = tmp_path / "replaced.jsonl"
    replaced.write_bytes(b'{"url": "other"}\n')
    store.reserve("replaced", {"d": rec("D", job="dead")}, info={"part": str(tmp_path / ".r")})
    store.seal("replaced", publication(tmp_path / ".r", replaced, 0, content))
    # pretend a crashed process (a pid that does not exist) held the claims
    set_claim_owner(store, pid=2**22 + 12345)
    assert store.recover(foreign_timeout=3600) == (1, 3, 0)
    assert set(store.lookup(["a", "b", "c", "d"])) == {"a"}
    assert store.pending_batches() == {}
    assert not part.exists()  # the dead job's own part file, recorded with its claims


def publication(part: Path, target: Path, offset: int, content: bytes) -> Publication:
    return Publication(str(part), str(target), offset, len(content), hashlib.sha256(content).hexdigest())


def test_a_claim_of_an_earlier_version_without_a_seal_is_dropped(tmp_path: Path) -> None:
    """A store of an earlier version (no info column): its pending batch is dropped, never committed."""
    path = tmp_path / "seen-rfi.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE seen (key TEXT PRIMARY KEY, record TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE claim (key TEXT PRIMARY KEY, batch TEXT NOT NULL, record TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE batch (batch TEXT PRIMARY KEY, host TEXT NOT NULL, pid INTEGER NOT NULL,
                            claimed_at REAL NOT NULL);
        """
    )
    target = tmp_path / "o.jsonl"
    target.write_text("{}\n")  # exists: the old recovery would have committed
    db.execute("INSERT INTO claim VALUES ('a', ?, ?)", (f"{target}#j", rec("A", job="j").to_json()))
    db.execute("INSERT INTO batch VALUES (?, ?, ?, ?)", (f"{target}#j", socket.gethostname(), 2**22 + 7, 0.0))
    db.commit()
    db.close()
    store = SqliteSeenStore(path, "rfi")
    assert store.recover() == (0, 1, 0)
    assert store.lookup(["a"]) == {}


def set_claim_owner(store: SeenStore, **changes: Any) -> None:
    """Rewrite who holds every pending batch (``host``, ``pid``, ``claimed_at``), as a crash leaves it."""
    if isinstance(store, SqliteSeenStore):
        for column, value in changes.items():
            store.db.execute(f"UPDATE batch SET {column} = ?", (value,))
    else:
        assert isinstance(store, RedisSeenStore)
        for batch, raw in store.client.hgetall(store.batches_key).items():
            store.client.hset(store.batches_key, batch, json.dumps({**json.loads(raw), **changes}))


def test_recovery_leaves_live_claims_alone(store: SeenStore, tmp_path: Path) -> None:
    store.reserve(f"{tmp_path / 'x.jsonl'}#live", {"a": rec("A", job="live")})
    assert store.recover(foreign_timeout=3600) == (0, 0, 0)
    ((host, pid, _, info),) = store.pending_batches().values()
    assert (host, pid) == (socket.gethostname(), os.getpid())
    assert info["start"] == process_start(os.getpid())


def test_claims_of_another_host_are_given_up_after_the_timeout_only(
    store: SeenStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store.reserve(f"{tmp_path / 'x.jsonl'}#gone", {"a": rec("A", job="gone")})
    set_claim_owner(store, host="node-that-crashed", pid=4242, claimed_at=time.time() - 600)
    # younger than the timeout, or no timeout: the other host's to settle; the article stays claimed
    assert store.recover(foreign_timeout=3600) == (0, 0, 0)
    assert store.recover(foreign_timeout=0) == (0, 0, 0)
    assert store.reserve("y#other", {"a": rec("A", job="other")}) == set()
    store.abort("y#other")
    set_claim_owner(store, claimed_at=time.time() - 7200)
    assert store.recover(foreign_timeout=0) == (0, 0, 0)
    with caplog.at_level(logging.WARNING, logger="newscrawl.seen"):
        assert store.recover(foreign_timeout=3600) == (0, 0, 1)
    assert "gave up the claims of" in caplog.text
    assert "node-that-crashed (pid 4242)" in caplog.text
    assert store.pending_batches() == {}
    assert store.lookup(["a"]) == {}  # not seen: the next job fetches and writes it
    assert store.reserve("y#other", {"a": rec("A", job="other")}) == {"a"}


def test_a_tracker_gives_up_stale_foreign_claims_and_counts_them(store: SeenStore, tmp_path: Path) -> None:
    store.reserve(f"{tmp_path / 'x.jsonl'}#gone", {"a": rec("A", job="gone")})
    set_claim_owner(store, host="node-that-crashed", claimed_at=time.time() - 7200)
    crawler = get_crawler(settings_dict={})
    crawler.stats = MemoryStatsCollector(crawler)
    SeenTracker(store, "new", crawler=crawler, claim_timeout=3600)
    assert crawler.stats.get_value("newscrawl/seen_store/claims_given_up") == 1
    assert store.pending_batches() == {}


def test_reset(store: SeenStore) -> None:
    store.reserve("f#j", {"a": rec("A"), "b": rec("B")})
    store.commit("f#j")
    assert store.reset() == 2
    assert store.lookup(["a"]) == {}


def test_tracker_skips_seen_unless_a_newer_version_is_announced(store: SeenStore) -> None:
    store.reserve("f#old", {"k1": rec("U1", job="old"), "k2": rec("U2", job="old")})
    store.commit("f#old")
    tracker = SeenTracker(store, "new")
    assert tracker.to_skip({"k1": None, "k2": "2024-03-01T00:00:00+00:00", "k3": None}) == {"k1"}
    assert SeenTracker(store, "full", recrawl=True).to_skip({"k1": None}) == set()


def test_tracker_remembers_lookups_and_compares_hints_with_what_was_written(store: SeenStore) -> None:
    old = "2024-02-01T00:00:00+00:00"
    store.reserve("f#old", {"k1": rec("U1", job="old"), "k2": rec("U2", job="old", modified=None)})
    store.commit("f#old")
    crawler = get_crawler(settings_dict={})
    crawler.stats = MemoryStatsCollector(crawler)
    tracker = SeenTracker(store, "new", crawler=crawler)
    looked_up: list[list[str]] = []
    lookup = store.lookup
    store.lookup = lambda keys: looked_up.append(list(keys)) or lookup(keys)  # type: ignore[method-assign]
    assert tracker.to_skip({"k1": None, "k2": None, "k3": None}) == {"k1", "k2"}
    # met again (another source): no second lookup; hints are compared with the written modification time
    newer, older = "2024-03-01T00:00:00+00:00", "2024-01-01T00:00:00+00:00"
    assert tracker.to_skip({"k1": older, "k2": older, "k3": None}) == {"k1"}  # k2 was written with none
    assert tracker.to_skip({"k1": newer}) == set()
    assert tracker.to_skip({"k1": old, "k4": None}) == {"k1"}
    assert looked_up == [["k1", "k2", "k3"], ["k4"]]
    assert crawler.stats.get_value("newscrawl/seen_store/skipped") == 2  # each article counted once
    assert crawler.stats.get_value("newscrawl/seen_store/refetch_updated") == 2


def test_stores_are_per_site(tmp_path: Path) -> None:
    a, b = open_store(None, tmp_path, "rfi"), open_store(None, tmp_path, "f24")
    a.reserve("f#j", {"k": rec("U")})
    a.commit("f#j")
    assert b.lookup(["k"]) == {}
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".sqlite3") == [
        "seen-f24.sqlite3",
        "seen-rfi.sqlite3",
    ]


def test_a_bad_store_setting_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(
        ValueError, match=r"NEWSCRAWL_SEEN_STORE='postgres://x': expected redis://host:port/db"
    ):
        open_store("postgres://x", tmp_path, "rfi")


# -- what a fetch saw besides the page: a listing's later time, the listed URL -------------------

PAGE_TIME, LASTMOD = "2024-02-27T10:00:00+00:00", "2024-02-27T10:05:00+00:00"
ARTICLE = "https://www.rfi.fr/cn/%E4%B8%AD%E5%9B%BD/20240227-new-title"
ALIAS = "https://www.rfi.fr/cn/%E4%B8%AD%E5%9B%BD/20240227-old-title"


def write(tracker: SeenTracker, path: Path, url: str, content_hash: str = "h1") -> set[str]:
    """The feed storage's steps for one output file holding the article ``url`` (read at PAGE_TIME)."""
    batch = str(path)
    granted = tracker.reserve(batch, {url: SeenRecord(url, PAGE_TIME, content_hash, "")})
    tracker.commit(batch)
    return granted


def test_a_listing_time_later_than_the_page_is_recorded_so_the_next_run_skips(
    store: SeenStore, tmp_path: Path
) -> None:
    first = SeenTracker(store, "job1")
    first.note_fetch(ARTICLE, ARTICLE, LASTMOD, PAGE_TIME)
    assert write(first, tmp_path / "1.jsonl", ARTICLE) == {ARTICLE}
    key = url_key(ARTICLE)
    assert store.lookup([key])[key].modified == LASTMOD
    assert SeenTracker(store, "job2").to_skip({key: LASTMOD}) == {key}
    assert SeenTracker(store, "job3").to_skip({key: "2024-02-27T11:04:00+01:00"}) == {key}  # 10:04 UTC
    assert SeenTracker(store, "job4").to_skip({key: "2024-02-27T11:06:00+01:00"}) == set()  # 10:06 UTC


def test_a_later_time_met_after_the_request_was_made_counts_too(store: SeenStore, tmp_path: Path) -> None:
    tracker = SeenTracker(store, "job1")
    tracker.note_listed(url_key(ARTICLE), LASTMOD)  # the sitemap's entry, after a listing's link
    tracker.note_fetch(ARTICLE, ARTICLE, None, PAGE_TIME)
    write(tracker, tmp_path / "1.jsonl", ARTICLE)
    assert store.lookup([url_key(ARTICLE)])[url_key(ARTICLE)].modified == LASTMOD


def test_a_later_time_met_after_the_article_was_claimed_is_recorded(store: SeenStore, tmp_path: Path) -> None:
    """Items are claimed as they are exported: a sitemap read after that still dates the record."""
    key = url_key(ARTICLE)
    tracker = SeenTracker(store, "job1")
    batch = str(tmp_path / "1.jsonl")
    tracker.note_fetch(ARTICLE, ARTICLE, None, PAGE_TIME)
    assert tracker.reserve(batch, {ARTICLE: SeenRecord(ARTICLE, PAGE_TIME, "h1", "")}) == {ARTICLE}
    tracker.note_listed(key, LASTMOD)  # the sitemap's entry, met after the item was exported
    other = "https://www.rfi.fr/cn/%E4%B8%AD%E5%9B%BD/20240228-x"  # claimed by no batch of this job
    tracker.note_listed(url_key(other), LASTMOD)
    tracker.commit(batch)
    assert store.lookup([key, url_key(other)]) == {key: SeenRecord(ARTICLE, LASTMOD, "h1", "job1")}
    assert SeenTracker(store, "job2").to_skip({key: LASTMOD}) == {key}
    assert store.pending_batches() == {}


def test_an_unchanged_article_fetched_again_for_a_later_time_records_that_time(
    store: SeenStore, tmp_path: Path
) -> None:
    key = url_key(ARTICLE)
    write(SeenTracker(store, "job1"), tmp_path / "1.jsonl", ARTICLE)  # written with the page's time
    second = SeenTracker(store, "job2")
    assert second.to_skip({key: LASTMOD}) == set()  # fetched again: the sitemap says it changed
    second.note_fetch(ARTICLE, ARTICLE, LASTMOD, PAGE_TIME)
    assert write(second, tmp_path / "2.jsonl", ARTICLE) == set()  # the same version: not written
    assert store.lookup([key])[key] == SeenRecord(ARTICLE, LASTMOD, "h1", "job2")
    assert SeenTracker(store, "job3").to_skip({key: LASTMOD}) == {key}
    assert store.pending_batches() == {}


def test_a_listed_alias_is_recorded_with_its_article(store: SeenStore, tmp_path: Path) -> None:
    first = SeenTracker(store, "job1")
    first.note_fetch(ARTICLE, ALIAS, None, PAGE_TIME)  # the old slug redirects, or names its canonical
    assert write(first, tmp_path / "1.jsonl", ARTICLE) == {ARTICLE}
    alias = url_key(ALIAS)
    assert store.lookup([alias])[alias] == SeenRecord(ARTICLE, PAGE_TIME, "h1", "job1")
    assert store.count() == 2
    assert SeenTracker(store, "job2").to_skip({alias: None, url_key(ARTICLE): None}) == {
        alias,
        url_key(ARTICLE),
    }


def test_an_alias_read_after_its_article_was_claimed_is_recorded(store: SeenStore, tmp_path: Path) -> None:
    """The sitemap's link was fetched and exported first; the feed's old slug, read later, is a duplicate."""
    tracker = SeenTracker(store, "job1")
    batch = str(tmp_path / "1.jsonl")
    tracker.note_fetch(ARTICLE, ARTICLE, None, PAGE_TIME)
    assert tracker.reserve(batch, {ARTICLE: SeenRecord(ARTICLE, PAGE_TIME, "h1", "")}) == {ARTICLE}
    tracker.note_fetch(ARTICLE, ALIAS, None, PAGE_TIME)  # its item is dropped as a duplicate: no claim
    other = "https://www.rfi.fr/cn/%E4%B8%AD%E5%9B%BD/20240228-x"  # claimed by no batch of this job
    other_alias = "https://www.rfi.fr/cn/%E4%B8%AD%E5%9B%BD/20240228-y"
    tracker.note_fetch(other, other_alias, None, PAGE_TIME)
    tracker.commit(batch)
    alias = url_key(ALIAS)
    recorded = store.lookup([alias, url_key(other_alias)])
    assert recorded == {alias: SeenRecord(ARTICLE, PAGE_TIME, "h1", "job1")}
    assert SeenTracker(store, "job2").to_skip({alias: None}) == {alias}
    assert store.pending_batches() == {}


def test_an_alias_of_an_article_written_earlier_is_recorded_and_one_being_written_is_not(
    store: SeenStore, tmp_path: Path
) -> None:
    write(SeenTracker(store, "job1"), tmp_path / "1.jsonl", ARTICLE)
    second = SeenTracker(store, "job2")
    second.note_fetch(ARTICLE, ALIAS, None, PAGE_TIME)
    assert write(second, tmp_path / "2.jsonl", ARTICLE) == set()  # written by job1 already
    assert url_key(ALIAS) in store.lookup([url_key(ALIAS)])

    other = "https://www.rfi.fr/cn/%E4%B8%AD%E5%9B%BD/20240228-x"
    other_alias = "https://www.rfi.fr/cn/%E4%B8%AD%E5%9B%BD/20240228-y"
    store.reserve("elsewhere#job3", {url_key(other): SeenRecord(other, PAGE_TIME, "h9", "job3")})
    fourth = SeenTracker(store, "job4")
    fourth.note_fetch(other, other_alias, None, PAGE_TIME)
    assert write(fourth, tmp_path / "4.jsonl", other) == set()  # job3 is writing it right now
    assert store.lookup([url_key(other_alias)]) == {}  # should job3 fail, the alias leads to it again


# -- python -m newscrawl.seen --------------------------------------------------------------------


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``python -m newscrawl.seen *argv`` in this process: (exit status, stdout, stderr)."""
    try:
        status = seen_main(list(argv))
    except SystemExit as exit:  # argparse refuses
        status = int(exit.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


def written(root: Path, count: int, site: str = "rfi") -> SeenStore:
    store = SqliteSeenStore(root / f"seen-{site}.sqlite3", site)
    store.reserve("f#j", {f"k{i}": rec(f"U{i}") for i in range(count)})
    store.commit("f#j")
    return store


@pytest.fixture
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """XDG_STATE_HOME two levels down, so that a path escaping the state directory stays in tmp_path."""
    home = tmp_path / "a" / "b"
    monkeypatch.setenv("XDG_STATE_HOME", str(home))
    return home


@pytest.mark.parametrize(
    "argv", [("reset", "../../../escaped"), ("count", "foo"), ("reset", "/etc/passwd"), ("count", "")]
)
def test_cli_refuses_an_unknown_site_and_creates_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, state_home: Path, argv: tuple[str, ...]
) -> None:
    loader = get_spider_loader(get_project_settings())
    sites = ", ".join(sorted({getattr(loader.load(name), "site", "") for name in loader.list()} - {""}))
    assert {"f24", "mcd", "rfi"} <= set(sites.split(", "))
    status, out, err = cli(capsys, *argv)
    assert status == 2
    assert f"error: unknown site {argv[1]!r}: choose from {sites} (count also takes a spider name)" in err
    assert out == ""
    assert list(tmp_path.rglob("*")) == []  # not even the state directory


def test_cli_counts_a_missing_store_as_empty_without_creating_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, state_home: Path
) -> None:
    for command, done in (("count", "0 articles seen for rfi"), ("reset", "forgot 0 articles seen for rfi")):
        status, out, _ = cli(capsys, command, "rfi")
        assert (status, out) == (0, f"{done}: no store at {state_home}/newscrawl/seen-rfi.sqlite3\n")
    assert list(tmp_path.rglob("*")) == []


def test_cli_counts_a_spider_under_its_site_and_refuses_to_reset_one(
    capsys: pytest.CaptureFixture[str], state_home: Path
) -> None:
    (state_home / "newscrawl").mkdir(parents=True)
    written(state_home / "newscrawl", 2).close()
    status, out, _ = cli(capsys, "count", "rfi_cn")
    assert (status, out) == (0, "2 articles seen for rfi (the store rfi_cn shares with every rfi spider)\n")
    status, out, err = cli(capsys, "reset", "rfi_cn")
    assert (status, out) == (2, "")
    assert (
        "error: rfi_cn is a spider: its articles are kept under site 'rfi', with those of rfi, rfi_br" in err
    )
    assert err.rstrip().endswith("'reset rfi' forgets them all")
    assert cli(capsys, "count", "rfi")[1] == "2 articles seen for rfi\n"  # untouched
    assert cli(capsys, "reset", "rfi")[1] == "forgot 2 articles seen for rfi\n"
    assert cli(capsys, "count", "rfi")[1] == "0 articles seen for rfi\n"


@pytest.mark.parametrize("option", ["--state-dir", "-s"])
def test_cli_reaches_the_store_of_another_state_directory(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, state_home: Path, option: str
) -> None:
    written(tmp_path, 3, site="f24").close()
    args = (
        ("--state-dir", str(tmp_path))
        if option == "--state-dir"
        else ("-s", f"NEWSCRAWL_STATE_DIR={tmp_path}")
    )
    assert cli(capsys, *args, "count", "f24") == (0, "3 articles seen for f24\n", "")
    assert cli(capsys, *args, "reset", "f24_en")[0] == 2
    assert cli(capsys, *args, "reset", "f24") == (0, "forgot 3 articles seen for f24\n", "")
    assert not (state_home / "newscrawl").exists()


@pytest.mark.parametrize("option", ["--store", "-s"])
def test_cli_reaches_a_redis_store(
    capsys: pytest.CaptureFixture[str], redis_server: RedisServer, state_home: Path, option: str
) -> None:
    redis_server.flush()
    store = RedisSeenStore(redis_server.url, "mcd")
    store.reserve("f#j", {"a": rec("A"), "b": rec("B")})
    store.commit("f#j")
    store.close()
    url = redis_server.url
    args = ("--store", url) if option == "--store" else ("-s", f"NEWSCRAWL_SEEN_STORE={url}")
    assert cli(capsys, *args, "count", "mcd_ar") == (
        0,
        "2 articles seen for mcd (the store mcd_ar shares with every mcd spider)\n",
        "",
    )
    assert cli(capsys, *args, "reset", "mcd") == (0, "forgot 2 articles seen for mcd\n", "")
    assert cli(capsys, *args, "count", "mcd") == (0, "0 articles seen for mcd\n", "")
    assert not (state_home / "newscrawl").exists()


def test_cli_reports_an_unreachable_store_in_one_line(
    capsys: pytest.CaptureFixture[str], state_home: Path
) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    status, out, err = cli(capsys, "--store", url, "count", "rfi")
    assert (status, out) == (1, "")
    assert err.splitlines() == [
        f"python -m newscrawl.seen: NEWSCRAWL_SEEN_STORE={url!r}: the seen-store cannot be opened: "
        f"Error 111 connecting to 127.0.0.1:{url.split(':')[2].split('/')[0]}. Connection refused."
    ]


def test_a_large_batch_is_claimed_and_committed_in_bounded_calls(redis_server: RedisServer) -> None:
    """200,000 claims of one file: Redis keeps answering other clients, and every claim is committed.

    One script call for all of them blocked Redis ~3 s for 300,000 (~500,000: past the client's timeout).
    """
    redis_server.flush()
    store = RedisSeenStore(redis_server.url, "rfi")
    count = 200_000
    records = {f"k{i}": rec(f"U{i}") for i in range(count)}
    other = RedisSeenStore(redis_server.url, "rfi").client
    waits: list[float] = []
    done = threading.Event()

    def ping() -> None:
        while not done.is_set():
            t = time.monotonic()
            other.ping()
            waits.append(time.monotonic() - t)
            time.sleep(0.01)

    pinger = threading.Thread(target=ping)
    pinger.start()
    try:
        assert len(store.reserve("big#job1", records)) == count
        store.commit("big#job1")
    finally:
        done.set()
        pinger.join()
    assert store.count() == count
    assert store.pending_batches() == {}
    assert store.client.hlen(store.claim_key) == 0
    assert max(waits) < 0.5, f"another client waited {max(waits):.2f} s"


def test_a_batch_whose_claims_were_given_up_can_still_be_sealed_and_committed(
    store: SeenStore, tmp_path: Path
) -> None:
    """Another host gave up this (slow) job's claims: its file is still published, nothing raises."""
    store.reserve("slow-part", {"a": rec("A", job="slow")}, info={"part": "slow-part"})
    store.abort("slow-part")  # what the other host's recovery does
    store.seal("slow-part", publication(tmp_path / "slow-part", tmp_path / "o.jsonl", 0, b"x"))
    ((host, pid, _, info),) = store.pending_batches().values()
    assert (host, pid, info["sealed"]["offset"]) == (socket.gethostname(), os.getpid(), 0)
    store.commit("slow-part")
    assert store.pending_batches() == {}
    assert store.lookup(["a"]) == {}  # given up: the next job may write it again, nothing is lost
