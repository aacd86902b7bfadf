"""Writing partitions to Parquet (byte-stable) and publishing a built tree atomically."""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import queue
import shutil
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newscrawl.utils.files import fsync_dir

Partition = tuple[str, str, int]


def partition_dir(kind: str, partition: Partition) -> str:
    site, edition, year = partition
    return f"{kind}/{site}/{edition}/{year}"


#: columns with few distinct values: dictionary-encoded (articles' texts and URLs are not: building
#: a dictionary of unique strings only to drop it costs more than writing them)
DICTIONARY = (
    "site",
    "edition",
    "language",
    "section",
    "authors",
    "tags",
    "discovered_via",
    "access",
    "rights",
    "year",
    "language_detected",
    "language_check",
    "removed_reason",
)


def parquet_writer(path: Path, schema: pa.Schema) -> pq.ParquetWriter:
    return pq.ParquetWriter(
        path,
        schema,
        compression="zstd",
        use_dictionary=[name for name in schema.names if name in DICTIONARY],
    )


class PartitionWriter:
    """Parquet files of one partition: row groups of exactly ``row_group_size`` rows (the last may be
    shorter), a new file every ``rows_per_file`` rows; zstd. The same rows in the same order give the
    same bytes, however the rows arrive in batches."""

    def __init__(
        self, root: Path, directory: str, schema: pa.Schema, row_group_size: int, rows_per_file: int
    ):
        self.root, self.directory, self.schema = root, directory, schema
        self.row_group_size, self.rows_per_file = row_group_size, rows_per_file
        self.pending: list[pa.RecordBatch] = []
        self.pending_rows = 0
        self.writer: pq.ParquetWriter | None = None
        self.file_rows = 0
        self.files: list[str] = []
        self.rows = 0

    def add(self, batch: pa.RecordBatch) -> None:
        self.pending.append(batch)
        self.pending_rows += batch.num_rows
        while self.pending_rows >= self.row_group_size:
            self._flush(self.row_group_size)

    def _flush(self, count: int) -> None:
        table = pa.Table.from_batches(self.pending, schema=self.pending[0].schema)
        group, rest = table.slice(0, count), table.slice(count)
        self.pending = rest.to_batches()
        self.pending_rows = rest.num_rows
        if self.writer is None:
            name = f"{self.directory}/part-{len(self.files):05d}.parquet"
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            self.writer = parquet_writer(path, self.schema)
            self.files.append(name)
        self.writer.write_table(group.cast(self.schema).combine_chunks(), row_group_size=count)
        self.file_rows += count
        self.rows += count
        if self.file_rows >= self.rows_per_file:
            self.writer.close()
            self.writer, self.file_rows = None, 0

    def close(self) -> list[str]:
        if self.pending_rows:
            self._flush(self.pending_rows)
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        return self.files


def spill_partitions(batches: Iterable[pa.RecordBatch], scratch: Path, rows: int, route: str) -> None:
    """Append rows in any order to ``scratch/<key>.arrow``, ``key`` being the row's ``route``
    column (null: the row is left out).

    ``rows`` at a time are sorted by key and sliced, one Arrow write per key; memory holds
    ``rows`` rows, never all of them (a sort of all rows in DuckDB runs out of memory on long
    texts).
    """
    scratch.mkdir(parents=True, exist_ok=True)
    spills: dict[int, pa.ipc.RecordBatchStreamWriter] = {}

    def spill(pending: list[pa.RecordBatch]) -> None:
        table = pa.Table.from_batches(pending).combine_chunks()
        key = table.column(route).fill_null(-1).to_numpy()
        order = np.argsort(key, kind="stable")
        order = order[np.searchsorted(key[order], 0) :]
        if not len(order):
            return
        key = key[order]
        table = table.take(pa.array(order))
        cuts = np.flatnonzero(np.diff(key)) + 1
        for start, end in zip([0, *cuts], [*cuts, len(key)], strict=True):
            k = int(key[start])
            piece = table.slice(start, end - start)
            if k not in spills:
                spills[k] = pa.ipc.new_stream(scratch / f"{k}.arrow", piece.schema)
            spills[k].write_table(piece)

    pending: list[pa.RecordBatch] = []
    count = 0
    try:
        for batch in _read_ahead(batches):
            pending.append(batch)
            count += batch.num_rows
            if count >= rows:
                spill(pending)
                pending, count = [], 0
        if count:
            spill(pending)
    finally:
        for writer in spills.values():
            writer.close()


