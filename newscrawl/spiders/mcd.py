"""Monte Carlo Doualiya (www.mc-doualiya.com): FMM's Arabic radio, no edition code in its paths.

Only listings are known routes (no RSS feed, sitemap or archive is
evidenced), so ``mcd_ar`` crawls the homepage and section pages and cannot
backfill.
"""

from __future__ import annotations

from typing import ClassVar

from newscrawl.contracts import SampleArticleCheck
from newscrawl.spiders.fmm import FmmSpider


class McdSpider(FmmSpider):
    """www.mc-doualiya.com."""

    site = "mcd"
    public_origin = "https://www.mc-doualiya.com"
    host_aliases: ClassVar[frozenset[str]] = frozenset({"mc-doualiya.com"})
    edition_in_path = False


class McdArSpider(SampleArticleCheck, McdSpider):
    """Monte Carlo Doualiya, in Arabic."""

    name = "mcd_ar"
    edition = "ar"
    language = "ar"
    # scrapy check reads it: the real page in tests/fixtures/real-pages (31 January 2024)
    sample_article = (
        "https://www.mc-doualiya.com/%D8%A7%D9%84%D8%B4%D8%B1%D9%82-%D8%A7%D9%84%D8%A3%D9%88%D8%B3%D8%B7/2024"
        "0131-%D9%86%D8%AA%D8%A7%D9%86%D9%8A%D8%A7%D9%87%D9%88-%D9%88%D9%84%D8%B9%D8%A8%D8%A9-%D8%A7%D9%84%D9"
        "%84%D9%81-%D9%88%D8%A7%D9%84%D8%AF%D9%88%D8%B1%D8%A7%D9%86-%D8%A8%D9%8A%D9%86-%D8%B9%D8%AC%D8%B2-%D8"
        "%AC%D9%8A%D8%B4%D9%87-%D8%B9%D9%86-%D8%AA%D8%AD%D9%82%D9%8A%D9%82-%D8%A7%D9%86%D8%AA%D8%B5%D8%A7%D8%"
        "B1-%D9%88%D9%87%D8%B4%D8%A7%D8%B4%D8%A9-%D8%A7%D8%A6%D8%AA%D9%84%D8%A7%D9%81%D9%87-%D8%A7%D9%84%D8%A"
        "D%D8%A7%D9%83%D9%85"
    )
    sections = ("الشرق-الأوسط",)
    real_page_checked = True  # tests/fixtures/real-pages/mcd_ar_article_20240131_excerpt.html
    non_article_segments = McdSpider.non_article_segments | {"تاغ"}  # tags
