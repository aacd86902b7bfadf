"""robots.txt gates every request of an origin (newscrawl/robots.py), end to end against the snapshot."""

from __future__ import annotations

import shutil
import signal
import time
from pathlib import Path

from newscrawl.snapshot_server import Answer
from tests.browser_server import is_article_path
from tests.conftest import SNAPSHOT, Served, free_port, read_jsonl, run_crawl, serve
from tests.e2e.test_browser import ARTICLE_PATHS, chromium, crawl_protected, stat
from tests.e2e.test_incremental import article_requests, copy_snapshot, start_crawl

DISALLOW_CN = Answer(200, b"User-agent: *\nDisallow: /cn/\n")


def crawl(tmp_path: Path, robots: Answer) -> tuple[int, str, Served, list[dict[str, object]]]:
    out = tmp_path / "items.jsonl"
    with serve(SNAPSHOT, tmp_path / "requests.jsonl", answers={"/robots.txt": robots}) as served:
        result = run_crawl("rfi_cn", "-a", f"base_url={served.url}", "-O", str(out), cwd=tmp_path)
    items = read_jsonl(out) if out.exists() else []
    return result.returncode, result.stderr, served, items


def test_disallowed_paths_are_never_requested_not_even_at_start(tmp_path: Path) -> None:
    code, log, served, items = crawl(tmp_path, DISALLOW_CN)
    assert code == 0, log[-3000:]
    paths = served.paths()
    assert [p for p in paths if p.startswith("/cn/")] == []
    assert paths[0] == "/robots.txt"
    assert sorted(paths) == ["/.well-known/tdmrep.json", "/robots.txt", "/sitemaps/cn/news.xml"]
    assert items == []
    # the homepage, 8 sections and the RSS feed; the news sitemap's 10 articles
    assert stat(log, "robotstxt/forbidden") == 10 + 10


def test_unreachable_robots_txt_disallows_everything_and_fails_the_job(tmp_path: Path) -> None:
    code, log, served, items = crawl(tmp_path, Answer(503, b"maintenance"))
    assert set(served.paths()) == {"/robots.txt"}
    assert len(served.paths()) == 3  # the request and RETRY_TIMES=2 retries
    assert f"{served.url}/robots.txt is unreachable (HTTP 503): nothing of {served.url} is fetched" in log
    assert stat(log, "newscrawl/robots/unreachable") == 1
    assert stat(log, "robotstxt/forbidden") == 11  # the homepage, 8 sections, the RSS feed, the news sitemap
    assert "'finish_reason': 'robots_txt_unreachable'" in log
    assert code == 3
    assert items == []


def test_robots_txt_that_cannot_be_connected_to_disallows_everything(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    result = run_crawl("rfi_cn", "-a", f"base_url={base}", "-s", "RETRY_TIMES=0", cwd=tmp_path)
    assert f"{base}/robots.txt is unreachable (DownloadConnectionRefusedError" in result.stderr
    assert stat(result.stderr, "newscrawl/robots/unreachable") == 1
    assert result.returncode == 3


def test_missing_robots_txt_allows_everything(tmp_path: Path) -> None:
    code, log, served, items = crawl(tmp_path, Answer(404, b"not found"))
    assert code == 0, log[-3000:]
    assert served.paths()[0] == "/robots.txt"
    assert served.paths().count("/robots.txt") == 1
    assert len(items) == 17  # with the preview article the snapshot's robots.txt disallows
    assert stat(log, "robotstxt/forbidden") is None
    assert "robots.txt: HTTP 404, no rules: all allowed" in log


def test_browser_fetches_wait_for_robots_txt_too(tmp_path: Path) -> None:
    """Articles behind a challenge go to Chromium; a disallowed one is requested by neither client."""
    chromium()
    root = tmp_path / "site"
    shutil.copytree(SNAPSHOT, root)
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /cn/preview/\nDisallow: /cn/欧洲/2\n", "utf-8")
    items, _, served = crawl_protected(tmp_path, root=root)
    requests = served.requests()
    assert requests[0]["path"] == "/robots.txt"
    europe = [r for r in requests if r["path"].startswith("/cn/欧洲/2")]
    assert europe == []
    disallowed = [p for p in ARTICLE_PATHS if p.startswith("/cn/欧洲/2")]
    assert len(disallowed) == 2
    rendered = {r["path"] for r in requests if r["browser"] and is_article_path(r["path"])}
    assert rendered == ARTICLE_PATHS - set(disallowed)
    assert len(items) == 14
    assert {item["access"] for item in items} == {"browser"}  # every page passed the challenge in Chromium


def test_a_resumed_job_waits_for_robots_txt_before_its_queued_requests(tmp_path: Path) -> None:
    """JOBDIR: requests queued by the paused job go out only once the new job has parsed robots.txt."""
    site = copy_snapshot(tmp_path)
    jobdir = ("-s", f"JOBDIR={tmp_path / 'job'}")
    with serve(site, tmp_path / "requests.jsonl", delay=0.15) as served:
        process = start_crawl(tmp_path, served, *jobdir, "-s", "CONCURRENT_REQUESTS=2")
        deadline = time.monotonic() + 60
        while len(article_requests(served)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)  # graceful pause
        process.communicate(timeout=60)
        paused_at = len(served.paths())
        (site / "robots.txt").write_text("User-agent: *\nDisallow: /cn/\n", "utf-8")
        # resumed with Scrapy's default concurrency: the queued requests all reach the downloader at once
        result = run_crawl("rfi_cn", "-a", f"base_url={served.url}", *jobdir, cwd=tmp_path)
    # every request of the resumed job is refused: a job that could do nothing (newscrawl/outcome.py)
    assert result.returncode == 3, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    resumed = served.paths()[paused_at:]
    assert resumed[0] == "/robots.txt"
    assert [p for p in resumed if p.startswith("/cn/")] == []
    assert stat(result.stderr, "robotstxt/forbidden")
