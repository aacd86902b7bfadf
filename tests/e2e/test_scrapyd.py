"""End to end under a real Scrapyd: the egg is built from this repository and uploaded with
`scrapyd-deploy`, jobs are scheduled over schedule.json and checked item by item.

Every node is the .venv's `scrapyd` bound to 127.0.0.1 on a free port, run in its own temporary
directory with its own scrapyd.conf (eggs, logs and dbs there, ``items_dir`` empty); it is stopped by
its PID, and the crawl processes it spawned with it (they share its process group), when the module
ends. Jobs write their feed and seen-store to absolute paths given with ``setting=``, or, on node-b,
by the node's settings module (scrapyd.conf ``[settings]``), as docs/deploy.md describes.
"""

from __future__ import annotations

import configparser
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest

from newscrawl import __version__
from newscrawl.editions import url_date
from newscrawl.snapshot_server import SnapshotHandler, make_server
from newscrawl.utils.urls import decoded_path
from tests.conftest import (
    ROOT,
    SNAPSHOT,
    RedisServer,
    Served,
    article_fixtures,
    free_port,
    read_jsonl,
    running,
    serve,
)

FIXTURE_DATA = article_fixtures("rfi_cn")
EXPECTED = {f["url"]: f for f in FIXTURE_DATA}
PROJECT = "newscrawl"
VERSION = "r1"
JOB_TIMEOUT = 120.0
BIN = Path(sys.executable).parent
CONTACT = "mailto:crawl-ops@example.org"

SCRAPYD_CONF = """\
[scrapyd]
bind_address = 127.0.0.1
http_port = {port}
eggs_dir = {root}/eggs
logs_dir = {root}/logs
dbs_dir = {root}/dbs
items_dir =
jobs_dir =
jobs_to_keep = 100
max_proc = 4
poll_interval = 0.2
"""

# A node's own settings (scrapyd.conf [settings] newscrawl = newscrawl_node, the module on PYTHONPATH)
NODE_SETTINGS = """\
# Settings of one Scrapyd node: the deployed project's, with this node's absolute paths.

from newscrawl.settings import *  # noqa: F403

NEWSCRAWL_CONTACT_URL = "{contact}"
NEWSCRAWL_FEED_URI = "{root}/node-output/%(name)s/%(time)s.jsonl"
NEWSCRAWL_SCRAPYD_FEED_URI = "{root}/node-output/%(name)s/%(time)s-%(job)s.jsonl"
NEWSCRAWL_STATE_DIR = "{root}/node-state"
DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = False
"""


