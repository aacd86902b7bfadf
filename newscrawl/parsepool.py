"""ParsePool: the CPU-heavy work of a crawl (page parsing, body cleaning) in worker processes.

A Scrapy crawl runs on one core: downloading, scheduling, middlewares,
pipelines and feed export share one Python thread. Parsing a 48 KB article
page and cleaning its body cost about as much CPU as all of Scrapy's own
work for that page, so on a fast source a crawl that parses in its own
process runs at half the speed of one that does not. The pool moves that
work to ``NEWSCRAWL_PARSE_WORKERS`` child processes (default 1) and the
crawl process only hands over the response body and gets the fields back.

Why not :class:`concurrent.futures.ProcessPoolExecutor`: its feeder and
manager threads cost the crawl process ~130 µs of CPU per task (pickling,
queue hand-offs and GIL switches), which is most of what the offload is
meant to save. Here each worker is a ``python -m newscrawl.parsepool``
child joined by a socketpair that the event loop reads directly: ~30 µs per
task, no thread.

Guarantees:

- a task that raises in the worker fails with :class:`ParseTaskError`
  carrying the worker's traceback; the worker lives on;
- a worker that dies (a crash in a C extension, the OOM killer) fails only
  the task it was running with :class:`ParseWorkerDied`; the tasks queued
  behind it are sent to a replacement;
- a task that runs longer than ``NEWSCRAWL_PARSE_TIMEOUT`` seconds has its
  worker killed and fails with :class:`ParseTimeout`; the time counts from
  when the worker starts the task, not from its send (tasks queue in the
  worker behind the one it runs);
- when workers cannot be started at all (three in a row die before
  answering anything), the pool says so in the log and runs every further
  task in the crawl process: slower, nothing lost.

``NEWSCRAWL_PARSE_WORKERS = 0`` runs every task in the crawl process.
Workers start with the first task, so a run that parses nothing (an
incremental run with nothing new) starts none. Functions and arguments
cross the process boundary by pickle: functions must be importable by
module and name. This module imports nothing of Scrapy, so a worker starts
in ~0.2 s with ~35 MB.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import signal
import socket
import struct
import subprocess
import sys
import time
import traceback
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")
_HEADER = struct.Struct("!Q")  # length of the pickled frame that follows
_PICKLE = pickle.HIGHEST_PROTOCOL
#: consecutive workers that died before answering once, after which the pool gives up on processes
MAX_FAILED_STARTS = 3
#: the task id of the frame a worker sends once it is ready
READY = 0
#: tasks sent to a worker and not answered yet, at most (the others wait in the crawl process)
WINDOW = 4


class ParseError(Exception):
    """A task that produced no result; ``reason`` is a short stat-friendly word."""

    reason = "error"


class ParseTaskError(ParseError):
    """The task raised in the worker; the message holds the worker's traceback."""

    reason = "exception"


class ParseWorkerDied(ParseError):
    reason = "worker_died"


class ParseTimeout(ParseError):
    reason = "timeout"


def _frame(obj: Any) -> bytes:
    data = pickle.dumps(obj, _PICKLE)
    return _HEADER.pack(len(data)) + data


class _Connection(asyncio.Protocol):
    """The crawl process's end of one worker's socket: reads answers, reports the end."""

    def __init__(self, worker: _Worker) -> None:
        self.worker = worker
        self.buffer = bytearray()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(self.buffer)
            end = _HEADER.size + size
            if len(self.buffer) < end:
                return
            answer = pickle.loads(memoryview(self.buffer)[_HEADER.size : end])
            del self.buffer[:end]
            self.worker.answered(*answer)

    def connection_lost(self, exc: Exception | None) -> None:
        self.worker.lost()


