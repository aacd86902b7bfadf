"""Incremental and crash-safe crawling end to end: successive and concurrent `scrapy crawl` runs
against a copy of the RFI snapshot, with the SQLite and the Redis seen-store."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from newscrawl.editions import url_date
from newscrawl.items import FIELD_NAMES
from newscrawl.utils.urls import decoded_path
from tests.conftest import (
    OFFLINE_SETTINGS,
    ROOT,
    SNAPSHOT,
    RedisServer,
    Served,
    article_fixtures,
    crawl_env,
    free_port,
    read_jsonl,
    run_crawl,
    serve,
)

CN = article_fixtures("rfi_cn")
ALL_URLS = sorted(f["url"] for f in CN)


def copy_snapshot(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(SNAPSHOT / "cn", root / "cn")
    shutil.copytree(SNAPSHOT / "sitemaps" / "cn", root / "sitemaps" / "cn")
    shutil.copy(SNAPSHOT / "robots.txt", root / "robots.txt")
    return root


def complete_items(out_dir: Path) -> list[dict[str, Any]]:
    """Every line of every complete output file (hidden .part files are incomplete by name)."""
    items = []
    for path in sorted(out_dir.rglob("*.jsonl")):
        assert not path.name.startswith("."), path
        for line in path.read_text("utf-8").splitlines():
            items.append(json.loads(line))  # a truncated line would fail here
    return items


def article_requests(served: Served, since_line: int = 0) -> list[str]:
    return [p for p in served.paths()[since_line:] if url_date(p)]


def crawl(workdir: Path, served: Served, *args: str) -> subprocess.CompletedProcess[str]:
    result = run_crawl("rfi_cn", "-a", f"base_url={served.url}", *args, cwd=workdir)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


STORES = ["sqlite", "redis"]


def store_args(kind: str, request: pytest.FixtureRequest) -> tuple[str, ...]:
    if kind == "sqlite":
        return ()
    server: RedisServer = request.getfixturevalue("redis_server")
    server.flush()
    return ("-s", f"NEWSCRAWL_SEEN_STORE={server.url}")


@pytest.mark.parametrize("kind", STORES)
def test_second_run_outputs_and_fetches_nothing_then_only_the_new_article(
    tmp_path: Path, kind: str, request: pytest.FixtureRequest
) -> None:
    site = copy_snapshot(tmp_path)
    extra = store_args(kind, request)
    with serve(site, tmp_path / "requests.jsonl") as served:
        crawl(tmp_path, served, *extra)
        first = complete_items(tmp_path / "output")
        assert sorted(i["url"] for i in first) == ALL_URLS
        mark = len(served.paths())

        second = crawl(tmp_path, served, *extra)
        assert len(complete_items(tmp_path / "output")) == len(ALL_URLS)  # the second file is empty
        assert article_requests(served, mark) == []  # listings, feed and sitemap only
        assert {"/cn/", "/cn/rss", "/sitemaps/cn/news.xml"} <= set(served.paths()[mark:])
        assert f"'newscrawl/seen_store/skipped': {len(ALL_URLS)}" in second.stderr

        new_url = add_article(site)
        mark = len(served.paths())
        crawl(tmp_path, served, *extra)
        items = complete_items(tmp_path / "output")
        assert sorted(i["url"] for i in items) == sorted([*ALL_URLS, new_url])
        assert [decoded_path(new_url)] == article_requests(served, mark)


def add_article(site: Path) -> str:
    """Copy one article under a new URL and announce it in the RSS feed; return its public URL."""
    source = next(f for f in CN if f["expected"]["section"] == "中国")
    old_path = decoded_path(source["url"])
    new_path = "/cn/中国/20240229-新增文章-测试增量抓取"
    new_url = (
        "https://www.rfi.fr"
        + "/cn/%E4%B8%AD%E5%9B%BD/20240229-"
        + ("%E6%96%B0%E5%A2%9E%E6%96%87%E7%AB%A0-%E6%B5%8B%E8%AF%95%E5%A2%9E%E9%87%8F%E6%8A%93%E5%8F%96")
    )
    html = (site / (old_path.lstrip("/") + ".html")).read_text("utf-8")
    html = html.replace(source["url"], new_url).replace(source["expected"]["title"], "新增文章 测试增量抓取")
    (site / (new_path.lstrip("/") + ".html")).write_text(html, "utf-8")
    rss = site / "cn" / "rss.xml"
    pub_date = "<pubDate>Thu, 29 Feb 2024 08:00:00 GMT</pubDate>"
    item = f"<item><title>新增文章</title><link>{new_url}</link>{pub_date}</item>"
    rss.write_text(rss.read_text("utf-8").replace("<item>", item + "<item>", 1), "utf-8")
    return new_url


@pytest.mark.parametrize("kind", STORES)
def test_an_updated_article_is_fetched_and_written_again(
    tmp_path: Path, kind: str, request: pytest.FixtureRequest
) -> None:
    site = copy_snapshot(tmp_path)
    extra = store_args(kind, request)
    target = next(f for f in CN if "sitemap" in f["sources"] and f["expected"]["modified"] is None)
    with serve(site, tmp_path / "requests.jsonl") as served:
        crawl(tmp_path, served, *extra)
        before = {i["url"]: i for i in complete_items(tmp_path / "output")}

        path = decoded_path(target["url"])
        page = site / (path.lstrip("/") + ".html")
        first_paragraph = target["expected"]["body"].split("\n\n")[0]
        page.write_text(
            page.read_text("utf-8").replace(first_paragraph, first_paragraph + "（更新）"), "utf-8"
        )
        news = site / "sitemaps" / "cn" / "news.xml"
        text = news.read_text("utf-8")
        block = re.search(rf"<loc>{re.escape(target['url'])}</loc>\s*<lastmod>([^<]+)</lastmod>", text)
        assert block is not None
        news.write_text(
            text.replace(block.group(0), block.group(0).replace(block.group(1), "2024-03-01T09:00:00+00:00"))
        )

        mark = len(served.paths())
        crawl(tmp_path, served, *extra)
        assert article_requests(served, mark) == [path]
        items = complete_items(tmp_path / "output")
        versions = [i for i in items if i["url"] == target["url"]]
        assert len(versions) == 2
        assert versions[0]["content_hash"] == before[target["url"]]["content_hash"]
        assert versions[1]["content_hash"] != versions[0]["content_hash"]
        assert versions[1]["body"].startswith(first_paragraph + "（更新）")
        assert len(items) == len(ALL_URLS) + 1


@pytest.mark.parametrize("kind", STORES)
def test_a_later_sitemap_lastmod_or_a_listed_alias_is_fetched_once_not_every_run(
    tmp_path: Path, kind: str, request: pytest.FixtureRequest
) -> None:
    site = copy_snapshot(tmp_path)
    extra = store_args(kind, request)
    # the news sitemap says every entry changed after any date its page shows (the CMS touched it)
    news = site / "sitemaps" / "cn" / "news.xml"
    text, touched = re.subn(r"<lastmod>[^<]+</lastmod>", "<lastmod>2024-03-01T09:00:00+00:00</lastmod>",
                            news.read_text("utf-8"))  # fmt: skip
    assert touched == 10
    news.write_text(text, "utf-8")
    # the feed lists an article under an old slug; the page there names its canonical URL
    source = next(f for f in CN if f["sources"] == ["sitemap"] and f["expected"]["modified"] is None)
    alias_path = "/cn/中国/20240221-旧标题"
    alias_url = "https://www.rfi.fr/cn/%E4%B8%AD%E5%9B%BD/20240221-%E6%97%A7%E6%A0%87%E9%A2%98"
    shutil.copy(site / (decoded_path(source["url"]).lstrip("/") + ".html"), site / (alias_path[1:] + ".html"))
    rss = site / "cn" / "rss.xml"
    item = f"<item><title>旧标题</title><link>{alias_url}</link></item>"
    rss.write_text(rss.read_text("utf-8").replace("<item>", item + "<item>", 1), "utf-8")
    with serve(site, tmp_path / "requests.jsonl") as served:
        crawl(tmp_path, served, *extra)
        first = complete_items(tmp_path / "output")
        assert sorted(i["url"] for i in first) == ALL_URLS  # the alias gave its canonical article
        assert alias_path in article_requests(served)
        mark = len(served.paths())
        second = crawl(tmp_path, served, *extra)
        assert article_requests(served, mark) == []
    assert len(complete_items(tmp_path / "output")) == len(ALL_URLS)
    assert "newscrawl/seen_store/refetch_updated" not in second.stderr


def start_crawl(workdir: Path, served: Served, *args: str, quiet: bool = False) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "rfi_cn",
            *OFFLINE_SETTINGS,
            "-a",
            f"base_url={served.url}",
            *args,
        ],
        cwd=workdir,
        env=crawl_env(workdir / "state"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL if quiet else subprocess.PIPE,
        text=True,
    )


BATCHED = (
    "-s", "NEWSCRAWL_FEED_URI=output/%(name)s/%(time)s-%(batch_id)03d.jsonl",
    "-s", "FEED_EXPORT_BATCH_ITEM_COUNT=3",
    "-s", "CONCURRENT_REQUESTS=2",
)  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "output"),
    [("sqlite", "default"), ("redis", "default"), ("sqlite", "-o")],
    ids=["sqlite-default-feed", "redis-default-feed", "sqlite-o-file"],
)
def test_kill_9_at_several_points_then_complete(
    tmp_path: Path, kind: str, output: str, request: pytest.FixtureRequest
) -> None:
    site = copy_snapshot(tmp_path)
    # default feed: batches of 3 items, each committed on its own, so kills leave complete files;
    # -o: one file, appended to when a job completes
    named = tmp_path / "named.jsonl"
    args = (*store_args(kind, request), *(BATCHED if output == "default" else ("-o", str(named))))
    with serve(site, tmp_path / "requests.jsonl", delay=0.15) as served:
        for kill_after in (1.0, 2.2, 1.6, 3.0):
            process = start_crawl(tmp_path, served, *args, quiet=True)
            time.sleep(kill_after)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        final = run_crawl("rfi_cn", "-a", f"base_url={served.url}", *args, cwd=tmp_path)
        assert final.returncode == 0, final.stderr[-3000:]
    if output == "default":
        items = complete_items(tmp_path / "output")
        assert len(list((tmp_path / "output").rglob("*.jsonl"))) >= 2  # kills left complete batch files
    else:
        items = [json.loads(line) for line in named.read_text("utf-8").splitlines()]
    assert sorted(i["url"] for i in items) == ALL_URLS  # each article exactly once, every line whole
    assert not list(tmp_path.rglob(".*.part-*"))  # the last run removed the leftovers


def test_two_concurrent_crawls_share_one_redis_store(tmp_path: Path, redis_server: RedisServer) -> None:
    redis_server.flush()
    site = copy_snapshot(tmp_path)
    store = ("-s", f"NEWSCRAWL_SEEN_STORE={redis_server.url}")
    with serve(site, tmp_path / "requests.jsonl", delay=0.05) as served:
        workers = [tmp_path / "node1", tmp_path / "node2"]
        for w in workers:
            w.mkdir()
        processes = [start_crawl(w, served, *BATCHED, *store) for w in workers]
        stored = 0
        for process in processes:
            _, err = process.communicate(timeout=120)
            assert process.returncode == 0, err[-3000:]
            stored += sum(int(n) for n in re.findall(r"Stored \w+ feed \((\d+) items\)", err))
    union = [i for w in workers for i in complete_items(w / "output")]
    assert sorted(i["url"] for i in union) == ALL_URLS
    assert stored == len(ALL_URLS)  # the log counts what the files hold, not articles left out of them


def test_recrawl_argument_writes_everything_again(tmp_path: Path) -> None:
    site = copy_snapshot(tmp_path)
    with serve(site, tmp_path / "requests.jsonl") as served:
        crawl(tmp_path, served)
        crawl(tmp_path, served, "-a", "recrawl=true")
    assert sorted(i["url"] for i in complete_items(tmp_path / "output")) == sorted(ALL_URLS * 2)


def test_reset_command_forgets_a_site(tmp_path: Path) -> None:
    site = copy_snapshot(tmp_path)
    with serve(site, tmp_path / "requests.jsonl") as served:
        crawl(tmp_path, served)
    env = crawl_env(tmp_path / "state")
    count = subprocess.run([sys.executable, "-m", "newscrawl.seen", "count", "rfi"], env=env, cwd=ROOT,
                           capture_output=True, text=True, check=True)  # fmt: skip
    assert count.stdout.strip() == f"{len(ALL_URLS)} articles seen for rfi"
    reset = subprocess.run([sys.executable, "-m", "newscrawl.seen", "reset", "rfi"], env=env, cwd=ROOT,
                           capture_output=True, text=True, check=True)  # fmt: skip
    assert reset.stdout.strip() == f"forgot {len(ALL_URLS)} articles seen for rfi"


def test_jobdir_pause_and_resume(tmp_path: Path) -> None:
    site = copy_snapshot(tmp_path)
    # at most 3 article requests out at once: most links are still pending in the spider at the pause
    jobdir = (
        "-s",
        f"JOBDIR={tmp_path / 'job'}",
        "-s",
        "CONCURRENT_REQUESTS=2",
        "-s",
        "NEWSCRAWL_ARTICLES_IN_FLIGHT=3",
    )
    with serve(site, tmp_path / "requests.jsonl", delay=0.15) as served:
        process = start_crawl(tmp_path, served, *jobdir)
        deadline = time.monotonic() + 60
        while len(article_requests(served)) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)  # graceful pause: the feed is closed and committed
        _, err = process.communicate(timeout=60)
        paused = complete_items(tmp_path / "output")
        assert 0 < len(paused) < len(ALL_URLS), err[-2000:]
        resumed = crawl(tmp_path, served, *jobdir)
    kept = re.search(r"(\d+) article links kept by the paused job are pending again", resumed.stderr)
    assert kept is not None, resumed.stderr[-3000:]
    assert int(kept.group(1)) >= len(ALL_URLS) - len(paused) - 3  # at most 3 were out at the pause
    items = complete_items(tmp_path / "output")
    assert sorted(i["url"] for i in items) == ALL_URLS


# -- feed formats and -O: every Scrapy format is published, a rerun loses nothing --------------------


def read_feed(path: Path) -> list[dict[str, Any]]:
    """A complete feed file of any Scrapy format, parsed by the format's own reader."""
    from tests.test_feedstorage import read_feed as parse

    fmt = path.suffix.lstrip(".")
    return parse(path, {"jsonl": "jsonlines"}.get(fmt, fmt))