def isolated_env(home: Path) -> dict[str, str]:
    """This process's environment without Scrapy/Scrapyd variables or PYTHONPATH (jobs must run the egg)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SCRAPY_", "SCRAPYD_")) and k not in ("PYTHONPATH", "PYTEST_ADDOPTS")
    }
    # no ~/.scrapyd.conf or ~/.scrapy.cfg of the user; no default seen-store of the user
    env.update(
        HOME=str(home), XDG_STATE_HOME=str(home / "xdg-state"), XDG_CONFIG_HOME=str(home / "xdg-config")
    )
    return env


@dataclass
class Node:
    """One running Scrapyd."""

    name: str
    root: Path
    url: str
    process: subprocess.Popen[bytes]
    node_settings: bool = False

    def call(self, endpoint: str, fields: list[tuple[str, str]] | None = None, *, post: bool = False) -> Any:
        query = urlencode(fields or [])
        if post:
            request = Request(f"{self.url}/{endpoint}", data=query.encode())
        else:
            request = Request(f"{self.url}/{endpoint}" + (f"?{query}" if query else ""))
        with urlopen(request, timeout=30) as response:
            answer = json.loads(response.read())
        assert answer.get("status") == "ok", (endpoint, answer)
        return answer

    def schedule(
        self, spider: str, args: Mapping[str, str], settings: Mapping[str, str], jobid: str | None = None
    ) -> str:
        """schedule.json: spider arguments as plain parameters, settings as ``setting=NAME=value``."""
        fields = [("project", PROJECT), ("spider", spider)]
        if jobid:
            fields.append(("jobid", jobid))
        fields += [("setting", f"{k}={v}") for k, v in settings.items()]
        fields += list(args.items())
        job: str = self.call("schedule.json", fields, post=True)["jobid"]
        return job

    def wait(self, jobids: list[str], timeout: float = JOB_TIMEOUT) -> dict[str, dict[str, Any]]:
        """Poll listjobs.json until every job is finished; their records by job id."""
        deadline = time.monotonic() + timeout
        while True:
            finished = {j["id"]: j for j in self.call("listjobs.json", [("project", PROJECT)])["finished"]}
            if all(j in finished for j in jobids):
                return {j: finished[j] for j in jobids}
            if time.monotonic() > deadline or self.process.poll() is not None:
                pytest.fail(
                    f"{self.name}: jobs {jobids} not finished in {timeout} s:\n{self.console()[-3000:]}"
                )
            time.sleep(0.2)

    def log(self, spider: str, jobid: str) -> str:
        """The job's log file in Scrapyd's logs_dir."""
        return (self.root / "logs" / PROJECT / spider / f"{jobid}.log").read_text("utf-8")

    def console(self) -> str:
        """Scrapyd's own output: process start/end lines (with exit status), the jobs' stderr."""
        return (self.root / "scrapyd.out").read_text("utf-8", errors="replace")


def start_node(name: str, root: Path, *, node_settings: bool = False) -> Node:
    """Start a scrapyd in ``root``; with ``node_settings``, its jobs use a node settings module."""
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = isolated_env(root)
    conf = SCRAPYD_CONF.format(port=port, root=root)
    if node_settings:
        (root / "conf").mkdir(exist_ok=True)
        module = NODE_SETTINGS.format(root=root, contact=CONTACT)
        (root / "conf" / "newscrawl_node.py").write_text(module, "utf-8")
        conf += "\n[settings]\nnewscrawl = newscrawl_node\n"  # SCRAPY_SETTINGS_MODULE of its jobs
        env["PYTHONPATH"] = str(root / "conf")
    (root / "scrapyd.conf").write_text(conf, "utf-8")
    with (root / "scrapyd.out").open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "scrapyd", "--pidfile", str(root / "twistd.pid")],
            cwd=root,  # scrapyd.conf is read from here; relative paths of jobs are relative to it
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the crawl processes it spawns join it
        )
    return Node(name, root, f"http://127.0.0.1:{port}", process, node_settings)


def wait_ready(node: Node, timeout: float = 30.0) -> bool:
    """True once the node answers; False if it exited (its port was taken meanwhile)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            node.call("daemonstatus.json")
            return True
        except OSError:
            if node.process.poll() is not None:
                return False
            if time.monotonic() > deadline:
                stop_node(node)
                pytest.fail(f"{node.name}: scrapyd did not start:\n{node.console()[-3000:]}")
            time.sleep(0.1)


def stop_node(node: Node) -> None:
    """Terminate Scrapyd by its PID (kill if it does not stop), then any crawl process it left behind."""
    if node.process.poll() is None:
        node.process.terminate()
        try:
            node.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            node.process.kill()
            node.process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):  # the group we created for it (start_new_session)
        os.killpg(node.process.pid, signal.SIGKILL)


