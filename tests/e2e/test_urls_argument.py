"""``-a urls=URL[,URL…]`` and ``-a urls_file=PATH``: exactly those articles, nothing off the site."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from newscrawl.params import SpiderArgumentError, parse_args
from newscrawl.spiders.mcd import McdArSpider
from newscrawl.spiders.rfi import RfiCnSpider, RfiMultiSpider
from tests.conftest import SNAPSHOT, Served, article_fixtures, read_jsonl, run_crawl, serve

CN = sorted(f["url"] for f in article_fixtures("rfi_cn"))
EXPECTED = {f["url"]: f["expected"] for f in article_fixtures("rfi_cn")}


def test_urls_and_urls_file_are_read_in_order_each_once(tmp_path: Path) -> None:
    listed = tmp_path / "urls.txt"
    listed.write_text(f"# chosen articles\n\n{CN[1]}\n  {CN[2]}  \n{CN[0]}\n", "utf-8")
    args = parse_args(
        {"urls": f"{CN[0]}, {CN[1]}", "urls_file": str(listed)},
        default_base_url="https://www.rfi.fr",
        known_sections=(),
    )
    assert args.urls == (CN[0], CN[1], CN[2])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"urls": "www.rfi.fr/cn/x"}, "urls: 'www.rfi.fr/cn/x' is not an http(s) URL"),
        (
            {"urls_file": "/nonexistent/urls.txt"},
            "urls_file='/nonexistent/urls.txt': cannot read it (No such file",
        ),
        (
            {"urls": CN[0], "since": "2024-02-01"},
            "urls: the URLs given are crawled instead of discovery; leave out since",
        ),
        ({"urls": CN[0], "sources": "rss"}, "leave out sources"),
        ({"urls": " , "}, "urls=' , ': holds no URL"),
    ],
)
def test_bad_urls_arguments_are_refused(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(SpiderArgumentError) as refused:
        parse_args(kwargs, default_base_url="https://www.rfi.fr", known_sections=())
    assert message in str(refused.value)


def test_an_empty_urls_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "urls.txt"
    empty.write_text("# nothing yet\n\n", "utf-8")
    with pytest.raises(SpiderArgumentError, match="holds no URL"):
        parse_args({"urls_file": str(empty)}, default_base_url="https://www.rfi.fr", known_sections=())


@pytest.mark.parametrize(
    ("cls", "url", "message"),
    [
        (
            RfiCnSpider,
            "https://www.france24.com/fr/europe/20240226-x",
            "is not on https://www.rfi.fr or http://127.0.0.1:1",
        ),
        (RfiCnSpider, "https://www.rfi.fr/cn/中国/", "is not an article URL of rfi_cn"),
        (RfiCnSpider, "https://www.rfi.fr/fr/europe/20240226-x", "is not an article URL of rfi_cn"),
        (McdArSpider, "https://www.rfi.fr/cn/中国/20240226-x", "is not on https://www.mc-doualiya.com"),
    ],
)
def test_a_url_off_the_site_or_not_an_article_is_refused(cls: type, url: str, message: str) -> None:
    with pytest.raises(SpiderArgumentError, match=message):
        cls.from_crawler(get_crawler(cls), urls=url, base_url="http://127.0.0.1:1")


def test_the_multi_edition_spider_takes_urls_of_its_chosen_editions_only() -> None:
    crawler = get_crawler(RfiMultiSpider)
    spider = RfiMultiSpider.from_crawler(crawler, editions="cn", urls=CN[0])
    assert spider.args.urls == (CN[0],)
    with pytest.raises(SpiderArgumentError, match="is not an article URL of rfi"):
        RfiMultiSpider.from_crawler(crawler, editions="tw", urls=CN[0])


def test_crawl_writes_exactly_the_given_articles_and_requests_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    listed = tmp_path / "urls.txt"
    with serve(SNAPSHOT, tmp_path / "requests.jsonl") as served:
        mirror = served.url + CN[2].removeprefix("https://www.rfi.fr")  # a URL of the mirror is mapped too
        listed.write_text(f"{CN[1]}\n{mirror}\n", "utf-8")
        result = run_crawl(
            "rfi_cn",
            "-a", f"base_url={served.url}",
            "-a", f"urls={CN[0]}",
            "-a", f"urls_file={listed}",
            "-O", str(out),
            cwd=tmp_path,
        )  # fmt: skip
        paths = served.paths()
    assert result.returncode == 0, result.stderr[-3000:]
    items = read_jsonl(out)
    assert sorted(item["url"] for item in items) == CN[:3]
    for item in items:
        assert item["discovered_via"] == "urls"
        for field, value in EXPECTED[item["url"]].items():
            assert item[field] == value, (item["url"], field)
    articles = [p for p in paths if p not in ("/robots.txt", "/.well-known/tdmrep.json")]
    assert len(articles) == 3, paths  # no homepage, section, feed or sitemap
    assert "'newscrawl/discovered/urls': 3" in result.stderr


def test_crawl_with_a_url_off_the_site_fails_with_one_clear_line(
    tmp_path: Path, snapshot_server: Served
) -> None:
    out = tmp_path / "out.jsonl"
    result = run_crawl(
        "rfi_cn",
        "-a", f"base_url={snapshot_server.url}",
        "-a", f"urls={CN[0]},https://example.org/cn/中国/20240226-x",
        "-O", str(out),
        cwd=tmp_path,
        timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if " ERROR: " in line]
    assert errors == [
        errors[0].split(" ERROR: ")[0]
        + " ERROR: rfi_cn: bad spider argument: urls: https://example.org/cn/中国/20240226-x is not on "
        f"https://www.rfi.fr or {snapshot_server.url}"
    ]
    assert "Traceback" not in result.stderr
    assert snapshot_server.requests() == []
    assert not out.exists()