@pytest.mark.parametrize(
    "files",
    [("x.json",), ("x.csv",), ("x.xml",), ("x.jl", "x.marshal", "x.pickle")],
    ids=["json", "csv", "xml", "jl-marshal-pickle"],
)
def test_O_writes_complete_valid_files_in_every_format_and_a_rerun_loses_nothing(
    tmp_path: Path, files: tuple[str, ...]
) -> None:
    site = copy_snapshot(tmp_path)
    with serve(site, tmp_path / "requests.jsonl") as served:
        for _ in range(2):
            result = crawl(tmp_path, served, *(a for f in files for a in ("-O", str(tmp_path / f))))
            for name in files:
                items = read_feed(tmp_path / name)
                assert sorted(i["url"] for i in items) == ALL_URLS, name
                assert f"Stored {name.split('.')[1]} feed ({len(ALL_URLS)} items) in: {tmp_path / name}" in (
                    result.stderr
                )
            assert "Traceback" not in result.stderr
    assert not list(tmp_path.glob(".*.part-*"))
    xml = (tmp_path / "x.xml").read_bytes() if "x.xml" in files else b""
    assert not xml or xml.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<items>\n<item><url>')


def test_o_csv_appends_new_rows_under_the_one_header(tmp_path: Path) -> None:
    site = copy_snapshot(tmp_path)
    target = tmp_path / "europe.csv"
    with serve(site, tmp_path / "requests.jsonl") as served:
        crawl(tmp_path, served, "-o", str(target))
        crawl(tmp_path, served, "-o", str(target))
        assert sorted(i["url"] for i in read_feed(target)) == ALL_URLS
        new_url = add_article(site)
        crawl(tmp_path, served, "-o", str(target))
    rows = read_feed(target)
    assert sorted(i["url"] for i in rows) == sorted([*ALL_URLS, new_url])
    assert list(rows[0]) == list(FIELD_NAMES)
    assert target.read_text("utf-8").count("url,site,") == 1


