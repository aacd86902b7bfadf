"""Deutsche Welle (``www.dw.com/<code>/``): 31 language editions of one application.

Each edition is one entry of :data:`EDITIONS`: DW's path code (the item's ``edition``; the
spider is ``dw_<code>`` with ``-`` written ``_``), the BCP 47 language, and its entry page (the
site notes' list, read from the page's embedded state). Discovery (notes, DW §2): the entry page and
the news sitemap ``/<code>/news-sitemap.xml`` for recent articles, the sitemap
``/<code>/article-sitemap.xml`` for a backfill (``since``; dates from the sitemap's
``lastmod``: article URLs carry none); the RSS feed ``https://rss.dw.com/xml/rss-<code>-all``
is documented for de and en only. Article URLs are ``/<code>/<slug>/a-<id>`` (topic ``/t-``
and section ``/s-`` pages are not articles); RSS links carry ``?maca=…``, dropped like every
article URL's query. Real pages read: German only (current and legacy template).

Chinese has one path, ``/zh/``, for both scripts: the entry page takes ``?zhongwen=simp`` or
``?zhongwen=trad``. ``dw_zh`` (``zh-Hans``) and ``dw_zh_hant`` (``zh-Hant``) read the same article
URLs; how the site picks the script of an article page is not known.
"""

from __future__ import annotations

import re
from typing import ClassVar

from newscrawl.pages.base import ArticlePage
from newscrawl.pages.dw import DwArticlePage
from newscrawl.spiders.base import NewsSpider


class DwSpider(NewsSpider):
    """Base of the DW editions (no ``name``)."""

    site = "dw"
    public_origin = "https://www.dw.com"
    host_aliases: ClassVar[frozenset[str]] = frozenset({"dw.com"})
    document_hosts: ClassVar[frozenset[str]] = frozenset({"rss.dw.com"})
    page_class: ClassVar[type[ArticlePage]] = DwArticlePage


#: (edition code, path code, language, entry page below /<path code>/)
EDITIONS: tuple[tuple[str, str, str, str], ...] = (
    ("sq", "sq", "sq", "fokus/s-10250"),
    ("am", "am", "am", "ይዘት/s-11646"),
    ("ar", "ar", "ar", "الرئيسية/s-9106"),
    ("bn", "bn", "bn", "বিষয়/s-11929"),
    ("bs", "bs", "bs", "teme/s-10037"),
    ("bg", "bg", "bg", "начало/s-10257"),
    ("zh", "zh", "zh-Hans", "在线报导/s-9058?zhongwen=simp"),
    ("zh-hant", "zh", "zh-Hant", "在线报导/s-9058?zhongwen=trad"),
    ("hr", "hr", "hr", "teme/s-9747"),
    ("fa-af", "fa-af", "fa-AF", "دويچه-وله-دری/s-10259"),
    ("en", "en", "en", "top-stories/s-9097"),
    ("fr", "fr", "fr", "actualités/s-10261"),
    ("de", "de", "de", "themen/s-9077"),
    ("el", "el", "el", "θεματα/s-10507"),
    ("ha", "ha", "ha", "batutuwa/s-11603"),
    ("hi", "hi", "hi", "खबरें/s-11931"),
    ("id", "id", "id", "beranda/s-11546"),
    ("sw", "sw", "sw", "idhaa-ya-kiswahili/s-11588"),
    ("mk", "mk", "mk", "теми/s-10339"),
    ("ps", "ps", "ps", "دويچه-ويله-پښتو/s-11722"),
    ("fa-ir", "fa-ir", "fa-IR", "دویچه-وله-فارسی/s-9993"),
    ("pl", "pl", "pl", "start/s-11394"),
    ("pt-002", "pt-002", "pt-002", "notícias/s-13918"),
    ("pt-br", "pt-br", "pt-BR", "notícias/s-7111"),
    ("ro", "ro", "ro", "focus/s-10575"),
    ("ru", "ru", "ru", "темы-дня/s-9119"),
    ("sr", "sr", "sr", "rubrike/s-10682"),
    ("es", "es", "es", "actualidad/s-30684"),
    ("tr", "tr", "tr", "gündem/s-10201"),
    ("uk", "uk", "uk", "головна/s-9874"),
    ("ur", "ur", "ur", "عنوانات/s-11933"),
)
#: editions whose RSS feed is documented
RSS = frozenset({"de", "en"})
#: editions whose pages were checked on a real page (tests/fixtures/dw_<code>/)
REAL_PAGES = frozenset({"de"})

SPIDERS = tuple(
    DwSpider.declare(
        f"dw_{code.replace('-', '_')}",
        doc=f"Deutsche Welle, {language} (www.dw.com/{path}/).",
        edition=code,
        language=language,
        path_prefix=f"/{path}",
        sections=(entry,),
        article_path=rf"/{re.escape(path)}/[^/]+/a-\d+",
        recent_sources=(
            *((("rss", f"https://rss.dw.com/xml/rss-{code}-all"),) if code in RSS else ()),
            ("sitemap", f"/{path}/news-sitemap.xml"),
        ),
        backfill_sources=(("sitemap", f"/{path}/article-sitemap.xml"),),
        real_page_checked=code in REAL_PAGES,
        claims_urls=code != "zh-hant",  # dw_zh's article URLs: scrapy parse <url> picks dw_zh
    )
    for code, path, language, entry in EDITIONS
)
globals().update((spider.__name__, spider) for spider in SPIDERS)
