"""RFI (www.rfi.fr): the site base, one small data-only class per edition, and ``rfi`` for several.

Edition codes, BCP 47 tags and section slugs come from the site's hreflang
table and navigation (docs/editions.md). Routes are declared only where the
site is known to publish them: every edition has a sitemap index of monthly
maps; RSS feeds are known for fr, en, cn, vi, ru and fa, news sitemaps for fr
and cn, daily archive pages for fr only.
"""

from __future__ import annotations

from typing import ClassVar

from newscrawl.contracts import SampleArticleCheck
from newscrawl.editions import Edition
from newscrawl.spiders.fmm import FmmSpider

FRENCH_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


class RfiSpider(FmmSpider):
    """Editions of www.rfi.fr: one host, paths prefixed by the edition code."""

    site = "rfi"
    public_origin = "https://www.rfi.fr"
    host_aliases: ClassVar[frozenset[str]] = frozenset({"rfi.fr", "amp.rfi.fr"})
    backfill_routes: ClassVar[frozenset[str]] = frozenset({"sitemap"})


class RfiFrSpider(RfiSpider):
    """RFI in French."""

    name = "rfi_fr"
    edition = "fr"
    language = "fr"
    sections = ("afrique", "amériques", "asie-pacifique", "europe", "moyen-orient", "france", "monde")
    feeds = frozenset({"rss", "sitemap"})
    backfill_routes = frozenset({"sitemap", "archive"})
    archive_day = "/fr/archives/{year:04d}/{month:02d}/{day:02d}-{month_name}-{year:04d}"
    month_names = FRENCH_MONTHS


class RfiEnSpider(RfiSpider):
    """RFI in English."""

    name = "rfi_en"
    edition = "en"
    language = "en"
    sections = ("france", "africa", "international", "science-technology", "culture", "sport")
    feeds = frozenset({"rss"})


class RfiEsSpider(RfiSpider):
    """RFI in Spanish."""

    name = "rfi_es"
    edition = "es"
    language = "es"
    sections = ("américas", "francia", "europa", "medioambiente", "salud", "cultura", "economía", "deportes")
    non_article_segments = RfiSpider.non_article_segments | {"en-vivo"}


class RfiPtSpider(RfiSpider):
    """RFI in Portuguese (Africa and Europe)."""

    name = "rfi_pt"
    edition = "pt"
    language = "pt"
    sections = ("áfrica-lusófona", "frança", "áfrica", "internacional")
    non_article_segments = RfiSpider.non_article_segments | {"directo"}


class RfiBrSpider(RfiSpider):
    """RFI in Brazilian Portuguese."""

    name = "rfi_br"
    edition = "br"
    language = "pt-BR"
    sections = ("frança", "brasil", "américas", "mundo", "cultura", "ciências")


class RfiCnSpider(SampleArticleCheck, RfiSpider):
    """RFI in simplified Chinese."""

    name = "rfi_cn"
    edition = "cn"
    language = "zh-Hans"
    # scrapy check reads it: the seed article (27 February 2024), also in the snapshot
    sample_article = (
        "https://www.rfi.fr/cn/%E6%AC%A7%E6%B4%B2/20240227-%E8%A7%86%E9%A2%91-%E5%B7%B4%E9%BB%8E%E4%BC%9A%E8%AE%AE"
        "%E5%90%91%E4%B9%8C%E5%85%8B%E5%85%B0%E6%8F%90%E4%BE%9B%E6%9B%B4%E5%A4%9A%E6%AD%A6%E5%99%A8-%E4%B8%8D%E6%8E"
        "%92%E9%99%A4%E6%9C%AA%E6%9D%A5%E6%B4%BE%E9%81%A3%E5%86%9B%E9%98%9F"
    )
    # main navigation, then sections seen in article URLs (欧洲 in the seed, 非洲, 中东)
    sections = ("中国", "法国", "港澳台", "亚洲", "美洲", "非洲", "欧洲", "中东")
    non_article_segments = RfiSpider.non_article_segments | {"关键词", "直播"}  # tags, live
    feeds = frozenset({"rss", "sitemap"})


