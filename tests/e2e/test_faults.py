"""The fault matrix: one crawl of rfi_cn against a server that misbehaves at chosen article URLs.

The crawl must finish normally; the 16 good articles and the article variants
that can still be read are complete and correct; every bad page yields no item
(never a half-empty one), and a log line and a stat name the URL and the reason.
A second test changes the article template (renamed body class) and expects the
field coverage monitor to stop the job with exit status 3.

Then jobs that cannot do their work: bad input refused at start with one clear line
and exit status 1 (no traceback, no request), and jobs whose requests, feed or
seen-store fail ending with a failing finish reason and exit status 3.
"""

from __future__ import annotations

import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest

from newscrawl.utils.urls import decoded_path
from tests.conftest import (
    FIXTURES,
    SNAPSHOT,
    free_port,
    load_fixture,
    read_jsonl,
    run_crawl,
    serve,
    started_redis,
)
from tests.fault_server import FaultHandler, fault_path, fault_server, fault_url, gzip_bomb, slow_forever

CN = {f["url"]: f for f in (load_fixture(p) for p in sorted((FIXTURES / "rfi_cn").glob("*.json")))}
SOURCE = next(f for f in CN.values() if "csrc" in f["page"] or f["expected"]["section"] == "中国")
SOURCE_HTML = (Path(__file__).resolve().parents[2] / SOURCE["page"]).read_text("utf-8")


def page_as(name: str, html: str = SOURCE_HTML) -> bytes:
    """The source article's page, claiming the fault URL as its own (og:url)."""
    return html.replace(SOURCE["url"], fault_url(name)).encode()


def without(pattern: str, html: str = SOURCE_HTML) -> str:
    result, count = re.subn(pattern, "", html, flags=re.S)
    assert count, pattern
    return result


READABLE = {"retry-after-once", "charset-mismatch", "malformed-html"}  # these still give the article
FAILED = {  # fault -> newscrawl/fetch_failed/<reason>
    "http-404": "http_404",
    "http-410": "http_410",
    "http-500": "http_500",
    "http-502": "http_502",
    "http-503": "http_503",
    "retry-after-huge": "http_429",
    "timeout": "timeout",
    "slow-endless-body": "timeout",
    "reset-mid-body": "truncated",
    "truncated-body": "truncated",
    "redirect-loop": "redirect_loop",
    "redirect-offsite": "offsite_redirect",
    "too-large": "too_large",
    "gzip-bomb": "too_large",
}
NO_ITEM = {  # fault -> the stat that names it
    "pdf": "newscrawl/pages/not_html",
    "broken-structure": "newscrawl/pages/broken_structure",
    "empty-200": "newscrawl/pages/not_article",
    "no-title": "newscrawl/validation/dropped/missing_title",
    "no-body": "newscrawl/validation/dropped/missing_body",
    "no-date": "newscrawl/validation/dropped/missing_published",
    "future-date": "newscrawl/validation/dropped/absurd_published",
    "date-1970": "newscrawl/validation/dropped/absurd_published",
}