def test_o_json_that_has_content_is_refused_at_start(tmp_path: Path) -> None:
    site = copy_snapshot(tmp_path)
    target = tmp_path / "europe.json"
    with serve(site, tmp_path / "requests.jsonl") as served:
        crawl(tmp_path, served, "-o", str(target))
        before = target.read_bytes()
        mark = len(served.paths())
        result = run_crawl("rfi_cn", "-a", f"base_url={served.url}", "-o", str(target), cwd=tmp_path)
        assert served.paths()[mark:] == []  # no request at all
        # a name with placeholders is known when the feed opens: refused then, before any request
        named = tmp_path / "rfi_cn.json"
        named.write_bytes(before)
        placeholder = run_crawl(
            "rfi_cn", "-a", f"base_url={served.url}", "-o", str(tmp_path / "%(name)s.json"), cwd=tmp_path
        )
        assert article_requests(served, mark) == []
    assert target.read_bytes() == before
    assert named.read_bytes() == before
    assert len(json.loads(before)) == len(ALL_URLS)
    assert result.returncode == 1  # bad input at start
    assert (
        f"ERROR: rfi_cn: bad setting: -o {target}: a JSON file holds one document and {target} already "
        f"has one; appending would make it invalid. Use -O {target}"
    ) in result.stderr
    assert "Traceback" not in result.stderr
    assert placeholder.returncode == 3, placeholder.stderr[-2000:]
    assert f"ERROR: -o {named}: a JSON file holds one document" in placeholder.stderr
    assert "'finish_reason': 'feed_not_appendable'" in placeholder.stderr
    assert "'newscrawl/feed_store_failed': 1" in placeholder.stderr
    assert "Traceback" not in placeholder.stderr


