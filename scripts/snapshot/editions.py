"""Per-site and per-edition settings of the 21 spiders (SITE-NOTES §1.7, §1.8, §2.1, §3.2, §4, §6, §7).

Values tagged INVENTED in the comments are not evidenced anywhere; they only have to look plausible.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FRENCH_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
SPANISH_MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)  # fmt: skip


@dataclass(frozen=True)
class Site:
    key: str  # rfi / f24 / mcd (= the folder under snapshots/)
    host: str
    brand: str  # JSON-LD / news:name
    app_name: str
    tile_color: str
    fb_app_id: str
    short_domain: str
    img_origin: str
    static_origin: str
    emailing: str
    logo: str  # a-svg--<logo>
    linkedin: str
    jsonld_publisher: str
    og_image: str

    @property
    def base(self) -> str:
        return f"https://{self.host}"


SITES = {
    "rfi": Site(
        key="rfi",
        host="www.rfi.fr",
        brand="RFI",
        app_name="RFI",
        tile_color="#e2001a",
        fb_app_id="113191652055439",
        short_domain="rfi.my",
        img_origin="https://s.rfi.fr",
        static_origin="https://static.rfi.fr",
        emailing="https://emailing.rfi.fr",
        logo="logo-rfi",
        linkedin="https://www.linkedin.com/company/radio-france-internationale/",
        jsonld_publisher="https://static.rfi.fr/meta_og_twcards/jsonld_publisher.png",
        og_image="https://static.rfi.fr/meta_og_twcards/RFI_FB.png",
    ),
    "f24": Site(
        key="f24",
        host="www.france24.com",
        brand="FRANCE 24",
        app_name="France 24",
        tile_color="#00a7e3",
        fb_app_id="121241974571942",
        short_domain="f24.my",
        img_origin="https://s.france24.com",
        static_origin="https://static.france24.com",
        emailing="https://emailing.france24.com",
        logo="logo-france24",  # INVENTED class suffix
        linkedin="https://www.linkedin.com/company/france-24/",
        jsonld_publisher="https://static.france24.com/meta_og_twcards/jsonld_publisher.png",
        og_image="https://static.france24.com/meta_og_twcards/F24_FB.png",  # INVENTED file name
    ),
    "mcd": Site(
        key="mcd",
        host="www.mc-doualiya.com",
        brand="Monte Carlo Doualiya",
        app_name="MCD",
        tile_color="#e30613",  # INVENTED
        fb_app_id="391420110887706",
        short_domain="mc-d.co",
        img_origin="https://s.mc-doualiya.com",
        static_origin="https://static.mc-doualiya.com",
        emailing="https://emailing.mc-doualiya.com",
        logo="logo-mcd",
        linkedin="https://www.linkedin.com/company/monte-carlo-doualiya/",
        jsonld_publisher="https://static.mc-doualiya.com/meta_og_twcards/jsonld_publisher.png",
        og_image="https://static.mc-doualiya.com/meta_og_twcards/MCD_FB.png",  # INVENTED file name
    ),
}

# hreflang order of the real rfi.fr/es head (SITE-NOTES §1.8), es inserted where the cn list has it.
RFI_HREFLANG = [
    ("fr", "https://www.rfi.fr/fr/"),
    ("en", "https://www.rfi.fr/en/"),
    ("es", "https://www.rfi.fr/es/"),
    ("pt-BR", "https://www.rfi.fr/br/"),
    ("pt", "http://www.rfi.fr/pt/"),
    ("ha", "https://www.rfi.fr/ha/"),
    ("sw", "https://www.rfi.fr/sw/"),
    ("bm", "https://www.rfi.fr/ma/"),
    ("ff", "https://www.rfi.fr/ff/"),
    ("ro", "https://www.rfi.ro/"),
    ("ru", "https://www.rfi.fr/ru/"),
    ("uk", "https://www.rfi.fr/uk/"),
    ("vi", "https://www.rfi.fr/vi/"),
    ("zh-Hans", "https://www.rfi.fr/cn/"),
    ("zh-Hant", "https://www.rfi.fr/tw/"),
    ("km", "https://www.rfi.fr/km/"),
    ("fa", "https://www.rfi.fr/fa/"),
    ("x-default", "https://www.rfi.fr/"),
]
# the real france24.com/en head: fr, es, ar + x-default (x-default's target is INVENTED)
F24_HREFLANG = [
    ("fr", "https://www.france24.com/fr/"),
    ("en", "https://www.france24.com/en/"),
    ("es", "https://www.france24.com/es/"),
    ("ar", "https://www.france24.com/ar/"),
    ("x-default", "https://www.france24.com/"),
]


@dataclass(frozen=True)
class Edition:
    spider: str
    site: Site
    code: str  # edition code in the path and in /sitemaps/<code>/
    prefix: str  # "/fr"; "" for MCD
    lang: str  # hreflang tag, BCP 47 (SITE-NOTES §2.1); <html lang> unless html_lang says otherwise
    og_locale: str
    twitter: str
    dir: str = "ltr"
    rss: bool = False  # /<prefix>/rss (SITE-NOTES §4.1, §6)
    news: bool = False  # /sitemaps/<code>/news.xml (SITE-NOTES §4.2)
    index: bool = True  # /sitemaps/<code>/index.xml + contents_YYYYMM.xml + tags.xml
    archive: str | None = None  # daily archive path, str.format(year, month, day, month_name)
    months: tuple[str, ...] = ()
    live_slug: str | None = None  # None: slug of the live label
    backfill_only_before: str | None = None  # "202402": older articles are reachable only by backfill routes
    news_language: str = ""
    css: str = ""
    x_label: str = "X (Twitter)"
    xlang: str = ""  # lang= of the X share link (cn: zh-cn)
    rsslang: str = ""  # <language> of the RSS channel
    hreflang: list[tuple[str, str]] = field(default_factory=list)
    html_lang: str = ""  # <html lang> where the site writes another tag than its hreflang one (es: es-419)

    @property
    def page_lang(self) -> str:
        return self.html_lang or self.lang

    @property
    def base(self) -> str:
        return self.site.base

    @property
    def home_path(self) -> str:
        return f"{self.prefix}/"

    @property
    def short_lang(self) -> str:
        return self.lang.split("-")[0]

    @property
    def x_lang(self) -> str:
        return self.xlang or self.lang.lower()

    @property
    def css_lang(self) -> str:
        return self.css or self.code

    @property
    def didomi(self) -> str:
        return self.short_lang

    @property
    def rss_language(self) -> str:
        return self.rsslang or self.lang.lower()

    @property
    def emailing(self) -> str:
        return f"{self.site.emailing}/{self.code}/subscribe"


def _rfi(code: str, lang: str, og_locale: str, twitter: str, **kw) -> Edition:
    self_lang = lang
    hreflang = [(h, u) for h, u in RFI_HREFLANG if h != self_lang]
    return Edition(
        spider=f"rfi_{code}",
        site=SITES["rfi"],
        code=code,
        prefix=f"/{code}",
        lang=lang,
        og_locale=og_locale,
        twitter=twitter,
        news_language=kw.pop("news_language", lang.split("-")[0]),
        hreflang=hreflang,
        **kw,
    )


def _f24(code: str, og_locale: str, twitter: str, **kw) -> Edition:
    return Edition(
        spider=f"f24_{code}",
        site=SITES["f24"],
        code=code,
        prefix=f"/{code}",
        lang=code,
        og_locale=og_locale,
        twitter=twitter,
        rss=True,
        news=True,
        news_language=code,
        hreflang=[(h, u) for h, u in F24_HREFLANG if h != code],
        **kw,
    )


# Twitter handles: the @RFI_Xx ones are in SITE-NOTES §2.1 (es cn tw km ru uk ma ff), @FRANCE24 /
# @France24_ar in
# §6, @MC_Doualiya in §7; the others are INVENTED.
EDITIONS: dict[str, Edition] = {
    e.spider: e
    for e in [
        _rfi(
            "fr",
            "fr",
            "fr_FR",
            "RFI",
            rss=True,
            news=True,
            archive="/fr/archives/{year:04d}/{month:02d}/{day:02d}-{month_name}-{year:04d}",
            months=FRENCH_MONTHS,
            backfill_only_before="202402",
            live_slug="direct",  # INVENTED
        ),
        _rfi("en", "en", "en_US", "RFI_En", rss=True, live_slug="live"),  # live slug INVENTED
        _rfi("es", "es", "es_LA", "RFI_Es", live_slug="en-vivo", html_lang="es-419"),
        _rfi("pt", "pt", "pt_PT", "RFI_Pt", live_slug="directo"),
        _rfi("br", "pt-BR", "pt_BR", "RFI_Br"),
        _rfi(
            "tw",
            "zh-Hant",
            "zh_TW",
            "RFI_TradCn",
            news_language="zh-tw",
            xlang="zh-tw",
            rsslang="zh-tw",
            live_slug="直播",
        ),
        _rfi("vi", "vi", "vi_VN", "RFI_Vi", rss=True, live_slug="phát-trực-tiếp"),
        _rfi("km", "km", "km_KH", "RFI_Km"),
        _rfi("ru", "ru", "ru_RU", "RFI_Ru", rss=True),
        _rfi("uk", "uk", "uk_UA", "RFI_Uk"),
        _rfi("fa", "fa", "fa_IR", "RFI_Fa", dir="rtl", rss=True),
        _rfi("sw", "sw", "sw_KE", "RFI_Sw", live_slug="mubashara"),
        _rfi("ha", "ha", "ha_NG", "RFI_Ha", live_slug="kai-tsaye"),
        _rfi("ma", "bm", "fr_FR", "RFI_Ma"),
        _rfi("ff", "ff", "ff_FF", "RFI_Ff"),
        _f24(
            "fr",
            "fr_FR",
            "France24_fr",
            archive="/fr/archives/{year:04d}/{month:02d}/{day:02d}-{month_name}-{year:04d}",
            months=FRENCH_MONTHS,
        ),
        _f24(
            "en",
            "en_US",
            "FRANCE24",
            archive="/en/archives/{year:04d}/{month:02d}/{day:02d}-{month_name}-{year:04d}",
            months=ENGLISH_MONTHS,
            backfill_only_before="202402",
        ),
        _f24(
            "es",
            "es_LA",
            "France24_es",
            archive="/es/archivos/{year:04d}/{month:02d}/{day:02d}-{month_name}-{year:04d}",
            months=SPANISH_MONTHS,
            live_slug="en-vivo",
        ),
        _f24("ar", "ar_AR", "France24_ar", dir="rtl"),
        Edition(
            spider="mcd_ar",
            site=SITES["mcd"],
            code="ar",
            prefix="",
            lang="ar",
            og_locale="ar_AR",
            twitter="MC_Doualiya",
            dir="rtl",
            index=False,
            news_language="ar",
            hreflang=[("x-default", "https://www.mc-doualiya.com/")],
        ),
    ]
}

# rfi_cn: the values its pages were generated with before the other editions existed (kept byte-identical)
CN = Edition(
    spider="rfi_cn",
    site=SITES["rfi"],
    code="cn",
    prefix="/cn",
    lang="zh-Hans",
    og_locale="zh_CN",
    twitter="RFI_Cn",
    rss=True,
    news=True,
    news_language="zh",
    css="cn",
    x_label="X (推特)",
    xlang="zh-cn",
    rsslang="zh-cn",
    hreflang=[(h, u) for h, u in RFI_HREFLANG if h != "zh-Hans"],
)

# the order of every list in the README and robots.txt
SPIDER_ORDER = ["rfi_cn", *EDITIONS]