def faults() -> dict[str, Any]:
    def status(code: int, **headers: str):
        return lambda h, _n: h.send_body(code, b"<html><body>error</body></html>", headers=headers)

    def retry_after_once(h: FaultHandler, n: int) -> None:
        if n == 1:
            h.send_body(429, b"slow down", headers={"Retry-After": "1"})
        else:
            h.send_body(200, page_as("retry-after-once"))

    def redirect(to: str):
        return lambda h, _n: h.send_body(302, b"", headers={"Location": to})

    def reset(h: FaultHandler, _n: int) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "50000")
        h.end_headers()
        h.wfile.write(page_as("reset-mid-body")[:3000])
        h.wfile.flush()
        h.reset()

    def truncated(h: FaultHandler, _n: int) -> None:
        body = page_as("truncated-body")
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(body) + 5000))
        h.end_headers()
        h.wfile.write(body)
        h.close_connection = True

    def later(seconds: float):
        def answer(h: FaultHandler, _n: int) -> None:
            time.sleep(seconds)
            h.send_body(200, page_as("timeout"))

        return answer

    # recoverable: unclosed paragraphs and inline tags, stray end tags, unquoted attributes, a bare "&"
    body_start = SOURCE_HTML.index('class="t-content__body')
    head, body = SOURCE_HTML[:body_start], SOURCE_HTML[body_start:]
    malformed = head + body.replace("</p>", "", 3).replace("<p>", "<p><strong>", 1).replace(
        "</h1>", "</h1></span></em>", 1
    )
    malformed = malformed.replace('class="t-content__chapo"', "class=t-content__chapo data-x=a&b")
    # structure-breaking: a stray </div> closes the body container after its second paragraph
    cut = body.split("</p>")
    broken = head + "</p>".join(cut[:3]) + "</p></div></div>" + "</p>".join(cut[3:])
    mismatched, latin1 = page_as("charset-mismatch"), "text/html; charset=iso-8859-1"
    bomb = gzip_bomb(200_000_000)  # 200 MB of HTML in ~200 KB
    no_og_title = without(r'<meta property="og:title"[^>]*>')

    def serve_page(name: str, html: str):
        return lambda h, _n: h.send_body(200, page_as(name, html))

    def dated(when: str) -> str:
        return re.sub(r'datetime="[^"]+"', f'datetime="{when}"', SOURCE_HTML)

    return {
        "http-404": status(404),
        "http-410": status(410),
        "http-500": status(500),
        "http-502": status(502),
        "http-503": status(503, **{"Retry-After": "0"}),
        "retry-after-once": retry_after_once,
        "retry-after-huge": status(429, **{"Retry-After": "86400"}),
        "timeout": later(8),
        "slow-endless-body": slow_forever,
        "reset-mid-body": reset,
        "truncated-body": truncated,
        "redirect-loop": redirect(quote(fault_path("redirect-loop"))),
        "redirect-offsite": redirect("http://offsite.invalid/cn/%E4%B8%AD%E5%9B%BD/20240201-x"),
        "too-large": lambda h, _n: h.send_body(200, b"<p>" + b"x" * 3_000_000),
        "gzip-bomb": lambda h, _n: h.send_body(200, bomb, headers={"Content-Encoding": "gzip"}),
        "pdf": lambda h, _n: h.send_body(200, b"%PDF-1.4 not html", ctype="application/pdf"),
        "charset-mismatch": lambda h, _n: h.send_body(200, mismatched, ctype=latin1),
        "empty-200": lambda h, _n: h.send_body(200, b""),
        "malformed-html": serve_page("malformed-html", malformed),
        "broken-structure": serve_page("broken-structure", broken),
        "no-title": serve_page("no-title", without(r"<h1 class=\"t-content__title.*?</h1>", no_og_title)),
        "no-body": serve_page("no-body", SOURCE_HTML.replace("t-content__body", "t-content__text")),
        "no-date": serve_page("no-date", without(r"<time [^>]*>.*?</time>")),
        "future-date": serve_page("future-date", dated("2999-01-01T00:00:00+00:00")),
        "date-1970": serve_page("date-1970", dated("1970-01-01T00:00:00+00:00")),
    }  # fmt: skip


TRAP = [f"/cn/中国/20240201-trap?page={n}" for n in range(1, 40)] + [
    f"/cn/中国/20240201-trap/{n}/" for n in range(1, 10)
]


