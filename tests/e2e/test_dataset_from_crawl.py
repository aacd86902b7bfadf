"""The dataset step on what a real crawl writes: `scrapy crawl` against the snapshot, then a build."""

from __future__ import annotations

from pathlib import Path

from newscrawl.dataset.build import build
from tests.conftest import SNAPSHOT, article_fixtures, run_crawl, serve
from tests.test_dataset import rows

CN = article_fixtures("rfi_cn")


def test_a_crawls_output_builds_into_a_dataset_with_its_rights(tmp_path: Path) -> None:
    with serve(SNAPSHOT, tmp_path / "requests.jsonl") as served:
        result = run_crawl("rfi_cn", "-a", f"base_url={served.url}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    build(tmp_path / "output", tmp_path / "ds")
    got = rows(
        tmp_path / "ds",
        "data",
        "url, title, site, edition, rights.tdm_reservation AS tdm, rights.source AS source, "
        "rights.legacy AS legacy, access",
    )
    expected = sorted((f["url"], f["expected"]["title"]) for f in CN)
    assert [(r["url"], r["title"]) for r in got] == expected
    # the snapshot's (invented) tdmrep.json reserves every path; the pages say nothing more
    assert {
        (r["site"], r["edition"], r["tdm"], r["source"], tuple(r["legacy"]), r["access"]) for r in got
    } == {("rfi", "cn", 1, "file", (), "http")}
