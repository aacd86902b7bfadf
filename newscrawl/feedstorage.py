"""AtomicFileFeedStorage: local feed files that are complete or absent, never half-written.

Replaces Scrapy's ``FileFeedStorage`` for ``file:`` and plain paths, so it
serves the default feed and ``-o``/``-O`` files alike, in every Scrapy feed
format. Items go to a hidden ``.<name>.part-<host>-<pid>-<start>`` file beside
the target (the process's host, pid and start time: no other process, here or
on another host sharing the directory, has that name).

With ``-o`` and the default feed (the seen-store's incremental feeds), each
item is first claimed in the seen-store (:mod:`newscrawl.seen`) by
:class:`FeedExporter` before it is exported: an article another job has
already written (or is writing) is left out, so the file never needs reading
back. When Scrapy closes the feed (end of the job, or of each batch with
``FEEDS``' ``batch_item_count``):

1. the part file is flushed and fsync'ed;
2. under an exclusive ``flock`` of the directory (jobs appending to one file
   take turns), the existing file's bytes are put in front (``-o``);
3. where this content lands in the final file (offset, size, SHA-256) is
   sealed in the seen-store;
4. the part file is renamed over the target (atomic) and the directory fsync'ed;
5. the claims are committed: only now are these URLs seen.

A ``kill -9`` at any point leaves either the complete old file or the
complete new one, plus perhaps a part file that the next job writing there
deletes. The next job of the site commits a dead job's claims only if the
sealed bytes are in the final file, else drops them, so exactly the articles
written are seen.

``-O`` files (``overwrite``) are complete snapshots: every article the job
finds is written, none is claimed or recorded (:func:`newscrawl.seen.snapshot_feeds`).
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.extensions.feedexport import FeedExporter as ScrapyFeedExporter
from scrapy.extensions.feedexport import ItemFilter
from w3lib.url import file_uri_to_path

from newscrawl.outcome import FEED_STORE_FAILED
from newscrawl.params import SettingError
from newscrawl.rights import write_sidecar
from newscrawl.seen import Publication, SeenRecord, SeenTracker, process_running, this_process
from newscrawl.utils.files import fsync_dir

logger = logging.getLogger(__name__)

#: formats whose files cannot take a second export at their end (one JSON array, one XML document)
NOT_APPENDABLE = ("json", "xml")
#: stat set (to the number of feed files) when a feed could not be stored; the job wrote nothing there
STORE_FAILED_STAT = "newscrawl/feed_store_failed"
#: -O files kept as they were because the job ended with a failing reason or was shut down
KEPT_PREVIOUS_STAT = "newscrawl/feed/kept_previous"
#: finish reason of a job refused at start because an -o file cannot be appended to
NOT_APPENDABLE_REASON = "feed_not_appendable"

_PART = re.compile(r"^\.(?P<name>.+)\.part-(?P<host>.+)-(?P<pid>\d+)-(?P<start>[0-9a-f]+\.\d+)(?:\.a)?$")


def part_path(target: Path) -> Path:
    host, pid, start = this_process()
    return target.with_name(f".{target.name}.part-{host}-{pid}-{start}")


def remove_stale_parts(directory: Path) -> int:
    """Delete the part files of this host's dead processes in ``directory``; return how many.

    Only names this storage gives (``.<name>.part-<host>-<pid>-<start>``, and
    their ``.a`` merge file) whose host is this one and whose process (pid and
    start time) is gone: another host's part files on a shared directory, and
    any other file, are left alone.
    """
    removed = 0
    if not directory.is_dir():
        return 0
    host = this_process()[0]
    for part in directory.glob(".*.part-*"):
        match = _PART.match(part.name)
        if match is None or match["host"] != host:
            continue
        if not process_running(int(match["pid"]), match["start"]):
            part.unlink(missing_ok=True)
            removed += 1
    return removed


class AtomicFileFeedStorage:
    def __init__(
        self, uri: str, *, feed_options: dict[str, Any] | None = None, crawler: Crawler | None = None
    ):
        options = feed_options or {}
        self.target = Path(file_uri_to_path(uri) if uri.startswith("file:") else uri)
        self.append = not options.get("overwrite", False)
        self.format = str(options.get("format") or "")
        self.crawler = crawler
        self.part = part_path(self.target)
        tracker = getattr(getattr(crawler, "spider", None), "seen_tracker", None)
        #: the seen-store's view, for incremental (appended) feeds only: -O files are snapshots
        self.tracker: SeenTracker | None = tracker if self.append else None
        self.batch = str(self.part.absolute())
        self.claimed = 0
        self.refused = 0
        #: set when the job ends with a reason of NEWSCRAWL_FAILING_FINISH_REASONS or "shutdown"
        self.incomplete_job: str | None = None

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None
    ) -> AtomicFileFeedStorage:
        return cls(uri, feed_options=feed_options, crawler=crawler)

    def cannot_append(self) -> str | None:
        """Why this feed cannot be written as asked (an -o JSON or XML file that has content), if so."""
        if self.append and self.format in NOT_APPENDABLE and _size(self.target):
            return (
                f"-o {self.target}: a {self.format.upper()} file holds one document and {self.target} "
                f"already has one; appending would make it invalid. Use -O {self.target} (a complete "
                "snapshot each run) or JSON Lines (-o x.jsonl), which can be appended to"
            )
        return None

    def cannot_write(self) -> str | None:
        """Why this feed's file cannot be written at all (its directory made, the file a directory), if so."""
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return f"its directory cannot be created ({exc.strerror}: {exc.filename})"
        if self.target.is_dir():
            return "it is a directory"
        if not os.access(self.target.parent, os.W_OK | os.X_OK):
            return f"its directory {self.target.parent} is not writable"
        return None

    def open(self, spider: Spider) -> IO[bytes]:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        removed = remove_stale_parts(self.target.parent)
        if removed:
            logger.info(
                "removed %d incomplete output file(s) of crashed runs in %s", removed, self.target.parent
            )
        return self.part.open("wb")

    def admit(self, item: Any) -> bool:
        """Claim ``item`` for this file before it is exported; False: another job wrote it, leave it out."""
        if self.tracker is None:
            return True
        adapter = ItemAdapter(item)
        url = adapter.get("url")
        if not url:
            return True  # nothing to record it by (validation refuses such items anyway)
        record = SeenRecord(
            url=url,
            modified=adapter.get("modified") or adapter.get("published"),
            content_hash=adapter.get("content_hash"),
            job="",
        )
        info = {"part": self.batch, "target": str(self.target.absolute())}
        if self.tracker.reserve(self.batch, {url: record}, info):
            self.claimed += 1
            return True
        self.refused += 1
        self._stats().inc_value("newscrawl/seen_store/written_elsewhere")
        return False

    def store(self, file: IO[bytes]) -> None:
        file.flush()
        os.fsync(file.fileno())
        file.close()
        if self.refused:
            logger.info(
                "%d article(s) were written by another job; left out of %s", self.refused, self.target
            )
        # refused articles may have claims too: a newer time or an alias recorded with the file
        claims = self.tracker is not None and self.claimed + self.refused > 0
        if self.incomplete_job and not self.append and _size(self.target):
            self.part.unlink()  # an -O snapshot (never incremental: no claims) of a job that did not finish
            self._stats().inc_value(KEPT_PREVIOUS_STAT)
            logger.warning(
                "the job ended with %s: %s keeps its previous content (an -O file is a complete snapshot; "
                "the next job that finishes replaces it)",
                self.incomplete_job,
                self.target,
            )
            return
        try:
            self._publish()
        except BaseException as exc:
            if claims:
                assert self.tracker is not None
                self.tracker.abort(self.batch)
            for leftover in (self.part, Path(f"{self.part}.a")):
                leftover.unlink(missing_ok=True)
            self._stats().inc_value(STORE_FAILED_STAT)
            logger.error("feed %s not written: %s", self.target, exc)
            raise
        if claims:
            assert self.tracker is not None
            self.tracker.commit(self.batch)
        write_sidecar(self.target, self.crawler, append=self.append)  # <feed>.rights.json

    def _stats(self) -> Any:
        """The crawl's stats collector (a stand-in that counts nothing without one)."""
        stats = getattr(self.crawler, "stats", None)
        return stats if stats is not None else _NO_STATS

    def _step(self, name: str) -> None:
        """A step of the publish is done (tests stop the process here to check each crash window)."""

    def _publish(self) -> None:
        if not self.append:
            os.replace(self.part, self.target)
            fsync_dir(self.target.parent)
            return
        # jobs appending to one file take turns, each merging the file as the one before left it:
        # two merges of the same old file would lose the lines of whichever was renamed first
        with _locked(self.target.parent):
            reason = self.cannot_append()
            if reason:
                raise ValueError(reason)
            merged = Path(f"{self.part}.a")
            offset, size, sha256 = self._merge(merged) if _size(self.target) else self._hash_part()
            self._step("merged")
            if self.tracker is not None and self.claimed + self.refused:
                publication = Publication(self.batch, str(self.target.absolute()), offset, size, sha256)
                self.tracker.seal(self.batch, publication)
                self._step("sealed")
            if merged.exists():
                os.replace(merged, self.part)
            os.replace(self.part, self.target)
            fsync_dir(self.target.parent)
            self._step("renamed")

    def _hash_part(self) -> tuple[int, int, str]:
        with self.part.open("rb") as fh:
            return 0, self.part.stat().st_size, hashlib.file_digest(fh, "sha256").hexdigest()

    def _merge(self, merged: Path) -> tuple[int, int, str]:
        """Old file + this part into ``merged``; return where the part's bytes are in it."""
        shutil.copyfile(self.target, merged)  # streamed by the kernel, not read into memory
        sha = hashlib.sha256()
        with merged.open("r+b") as dst, self.part.open("rb") as new:
            dst.seek(0, os.SEEK_END)
            if self.format in ("jsonlines", "jsonl", "jl"):
                dst.seek(-1, os.SEEK_END)
                if dst.read(1) != b"\n":
                    dst.write(b"\n")
            elif self.format == "csv":
                self._skip_csv_header(new)
            offset = dst.tell()
            while chunk := new.read(1 << 20):
                sha.update(chunk)
                dst.write(chunk)
            size = dst.tell() - offset
            dst.flush()
            os.fsync(dst.fileno())
        return offset, size, sha.hexdigest()

    def _skip_csv_header(self, new: IO[bytes]) -> None:
        """Leave out the part's header line: the file has it already (the same, or it is an error)."""
        with self.target.open("rb") as old:
            header = old.readline()
        mine = new.readline()
        if mine and mine != header:
            raise ValueError(
                f"-o {self.target}: its columns ({header.strip().decode(errors='replace')}) are not "
                f"this feed's ({mine.strip().decode(errors='replace')}); write another file"
            )