class _Worker:
    """One child process and the tasks sent to it, in the order it runs them."""

    def __init__(self, pool: ParsePool, index: int) -> None:
        self.pool = pool
        self.index = index
        self.pending: dict[int, tuple[asyncio.Future[Any], bytes]] = {}
        #: when the worker started the first pending task: at its send to an idle worker, else
        #: when the answer to the task before it arrived (a little after the start: never early)
        self.started = 0.0
        #: the worker said it is ready (its imports done): a death after this is a task's doing
        self.ready = False
        self.ended = False
        self.closing = False
        self.killed_for: ParseError | None = None
        self.transport: asyncio.Transport | None = None
        parent, child = socket.socketpair()
        env = dict(os.environ)
        # the child must import newscrawl from wherever this process did (a Scrapyd egg, say)
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "newscrawl.parsepool", str(child.fileno())],
                pass_fds=(child.fileno(),),
                stdin=subprocess.DEVNULL,
                env=env,
            )
        finally:
            child.close()
        self.socket = parent

    async def connect(self) -> None:
        loop = asyncio.get_running_loop()
        transport, _ = await loop.connect_accepted_socket(lambda: _Connection(self), self.socket)
        self.transport = transport

    def send(self, task_id: int, future: asyncio.Future[Any], frame: bytes) -> None:
        if not self.pending:
            self.started = time.monotonic()
        self.pending[task_id] = (future, frame)
        assert self.transport is not None
        self.transport.write(frame)

    def answered(self, task_id: int, ok: bool, value: Any) -> None:
        if task_id == READY:
            self.ready = True
            self.pool.worker_ready()
            return
        entry = self.pending.pop(task_id, None)
        self.started = time.monotonic()  # the worker runs the next pending task from now
        if entry is not None and not entry[0].done():
            if ok:
                entry[0].set_result(value)
            else:
                entry[0].set_exception(ParseTaskError(value))
        self.pool.feed()  # the next waiting task, sent as this one's answer arrives

    def running_since(self) -> float | None:
        """When the worker started the task it runs now; None when it holds none."""
        return self.started if self.pending else None

    def kill(self, reason: ParseError) -> None:
        """Stop a worker stuck in a task; :meth:`lost` then fails that task with ``reason``."""
        self.killed_for = reason
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        if self.transport is not None:
            self.transport.abort()

    def lost(self) -> None:
        """The socket closed: the worker exited, crashed or was killed."""
        code = self.process.poll()
        if code is None:
            try:
                code = self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                code = self.process.wait()
        self.ended = True
        self.pool.worker_lost(self, code)