def site_with_fault_cards(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(SNAPSHOT / "cn", root / "cn")
    shutil.copytree(SNAPSHOT / "sitemaps" / "cn", root / "sitemaps" / "cn")
    shutil.copy(SNAPSHOT / "robots.txt", root / "robots.txt")
    home = root / "cn" / "index.html"
    cards = "".join(
        f'<div class="m-item-list-article"><a href="{href}" data-article-item-link><h2>x</h2></a></div>'
        for href in [quote(fault_path(name)) for name in faults()] + [quote(t, safe="/?=") for t in TRAP]
    )
    html = home.read_text("utf-8")
    home.write_text(html.replace("</body>", cards + "</body>"), "utf-8")
    return root


@pytest.fixture(scope="module")
def fault_crawl(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[list[dict[str, Any]], str, list[str], float]:
    tmp_path = tmp_path_factory.mktemp("faults")
    site = site_with_fault_cards(tmp_path)
    out = tmp_path / "items.jsonl"
    started = time.monotonic()
    with fault_server(site, faults()) as server:
        result = run_crawl(
            "rfi_cn", "-a", f"base_url={server.url}", "-O", str(out),
            "-s", "DOWNLOAD_TIMEOUT=3", "-s", "DOWNLOAD_MAXSIZE=1000000", "-s", "DOWNLOAD_WARNSIZE=0",
            "-s", "NEWSCRAWL_RETRY_AFTER_MAX=1", "-s", "RETRY_TIMES=1",
            cwd=tmp_path, timeout=180,
        )  # fmt: skip
        paths = server.paths()
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-4000:]
    assert "Spider closed (finished)" in result.stderr
    return read_jsonl(out), result.stderr, paths, elapsed


def test_good_articles_are_all_complete_and_correct(fault_crawl: Any) -> None:
    items, _, _, _ = fault_crawl
    by_url = {i["url"]: i for i in items}
    for url, fixture in CN.items():
        for field, value in fixture["expected"].items():
            assert by_url[url][field] == value, (url, field)


@pytest.mark.parametrize("name", sorted(READABLE))
def test_readable_faults_give_the_correct_article(fault_crawl: Any, name: str) -> None:
    items, _, _, _ = fault_crawl
    (item,) = [i for i in items if i["url"] == fault_url(name)]
    for field, value in SOURCE["expected"].items():
        if field != "url":
            assert item[field] == value, (name, field)


def test_no_item_from_a_bad_page(fault_crawl: Any) -> None:
    items, _, _, _ = fault_crawl
    urls = {i["url"] for i in items}
    assert urls == set(CN) | {fault_url(n) for n in READABLE}
    assert len(items) == len(urls)


@pytest.mark.parametrize(("name", "reason"), sorted(FAILED.items()))
def test_failed_fetch_is_logged_with_url_and_reason_and_counted(
    fault_crawl: Any, name: str, reason: str
) -> None:
    _, log, _, _ = fault_crawl
    url = fault_url(name)
    assert re.search(rf"fetch failed \({reason}\): {re.escape(url)}", log), name
    assert f"'newscrawl/fetch_failed/{reason}'" in log


@pytest.mark.parametrize(("name", "stat"), sorted(NO_ITEM.items()))
def test_unusable_page_is_logged_and_counted(fault_crawl: Any, name: str, stat: str) -> None:
    _, log, _, _ = fault_crawl
    assert f"'{stat}'" in log
    lines = [
        line
        for line in log.splitlines()
        if unquote(fault_url(name)) in unquote(line) or fault_url(name) in line
    ]
    assert lines, f"no log line names {name}"


def test_retry_after_was_honoured_and_bounded(fault_crawl: Any) -> None:
    _, log, paths, elapsed = fault_crawl
    assert paths.count(fault_path("retry-after-once")) == 2
    assert "'newscrawl/retry_after/capped'" in log  # 86400 s asked, 1 s waited
    assert elapsed < 120


def test_redirects_never_leave_the_site(fault_crawl: Any) -> None:
    _, log, paths, _ = fault_crawl
    assert "offsite.invalid" in log  # filtered, named
    assert paths.count(fault_path("redirect-loop")) <= 21


def test_the_link_trap_stays_finite(fault_crawl: Any) -> None:
    _, _, paths, _ = fault_crawl
    trap = [p for p in paths if "20240201-trap" in p]
    assert trap == ["/cn/中国/20240201-trap"]  # query dropped, deeper paths are not articles


def cn_site(tmp_path: Path) -> Path:
    """A copy of the rfi_cn snapshot to change."""
    root = tmp_path / "site"
    shutil.copytree(SNAPSHOT / "cn", root / "cn")
    shutil.copytree(SNAPSHOT / "sitemaps" / "cn", root / "sitemaps" / "cn")
    shutil.copy(SNAPSHOT / "robots.txt", root / "robots.txt")
    return root


def rename_body_class(page: Path) -> None:
    page.write_text(page.read_text("utf-8").replace("t-content__body", "t-content__article-body"), "utf-8")


def test_renamed_body_class_trips_the_coverage_monitor(tmp_path: Path) -> None:
    root = cn_site(tmp_path)
    for page in root.rglob("2024*.html"):
        rename_body_class(page)
    with serve(root, tmp_path / "requests.jsonl") as served:
        result = run_crawl(
            "rfi_cn", "-a", f"base_url={served.url}", "-O", str(tmp_path / "o.jsonl"), cwd=tmp_path
        )
    assert result.returncode == 3, result.stderr[-3000:]
    assert "Spider closed (coverage_below_threshold)" in result.stderr
    assert re.search(
        r"rfi_cn: field coverage below threshold over 1\d articles: body 0% < 95%", result.stderr
    )
    assert read_jsonl(tmp_path / "o.jsonl") == []


def test_normal_snapshot_passes_the_coverage_monitor(tmp_path: Path) -> None:
    with serve(SNAPSHOT, tmp_path / "requests.jsonl") as served:
        result = run_crawl(
            "rfi_cn", "-a", f"base_url={served.url}", "-O", str(tmp_path / "o.jsonl"), cwd=tmp_path
        )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Spider closed (finished)" in result.stderr
    assert "'newscrawl/coverage/items': 16" in result.stderr
    assert "field coverage below threshold" not in result.stderr


def test_one_article_without_body_among_16_is_no_alarm(tmp_path: Path) -> None:
    root = cn_site(tmp_path)
    rename_body_class(root / (decoded_path(SOURCE["url"]).lstrip("/") + ".html"))  # as a page without text
    with serve(root, tmp_path / "requests.jsonl") as served:
        result = run_crawl(
            "rfi_cn", "-a", f"base_url={served.url}", "-O", str(tmp_path / "o.jsonl"), cwd=tmp_path
        )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "'newscrawl/coverage/has/body': 15" in result.stderr
    assert "field coverage below threshold" not in result.stderr
    assert len(read_jsonl(tmp_path / "o.jsonl")) == 15


def test_small_runs_of_a_changed_layout_trip_the_monitor_together(tmp_path: Path) -> None:
    # three articles a run, as an hourly incremental run: too few to judge alone, not together
    root = cn_site(tmp_path)
    for page in root.rglob("2024*.html"):
        rename_body_class(page)
    with serve(root, tmp_path / "requests.jsonl") as served:
        args = ("-a", f"base_url={served.url}", "-a", "max_articles=3", "-a", "sources=rss")
        first = run_crawl("rfi_cn", *args, cwd=tmp_path)
        second = run_crawl("rfi_cn", *args, cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "field coverage not judged: 3 articles parsed (0 by earlier jobs), fewer than 5" in first.stderr
    assert second.returncode == 3, second.stderr[-3000:]
    assert (
        "rfi_cn: field coverage below threshold over 6 articles (3 of them by earlier jobs): body 0% < 95%"
    ) in second.stderr


def test_a_typo_in_the_coverage_thresholds_is_refused_at_start(tmp_path: Path) -> None:
    with serve(SNAPSHOT, tmp_path / "requests.jsonl") as served:
        result = run_crawl(
            "rfi_cn", "-a", f"base_url={served.url}", "-s", 'NEWSCRAWL_COVERAGE_THRESHOLDS={"bdy": 0.9}',
            "-O", str(tmp_path / "o.jsonl"), cwd=tmp_path,
        )  # fmt: skip
        requests = served.paths()
    assert result.returncode != 0
    assert "NEWSCRAWL_COVERAGE_THRESHOLDS: unknown field 'bdy'; fields: title, lead, body" in result.stderr
    assert "layout may have changed" not in result.stderr
    assert requests == []


def test_url_helpers_agree() -> None:
    assert decoded_path(fault_url("x")) == fault_path("x")


# -- jobs that cannot do their work ---------------------------------------------------------------


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if " ERROR: " in line]


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("-a", "colour=red"), "rfi_cn: bad spider argument: unknown spider argument(s) colour; known: "),
        (("-a", "max_articles=lots"), "rfi_cn: bad spider argument: max_articles='lots': expected a whole"),
        (
            ("-s", "NEWSCRAWL_SEEN_STORE=redis://127.0.0.1:{port}/0"),
            "rfi_cn: bad setting: NEWSCRAWL_SEEN_STORE='redis://127.0.0.1:{port}/0': the seen-store cannot "
            "be opened: Error 111 connecting to 127.0.0.1:{port}. Connection refused.",
        ),
        (
            ("-s", "NEWSCRAWL_STATE_DIR={tmp}/a-file"),
            "rfi_cn: bad setting: NEWSCRAWL_STATE_DIR='{tmp}/a-file': {tmp}/a-file is not a directory",
        ),
        (
            ("-s", "NEWSCRAWL_MIN_DATE=garbage"),
            "rfi_cn: bad setting: NEWSCRAWL_MIN_DATE='garbage': expected a date as YYYY-MM-DD",
        ),
        (
            ("-s", "NEWSCRAWL_ARTICLES_IN_FLIGHT=many"),
            "rfi_cn: bad setting: NEWSCRAWL_ARTICLES_IN_FLIGHT must be 1 or more, not 'many'",
        ),
        (
            ("-s", "NEWSCRAWL_PARSE_WORKERS=-1"),
            "rfi_cn: bad setting: NEWSCRAWL_PARSE_WORKERS must be 0 or more, not -1",
        ),
        (
            ("-s", 'NEWSCRAWL_COVERAGE_THRESHOLDS={"bdy": 0.9}'),
            "rfi_cn: bad setting: NEWSCRAWL_COVERAGE_THRESHOLDS: unknown field 'bdy'; fields: title, lead",
        ),
        (
            ("-O", "{tmp}/out/%(nosuch)s.jsonl"),
            "rfi_cn: bad setting: feed URI '{tmp}/out/%(nosuch)s.jsonl': no value for %(nosuch)s; a feed URI "
            "may name the spider's attributes",
        ),
    ],
    ids=[
        "argument",
        "argument-value",
        "redis-unreachable",
        "state-dir",
        "min-date",
        "setting",
        "parse-workers",
        "coverage-thresholds",
        "feed-uri",
    ],
)
def test_bad_input_is_one_clear_line_and_exit_status_1(
    tmp_path: Path, snapshot_server: Any, args: tuple[str, ...], line: str
) -> None:
    """No traceback (no asyncio "Task exception was never retrieved"), no request, nothing written."""
    (tmp_path / "a-file").write_text("not a directory", "utf-8")
    values = {"tmp": str(tmp_path), "port": str(free_port())}
    args = tuple(a.format(**values) if "{tmp}" in a or "{port}" in a else a for a in args)
    result = run_crawl("rfi_cn", "-a", f"base_url={snapshot_server.url}", *args, cwd=tmp_path, timeout=60)
    assert result.returncode == 1, result.stderr[-3000:]
    expected = line.format(**values)
    assert len(error_lines(result.stderr)) == 1, result.stderr[-3000:]
    assert expected in error_lines(result.stderr)[0], result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert "Spider opened" not in result.stderr
    assert snapshot_server.requests() == []
    assert not (tmp_path / "output").exists()
    assert not (tmp_path / "out").exists()