class RfiTwSpider(RfiSpider):
    """RFI in traditional Chinese."""

    name = "rfi_tw"
    edition = "tw"
    language = "zh-Hant"
    sections = ("中國", "法國", "港澳台", "亞洲", "美洲")


class RfiViSpider(RfiSpider):
    """RFI in Vietnamese."""

    name = "rfi_vi"
    edition = "vi"
    language = "vi"
    sections = ("việt-nam", "châu-á", "pháp", "quốc-tế", "phân-tích", "điểm-báo")
    non_article_segments = RfiSpider.non_article_segments | {"phát-trực-tiếp"}
    feeds = frozenset({"rss"})


class RfiKmSpider(RfiSpider):
    """RFI in Khmer."""

    name = "rfi_km"
    edition = "km"
    language = "km"
    sections = ("កម្ពុជា", "អាស៊ី", "អឺរ៉ុប", "អាមេរិក", "អាហ្វ្រិក", "ដើមបូព៌ា")


class RfiRuSpider(RfiSpider):
    """RFI in Russian."""

    name = "rfi_ru"
    edition = "ru"
    language = "ru"
    # "культурa" ends in a Latin "a" on the real site
    sections = ("россия", "франция", "европа", "культурa-стиль-жизни", "украина", "спорт")
    feeds = frozenset({"rss"})


class RfiUkSpider(RfiSpider):
    """RFI in Ukrainian."""

    name = "rfi_uk"
    edition = "uk"
    language = "uk"
    # "yкраїна" starts with a Latin "y" on the real site
    sections = ("yкраїна", "європа", "міжнародні-новини", "українці-за-кордоном")


class RfiFaSpider(RfiSpider):
    """RFI in Persian."""

    name = "rfi_fa"
    edition = "fa"
    language = "fa"
    sections = ("جامعه-و-محیط-زیست", "فرهنگ-و-زندگی", "ایران", "افغانستان", "جهان")
    feeds = frozenset({"rss"})


class RfiSwSpider(RfiSpider):
    """RFI in Kiswahili."""

    name = "rfi_sw"
    edition = "sw"
    language = "sw"
    sections = ("afrika", "eac", "siasa-uchumi", "makala", "michezo")
    non_article_segments = RfiSpider.non_article_segments | {"mubashara"}


class RfiHaSpider(RfiSpider):
    """RFI in Hausa."""

    name = "rfi_ha"
    edition = "ha"
    language = "ha"
    sections = ("duniya", "afrika", "najeriya", "nijar", "wasanni")
    non_article_segments = RfiSpider.non_article_segments | {"kai-tsaye"}


class RfiMaSpider(RfiSpider):
    """RFI in Mandenkan (Bambara): path ``ma``, language ``bm``."""

    name = "rfi_ma"
    edition = "ma"
    language = "bm"
    sections = ("farafinna", "duniɲa", "sɔrɔ", "kɛnɛya", "lamini", "kalan", "musow", "sigida")


class RfiFfSpider(RfiSpider):
    """RFI in Fulfulde."""

    name = "rfi_ff"
    edition = "ff"
    language = "ff"
    sections = ("afrik", "winndere", "faggudu", "cellal", "taariindi", "needi", "rewɓe", "renndo")


EDITION_SPIDERS: tuple[type[RfiSpider], ...] = (
    RfiFrSpider, RfiEnSpider, RfiEsSpider, RfiPtSpider, RfiBrSpider, RfiCnSpider, RfiTwSpider, RfiViSpider,
    RfiKmSpider, RfiRuSpider, RfiUkSpider, RfiFaSpider, RfiSwSpider, RfiHaSpider, RfiMaSpider, RfiFfSpider,
)  # fmt: skip


class RfiMultiSpider(RfiSpider):
    """Several RFI editions in one job (``-a editions=cn,tw`` or ``all``), sharing one per-host budget."""

    name = "rfi"

    @classmethod
    def available_editions(cls) -> tuple[Edition, ...]:
        return tuple(spider.edition_info() for spider in EDITION_SPIDERS)