def project_copy(dest: Path) -> Path:
    """The files the egg is built from, copied from the repository (scrapyd-deploy writes setup.py,
    build/ and *.egg-info beside scrapy.cfg: never in the working tree of the tests)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "newscrawl", dest / "newscrawl", ignore=ignore)
    for name in ("pyproject.toml", "README.md", "scrapy.cfg"):
        shutil.copy(ROOT / name, dest / name)
    return dest


def deploy(project: Path, node: Node) -> None:
    """`scrapyd-deploy <node>` from the project copy, its scrapy.cfg given a [deploy:<node>] target."""
    cfg = configparser.ConfigParser()
    cfg.read(project / "scrapy.cfg", encoding="utf-8")
    cfg[f"deploy:{node.name}"] = {"url": f"{node.url}/", "project": PROJECT}
    with (project / "scrapy.cfg").open("w", encoding="utf-8") as fh:
        cfg.write(fh)
    deploy_bin = BIN / "scrapyd-deploy"
    command = [str(deploy_bin)] if deploy_bin.exists() else [sys.executable, "-m", "scrapyd_client.deploy"]
    result = subprocess.run(
        [*command, node.name, "-v", VERSION],
        cwd=project,
        env=isolated_env(project.parent),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert (answer["status"], answer["project"], answer["version"]) == ("ok", PROJECT, VERSION), answer
    spiders = node.call("listspiders.json", [("project", PROJECT)])["spiders"]
    assert {"rfi_cn", "rfi"} <= set(spiders)


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Node, Node]]:
    """Two Scrapyd nodes, each with the newscrawl egg deployed; node-b has a node settings module."""
    base = tmp_path_factory.mktemp("scrapyd")
    started = [
        start_node("node-a", base / "node-a"),
        start_node("node-b", base / "node-b", node_settings=True),
    ]
    try:
        for i, node in enumerate(started):
            for _ in range(3):
                if wait_ready(node):
                    break
                started[i] = node = start_node(node.name, node.root, node_settings=node.node_settings)
            else:
                pytest.fail(f"{node.name}: scrapyd exited at start:\n{node.console()[-3000:]}")
        project = project_copy(base / "project")
        for node in started:
            deploy(project, node)
        yield started[0], started[1]
    finally:
        for node in started:
            stop_node(node)


def job_settings(
    tmp: Path, label: str, jobid: str, *, state: str | None = None, **extra: str
) -> dict[str, str]:
    """Politeness off (a local snapshot); feed and seen-store at absolute paths; the job id in the feed name.

    The feed goes to ``tmp/label/feeds``, the SQLite seen-store to ``tmp/<state or label>/state``.
    Scrapyd 1.6 tells a job its id only as the ``_job`` spider argument, so the id is chosen here
    (schedule.json ``jobid=``) and written into the feed URI.
    """
    feed = f"{tmp / label / 'feeds'}/%(name)s/%(time)s-{jobid}.jsonl"
    return {
        "DOWNLOAD_DELAY": "0",
        "AUTOTHROTTLE_ENABLED": "False",
        "NEWSCRAWL_STATE_DIR": str(tmp / (state or label) / "state"),
        "NEWSCRAWL_FEED_URI": feed,
        "NEWSCRAWL_SCRAPYD_FEED_URI": feed,
        **extra,
    }


def schedule(node: Node, spider: str, args: Mapping[str, str], tmp: Path, label: str, **settings: str) -> str:
    """Schedule ``spider`` with a job id of ours; see :func:`job_settings`."""
    jobid = uuid.uuid4().hex
    assert node.schedule(spider, args, job_settings(tmp, label, jobid, **settings), jobid=jobid) == jobid
    return jobid


def job_feed(tmp: Path, label: str, spider: str, jobid: str) -> list[dict[str, Any]]:
    """The items of the job's one feed file; nothing else (no leftover part file) in its directory
    but the feed's rights sidecar (docs/rights.md)."""
    files = sorted((tmp / label / "feeds" / spider).iterdir())
    assert len(files) == 2, files
    assert files[0].name.endswith(f"-{jobid}.jsonl"), files[0]
    assert files[1].name == files[0].name + ".rights.json", files[1]
    return read_jsonl(files[0])


def check_items(items: list[dict[str, Any]], urls: set[str]) -> None:
    """Each of ``urls`` exactly once, nothing else, every item with its fixture's expected fields."""
    seen = [item["url"] for item in items]
    assert len(seen) == len(set(seen)), "an article was output twice"
    assert set(seen) == urls
    for item in items:
        for field, value in EXPECTED[item["url"]]["expected"].items():
            assert item[field] == value, (item["url"], field)


def job_times(job: dict[str, Any]) -> tuple[datetime, datetime]:
    return datetime.fromisoformat(job["start_time"]), datetime.fromisoformat(job["end_time"])


def test_deployed_job_writes_every_article_once_to_the_project_feed(
    nodes: tuple[Node, Node], tmp_path: Path
) -> None:
    node = nodes[0]
    with serve(SNAPSHOT, tmp_path / "requests.jsonl") as served:
        jobid = schedule(node, "rfi_cn", {"base_url": served.url}, tmp_path, "full")
        job = node.wait([jobid])[jobid]
    items = job_feed(tmp_path, "full", "rfi_cn", jobid)
    assert len(items) == 16
    check_items(items, set(EXPECTED))
    assert {(i["site"], i["edition"], i["language"]) for i in items} == {("rfi", "cn", "zh-Hans")}
    assert job["items_url"] is None  # items_dir is empty: Scrapyd keeps no copy of its own
    assert not (node.root / "output").exists()  # nothing relative to the job's working directory
    assert (tmp_path / "full" / "state" / "seen-rfi.sqlite3").is_file()
    log = node.log("rfi_cn", jobid)
    assert "'item_scraped_count': 16" in log, log[-3000:]
    assert "'newscrawl/seen_store/recorded': 16" in log
    assert "'DOWNLOAD_DELAY': '0'" in log  # setting= reached the crawl
    assert f"Process finished: project='newscrawl' spider='rfi_cn' job='{jobid}'" in node.console()