README_O = ("-a", "sections=欧洲", "-a", "sources=section")


def test_the_readme_O_command_twice_keeps_every_article(tmp_path: Path) -> None:
    """The README's `-O europe.jsonl -a sections=欧洲 -a sources=section`, twice: a full snapshot each run."""
    site = copy_snapshot(tmp_path)
    target = tmp_path / "europe.jsonl"
    europe = sorted(f["url"] for f in CN if f["expected"]["section"] == "欧洲")
    assert europe
    with serve(site, tmp_path / "requests.jsonl") as served:
        crawl(tmp_path, served, "-O", str(target), *README_O)
        assert sorted(i["url"] for i in read_jsonl(target)) == europe
        second = crawl(tmp_path, served, "-O", str(target), *README_O)
        assert sorted(i["url"] for i in read_jsonl(target)) == europe
        # a later incremental run still writes them: a snapshot records nothing
        crawl(tmp_path, served)
    assert "-O writes a complete snapshot" in second.stderr
    assert sorted(i["url"] for i in complete_items(tmp_path / "output")) == ALL_URLS


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_failed_job_keeps_the_previous_O_file(tmp_path: Path, fmt: str) -> None:
    """An -O snapshot is replaced only by a job that did its work: one whose every request
    failed (here: nothing listens at base_url) leaves the last complete file as it was."""
    site = copy_snapshot(tmp_path)
    target = tmp_path / f"all.{fmt}"
    with serve(site, tmp_path / "requests.jsonl") as served:
        crawl(tmp_path, served, "-O", str(target))
    before = target.read_bytes()
    rows = list(csv.DictReader(io.StringIO(before.decode()))) if fmt == "csv" else read_jsonl(target)
    assert sorted(row["url"] for row in rows) == ALL_URLS
    dead = f"http://127.0.0.1:{free_port()}"
    failed = run_crawl("rfi_cn", "-a", f"base_url={dead}", "-O", str(target), cwd=tmp_path)
    assert failed.returncode == 3, failed.stderr[-3000:]
    assert target.read_bytes() == before
    assert f"{target} keeps its previous content" in failed.stderr
    assert "'newscrawl/feed/kept_previous': 1" in failed.stderr
    assert not [p.name for p in tmp_path.iterdir() if ".part-" in p.name]


