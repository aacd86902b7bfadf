"""France 24 (www.france24.com): same CMS as RFI, editions fr, en, es, ar.

Known routes: RSS ``/<ed>/rss``, news sitemaps and sitemap indexes for all
four editions, daily archives for fr, en and es (the Arabic archive path's
day format is unknown).
"""

from __future__ import annotations

from typing import ClassVar

from newscrawl.spiders.fmm import FmmSpider
from newscrawl.spiders.rfi import FRENCH_MONTHS

ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
SPANISH_MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)  # fmt: skip


class F24Spider(FmmSpider):
    """Editions of www.france24.com."""

    site = "f24"
    public_origin = "https://www.france24.com"
    host_aliases: ClassVar[frozenset[str]] = frozenset({"france24.com"})
    feeds: ClassVar[frozenset[str]] = frozenset({"rss", "sitemap"})
    backfill_routes: ClassVar[frozenset[str]] = frozenset({"sitemap", "archive"})


class F24FrSpider(F24Spider):
    """France 24 in French."""

    name = "f24_fr"
    edition = "fr"
    language = "fr"
    sections = ("france", "afrique", "moyen-orient", "europe", "amériques", "asie-pacifique")
    archive_day = "/fr/archives/{year:04d}/{month:02d}/{day:02d}-{month_name}-{year:04d}"
    month_names = FRENCH_MONTHS


class F24EnSpider(F24Spider):
    """France 24 in English."""

    name = "f24_en"
    edition = "en"
    language = "en"
    sections = ("france", "africa", "middle-east", "americas", "europe", "asia-pacific")
    archive_day = "/en/archives/{year:04d}/{month:02d}/{day:02d}-{month_name}-{year:04d}"
    month_names = ENGLISH_MONTHS


class F24EsSpider(F24Spider):
    """France 24 in Spanish."""

    name = "f24_es"
    edition = "es"
    language = "es"
    sections = (
        "américa-latina",
        "eeuu-canadá",
        "europa",
        "francia",
        "asia-pacífico",
        "medio-oriente",
        "áfrica",
    )
    non_article_segments = F24Spider.non_article_segments | {"en-vivo"}
    archive_day = "/es/archivos/{year:04d}/{month:02d}/{day:02d}-{month_name}-{year:04d}"
    month_names = SPANISH_MONTHS


class F24ArSpider(F24Spider):
    """France 24 in Arabic."""

    name = "f24_ar"
    edition = "ar"
    language = "ar"
    sections = ("فرنسا", "المغاربية", "الشرق-الأوسط", "أفريقيا", "أوروبا", "أمريكا", "آسيا")
    backfill_routes = frozenset({"sitemap"})