def assert_failed(result: Any, reason: str) -> None:
    """Exit status 3; the failing reason in the stats and on the log's last line."""
    assert result.returncode == 3, result.stderr[-3000:]
    assert f"'finish_reason': '{reason}'" in result.stderr
    assert (
        result.stderr.rstrip()
        .splitlines()[-1]
        .endswith(f"rfi_cn: the job failed (finish reason {reason}); exit status 3")
    )


def test_every_request_refused_fails_the_job(tmp_path: Path) -> None:
    result = run_crawl(
        "rfi_cn", "-a", f"base_url=http://127.0.0.1:{free_port()}", "-O", str(tmp_path / "o.jsonl"),
        "-s", "RETRY_TIMES=0", cwd=tmp_path,
    )  # fmt: skip
    # robots.txt is refused too: the origin is disallowed for the job (newscrawl/robots.py)
    assert_failed(result, "robots_txt_unreachable")
    assert "Spider closed (robots_txt_unreachable)" in result.stderr
    assert "'newscrawl/robots/unreachable': 1" in result.stderr
    assert "'newscrawl/fetch_failed/robots_txt': 11" in result.stderr


def test_every_request_answered_with_an_error_fails_the_job(tmp_path: Path) -> None:
    (tmp_path / "empty-site").mkdir()  # every page, robots.txt included, is a 404
    with serve(tmp_path / "empty-site", tmp_path / "requests.jsonl") as served:
        result = run_crawl(
            "rfi_cn", "-a", f"base_url={served.url}", "-O", str(tmp_path / "o.jsonl"), cwd=tmp_path
        )
    assert_failed(result, "all_requests_failed")
    assert "'newscrawl/fetch_failed/http_404': 11" in result.stderr
    # robots.txt, the TDMRep file (docs/rights.md) and the 11 discovery pages, nothing else
    assert len(served.paths()) == 13