def test_node_settings_module_sets_absolute_paths_and_the_contact(
    nodes: tuple[Node, Node], tmp_path: Path
) -> None:
    """No setting= at all: node-b's settings module (scrapyd.conf [settings]) is used by its jobs."""
    node = nodes[1]
    with serve(SNAPSHOT, tmp_path / "requests.jsonl") as served:
        jobid = node.schedule("rfi_cn", {"base_url": served.url, "max_articles": "2"}, {})
        node.wait([jobid])
        user_agents = {r["user_agent"] for r in served.requests()}
    files = sorted((node.root / "node-output" / "rfi_cn").iterdir())
    assert [f.name for f in files[1:]] == [files[0].name + ".rights.json"], files
    items = read_jsonl(files[0])
    assert len(items) == 2
    check_items(items, {i["url"] for i in items} & set(EXPECTED))
    assert (node.root / "node-state" / "seen-rfi.sqlite3").is_file()
    assert not (node.root / "output").exists()
    assert user_agents == {f"newscrawl/{__version__} (+{CONTACT})"}


def test_every_spider_argument_works_through_schedule_json(nodes: tuple[Node, Node], tmp_path: Path) -> None:
    node = nodes[0]
    since, until = date(2024, 2, 20), date(2024, 2, 27)
    europe = {
        u for u, f in EXPECTED.items() if f["expected"]["section"] == "欧洲" and "section" in f["sources"]
    }
    window = {u for u in EXPECTED if since <= (url_date(decoded_path(u)) or date.min) <= until}
    assert len(europe) == 2
    assert 0 < len(window) < len(EXPECTED)
    with serve(SNAPSHOT, tmp_path / "requests.jsonl") as served:
        base = {"base_url": served.url}
        by_section = {**base, "sections": "欧洲", "sources": "section"}
        first = {
            "europe": schedule(node, "rfi_cn", by_section, tmp_path, "europe"),
            "max": schedule(
                node, "rfi_cn", {**base, "sources": "rss,sitemap", "max_articles": "3"}, tmp_path, "max"
            ),
            "window": schedule(
                node, "rfi_cn", {**base, "since": f"{since}", "until": f"{until}"}, tmp_path, "window"
            ),
            "editions": schedule(
                node,
                "rfi",
                {**base, "editions": "cn", "sources": "rss", "max_articles": "2"},
                tmp_path,
                "rfi",
            ),
        }
        node.wait(list(first.values()))
        # the first job's seen-store again: nothing new to write; with recrawl=true, everything again
        second = {
            "again": schedule(node, "rfi_cn", by_section, tmp_path, "again", state="europe"),
            "recrawl": schedule(
                node, "rfi_cn", {**by_section, "recrawl": "true"}, tmp_path, "recrawl", state="europe"
            ),
        }
        node.wait(list(second.values()))

    items = job_feed(tmp_path, "europe", "rfi_cn", first["europe"])
    check_items(items, europe)
    assert {i["discovered_via"] for i in items} == {"section"}

    items = job_feed(tmp_path, "max", "rfi_cn", first["max"])
    assert len(items) == 3
    check_items(items, {i["url"] for i in items} & set(EXPECTED))
    assert {i["discovered_via"] for i in items} <= {"rss", "sitemap"}
    assert "'newscrawl/articles/over_max'" in node.log("rfi_cn", first["max"])

    items = job_feed(tmp_path, "window", "rfi_cn", first["window"])
    check_items(items, window)
    assert {i["discovered_via"] for i in items} <= {"sitemap", "archive"}

    items = job_feed(tmp_path, "rfi", "rfi", first["editions"])
    assert len(items) == 2
    check_items(items, {i["url"] for i in items} & set(EXPECTED))
    assert {(i["edition"], i["discovered_via"]) for i in items} == {("cn", "rss")}

    assert job_feed(tmp_path, "again", "rfi_cn", second["again"]) == []
    assert "'newscrawl/seen_store/skipped': 2" in node.log("rfi_cn", second["again"])
    check_items(job_feed(tmp_path, "recrawl", "rfi_cn", second["recrawl"]), europe)


