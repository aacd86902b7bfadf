"""Rights and provenance (newscrawl/rights.py): `scrapy crawl rfi_cn` against the snapshot with chosen
robots.txt, /.well-known/tdmrep.json, response fields and meta tags."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from newscrawl.pipelines.validation import article_validator
from newscrawl.snapshot_server import Answer
from tests.conftest import ROOT, SNAPSHOT, Served, article_fixtures, read_jsonl, run_crawl, serve
from tests.e2e.test_browser import stat

FIXTURES = {f["url"]: f for f in article_fixtures("rfi_cn")}
TDMREP = "/.well-known/tdmrep.json"
HTML = "text/html; charset=utf-8"


def q(path: str) -> str:
    return quote(path, safe="/")


def url_of(path: str) -> str:
    return "https://www.rfi.fr" + q(path)


def page(path: str, head: str = "") -> bytes:
    """The snapshot's article page at ``path``, with ``head`` inserted at the start of its <head>."""
    html = (ROOT / FIXTURES[url_of(path)]["page"]).read_bytes()
    return html.replace(b"<head>", b"<head>" + head.encode(), 1)


CHINA_0207 = "/cn/中国/20240207-中国证监会主席易会满被免职-吴清接任"
CHINA_0220 = "/cn/中国/20240220-中国下调五年期贷款市场报价利率-幅度创纪录"
CHINA_0226 = "/cn/中国/20240226-春节假期中国出境游回暖-欧洲目的地受关注"
FRANCE_0221 = "/cn/法国/20240221-二战抵抗运动成员马努尚入葬先贤祠"
FRANCE_0224 = "/cn/法国/20240224-巴黎国际农业博览会在农民抗议声中开幕"
FRANCE_0228 = "/cn/法国/20240228-中法建交六十周年-巴黎多项文化活动陆续登场"
HK_0215 = "/cn/港澳台/20240215-金门海域大陆快艇翻覆致两人死亡-两岸关系再添变数"
HK_0228 = "/cn/港澳台/20240228-香港财政预算案宣布全面撤销楼市调控措施"
EUROPE_0227 = "/cn/欧洲/20240227-视频-巴黎会议向乌克兰提供更多武器-不排除未来派遣军队"
ASIA_0215 = "/cn/亚洲/20240215-印尼大选快速计票显示普拉博沃大幅领先"
AMERICAS_0204 = "/cn/美洲/20240204-智利中部森林大火死亡人数持续上升"
POLICY = "https://policy.example/tdm.json"

RULES = [
    # percent-decoding of unreserved characters: %63 is "c"; first match wins over the next rule
    {"location": "/%63n/" + q("中国/2024020"), "tdm-reservation": 0},
    {"location": q("/cn/中国/"), "tdm-reservation": 1, "tdm-policy": POLICY},
    {"location": "/cn/*/20240221-", "tdm-reservation": 1},  # *
    {"location": q(FRANCE_0224) + "$", "tdm-reservation": 0},  # $: the whole path
    {"location": q("/cn/法国/2024022") + "$", "tdm-reservation": 1},  # $: matches no longer path
    {"location": "/CN/", "tdm-reservation": 1},  # case-sensitive: matches nothing
    {"location": q("/cn/港澳台/"), "tdm-reservation": 2},  # an older draft's value: legacy, unset
    {"location": q("/cn/法国/"), "tdm-reservation": 0},
    {"tdm-reservation": 1},  # no location: an error, ignored
]
ROBOTS = (
    "User-agent: *\nDisallow: /cn/preview/\n\n"
    "User-agent: GPTBot\nDisallow: /\n\n"
    f"User-agent: CCBot\nDisallow: {q('/cn/中国/')}\n"
).encode()


def crawl(
    workdir: Path, answers: dict[str, Answer], *args: str
) -> tuple[int, str, Served, dict[str, dict[str, Any]], Path]:
    out = workdir / "items.jsonl"
    with serve(SNAPSHOT, workdir / "requests.jsonl", answers=answers) as served:
        result = run_crawl("rfi_cn", "-a", f"base_url={served.url}", "-O", str(out), *args, cwd=workdir)
    items = {item["url"]: item for item in read_jsonl(out)} if out.exists() else {}
    return result.returncode, result.stderr, served, items, out