class _NoStats:
    def inc_value(self, key: str, count: int = 1) -> None:
        pass


_NO_STATS = _NoStats()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


class _Admitting:
    """A feed slot's item filter, then its storage's claim: an item is exported only if both accept it."""

    def __init__(self, inner: ItemFilter, storage: AtomicFileFeedStorage) -> None:
        self.inner = inner
        self.storage = storage

    def accepts(self, item: Any) -> bool:
        return bool(self.inner.accepts(item)) and self.storage.admit(item)


class FeedExporter(ScrapyFeedExporter):
    """Scrapy's feed exporter, with the atomic storage's claims and a few checks.

    - Each item is claimed by an :class:`AtomicFileFeedStorage` before it is
      exported to it, so refused items are never written, in any format, and
      the "Stored N items" count is what the file holds.
    - An ``-o`` JSON or XML file that already has content is refused before
      the crawl starts (:class:`~newscrawl.params.SettingError`: one line,
      exit status 1); one whose name has placeholders when it opens, before
      any request (finish reason ``feed_not_appendable``).
    - With ``CLOSESPIDER_ITEMCOUNT``, items that finish after the limit was
      reached (in flight when it closed the spider) are not exported, so
      the output holds exactly that many; they are not recorded as seen either.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.item_limit = crawler.settings.getint("CLOSESPIDER_ITEMCOUNT", 0)
        self.items_seen = 0
        for uri, options in self.feeds.items():
            if "%" in uri or urlsplit(uri).scheme not in ("", "file"):
                continue  # a name known once the feed opens: checked then (open_spider)
            reason = AtomicFileFeedStorage(uri, feed_options=options).cannot_append()
            if reason:  # bad input, refused before the crawl starts: one line, exit status 1
                raise SettingError(reason)

    def open_spider(self, spider: Spider) -> None:
        super().open_spider(spider)
        for slot in self.slots:
            if not isinstance(slot.storage, AtomicFileFeedStorage):
                continue
            reason, finish = slot.storage.cannot_append(), NOT_APPENDABLE_REASON
            if not reason:
                cannot_write = slot.storage.cannot_write()
                reason = (
                    f"feed {slot.storage.target} cannot be written: {cannot_write}" if cannot_write else None
                )
                finish = FEED_STORE_FAILED
            if reason:  # before any request: one line, the job fails
                logger.error(reason)
                self.crawler.stats.inc_value(STORE_FAILED_STAT)
                self.slots = []  # nothing is exported, and no empty feed stored at the close
                raise CloseSpider(finish)

    async def close_spider(self, spider: Spider, reason: str | None = None) -> None:
        """Store the feeds; an -O file is not replaced by the snapshot of a job that did not finish."""
        failing = self.crawler.settings.getlist("NEWSCRAWL_FAILING_FINISH_REASONS")
        if reason == "shutdown" or reason in failing:
            for slot in self.slots:
                if isinstance(slot.storage, AtomicFileFeedStorage):
                    slot.storage.incomplete_job = reason
        await super().close_spider(spider)

    def item_scraped(self, item: Any, spider: Spider) -> None:
        self.items_seen += 1
        if self.item_limit and self.items_seen > self.item_limit:
            if self.items_seen == self.item_limit + 1:
                logger.info(
                    "CLOSESPIDER_ITEMCOUNT=%d reached: items still in flight are not written", self.item_limit
                )
            self.crawler.stats.inc_value("newscrawl/feed/over_itemcount")
            return
        for slot in self.slots:  # new batches' slots get their claims before their first item
            if isinstance(slot.storage, AtomicFileFeedStorage) and not isinstance(slot.filter, _Admitting):
                slot.filter = _Admitting(slot.filter, slot.storage)  # type: ignore[assignment]
        super().item_scraped(item, spider)


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """An exclusive ``flock`` on ``directory`` (no lock file is left behind), released on exit.

    Where the file system cannot lock (some network mounts), the file is
    still published, with a warning: as it was before jobs took turns.
    """
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError as exc:
        logger.warning("cannot lock %s (%s); appending without waiting for other jobs", directory, exc)
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError as exc:
            logger.warning("cannot lock %s (%s); appending without waiting for other jobs", directory, exc)
        yield
    finally:
        os.close(fd)  # closing releases the lock
