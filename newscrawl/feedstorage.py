"""AtomicFileFeedStorage: local feed files that are complete or absent, never half-written.

Replaces Scrapy's ``FileFeedStorage`` for ``file:`` and plain paths, so it
serves the default feed and ``-o``/``-O`` files alike. Items go to a hidden
``.<name>.part-<pid>`` file beside the target. When Scrapy closes the feed
(end of the job, or of each batch with ``FEED_EXPORT_BATCH_ITEM_COUNT``):

1. the part file is flushed and fsync'ed;
2. its articles are claimed in the seen-store (:mod:`newscrawl.seen`); lines
   of articles another job has already written (or is writing) are removed;
3. with ``-o`` (append) the existing file's bytes are put in front, under an
   exclusive ``flock`` of the directory held until the rename, so that jobs
   appending to one file at once each keep the others' lines;
4. the part file is renamed over the target (atomic) and the directory fsync'ed;
5. the claims are committed: only now are these URLs seen.

A ``kill -9`` at any point leaves either the complete old file or the
complete new one, plus perhaps a ``.part`` file that the next run of the
same spider deletes; the next run refetches what was not committed.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from scrapy import Spider
from scrapy.crawler import Crawler
from w3lib.url import file_uri_to_path

from newscrawl.rights import write_sidecar
from newscrawl.seen import SeenRecord, process_alive

logger = logging.getLogger(__name__)


def part_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.part-{os.getpid()}")


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale_parts(directory: Path) -> int:
    """Delete part files of dead processes of this host in ``directory``; return how many."""
    removed = 0
    if not directory.is_dir():
        return 0
    for part in directory.glob(".*.part-*"):
        try:
            pid = int(part.name.rsplit("-", 1)[1])
        except ValueError:
            continue
        if not process_alive(pid):
            part.unlink(missing_ok=True)
            removed += 1
    return removed


class AtomicFileFeedStorage:
    def __init__(
        self, uri: str, *, feed_options: dict[str, Any] | None = None, crawler: Crawler | None = None
    ):
        self.target = Path(file_uri_to_path(uri) if uri.startswith("file:") else uri)
        self.append = not (feed_options or {}).get("overwrite", False)
        self.crawler = crawler
        self.part = part_path(self.target)

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None
    ) -> AtomicFileFeedStorage:
        return cls(uri, feed_options=feed_options, crawler=crawler)

    def open(self, spider: Spider) -> IO[bytes]:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        removed = remove_stale_parts(self.target.parent)
        if removed:
            logger.info(
                "removed %d incomplete output file(s) of crashed runs in %s", removed, self.target.parent
            )
        return self.part.open("wb")

    def store(self, file: IO[bytes]) -> None:
        file.flush()
        os.fsync(file.fileno())
        file.close()
        tracker = getattr(self.crawler.spider, "seen_tracker", None) if self.crawler else None
        granted: set[str] | None = None
        batch = tracker.batch_id(str(self.target.resolve())) if tracker is not None else ""
        if tracker is not None:
            records = self._records()
            granted = tracker.reserve(batch, records)
            if len(granted) < len(records):  # only then is the file rewritten
                self._keep_only(granted)
        try:
            self._publish()
        except BaseException:
            if tracker is not None:
                tracker.abort(batch)
            raise
        if tracker is not None:
            tracker.commit(batch)
        write_sidecar(self.target, self.crawler, append=self.append)  # <feed>.rights.json

    def _records(self) -> dict[str, SeenRecord]:
        """Seen records of the lines in the part file (the tracker fills in keys and job)."""
        records = {}
        with self.part.open("rb") as fh:
            for line in fh:
                if line.strip():
                    item = json.loads(line)
                    url = item.get("url")
                    if url:
                        records[url] = SeenRecord(
                            url=url,
                            modified=item.get("modified") or item.get("published"),
                            content_hash=item.get("content_hash"),
                            job="",
                        )
        return records

    def _keep_only(self, granted_urls: set[str]) -> None:
        kept = dropped = 0
        tmp = self.part.with_name(self.part.name + ".f")
        with self.part.open("rb") as src, tmp.open("wb") as dst:
            for line in src:
                if not line.strip():
                    continue
                if json.loads(line).get("url") in granted_urls:
                    dst.write(line)
                    kept += 1
                else:
                    dropped += 1
            dst.flush()
            os.fsync(dst.fileno())
        if dropped:
            os.replace(tmp, self.part)
            if self.crawler and self.crawler.stats:
                self.crawler.stats.inc_value("newscrawl/seen_store/written_elsewhere", dropped)
            logger.info(
                "%d article(s) were written by another job meanwhile; left out of %s", dropped, self.target
            )
        else:
            tmp.unlink()

    def _publish(self) -> None:
        if not self.append:
            os.replace(self.part, self.target)
            _fsync_dir(self.target.parent)
            return
        # jobs appending to one file take turns, each merging the file as the one before left it:
        # two merges of the same old file would lose the lines of whichever was renamed first
        with _locked(self.target.parent):
            if self.target.exists() and self.target.stat().st_size:
                merged = self.part.with_name(self.part.name + ".a")
                shutil.copyfile(self.target, merged)  # streamed by the kernel, not read into memory
                with merged.open("r+b") as dst:
                    dst.seek(-1, os.SEEK_END)
                    if dst.read(1) != b"\n":
                        dst.write(b"\n")
                    with self.part.open("rb") as new:
                        shutil.copyfileobj(new, dst)
                    dst.flush()
                    os.fsync(dst.fileno())
                os.replace(merged, self.part)
            os.replace(self.part, self.target)
            _fsync_dir(self.target.parent)


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
