"""Spider arguments: parsed once, bad values fail with a message naming the argument."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from newscrawl.commands.crawl import CRAWL_JOB
from newscrawl.params import SettingError, SpiderArgumentError, StartupError, parse_args, setting_date
from newscrawl.spiders.rfi import RfiCnSpider, RfiMultiSpider
from tests.conftest import free_port

SECTIONS = RfiCnSpider.sections


def parse(**kwargs: object):
    return parse_args(kwargs, default_base_url="https://www.rfi.fr", known_sections=SECTIONS)


def test_defaults() -> None:
    args = parse()
    assert args.base_url == "https://www.rfi.fr"
    assert args.sections is None  # every section, homepage included
    assert args.sources == ("section", "rss", "sitemap")
    assert args.max_articles is None


def test_values_as_strings_like_scrapyd_sends_them() -> None:
    args = parse(
        base_url="http://127.0.0.1:8000/",
        sections="欧洲, 中国",
        sources="sitemap,rss",
        max_articles="5",
        _job="abc",
    )
    assert args.base_url == "http://127.0.0.1:8000"
    assert args.sections == ("欧洲", "中国")
    assert args.sources == ("rss", "sitemap")
    assert args.max_articles == 5


def test_percent_encoded_section_is_accepted() -> None:
    assert parse(sections="%E6%AC%A7%E6%B4%B2").sections == ("欧洲",)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"base_url": "127.0.0.1:8000"}, r"base_url='127.0.0.1:8000': expected an http\(s\) origin"),
        ({"base_url": "ftp://mirror"}, r"base_url='ftp://mirror': expected an http\(s\) origin"),
        ({"base_url": "http://127.0.0.1:8000/cn/"}, r"give only scheme, host and port"),
        ({"base_url": "http://127.0.0.1:8000?x=1"}, r"give only scheme, host and port"),
        ({"base_url": "http://127.0.0.1:99999"}, r"bad port"),
        ({"sections": "欧洲,sport"}, r"unknown section\(s\) sport; this spider knows: 中国"),
        ({"sections": ","}, r"unknown section\(s\) \(none given\)"),
        (
            {"sources": "rss,atom"},
            r"sources='rss,atom': unknown source\(s\) atom; choose from section, rss, sitemap",
        ),
        ({"max_articles": "ten"}, r"max_articles='ten': expected a whole number >= 1"),
        ({"max_articles": "0"}, r"max_articles='0': expected a whole number >= 1"),
        ({"max_articles": "-3"}, r"expected a whole number >= 1"),
        (
            {"section": "欧洲"},
            r"unknown spider argument\(s\) section; known: base_url, sections, sources, max_articles",
        ),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(SpiderArgumentError, match=message):
        parse(**kwargs)


def test_spider_rejects_bad_argument_at_creation() -> None:
    with pytest.raises(SpiderArgumentError, match="max_articles"):
        RfiCnSpider.from_crawler(get_crawler(RfiCnSpider), max_articles="lots")


@pytest.mark.parametrize(
    "name", ["base_url", "sections", "sources", "max_articles", "since", "until", "recrawl", "editions"]
)
@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_value_is_refused_not_read_as_the_default(name: str, value: str) -> None:
    with pytest.raises(SpiderArgumentError, match=rf"^{name}='{value}': empty value; leave the argument out"):
        parse_args(
            {name: value},
            default_base_url="https://www.rfi.fr",
            known_sections={"cn": SECTIONS},
            known_editions=("cn",),
        )


def test_sections_are_checked_against_the_chosen_editions_only() -> None:
    # europe is a section of rfi_fr, not of rfi_cn: with editions=cn it would crawl nothing
    with pytest.raises(
        SpiderArgumentError,
        match=r"^sections='europe': unknown section\(s\) europe; the edition\(s\) cn know: 中国, 法国",
    ):
        RfiMultiSpider.from_crawler(get_crawler(RfiMultiSpider), editions="cn", sections="europe")
    spider = RfiMultiSpider.from_crawler(get_crawler(RfiMultiSpider), editions="cn,fr", sections="europe")
    assert [e.code for e in spider.editions] == ["fr", "cn"]
    assert spider.args.sections == ("europe",)
    every = RfiMultiSpider.from_crawler(get_crawler(RfiMultiSpider), sections="europe,欧洲")
    assert every.args.sections == ("europe", "欧洲")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1990-01-01", datetime(1990, 1, 1, tzinfo=UTC)),
        (" 2001-02-03T04:05:06+02:00 ", datetime(2001, 2, 3, 2, 5, 6, tzinfo=UTC)),
    ],
)
def test_a_date_setting_is_read_as_a_utc_time(value: str, expected: datetime) -> None:
    settings = Settings({"NEWSCRAWL_MIN_DATE": value})
    assert setting_date(settings, "NEWSCRAWL_MIN_DATE", "1990-01-01") == expected


@pytest.mark.parametrize("value", ["garbage", "", "01/02/1990", "1990-13-01"])
def test_a_bad_date_setting_names_the_setting_and_its_value(value: str) -> None:
    with pytest.raises(SettingError, match=rf"^NEWSCRAWL_MIN_DATE='{value}': expected a date as YYYY-MM-DD$"):
        setting_date(Settings({"NEWSCRAWL_MIN_DATE": value}), "NEWSCRAWL_MIN_DATE", "1990-01-01")


def test_start_errors_say_what_kind_of_input_was_bad() -> None:
    assert issubclass(SpiderArgumentError, StartupError)
    assert issubclass(SettingError, StartupError)
    assert (SpiderArgumentError.kind, SettingError.kind) == ("bad spider argument", "bad setting")


@pytest.mark.parametrize("store", ["sqlite", "redis"])
def test_a_seen_store_that_cannot_be_opened_is_a_setting_error(tmp_path: Path, store: str) -> None:
    if store == "sqlite":
        (tmp_path / "file").write_text("x", "utf-8")
        settings = {"NEWSCRAWL_STATE_DIR": str(tmp_path / "file")}
        message = rf"^NEWSCRAWL_STATE_DIR='{tmp_path}/file': {tmp_path}/file is not a directory$"
    else:
        url = f"redis://127.0.0.1:{free_port()}/0"
        settings = {"NEWSCRAWL_SEEN_STORE": url}
        message = rf"^NEWSCRAWL_SEEN_STORE='{url}': the seen-store cannot be opened: Error 111 connecting to "
    with pytest.raises(SettingError, match=message):  # a crawl job opens its store
        RfiCnSpider.from_crawler(get_crawler(RfiCnSpider, settings_dict={**settings, CRAWL_JOB: True}))