def test_two_concurrent_O_jobs_on_one_store_leave_a_complete_file(tmp_path: Path) -> None:
    site = copy_snapshot(tmp_path)
    target = tmp_path / "all.jsonl"
    with serve(site, tmp_path / "requests.jsonl", delay=0.05) as served:
        processes = [start_crawl(tmp_path, served, "-O", str(target)) for _ in range(2)]
        for process in processes:
            _, err = process.communicate(timeout=120)
            assert process.returncode == 0, err[-3000:]
    assert sorted(i["url"] for i in read_jsonl(target)) == ALL_URLS


def test_closespider_itemcount_is_the_number_written_and_the_rest_come_next_time(tmp_path: Path) -> None:
    site = copy_snapshot(tmp_path)
    target = tmp_path / "c.jsonl"
    with serve(site, tmp_path / "requests.jsonl") as served:
        first = crawl(tmp_path, served, "-o", str(target), "-s", "CLOSESPIDER_ITEMCOUNT=3")
        assert len(read_jsonl(target)) == 3
        assert "Stored jsonl feed (3 items)" in first.stderr
        crawl(tmp_path, served, "-o", str(target))
    assert sorted(i["url"] for i in read_jsonl(target)) == ALL_URLS  # each once


def test_stdout_feed_writes_every_article_each_run(tmp_path: Path) -> None:
    """`-o -` cannot confirm what was received: no part in the seen-store, even after a recording run."""
    site = copy_snapshot(tmp_path)
    with serve(site, tmp_path / "requests.jsonl") as served:
        crawl(tmp_path, served)  # the default feed records every article
        for _ in range(2):
            result = run_crawl("rfi_cn", "-a", f"base_url={served.url}", "-o", "-:jsonlines", cwd=tmp_path)
            assert result.returncode == 0, result.stderr[-3000:]
            assert sorted(json.loads(line)["url"] for line in result.stdout.splitlines()) == ALL_URLS