BAD_ARGUMENTS = [
    ("rfi_cn", {"max_articles": "lots"}, "rfi_cn: bad spider argument: max_articles='lots'"),
    ("rfi_cn", {"sections": "体育"}, "rfi_cn: bad spider argument: sections='体育': unknown section(s) 体育"),
    ("rfi_cn", {"colour": "red"}, "rfi_cn: bad spider argument: unknown spider argument(s) colour"),
    ("rfi", {"editions": "xx"}, "rfi: bad spider argument: editions='xx': unknown edition(s) xx"),
]


def test_bad_argument_fails_the_job_fast_with_a_clear_log(nodes: tuple[Node, Node], tmp_path: Path) -> None:
    """A bad value stops the job before any request (robots.txt included), exit status 1, reason logged."""
    node = nodes[0]
    with serve(SNAPSHOT, tmp_path / "requests.jsonl") as served:
        jobs = [
            (spider, message, schedule(node, spider, {"base_url": served.url, **args}, tmp_path, "bad"))
            for spider, args, message in BAD_ARGUMENTS
        ]
        node.wait([jobid for _, _, jobid in jobs])
        assert served.requests() == []
    console = node.console()
    for spider, message, jobid in jobs:
        log = node.log(spider, jobid)
        assert message in log, (message, log[-2000:])
        assert f"Process died: exitstatus=1 project='newscrawl' spider='{spider}' job='{jobid}'" in console
        assert "Spider opened" not in log
        assert "Traceback" not in log
    assert not (tmp_path / "bad" / "feeds").exists()  # no output file, not even an empty one


def test_a_job_that_could_not_do_its_work_exits_non_zero_and_its_log_says_why(
    nodes: tuple[Node, Node], tmp_path: Path
) -> None:
    """Scrapyd sees only the exit status and the log: every request refused, a feed that cannot be
    written (its directory is a file), a bad setting."""
    node = nodes[0]
    (tmp_path / "blocked").mkdir()
    (tmp_path / "blocked" / "feeds").write_text("a file where the feed directory should be", "utf-8")
    with serve(SNAPSHOT, tmp_path / "requests.jsonl") as served:
        refused = {"base_url": f"http://127.0.0.1:{free_port()}"}
        jobs = {
            # robots.txt cannot be fetched either: nothing of the origin is (newscrawl/robots.py)
            "robots_txt_unreachable": schedule(node, "rfi_cn", refused, tmp_path, "refused", RETRY_TIMES="0"),
            "feed_store_failed": schedule(node, "rfi_cn", {"base_url": served.url}, tmp_path, "blocked"),
            "bad setting": schedule(
                node, "rfi_cn", {"base_url": served.url}, tmp_path, "min", NEWSCRAWL_MIN_DATE="garbage"
            ),
        }
        node.wait(list(jobs.values()))
    console = node.console()
    for reason in ("robots_txt_unreachable", "feed_store_failed"):
        jobid = jobs[reason]
        log = node.log("rfi_cn", jobid)
        assert f"'finish_reason': '{reason}'" in log, log[-3000:]
        last = log.rstrip().splitlines()[-1]
        assert last.endswith(f"rfi_cn: the job failed (finish reason {reason}); exit status 3"), last
        assert f"Process died: exitstatus=3 project='newscrawl' spider='rfi_cn' job='{jobid}'" in console
    log = node.log("rfi_cn", jobs["bad setting"])
    assert "rfi_cn: bad setting: NEWSCRAWL_MIN_DATE='garbage': expected a date as YYYY-MM-DD" in log
    assert "Traceback" not in log
    assert (
        f"Process died: exitstatus=1 project='newscrawl' spider='rfi_cn' job='{jobs['bad setting']}'"
        in console
    )


