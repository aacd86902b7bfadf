"""Monte Carlo Doualiya (www.mc-doualiya.com): FMM's Arabic radio, no edition code in its paths.

Only listings are known routes (no RSS feed, sitemap or archive is
evidenced), so ``mcd_ar`` crawls the homepage and section pages and cannot
backfill.
"""

from __future__ import annotations

from typing import ClassVar

from newscrawl.spiders.fmm import FmmSpider


class McdSpider(FmmSpider):
    """www.mc-doualiya.com."""

    site = "mcd"
    public_origin = "https://www.mc-doualiya.com"
    host_aliases: ClassVar[frozenset[str]] = frozenset({"mc-doualiya.com"})
    edition_in_path = False


class McdArSpider(McdSpider):
    """Monte Carlo Doualiya, in Arabic."""

    name = "mcd_ar"
    edition = "ar"
    language = "ar"
    sections = ("الشرق-الأوسط",)
    non_article_segments = McdSpider.non_article_segments | {"تاغ"}  # tags