@pytest.mark.parametrize("block", ["target", "directory"])
def test_a_feed_that_cannot_be_written_fails_the_job(
    tmp_path: Path, snapshot_server: Any, block: str
) -> None:
    """A directory where the file should go, or a file where its directory should go: found when the
    feed opens, before any article is fetched; one ERROR line, no traceback."""
    out = tmp_path / "out"
    if block == "target":
        (out / "o.jsonl").mkdir(parents=True)
        why = "it is a directory"
    else:
        out.write_text("a file", "utf-8")
        why = "its directory cannot be created"
    target = out / "o.jsonl"
    result = run_crawl("rfi_cn", "-a", f"base_url={snapshot_server.url}", "-O", str(target), cwd=tmp_path)
    assert_failed(result, "feed_store_failed")
    assert f"ERROR: feed {target} cannot be written: {why}" in result.stderr
    assert "Traceback" not in result.stderr
    assert "'newscrawl/feed_store_failed': 1" in result.stderr
    assert "'downloader/request_count'" not in result.stderr  # nothing fetched for a feed that cannot be


def test_redis_gone_mid_run_fails_the_job(tmp_path: Path) -> None:
    """Its own redis-server, stopped once the crawl has sent its first request (every answer waits 1 s)."""
    with (
        started_redis(tmp_path) as redis_server,
        serve(SNAPSHOT, tmp_path / "requests.jsonl", delay=1.0) as served,
        ThreadPoolExecutor(1) as pool,
    ):
        # -o: an -O file is a snapshot, which consults no seen-store while crawling
        crawl = pool.submit(
            run_crawl, "rfi_cn", "-a", f"base_url={served.url}", "-o", str(tmp_path / "o.jsonl"),
            "-s", f"NEWSCRAWL_SEEN_STORE={redis_server.url}", cwd=tmp_path,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while not served.requests() and time.monotonic() < deadline:
            time.sleep(0.02)
        redis_server.process.terminate()
        result = crawl.result()
    assert_failed(result, "seen_store_failed")
    assert "Spider closed (seen_store_failed)" in result.stderr
    failures = [line for line in error_lines(result.stderr) if "the seen-store failed" in line]
    assert len(failures) == 1, failures
    assert re.search(
        r"rfi_cn: the seen-store failed \(Error 111 connecting to 127\.0\.0\.1:\d+\. Connection refused\.\); "
        r"the job fails with finish reason seen_store_failed",
        failures[0],
    )
    assert "'newscrawl/seen_store/failed': 1" in result.stderr