@pytest.mark.parametrize(
    ("feeds", "written"),
    [
        (
            {
                "NEWSCRAWL_FEED_URI": "plain/%(name)s/%(time)s.jsonl",
                "NEWSCRAWL_SCRAPYD_FEED_URI": "scrapyd/%(name)s/%(time)s-%(job)s.jsonl",
            },
            "scrapyd/rfi_cn/*-{job}.jsonl",
        ),
        # setting=NEWSCRAWL_FEED_URI alone (cmdline priority) beats the project's NEWSCRAWL_SCRAPYD_FEED_URI
        ({"NEWSCRAWL_FEED_URI": "explicit/%(name)s-%(job)s.jsonl"}, "explicit/rfi_cn-{job}.jsonl"),
    ],
    ids=["scrapyd-feed-uri", "explicit-feed-uri"],
)
def test_scrapyd_job_id_names_the_default_feed(
    nodes: tuple[Node, Node], tmp_path: Path, feeds: dict[str, str], written: str
) -> None:
    """The documented rule with no jobid= workaround: Scrapyd jobs write NEWSCRAWL_SCRAPYD_FEED_URI,
    unless the job was given its own NEWSCRAWL_FEED_URI."""
    node = nodes[0]
    with serve(SNAPSHOT, tmp_path / "requests.jsonl") as served:
        settings = {
            "DOWNLOAD_DELAY": "0",
            "AUTOTHROTTLE_ENABLED": "False",
            "NEWSCRAWL_STATE_DIR": str(tmp_path / "state"),
            **{name: f"{tmp_path}/{uri}" for name, uri in feeds.items()},
        }
        jobid = node.schedule("rfi_cn", {"base_url": served.url, "max_articles": "2"}, settings)
        node.wait([jobid])
    files = list(tmp_path.glob(written.format(job=jobid)))
    assert len(files) == 1, node.log("rfi_cn", jobid)[-3000:]
    assert len(read_jsonl(files[0])) == 2
    assert not list((node.root / "output").glob(f"*/*-{jobid}.jsonl"))  # the project's Scrapyd default


class GatedSnapshotHandler(SnapshotHandler):
    """Holds article pages until some article has been requested twice (or ``GATE_TIMEOUT`` passed)."""

    GATE_TIMEOUT = 30.0

    def __init__(self, *args: Any, gate: threading.Event, asked: Counter[str], **kwargs: Any) -> None:
        self.gate, self.asked = gate, asked
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        path = decoded_path(self.path)
        if url_date(path):
            with self.lock:
                self.asked[path] += 1
                if self.asked[path] >= 2:
                    self.gate.set()
            self.gate.wait(self.GATE_TIMEOUT)
        super().do_GET()


@contextmanager
def serve_gated(root: Path, log: Path, delay: float) -> Iterator[Served]:
    """:func:`tests.conftest.serve`, but no article page is answered before two crawlers asked for one.

    Then both crawlers have looked their articles up in the seen-store before either can have
    written anything: both fetch and write the same articles, and only the claim can keep the
    second copy out, however the jobs' start times vary on a loaded machine.
    """
    server = make_server(root, 0, log, delay)
    server.RequestHandlerClass = partial(
        GatedSnapshotHandler,
        root=root,
        log=log,
        lock=threading.Lock(),
        delay=delay,
        gate=threading.Event(),
        asked=Counter(),
    )
    with running(server) as url:
        yield Served(url, log)


def test_two_nodes_sharing_one_redis_store_output_each_article_once(
    nodes: tuple[Node, Node], redis_server: RedisServer, tmp_path: Path
) -> None:
    redis_server.flush()
    with serve_gated(SNAPSHOT, tmp_path / "requests.jsonl", delay=0.05) as served:
        jobs = {
            node.name: schedule(
                node,
                "rfi_cn",
                {"base_url": served.url},
                tmp_path,
                node.name,
                NEWSCRAWL_SEEN_STORE=redis_server.url,
            )
            for node in nodes
        }
        finished = {node.name: node.wait([jobs[node.name]])[jobs[node.name]] for node in nodes}
        article_requests = [p for p in served.paths() if url_date(p)]
    per_node = {name: job_feed(tmp_path, name, "rfi_cn", jobid) for name, jobid in jobs.items()}
    union = [item for items in per_node.values() for item in items]
    check_items(union, set(EXPECTED))  # each article exactly once across the fleet
    assert len(union) == 16
    # the jobs ran at the same time, both fetched articles that the other one wrote too, and the
    # claim in the shared store (not a lookup before the request) kept the second copies out
    (a_start, a_end), (b_start, b_end) = (job_times(job) for job in finished.values())
    assert a_start < b_end, finished
    assert b_start < a_end, finished
    assert len(article_requests) > 16, article_requests
    logs = "".join(node.log("rfi_cn", jobs[node.name]) for node in nodes)
    assert "'newscrawl/seen_store/written_elsewhere'" in logs
    assert not any((node.root / "output").exists() for node in nodes)