@pytest.fixture(scope="module")
def rules_crawl(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tdmrep = json.dumps(RULES).encode()
    answers = {
        "/robots.txt": Answer(200, ROBOTS),
        TDMREP: Answer(200, tdmrep, {"Content-Type": "application/json"}),
        # header over file
        CHINA_0220: Answer(200, page(CHINA_0220), {"Content-Type": HTML, "TDM-Reservation": "0"}),
        # meta over header over file
        FRANCE_0221: Answer(
            200,
            page(FRANCE_0221, '<meta name="tdm-reservation" content="0">'),
            {"Content-Type": HTML, "tdm-reservation": "1"},
        ),
        # a meta tag without a value does not reset the file's reservation
        CHINA_0226: Answer(200, page(CHINA_0226, '<meta name="tdm-reservation">'), {"Content-Type": HTML}),
        # a header where the file says nothing
        EUROPE_0227: Answer(
            200,
            page(EUROPE_0227),
            {"Content-Type": HTML, "tdm-reservation": "1", "tdm-policy": "https://policy.example/header"},
        ),
        # meta with a policy
        AMERICAS_0204: Answer(
            200,
            page(
                AMERICAS_0204,
                '<meta name="TDM-Reservation" content="1"><meta name="tdm-policy" content="/policy">',
            ),
            {"Content-Type": HTML},
        ),
        # older drafts: value 2, TDM-a
        ASIA_0215: Answer(
            200,
            page(ASIA_0215, '<meta name="tdm-reservation" content="2">'),
            {"Content-Type": HTML, "TDM-a": "1"},
        ),
    }
    workdir = tmp_path_factory.mktemp("rights")
    code, log, served, items, out = crawl(workdir, answers)
    assert code == 0, log[-3000:]
    return items, log, served, out, tdmrep


def rights(items: dict[str, dict[str, Any]], path: str) -> tuple[Any, Any, Any]:
    r = items[url_of(path)]["rights"]
    return r["tdm_reservation"], r["tdm_policy"], r["source"]


def test_first_matching_rule_in_array_order_wins(rules_crawl: Any) -> None:
    items = rules_crawl[0]
    assert len(items) == 16
    assert rights(items, CHINA_0207) == (0, None, "file")  # rule 0 (percent-decoded %63), not rule 1
    assert rights(items, CHINA_0226) == (1, POLICY, "file")  # rule 1; its meta tag has no value
    assert rights(items, FRANCE_0224) == (0, None, "file")  # rule 3, `$` on the whole path
    assert rights(items, FRANCE_0228) == (0, None, "file")  # rule 4's `$` does not match: rule 7


def test_no_matching_rule_leaves_the_reservation_unset(rules_crawl: Any) -> None:
    items = rules_crawl[0]
    unset = [url for url, item in items.items() if item["rights"]["source"] is None]
    assert sorted(unset) == sorted(
        url_of(p)
        for p in (
            HK_0215,
            HK_0228,
            ASIA_0215,
            "/cn/亚洲/20240209-巴基斯坦大选计票迟缓-多方相继宣称获胜",
            "/cn/非洲/20240206-塞内加尔国民议会投票决定推迟总统选举至12月",
            "/cn/欧洲/20240226-匈牙利国会批准瑞典加入北约-扫除最后障碍",
            "/cn/美洲/20240225-美国南卡罗来纳州共和党初选-特朗普击败黑利",
            "/cn/专栏检索/法国之窗/20240225-巴黎老书店里的中文图书角",
        )
    )
    for url in unset:
        assert items[url]["rights"]["tdm_reservation"] is None, url


def test_header_and_meta_override_the_file(rules_crawl: Any) -> None:
    items = rules_crawl[0]
    assert rights(items, CHINA_0220) == (0, None, "header")  # file 1, header 0
    assert rights(items, FRANCE_0221) == (0, None, "meta")  # file 1 (`*`), header 1, meta 0
    assert rights(items, EUROPE_0227) == (1, "https://policy.example/header", "header")
    assert rights(items, AMERICAS_0204)[0::2] == (1, "meta")
    assert rights(items, AMERICAS_0204)[1].endswith("/policy")


def test_older_drafts_are_recorded_as_legacy_not_interpreted(rules_crawl: Any) -> None:
    items, log, *_ = rules_crawl
    assert items[url_of(HK_0215)]["rights"]["legacy"] == ["file tdm-reservation: 2"]
    asia = items[url_of(ASIA_0215)]["rights"]
    assert asia["tdm_reservation"] is None
    assert asia["legacy"] == ["header tdm-a: 1", "meta tdm-reservation: 2"]
    assert items[url_of(CHINA_0207)]["rights"]["legacy"] == []
    assert "tdmrep.json: rule 8: no location; rule ignored" in log
    assert stat(log, "newscrawl/rights/tdmrep_errors") == 1


def test_robots_txt_is_evaluated_for_ai_crawlers_while_newscrawl_is_allowed(rules_crawl: Any) -> None:
    items = rules_crawl[0]
    for url, item in items.items():
        expected = ["GPTBot", "CCBot"] if "/cn/%E4%B8%AD%E5%9B%BD/" in url else ["GPTBot"]
        assert item["rights"]["robots_disallows"] == expected, url
        assert item["access"] == "http"


def test_one_warning_per_reserving_origin(rules_crawl: Any) -> None:
    _, log, served, *_ = rules_crawl
    assert log.count("reserves text-and-data-mining rights") == 1
    assert f"{served.url} reserves text-and-data-mining rights (TDMRep: {TDMREP} reserves" in log
    assert stat(log, "newscrawl/rights/reserving_origins") == 1


def test_sidecar_keeps_the_bytes_served_with_their_hashes(rules_crawl: Any) -> None:
    items, _, served, out, tdmrep = rules_crawl
    sidecar = json.loads(out.with_name("items.jsonl.rights.json").read_text("utf-8"))
    (origin,) = sidecar["origins"]
    assert origin["origin"] == served.url
    for key, body in (("robots_txt", ROBOTS), ("tdmrep_json", tdmrep)):
        assert origin[key]["status"] == 200
        assert origin[key]["sha256"] == hashlib.sha256(body).hexdigest()
        assert base64.b64decode(origin[key]["base64"]) == body
    assert origin["tdmrep_json"]["rules"][1] == {
        "location": q("/cn/中国/"),
        "tdm-reservation": 1,
        "tdm-policy": POLICY,
    }
    assert origin["tdmrep_json"]["errors"] == ["rule 8: no location"]
    assert origin["robots_agents"]["GPTBot"] is False
    assert origin["robots_agents"]["CCBot"] is True
    assert {item["rights"]["evidence"] for item in items.values()} == {origin["evidence"]}
    assert sidecar["crawler"]["user_agent"].startswith("newscrawl/")
    assert sidecar["items"]["tdm_reservation"] == {"1": 3, "0": 5, "unset": 8}
    assert sidecar["items"]["robots_disallows"]["GPTBot"] == 16
    assert sidecar["items"]["robots_disallows"]["CCBot"] == 3


def test_items_validate_against_the_new_schema(rules_crawl: Any) -> None:
    items = rules_crawl[0]
    validator = article_validator()
    for item in items.values():
        assert list(item)[-2:] == ["rights", "access"]
        assert [e.message for e in validator.iter_errors(item)] == []


def test_one_extra_request_per_origin_none_per_page(rules_crawl: Any) -> None:
    _, log, served, *_ = rules_crawl
    paths = served.paths()
    assert paths[:2] == ["/robots.txt", TDMREP]
    assert paths.count(TDMREP) == 1
    assert paths.count("/robots.txt") == 1
    assert stat(log, "newscrawl/rights/tdmrep_requests") == 1


@pytest.mark.parametrize(
    ("answer", "requests", "error"),
    [
        (Answer(404, b"not found"), 1, None),
        (Answer(403, b"forbidden"), 1, None),
        (Answer(503, b"busy"), 3, None),  # retried like any request
        (Answer(200, b"[{'location': '/'", {"Content-Type": "application/json"}), 1, "not JSON"),
    ],
    ids=["404", "403", "503", "malformed"],
)
def test_a_file_that_cannot_be_read_means_unknown_never_0(
    tmp_path: Path, answer: Answer, requests: int, error: str | None
) -> None:
    code, log, served, items, out = crawl(tmp_path, {TDMREP: answer}, "-a", "max_articles=2")
    assert code == 0, log[-3000:]
    assert len(items) == 2
    for item in items.values():
        assert item["rights"]["tdm_reservation"] is None
        assert item["rights"]["source"] is None
        assert item["rights"]["robots_disallows"] == []
    assert served.paths().count(TDMREP) == requests
    assert "reserves text-and-data-mining rights" not in log
    (origin,) = json.loads(out.with_name("items.jsonl.rights.json").read_text("utf-8"))["origins"]
    assert origin["tdmrep_json"]["status"] == answer.status
    assert origin["tdmrep_json"]["sha256"] == hashlib.sha256(answer.body or b"").hexdigest()
    assert origin["tdmrep_json"]["rules"] == []
    errors = origin["tdmrep_json"]["errors"]
    assert errors[0].startswith(error) if error else errors == [], errors


def test_a_redirect_to_the_file_is_followed(tmp_path: Path) -> None:
    answers = {
        TDMREP: Answer(301, b"", {"Location": "/rights/tdm.json"}),
        "/rights/tdm.json": Answer(200, b'[{"location": "/", "tdm-reservation": 1}]'),
    }
    code, log, served, items, out = crawl(tmp_path, answers, "-a", "max_articles=2")
    assert code == 0, log[-3000:]
    assert [i["rights"]["tdm_reservation"] for i in items.values()] == [1, 1]
    assert served.paths()[1:3] == [TDMREP, "/rights/tdm.json"]
    (origin,) = json.loads(out.with_name("items.jsonl.rights.json").read_text("utf-8"))["origins"]
    assert origin["tdmrep_json"]["url"] == f"{served.url}/rights/tdm.json"


CN_RESERVED = Answer(200, b'[{"location": "/cn/", "tdm-reservation": 1}]')


def test_enforce_fetches_no_reserved_page_and_says_why(tmp_path: Path) -> None:
    code, log, served, items, _ = crawl(
        tmp_path, {TDMREP: CN_RESERVED}, "-s", "NEWSCRAWL_RIGHTS_MODE=enforce"
    )
    assert code == 0, log[-3000:]
    assert [p for p in served.paths() if p.startswith("/cn/")] == []
    assert items == {}
    assert "reserves text-and-data-mining rights (TDMRep: /.well-known/tdmrep.json reserves /cn/)" in log
    assert "reserved pages are not fetched and their items dropped" in log
    assert "fetch failed (tdm_reserved)" in log
    assert stat(log, "newscrawl/rights/skipped/file") == 20  # 10 listings and feeds, 10 articles


def test_enforce_drops_items_reserved_by_header_and_never_uses_the_browser(tmp_path: Path) -> None:
    answers = {
        EUROPE_0227: Answer(200, page(EUROPE_0227), {"Content-Type": HTML, "tdm-reservation": "1"}),
        AMERICAS_0204: Answer(403, b"<html><script>challenge()</script></html>", {"Content-Type": HTML}),
    }
    code, log, _, items, _ = crawl(
        tmp_path, {TDMREP: Answer(404, b""), **answers}, "-s", "NEWSCRAWL_RIGHTS_MODE=enforce"
    )
    assert code == 0, log[-3000:]
    assert len(items) == 14
    assert url_of(EUROPE_0227) not in items
    assert stat(log, "newscrawl/rights/dropped/header") == 1
    assert "TDM rights reserved by the page's header; no item" in log
    assert "browser fetch" not in log
    assert stat(log, "newscrawl/fetch_failed/http_403") == 1


def test_record_mode_writes_every_article_with_the_reservation(tmp_path: Path) -> None:
    code, log, _, items, _ = crawl(tmp_path, {TDMREP: CN_RESERVED})
    assert code == 0, log[-3000:]
    assert len(items) == 16
    assert {i["rights"]["tdm_reservation"] for i in items.values()} == {1}
    assert {i["rights"]["source"] for i in items.values()} == {"file"}
    assert log.count("reserves text-and-data-mining rights") == 1


def test_off_fetches_no_tdmrep_and_writes_null_rights(tmp_path: Path) -> None:
    code, log, served, items, out = crawl(
        tmp_path, {}, "-s", "NEWSCRAWL_RIGHTS_MODE=off", "-a", "max_articles=2"
    )
    assert code == 0, log[-3000:]
    assert TDMREP not in served.paths()
    assert [(i["rights"], i["access"]) for i in items.values()] == [(None, "http"), (None, "http")]
    assert not out.with_name("items.jsonl.rights.json").exists()


def test_each_origin_is_checked_again_once_its_check_is_older_than_the_max_age(tmp_path: Path) -> None:
    out = tmp_path / "items.jsonl"
    with serve(SNAPSHOT, tmp_path / "requests.jsonl", delay=0.1) as served:
        result = run_crawl(
            "rfi_cn",
            "-a",
            f"base_url={served.url}",
            "-s",
            "NEWSCRAWL_ORIGIN_MAX_AGE=1",
            "-s",
            "CONCURRENT_REQUESTS=1",  # requests reach the downloader (and the gate) one at a time
            "-O",
            str(out),
            cwd=tmp_path,
        )
    assert result.returncode == 0, result.stderr[-3000:]
    paths = served.paths()
    checks = paths.count("/robots.txt")
    assert checks >= 2
    assert paths.count(TDMREP) == checks
    # every check is robots.txt then tdmrep.json, before the next request to the origin
    for i, path in enumerate(paths):
        if path == "/robots.txt":
            assert paths[i + 1] == TDMREP
    assert len(read_jsonl(out)) == 16
    # the same bytes each time: one piece of evidence in the sidecar
    assert len(json.loads(out.with_name("items.jsonl.rights.json").read_text("utf-8"))["origins"]) == 1
