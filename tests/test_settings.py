"""Live-site politeness and output defaults, as Scrapy loads them from the project."""

from __future__ import annotations

from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from newscrawl.items import FIELD_NAMES
from newscrawl.spiders.rfi import RfiCnSpider


def test_politeness_defaults() -> None:
    settings = get_project_settings()
    assert settings.getbool("ROBOTSTXT_OBEY") is True
    assert settings.getfloat("DOWNLOAD_DELAY") >= 1.0
    assert settings.getfloat("DOWNLOAD_DELAY_JITTER") == 0.5
    assert settings.getpriority("RANDOMIZE_DOWNLOAD_DELAY") == 0  # not set by the project: deprecated in 2.19
    assert settings.getbool("AUTOTHROTTLE_ENABLED") is True
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert settings.get("FEED_EXPORT_ENCODING") == "utf-8"


def test_default_feed_is_added_only_when_no_feed_is_named() -> None:
    job = {"NEWSCRAWL_FEED_URI": "output/%(name)s/%(time)s.jsonl", "NEWSCRAWL_CRAWL_JOB": True}
    settings = Settings(job)
    RfiCnSpider.update_settings(settings)
    assert settings.getdict("FEEDS") == {
        "output/%(name)s/%(time)s.jsonl": {
            "format": "jsonlines",
            "encoding": "utf-8",
            "fields": list(FIELD_NAMES),
        }
    }
    named = Settings(job)
    named.set("FEEDS", {"mine.jsonl": {"format": "jsonlines"}}, priority="cmdline")
    RfiCnSpider.update_settings(named)
    assert list(named.getdict("FEEDS")) == ["mine.jsonl"]
    off = Settings({**job, "NEWSCRAWL_FEED_URI": ""})
    RfiCnSpider.update_settings(off)
    assert off.getdict("FEEDS") == {}


def test_only_a_crawl_job_gets_the_default_feed() -> None:
    """scrapy parse, fetch, shell and check run the spider without NEWSCRAWL_CRAWL_JOB: no file."""
    tool = Settings({"NEWSCRAWL_FEED_URI": "output/%(name)s/%(time)s.jsonl"})
    RfiCnSpider.update_settings(tool)
    assert tool.getdict("FEEDS") == {}


def test_user_agent_names_the_contact() -> None:
    from newscrawl import __version__

    crawler = get_crawler(RfiCnSpider, {"NEWSCRAWL_CONTACT_URL": "https://ops.example.org/crawler"})
    crawler.settings.frozen = False  # as during Crawler.crawl(), before settings are frozen
    RfiCnSpider.from_crawler(crawler)
    assert crawler.settings.get("USER_AGENT") == f"newscrawl/{__version__} (+https://ops.example.org/crawler)"


def test_no_control_port_is_opened() -> None:
    settings = get_project_settings()
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    assert not [path for path in settings.getwithbase("EXTENSIONS") if "remote_control" in str(path)]
    assert "scrapy.extensions.corestats.CoreStats" in settings.getdict("EXTENSIONS_BASE")  # the rest kept


def test_parse_worker_and_queue_defaults() -> None:
    settings = get_project_settings()
    assert settings.getint("NEWSCRAWL_PARSE_WORKERS") == 1
    assert settings.getfloat("NEWSCRAWL_PARSE_TIMEOUT") == 60.0
    assert settings.getint("NEWSCRAWL_ARTICLES_IN_FLIGHT") == 100
    assert settings.getint("CONCURRENT_ITEMS") == 1