class ParsePool:
    """Runs ``fn(*args)`` in worker processes (see the module docstring); ``workers=0``: in-process."""

    def __init__(self, workers: int = 1, timeout: float = 60.0) -> None:
        if workers < 0:
            raise ValueError(f"NEWSCRAWL_PARSE_WORKERS must be 0 or more, not {workers}")
        self.size = workers
        self.timeout = timeout
        self.workers: list[_Worker] = []
        self._next_id = 0
        self._failed_starts = 0
        self._starting: asyncio.Task[None] | None = None
        self._watch: asyncio.TimerHandle | None = None
        self._closed = False
        self._replacing: set[asyncio.Future[None]] = set()
        self._waiting: deque[tuple[int, asyncio.Future[Any], bytes]] = deque()
        #: tasks run, workers started, workers lost, for the crawl's stats
        self.counts = {"tasks": 0, "inline": 0, "workers_started": 0, "workers_lost": 0}

    @property
    def in_process(self) -> bool:
        return self.size == 0 or self._failed_starts >= MAX_FAILED_STARTS or self._closed

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)``, computed by a worker; raises :class:`ParseError` when no result came."""
        self.counts["tasks"] += 1
        return await self._dispatch(fn, args)

    async def _dispatch(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        await self._ensure_workers()
        if self.in_process:  # by setting, or the workers could not be started
            return self._run_inline(fn, args)
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._next_id += 1
        self._waiting.append((self._next_id, future, _frame((self._next_id, fn, args))))
        self.feed()
        self._arm_watch()
        return await future

    def _run_inline(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        self.counts["inline"] += 1
        try:
            return fn(*args)
        except Exception:
            raise ParseTaskError(traceback.format_exc(limit=8).strip()) from None

    def feed(self) -> None:
        """Send waiting tasks to the least busy workers, at most :data:`WINDOW` unanswered each.

        A small window keeps every frame within the socket's buffer, so a send
        never waits for the event loop to be told the socket is writable again
        (a Unix socket says so only once three quarters of it is free), and
        the worker always has its next task ready when it finishes one.
        """
        while self._waiting and self.workers:
            worker = min(self.workers, key=lambda w: len(w.pending))
            if len(worker.pending) >= WINDOW:
                return
            task_id, future, frame = self._waiting.popleft()
            if not future.done():  # a cancelled task is never sent
                worker.send(task_id, future, frame)

    async def _ensure_workers(self) -> None:
        """Start the missing workers (at the first task, and after a worker is lost)."""
        while not self.in_process and len(self.workers) < self.size:
            if self._starting is None:
                self._starting = asyncio.ensure_future(self._spawn(self.size - len(self.workers)))
            starting = self._starting
            try:
                await asyncio.shield(starting)
            finally:
                if self._starting is starting:
                    self._starting = None

    async def _spawn(self, count: int) -> None:
        for _ in range(count):
            worker = _Worker(self, self.counts["workers_started"])
            self.counts["workers_started"] += 1
            await worker.connect()
            if not worker.ended:  # tasks go to connected, living workers only
                self.workers.append(worker)
        self.feed()

    def worker_ready(self) -> None:
        self._failed_starts = 0
        if self.counts["workers_started"] == self.size:
            logger.info("parse pool: %d worker process(es) started", self.size)

    def worker_lost(self, worker: _Worker, code: int | None) -> None:
        if worker in self.workers:
            self.workers.remove(worker)
        if worker.closing:
            return
        self.counts["workers_lost"] += 1
        pending = list(worker.pending.items())
        worker.pending.clear()
        if not worker.ready:
            # it died starting (a broken environment, not a page): its tasks wait for another
            self._failed_starts += 1
        elif pending:
            # a worker runs its tasks in order: the first unanswered one is the one it died in
            future = pending.pop(0)[1][0]
            if not future.done():
                died = ParseWorkerDied(f"parse worker exited with status {code}")
                future.set_exception(worker.killed_for or died)
        # the others go first when a worker is free again
        self._waiting.extendleft((task_id, f, frame) for task_id, (f, frame) in reversed(pending))
        logger.error(
            "parse pool: worker %d (pid %d) ended with status %s%s",
            worker.index,
            worker.process.pid,
            code,
            f" ({worker.killed_for})" if worker.killed_for else ("" if worker.ready else " while starting"),
        )
        if self._closed:
            return
        if self.in_process:
            logger.error(
                "parse pool: %d workers in a row died before answering; parsing in the crawl "
                "process from now on (slower, nothing is lost)",
                MAX_FAILED_STARTS,
            )
            self._run_waiting_inline()
        elif self._waiting:
            self._replacing.add(task := asyncio.ensure_future(self._ensure_workers()))
            task.add_done_callback(self._replaced)

    def _replaced(self, task: asyncio.Future[None]) -> None:
        self._replacing.discard(task)
        if task.cancelled() or task.exception() is not None or self.in_process:
            self._run_waiting_inline()
        else:
            self.feed()

    def _run_waiting_inline(self) -> None:
        """No worker can take them: run the waiting tasks here, in order."""
        while self._waiting:
            _, future, frame = self._waiting.popleft()
            if future.done():
                continue
            _, fn, args = pickle.loads(memoryview(frame)[_HEADER.size :])
            try:
                future.set_result(self._run_inline(fn, args))
            except ParseError as exc:
                future.set_exception(exc)

    def _arm_watch(self) -> None:
        if self._watch is None and self.timeout > 0:
            self._watch = asyncio.get_running_loop().call_later(1.0, self._check_timeouts)

    def _check_timeouts(self) -> None:
        self._watch = None
        now = time.monotonic()
        for worker in list(self.workers):
            started = worker.running_since()
            if started is not None and now - started > self.timeout:
                worker.kill(ParseTimeout(f"a task ran over NEWSCRAWL_PARSE_TIMEOUT ({self.timeout:g} s)"))
        if any(w.pending for w in self.workers):
            self._arm_watch()

    def close(self, timeout: float = 10.0) -> None:
        """Let the workers finish what they hold, then end them (killed after ``timeout`` seconds)."""
        self._closed = True
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None
        for worker in list(self.workers):
            worker.closing = True
            # the worker reads EOF and exits; shut down here, not at the transport's close, which
            # happens in a later turn of the event loop that this method does not give back to
            with contextlib.suppress(OSError):
                worker.socket.shutdown(socket.SHUT_RDWR)
            if worker.transport is not None:
                worker.transport.abort()
            worker.socket.close()
        deadline = time.monotonic() + timeout
        for worker in list(self.workers):
            try:
                worker.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
        self.workers.clear()


_CRAWLER_POOLS: weakref.WeakKeyDictionary[Any, ParsePool] = weakref.WeakKeyDictionary()


def crawler_pool(crawler: Any) -> ParsePool:
    """The crawl's one pool, shared by its spider and pipelines, built from its settings.

    Settings: ``NEWSCRAWL_PARSE_WORKERS`` (default 1; 0 = parse in the crawl
    process), ``NEWSCRAWL_PARSE_TIMEOUT`` (seconds, default 60; 0 = none). The
    pool is closed when the spider closes, and its counts go to the stats as
    ``newscrawl/parse_pool/<count>``.
    """
    pool = _CRAWLER_POOLS.get(crawler)
    if pool is not None:
        return pool
    from scrapy import signals  # here, not at the top: workers import this module without Scrapy

    from newscrawl.params import SettingError

    settings = crawler.settings
    try:
        workers = settings.getint("NEWSCRAWL_PARSE_WORKERS", 1)
        timeout = settings.getfloat("NEWSCRAWL_PARSE_TIMEOUT", 60.0)
    except ValueError as exc:
        raise SettingError(f"NEWSCRAWL_PARSE_WORKERS / NEWSCRAWL_PARSE_TIMEOUT: {exc}") from None
    if workers < 0:
        raise SettingError(f"NEWSCRAWL_PARSE_WORKERS must be 0 or more, not {workers}")
    pool = _CRAWLER_POOLS[crawler] = ParsePool(workers, timeout)

    def spider_closed() -> None:
        pool.close()
        for name, value in pool.counts.items():
            if value and crawler.stats is not None:
                crawler.stats.set_value(f"newscrawl/parse_pool/{name}", value)

    crawler.signals.connect(spider_closed, signal=signals.spider_closed, weak=False)
    return pool


# -- the worker process ---------------------------------------------------------------


def _read_exactly(stream: Any, size: int) -> bytes | None:
    try:
        data = stream.read(size)
    except ConnectionError:  # the crawl closed its end
        return None
    return data if data is not None and len(data) == size else None


def serve(fd: int) -> None:
    """A worker's loop: read a task, run it, write the answer; return when the crawl closes the socket."""
    # Ctrl-C reaches the whole process group; the crawl shuts down gracefully and still needs the
    # answers to the tasks it sent, then closes the socket, which ends this loop
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sock = socket.socket(fileno=fd)
    stream = sock.makefile("rb")
    sock.sendall(_frame((READY, True, None)))
    while True:
        header = _read_exactly(stream, _HEADER.size)
        if header is None:
            return
        (size,) = _HEADER.unpack(header)
        data = _read_exactly(stream, size)
        if data is None:
            return
        task_id, fn, args = pickle.loads(data)
        try:
            frame = _frame((task_id, True, fn(*args)))
        except Exception:  # every failure goes back to the crawl, with its traceback
            frame = _frame((task_id, False, traceback.format_exc(limit=8).strip()))
        try:
            sock.sendall(frame)
        except ConnectionError:
            return


if __name__ == "__main__":
    serve(int(sys.argv[1]))