def _read_ahead(batches: Iterable[pa.RecordBatch], depth: int = 8) -> Iterator[pa.RecordBatch]:
    """The batches, read by a thread ``depth`` ahead: DuckDB makes the next ones while these are spilled."""
    ready: queue.Queue[pa.RecordBatch | BaseException | None] = queue.Queue()
    room = threading.Semaphore(depth)
    stop = threading.Event()

    def read() -> None:
        try:
            for batch in batches:
                while not room.acquire(timeout=0.1):
                    if stop.is_set():
                        return
                ready.put(batch)
            ready.put(None)
        except BaseException as exc:  # handed to the reading side
            ready.put(exc)

    thread = threading.Thread(target=read, name="spill-read-ahead", daemon=True)
    thread.start()
    try:
        while (item := ready.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            room.release()
            yield item
    finally:
        stop.set()
        thread.join()


#: a partition kind, the value of the spilled rows' ``role`` column that puts a row in it (None:
#: every row), and its schema
Kind = tuple[str, int | None, pa.Schema]


def write_partitions(
    scratch: Path,
    partitions: dict[int, tuple[Partition, list[Kind]]],
    root: Path,
    order: list[str],
    row_group_size: int,
    rows_per_file: int,
    threads: int,
) -> dict[tuple[str, Partition], tuple[int, list[str]]]:
    """Write what :func:`spill_partitions` left in ``scratch``, ``threads`` keys at a time:
    {(kind, partition): (rows, files)}.

    The rows of a key are read back and sorted by ``order`` once; each of its kinds gets the
    rows of its role, in that order, with the columns of its schema. ``order`` is unique per
    row, so the bytes do not depend on the order the rows came in.
    """

    def one(key: int) -> list[tuple[tuple[str, Partition], tuple[int, list[str]]]]:
        partition, kinds = partitions[key]
        path = scratch / f"{key}.arrow"
        with pa.memory_map(str(path)) as source:
            table = pa.ipc.open_stream(source).read_all()
        table = table.combine_chunks().sort_by([(name, "ascending") for name in order])
        writers = [
            (
                kind,
                role,
                schema.names,
                PartitionWriter(root, partition_dir(kind, partition), schema, row_group_size, rows_per_file),
            )
            for kind, role, schema in kinds
        ]
        for batch in table.to_batches(row_group_size):
            roles = batch.column("role")
            for _, role, names, writer in writers:
                rows = batch if role is None else batch.filter(pc.equal(roles, role))
                if rows.num_rows:
                    writer.add(rows.select(names))
        del table
        path.unlink()
        return [((kind, partition), (writer.rows, writer.close())) for kind, _, _, writer in writers]

    keys = sorted(partitions)
    written: dict[tuple[str, Partition], tuple[int, list[str]]] = {}
    with ThreadPoolExecutor(max(1, threads)) as pool:
        for results in pool.map(one, keys):
            written.update(results)
    return written


def write_table(batches: pa.RecordBatchReader, path: Path, row_group_size: int) -> None:
    """One file of streamed rows (the build state) in row groups of ``row_group_size`` rows,
    byte-stable like the partitions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with parquet_writer(path, batches.schema) as writer:
        pending: list[pa.RecordBatch] = []
        count = written = 0
        for batch in batches:
            pending.append(batch)
            count += batch.num_rows
            while count >= row_group_size:
                table = pa.Table.from_batches(pending, schema=batches.schema)
                group = table.slice(0, row_group_size).combine_chunks()
                writer.write_table(group, row_group_size=row_group_size)
                written += 1
                rest = table.slice(row_group_size)
                pending, count = rest.to_batches(), rest.num_rows
        if count or not written:
            table = pa.Table.from_batches(pending, schema=batches.schema)
            writer.write_table(table.combine_chunks(), row_group_size=row_group_size)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def publish(staging: Path, target: Path, backup: Path) -> None:
    """Put the tree ``staging`` at ``target``; the old tree there is removed.

    Readers see the old tree or the new one, never a mix, and a process killed at any point
    leaves a complete tree at ``target`` (or, on a filesystem without an atomic exchange, in
    ``backup`` between two renames, which :func:`recover` puts back).
    """
    for path in staging.rglob("*"):
        if path.is_file():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
    if not target.exists():
        os.rename(staging, target)
    elif _exchange(staging, target):
        shutil.rmtree(staging)
    else:
        os.rename(target, backup)
        os.rename(staging, target)
        shutil.rmtree(backup)
    fsync_dir(target.parent)


def recover(target: Path, backup: Path) -> None:
    if backup.exists():
        if target.exists():
            shutil.rmtree(backup)
        else:
            os.rename(backup, target)
