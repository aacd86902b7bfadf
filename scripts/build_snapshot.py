#!/usr/bin/env python3
"""Build the offline TEST SNAPSHOT of www.rfi.fr/cn/ (RFI Chinese, simplified).

    .venv/bin/python scripts/build_snapshot.py

Reads ``scripts/snapshot_data/rfi_cn.json`` and (re)writes, deterministically:

* ``snapshots/rfi/``            the document root of a fake www.rfi.fr (HTML pages, RSS, news sitemap, robots.txt);
* ``snapshots/README.md``       what the snapshot is and which article carries which deliberate variation;
* ``tests/fixtures/rfi_cn/*.json``  one expected-output file per article, computed FROM THE DATA (never by parsing
  the generated HTML), following the body contract of the crawler's cleaner.

URL paths map to files this way (raw UTF-8 file names): a path ending in ``/`` -> ``<path>index.html``; an existing
file as is (``/robots.txt``, ``/sitemaps/cn/news.xml``); otherwise ``<path>.html`` (articles) or ``<path>.xml``
(``/cn/rss``).

The markup is transcribed from the real FMM-CMS excerpts in tests/fixtures/real-pages/ (MCD article page,
rfi.fr/es listing cards and head) and SITE-NOTES.md; see snapshots/README.md. Stdlib + lxml only (lxml is used
only to check that every written page parses). Rerunning gives byte-identical output.
"""

# The HTML templates below are transcribed line by line from the real FMM markup (long runs of indentation):
# ruff: noqa: E501

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DATA_FILE = ROOT / "scripts" / "snapshot_data" / "rfi_cn.json"
TEMPLATES = ROOT / "scripts" / "snapshot_data" / "templates"
SNAP_DIR = ROOT / "snapshots"
OUT = SNAP_DIR / "rfi"
FIXTURES = ROOT / "tests" / "fixtures" / "rfi_cn"

BASE = "https://www.rfi.fr"
IMG_HOST = "https://s.rfi.fr/media/display"
PLACEHOLDER_GIF = "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw=="
NBSP = "\u00a0"
CARD_WIDTHS = (177, 388, 480)

# Localized labels (cn). The real cn labels are not in any saved page: these are translations of the MCD/ES ones,
# except "分享 :" which the seed shows. The crawler must not parse them.
L = {
    "home": "返回首页",
    "published": "发表时间 :",
    "modified": "更新时间 :",
    "reading_time": "阅读时间",
    "minutes": "分钟",
    "by": "作者 :",
    "ad": "广告",
    "ad_report": "举报此广告",
    "read_more": "阅读更多",
    "nl_title": "新闻信",
    "nl_text": "每天早上接收法广国际要闻",
    "nl_subscribe": "订阅",
    "app_text": "随时随地掌握国际新闻。下载法国国际广播电台应用程序",
    "share": "分享 :",
    "tags": "阅读更多相关主题 :",
    "related": "相关新闻",
    "latest": "最新新闻",
}

# hreflang list of the real rfi.fr/es head, adapted: the 15 other editions (es added, zh-Hans = self removed),
# ro and x-default, same order and the same http:// quirk for pt.
HREFLANG = [
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
    ("zh-Hant", "https://www.rfi.fr/tw/"),
    ("km", "https://www.rfi.fr/km/"),
    ("fa", "https://www.rfi.fr/fa/"),
    ("x-default", "https://www.rfi.fr/"),
]


# --------------------------------------------------------------------------- escaping / URLs / dates


def esc(text: str) -> str:
    """Twig's default ``escape('html')`` (htmlspecialchars, ENT_QUOTES): text and ordinary attributes."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#039;")
    )


def esc_body(text: str) -> str:
    """CMS body text (and the expected body_html): only &, < and > are escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def esc_html_attr(text: str) -> str:
    """Twig's ``escape('html_attr')`` as seen on the real tag titles / share aria-labels (``&#x0625;``, ``&#x20;``)."""
    out = []
    for ch in text:
        if ch.isascii() and (ch.isalnum() or ch in ",.-_"):
            out.append(ch)
        elif ch in '"&<>':
            out.append({'"': "&quot;", "&": "&amp;", "<": "&lt;", ">": "&gt;"}[ch])
        elif ord(ch) < 0x100:
            out.append(f"&#x{ord(ch):02X};")
        else:
            out.append(f"&#x{ord(ch):04X};")
    return "".join(out)


def esc_xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def enc(path: str) -> str:
    """Percent-encode a site path the way the CMS writes card hrefs: UTF-8, upper-case hex, '/' kept."""
    return quote(path)


def public_url(path: str) -> str:
    return BASE + enc(path)


def collapse(text: str) -> str:
    return " ".join(text.split())


def parse_utc(value: str) -> datetime:
    dt = datetime.fromisoformat(value)
    if dt.utcoffset() != timedelta(0):
        raise ValueError(f"dates in the data must be UTC +00:00: {value}")
    return dt.astimezone(UTC)


def _last_sunday(year: int, month: int) -> datetime:
    day = datetime(year, month, 31, 1, 0, tzinfo=UTC)
    while day.weekday() != 6:
        day -= timedelta(days=1)
    return day


def paris(dt: datetime) -> datetime:
    """UTC -> Europe/Paris wall time (CET/CEST, EU rule: last Sunday of March/October at 01:00 UTC).

    Implemented here rather than with zoneinfo so that the output never depends on the host's tz database.
    """
    summer = _last_sunday(dt.year, 3) <= dt < _last_sunday(dt.year, 10)
    return (dt + timedelta(hours=2 if summer else 1)).replace(tzinfo=None)


def shown_date(value: str) -> str:
    return paris(parse_utc(value)).strftime("%d/%m/%Y - %H:%M")


def slugify(title: str) -> str:
    """RFI-style slug: the title's words (CJK characters kept, punctuation dropped) joined by '-'."""
    return "-".join(w for w in re.split(r"[\W_]+", title) if w).lower()


# --------------------------------------------------------------------------- model


class Article:
    def __init__(self, raw: dict, sections: list[str]):
        self.raw = raw
        self.stem: str = raw["stem"]
        self.title: str = raw["title"]
        self.lead_raw: str = raw["lead"]
        self.lead: str = collapse(raw["lead"])
        self.published: str = raw["published"]
        self.modified: str | None = raw.get("modified")
        self.section_name: str = raw.get("section_name") or raw["section"]
        self.section_path: str = raw.get("section_path") or f"/cn/{raw['section']}/"
        if not raw.get("section_path") and raw["section"] not in sections:
            raise ValueError(f"{self.stem}: unknown section {raw['section']}")
        self.authors: list[dict] = raw["authors"]
        self.kicker: str | None = raw.get("kicker")
        self.media_type: str | None = raw.get("media_type")
        self.short: str = raw["short"]
        self.image: dict | None = raw.get("image")
        self.tags: list[str] = raw["tags"]
        self.blocks: list = raw["body"]
        self.related: list[str] = raw["related"]
        self.notes: str = raw.get("notes", "")
        date = paris(parse_utc(self.published)).strftime("%Y%m%d")
        if not self.stem.startswith(date + "-"):
            raise ValueError(f"{self.stem}: stem must start with the Paris date {date}")
        prefix = raw.get("url_prefix") or self.section_path
        self.path = f"{prefix}{date}-{slugify(self.title)}"
        self.url = public_url(self.path)
        self.href = enc(self.path)
        rel = self.path.lstrip("/") + ".html"
        self.file = OUT / rel
        self.page = f"snapshots/rfi/{rel}"

    # ---- images
    def img_url(self, width: int, ext: str | None = None) -> str:
        im = self.image
        return f"{IMG_HOST}/{im['uuid']}/w:{width}/p:16x9/{im['file']}.{ext or im['ext']}"

    @property
    def image_url(self) -> str | None:
        return self.img_url(max(self.image["widths"])) if self.image else None


# --------------------------------------------------------------------------- body: page HTML + expected values


def run_html(run, articles: dict[str, Article], absolute: bool) -> tuple[str, str]:
    """(html, text) of one inline run. ``absolute``: links as in the expected body_html."""
    if isinstance(run, str):
        return esc_body(run), run
    if "strong" in run:
        return f"<strong>{esc_body(run['strong'])}</strong>", run["strong"]
    if "em" in run:
        return f"<em>{esc_body(run['em'])}</em>", run["em"]
    if "a" in run:
        href = articles[run["article"]].href if "article" in run else run["href"]
        if absolute and href.startswith("/"):
            href = BASE + href
        return f'<a href="{esc(href)}">{esc_body(run["a"])}</a>', run["a"]
    raise ValueError(f"unknown inline run {run!r}")


def check_clean(text: str, where: str) -> None:
    if text != collapse(text) or text != text.strip():
        raise ValueError(f"{where}: text must have single spaces and no edge whitespace: {text!r}")


def paragraph_runs(block) -> list | None:
    if isinstance(block, str):
        return [block]
    if isinstance(block, dict) and "p" in block:
        for run in block["p"]:
            if isinstance(run, dict):
                value = next(iter(v for k, v in run.items() if k in ("strong", "em", "a")))
                check_clean(value, "inline run")
        return block["p"]
    return None


def body_page_html(art: Article, articles: dict[str, Article]) -> str:
    """The paragraphs etc. as they sit in div.t-content__body (after the interstitial, before the self-promos)."""
    out: list[str] = []
    for block in art.blocks:
        runs = paragraph_runs(block)
        if runs is not None:
            out.append("<p>" + "".join(run_html(r, articles, False)[0] for r in runs) + "</p>")
        elif block.get("nbsp"):
            out.append(f"<p>{NBSP}</p>")
        elif "h2" in block:
            out.append(f"\n<h2>{esc_body(block['h2'])}</h2>\n")
        elif "h3" in block:
            out.append(f"\n<h3>{esc_body(block['h3'])}</h3>\n")
        elif "quote" in block:
            out.append(
                '\n<div class="m-em-quote"><span class="a-svg a-svg--picto-quote"><svg xmlns="http://www.w3.org/2000/svg" '
                'width="10" height="10"><path d="M0 0h10v10H0z"/></svg></span>'
                f"<p>{esc_body(block['quote'])}</p></div>\n"
            )
        elif "ul" in block:
            items = "".join(f"<li>{esc_body(i)}</li>" for i in block["ul"])
            out.append(f"\n<ul>{items}</ul>\n")
        elif "embed" in block:
            out.append(
                '\n<div class="m-embed">\n'
                '    <script>window.fmmEmbeds = window.fmmEmbeds || []; window.fmmEmbeds.push("youtube");</script>\n'
                f'    <iframe src="{esc(block["src"])}" width="560" height="315" frameborder="0" '
                'allow="accelerometer; autoplay; encrypted-media; picture-in-picture" allowfullscreen></iframe>\n'
                "</div>\n"
            )
        else:
            raise ValueError(f"{art.stem}: unknown block {block!r}")
    return "".join(out)


def expected_body(art: Article, articles: dict[str, Article]) -> tuple[str, str]:
    texts: list[str] = []
    htmls: list[str] = []
    for block in art.blocks:
        runs = paragraph_runs(block)
        if runs is not None:
            parts = [run_html(r, articles, True) for r in runs]
            text = "".join(t for _, t in parts)
            check_clean(text, art.stem)
            texts.append(text)
            htmls.append("<p>" + "".join(h for h, _ in parts) + "</p>")
        elif block.get("nbsp") or "embed" in block:
            continue
        elif "h2" in block or "h3" in block:
            tag = "h2" if "h2" in block else "h3"
            check_clean(block[tag], art.stem)
            texts.append(block[tag])
            htmls.append(f"<{tag}>{esc_body(block[tag])}</{tag}>")
        elif "quote" in block:
            check_clean(block["quote"], art.stem)
            texts.append(block["quote"])
            htmls.append(f"<blockquote>{esc_body(block['quote'])}</blockquote>")
        elif "ul" in block:
            for item in block["ul"]:
                check_clean(item, art.stem)
            texts.append("\n".join(block["ul"]))
            htmls.append("<ul>" + "".join(f"<li>{esc_body(i)}</li>" for i in block["ul"]) + "</ul>")
    return "\n\n".join(texts), "\n".join(htmls)


def reading_minutes(art: Article, articles: dict[str, Article]) -> int:
    body, _ = expected_body(art, articles)
    return max(1, -(-len(body) // 500))


# --------------------------------------------------------------------------- shared page parts

DIDOMI = """                                    <script type="text/javascript">
    window.didomiConfig={languages:{enabled:['zh'],default:'zh'},};

    window.gdprAppliesGlobally=true;
    (function(){function a(e){if(!window.frames[e]){if(document.body&&document.body.firstChild){var t=document.body;var n=document.createElement("iframe");n.style.display="none";n.name=e;n.title=e;t.insertBefore(n,t.firstChild)}
    else{setTimeout(function(){a(e)},5)}}}function e(n,r,o,c,s){function e(e,t,n,a){if(typeof n!=="function"){return}if(!window[r]){window[r]=[]}var i=false;if(s){i=s(e,t,n)}if(!i){window[r].push({command:e,parameter:t,callback:n,version:a})}}e.stub=true;function t(a){if(!window[n]||window[n].stub!==true){return}if(!a.data){return}
        var i=typeof a.data==="string";var e;try{e=i?JSON.parse(a.data):a.data}catch(t){return}if(e[o]){var r=e[o];window[n](r.command,r.parameter,function(e,t){var n={};n[c]={returnValue:e,success:t,callId:r.callId};a.source.postMessage(i?JSON.stringify(n):n,"*")},r.version)}}
        if(typeof window[n]!=="function"){window[n]=e;if(window.addEventListener){window.addEventListener("message",t,false)}else{window.attachEvent("onmessage",t)}}}e("__tcfapi","__tcfapiBuffer","__tcfapiCall","__tcfapiReturn");a("__tcfapiLocator");(function(e){
        var t=document.createElement("script");t.id="spcloader";t.type="text/javascript";t.async=true;t.src="https://sdk.privacy-center.org/"+e+"/loader.js?target="+document.location.hostname;t.charset="utf-8";var n=document.getElementsByTagName("script")[0];n.parentNode.insertBefore(t,n)})("495f718a-9d29-4830-96dc-6035928a6362")})();
</script>
"""

FONTS = """            <link rel="preload" href="/build/fonts/Roboto-Light.44399015b00e7502bd170766313ec250.woff2" as="font" type="font/woff2" crossorigin="anonymous">
        <link rel="preload" href="/build/fonts/Roboto-Bold.0e19e78300e4c59a6a870a571201ea62.woff2" as="font" type="font/woff2" crossorigin="anonymous">
        <link rel="preload" href="/build/fonts/Roboto-Regular.91c246eb7465283afb63aad6bd11b62a.woff2" as="font" type="font/woff2" crossorigin="anonymous">
        <link rel="preload" href="/build/fonts/Roboto-Black.2e8becfcae330421664b6806b872080f.woff2" as="font" type="font/woff2" crossorigin="anonymous">
"""


class Site:
    def __init__(self, data: dict):
        self.data = data
        self.site = data["site"]
        self.sections: list[str] = data["sections"]
        self.articles: dict[str, Article] = {}
        for raw in data["articles"]:
            art = Article(raw, self.sections)
            if art.stem in self.articles:
                raise ValueError(f"duplicate stem {art.stem}")
            self.articles[art.stem] = art
        self.preview = Article(data["preview"], self.sections)
        self.specials = data["specials"]
        self.app_badges = (TEMPLATES / "self_promo_app_badges.html").read_text(encoding="utf-8")
        self.files: dict[Path, str] = {}
        self.listed = self._listed()

    # ---- discovery sources
    def _listed(self) -> list[str]:
        seen: list[str] = []
        pages = self.data["pages"]
        for cards in [pages["home"], *pages["sections"].values()]:
            for card in cards:
                if "article" in card and card["article"] not in seen:
                    seen.append(card["article"])
        return seen

    def sources(self, stem: str) -> list[str]:
        out = []
        if stem in self.listed:
            out.append("section")
        if any(i["article"] == stem for i in self.data["rss"]):
            out.append("rss")
        if any(i["article"] == stem for i in self.data["news_sitemap"]):
            out.append("sitemap")
        return out

    # ---- head
    def head(
        self,
        *,
        title: str,
        url: str,
        description: str,
        og_type: str,
        css: list[str],
        keywords: str,
        og_title: str | None = None,
        og_image: str | None = None,
        jsonld: bool = False,
    ) -> str:
        s = self.site
        metas = [
            ("property", "og:url", url),
            ("property", "og:title", og_title or title),
            ("property", "og:type", og_type),
            ("property", "og:locale", "zh_CN"),
            ("property", "og:site_name", s["site_name"]),
            ("property", "og:image", og_image or "https://static.rfi.fr/meta_og_twcards/RFI_FB.png")
            if (og_image or og_type == "website")
            else None,
            ("property", "fb:app_id", s["fb_app_id"]),
            ("name", "description", description),
            ("name", "twitter:card", "summary_large_image" if og_type == "article" else "summary"),
            ("name", "twitter:site", "@" + s["twitter"]),
            ("name", "twitter:creator", "@" + s["twitter"]),
            ("name", "keywords", keywords),
            ("name", "apple-mobile-web-app-title", "RFI"),
            ("name", "application-name", "RFI"),
            ("name", "msapplication-TileColor", "#e2001a"),
            ("name", "theme-color", "#ffffff"),
        ]
        lines = [
            "<!DOCTYPE html>",
            '<html dir="ltr" lang="zh-Hans">',
            "    <head>",
            '        <meta charset="UTF-8" />',
            '        <meta name="viewport" content="width=device-width, initial-scale=1">',
            f"        <title>{esc(title)}</title>",
        ]
        for meta in metas:
            if meta is None:
                continue
            kind, key, value = meta
            lines.append(
                f'                                            <meta {kind}="{key}" content="{esc(value)}">'
            )
        lines.append('                            <meta name="apple-mobile-web-app-capable" content="yes">')
        lines.append("")
        out = "\n".join(lines) + "\n" + DIDOMI
        if jsonld:
            out += (
                '                    \n            <script type="application/ld+json">\n            '
                + self.jsonld()
                + "\n        </script>\n"
            )
        out += '                \n                            <link rel="preconnect" href="https://tms.fmm.io" crossorigin/>\n'
        out += '                            <link rel="preconnect" href="https://s.rfi.fr" crossorigin/>\n'
        hashes = s["build_hashes"]
        for i, name in enumerate(css):
            href = f"/build/css/{name}--cn.{hashes[name]}.css"
            if i == 0:
                out += (
                    '                \n                                    <link type="text/css" rel="preload" as="style" '
                    f'onload="this.rel=\'stylesheet\'" href="{href}">\n                \n\n'
                )
                out += FONTS + "    \n\n"
            else:
                out += f'            <link rel="preload" href="{href}" as="style" onload="this.rel=\'stylesheet\'">\n    \n\n'
        out += "            \n            \n\n"
        for lang, href in HREFLANG:
            out += f'    <link rel="alternate" hreflang="{lang}" href="{href}"/>\n'
        out += "    </head>\n"
        return out

    def jsonld(self) -> str:
        s = self.site
        home = BASE + "/cn/"
        org = {
            "@type": "NewsMediaOrganization",
            "name": "RFI",
            "alternateName": s["alternate_names"],
            "url": home,
            "ethicsPolicy": public_url("/cn/职业道德准则"),
            "logo": {
                "@type": "ImageObject",
                "url": "https://static.rfi.fr/meta_og_twcards/jsonld_publisher.png",
                "contentUrl": "https://static.rfi.fr/meta_og_twcards/jsonld_publisher.png",
                "width": 800,
                "height": 800,
            },
            "sameAs": [
                "https://twitter.com/" + s["twitter"],
                "https://www.linkedin.com/company/radio-france-internationale/",
            ],
        }
        doc = [
            {
                "@context": "http://schema.org",
                "@type": "WebSite",
                "name": "RFI",
                "alternateName": s["alternate_names"],
                "url": home,
                "description": s["description"],
                "publisher": org,
            }
        ]
        return json.dumps(doc, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/")

    # ---- header / footer (markup not in the real excerpts: plain elements, no invented FMM classes)
    def header(self) -> str:
        items = ['<li><a href="/cn/">首页</a></li>']
        for sec in self.sections:
            items.append(f'<li><a href="{enc(f"/cn/{sec}/")}">{esc(sec)}</a></li>')
        items.append(f'<li><a href="{enc("/cn/专栏检索/法国之窗/")}">法国之窗</a></li>')
        items.append(f'<li><a href="{enc("/cn/直播/")}">直播</a></li>')
        items.append(
            '<li><a href="https://www.france24.com/fr/" target="_blank" rel="noopener">France 24</a></li>'
        )
        nav = "\n                ".join(items)
        return (
            "    <body>\n"
            '        <header role="banner">\n'
            '            <a href="/cn/" aria-label="RFI - 法国国际广播电台">RFI</a>\n'
            '            <nav aria-label="主导航">\n'
            "              <ul>\n"
            f"                {nav}\n"
            "              </ul>\n"
            "            </nav>\n"
            "        </header>\n"
        )

    def footer(self) -> str:
        links = [
            (enc("/cn/关于我们"), "关于我们"),
            (enc("/cn/关键词/乌克兰危机/"), "乌克兰危机"),
            ("/cn/auteur/rfi/", "RFI 的文章"),
            (enc("/cn/专栏检索/法国之窗/"), "法国之窗"),
            (enc("/cn/直播/"), "收听直播"),
            ("https://rfi.my/Xcn", "X"),
            ("https://rfi.my/FBcn", "Facebook"),
            ("https://www.rfi.fr/tw/", "繁體中文"),
            ("https://www.france24.com/fr/", "France 24"),
            ("https://emailing.rfi.fr/cn/subscribe", "订阅新闻信"),
        ]
        items = "\n                ".join(f'<li><a href="{h}">{esc(t)}</a></li>' for h, t in links)
        return (
            "        <footer>\n"
            "            <ul>\n"
            f"                {items}\n"
            "            </ul>\n"
            "            <p>© 2024 RFI - 法国国际广播电台</p>\n"
            "        </footer>\n"
            "    </body>\n"
            "</html>\n"
        )

    # ---- cards (rfi.fr/es list items excerpt; MCD related aside)
    def card_picture(self, art: Article, loading: str) -> str:
        webp = ",".join(f"{art.img_url(w, 'webp')} {w}w" for w in CARD_WIDTHS)
        jpg = ",".join(f"{art.img_url(w)} {w}w" for w in CARD_WIDTHS)
        sizes = "(max-width: 639px) calc(37vw - 32px), (max-width: 1023px) calc(50vw - 36px), (min-width: 1024px) 306px"
        return f"""

<figure class="m-figure m-figure--16x9">    
        <picture>
            <source
            type="image/webp"
            srcset="{webp}"
            sizes="{sizes}"
        />
    
    <img
        fetchpriority="low" src="{art.img_url(480)}" alt="{esc(art.image["alt"])}" srcset="{jpg}"
         sizes="{sizes}"
                     width="480"
             height="270"
        
         loading="{loading}"
         class="m-figure__img lazy"
    />
</picture>
    </figure>
"""

    def card(
        self,
        *,
        href: str,
        title: str,
        kicker: str | None = None,
        marker: str | None = None,
        art: Article | None = None,
        loading: str = "lazy",
        cols: str = "l-d-50",
        with_image: bool = True,
    ) -> str:
        has_image = bool(with_image and art is not None and art.image)
        modifier = "  " if has_image else "  m-item-list-article--no-image"
        figure = ""
        if has_image:
            figure = (
                "                                                                                                                "
                f'<a href="{esc(href)}" data-article-item-link class="article__figure-wrapper" aria-hidden="true" tabindex="-1">\n'
                + self.card_picture(art, loading)
                + "                    </a>\n"
            )
        tag = ""
        if kicker:
            tag = f'                <div class="a-tag"><span class="a-tag__wrapper ">{esc(kicker)}</span></div>\n'
        mark = ""
        if marker == "video":
            mark = '<span class="article__type a-svg a-svg--picto-camera"></span>'
        elif marker == "audio":
            mark = '<span class="article__type a-svg a-svg--picto-headphones"></span>'
        return f"""<div class="o-layout-list__item l-m-100 l-t-50 {cols}">
                                            
                
    <div
        class="m-item-list-article{modifier}"
        data-article-list
    >
        <div class="m-item-list-article__wrapper">
                                    
                                        
{figure}                                                            <div class="article__infos">
{tag}                                    
                                                    <div class="article__title ">{mark}<a href="{esc(href)}" data-article-item-link>
                            <h2>{esc(title)}</h2>
                        </a></div>
                            </div>
        </div>
            </div>
                    </div>"""

    def card_from_spec(self, spec: dict, cols: str = "l-d-50") -> str:
        if "article" in spec:
            art = self.articles[spec["article"]]
            href = art.href
            if spec.get("href") == "raw":
                href = art.path
            href += spec.get("suffix", "")
            return self.card(
                href=href,
                title=art.title,
                kicker=art.kicker,
                marker=art.media_type,
                art=art,
                loading=spec.get("loading", "lazy"),
                cols=cols,
            )
        kind = spec["special"]
        if kind == "preview":
            p = self.preview
            return self.card(href=p.href, title=p.title, art=p, cols=cols)
        sp = self.specials[kind]
        href = sp["url"] if "url" in sp else enc(sp["path"])
        marker = "audio" if kind == "podcasts" else None
        return self.card(href=href, title=sp["card_title"], kicker=sp.get("kicker"), marker=marker, cols=cols)

    def layout_list(self, cards: list[str], extra_class: str = "") -> str:
        return f'\n<div class="o-layout-list{extra_class}">\n    \n    ' + "".join(cards) + "\n    </div>\n"

    def aside(self, title: str, cards: list[str], modifiers: str, without_images: bool) -> str:
        return f"""




<aside
    data-org-name=""
    data-org-type=""
    class="o-aside-content {modifiers}">
    <div class="o-aside-content__row o-aside-content__row--center">
            <div class="o-aside-content__title a-aside-title" role="heading" aria-level="2"><span class="a-aside-title__content">{esc(title)}</span></div>
                    </div>
                
        
{self.layout_list(cards, "  o-layout-list--without-images" if without_images else "")}
                </aside>
"""

    # ---- article page (MCD article excerpt, SITE-NOTES §1.1)
    def main_media(self, art: Article) -> str:
        im = art.image
        if not im:
            return ""
        widths = im["widths"]
        top = max(widths)
        webp = ",".join(f"{art.img_url(w, 'webp')} {w}w" for w in widths)
        jpg = ",".join(f"{art.img_url(w)} {w}w" for w in widths)
        sizes = f"(max-width: 1023px) 100vw, (min-width: 1024px) {min(top, 980)}px"
        if im["placeholder_src"]:
            src, prio, loading = PLACEHOLDER_GIF, "low", "lazy"
        else:
            src, prio, loading = art.img_url(top), "high", "eager"
        legends = f'<span class="a-media-legend">{esc(im["caption"])}</span>'
        if im.get("credit"):
            legends += f'                <span class="a-media-legend">{esc(im["credit"])}</span>'
        return f"""                                                        <div class="t-content__main-media">
                                                                                                                                                                                        


<figure class="m-figure m-figure--16x9">    
        <picture>
            <source
            type="image/webp"
            srcset="{webp}"
            sizes="{sizes}"
        />
    
    <img
                    fetchpriority="{prio}" src="{src}" alt="{esc(im["alt"])}" srcset="{jpg}"
         sizes="{sizes}"
                     width="{top}"
             height="{int(top * 9 / 16)}"
        
         loading="{loading}"
         class="m-figure__img lazy"
    />
</picture>
                        <figcaption class="m-figure__caption">
                {legends}            </figcaption>
            </figure>
                                                                        </div>
"""

    def authors_html(self, art: Article) -> str:
        parts = []
        for a in art.authors:
            if a.get("href"):
                name = f'<a href="{esc(a["href"])}" class="m-from-author__name" title="{esc(a.get("title", a["name"]))}">{esc(a["name"])}</a>'
            else:
                name = f"""<span class="m-from-author__name">
                        {esc(a["name"])}
                    </span>"""
            parts.append(f"""                                        <div class="m-from-author">
                     <span class="m-from-author__by-label">
                {L["by"]}
             </span>
                                                                {name}
                
                
                                        </div>
""")
        return f"""                    <div class="t-content__authors-tts">
                <div class="m-author-n-reading-time">
                    <div class="m-author-n-reading-time__authors">
{"".join(parts)}                                                            </div>
                    </div>
        </div>
"""

    def dates_html(self, art: Article) -> str:
        spans = (
            f'<span class="m-pub-dates__date">{L["published"]} <time datetime="{art.published}" '
            f'pubdate="pubdate">{shown_date(art.published)}</time></span>'
        )
        if art.modified:
            spans += (
                f' <span class="m-pub-dates__date">{L["modified"]} <time datetime="{art.modified}">'
                f"{shown_date(art.modified)}</time></span>"
            )
        return spans

    def share_html(self, art: Article) -> str:
        short = f"https://{self.site['short_domain']}/{art.short}"
        t = quote(art.title, safe="")
        fb = (
            f"https://www.facebook.com/dialog/share?app_id={self.site['fb_app_id']}&amp;href={quote(short + '.F', safe='')}"
            f"&amp;redirect_uri={quote(art.url, safe='')}&amp;locale=zh_CN"
        )
        wa_text = quote(f"{art.title} - {short}.W", safe="")
        x = (
            f"https://x.com/intent/tweet?url={quote(short + '.X', safe='')}&amp;via={self.site['twitter']}"
            f"&amp;related={self.site['twitter']}&amp;text={t}&amp;lang=zh-cn"
        )
        x_label = esc_html_attr("X (推特)")
        return f"""                <div class="t-content__shares t-content__shares--has-label">
        
    <div class="a-share-bar-label">{L["share"]}</div>

    <div class="m-share-bar">
                                                        <a href="{fb}" class="m-share-bar__link a-picto-social" target="_blank" rel="noopener nofollow" aria-label="Facebook">
                        <span class="a-svg a-svg--picto-social-facebook"></span>
                    </a>
                                                                                    <a href="whatsapp://send?text={wa_text}" class="m-share-bar__link m-share-bar__link--mobile a-picto-social" target="_blank" rel="noopener nofollow" aria-label="WhatsApp">
                        <span class="a-svg a-svg--picto-social-whatsapp"></span>
                    </a>
                                            <a href="https://web.whatsapp.com/send?text={wa_text}" class="m-share-bar__link m-share-bar__link--desktop a-picto-social" target="_blank" rel="noopener nofollow" aria-label="WhatsApp">
                            <span class="a-svg a-svg--picto-social-whatsapp"></span>
                        </a>
                                                                                                        <a href="{x}" class="m-share-bar__link a-picto-social" target="_blank" rel="noopener nofollow" aria-label="{x_label}">
                        <span class="a-svg a-svg--picto-social-twitter-x"></span>
                    </a>
                                                                                                                    
                    <span class="m-share-bar__link" data-root-share>
                <share-button v-on:open="openModal"></share-button>
                <share-modal v-if="displayModal" v-on:close="closeModal"></share-modal>
            </span>
        
        
            </div>
    </div>
"""

    def tags_html(self, art: Article) -> str:
        items = "".join(
            f"""<li class="m-tags-list__tag">
                <a href="{enc(f"/cn/关键词/{tag}/")}" class="a-hot-tag" title="{esc_html_attr(tag)}">{esc(tag)}</a>
            </li>"""
            for tag in art.tags
        )
        return f"""                                <div class="t-content__tags">
                                <div class="t-content__tags__title">{L["tags"]}</div>
        <ul class="m-tags-list">
        {items}    </ul>
                    </div>
"""

    def related_html(self, art: Article) -> str:
        cards = []
        for stem in art.related:
            if stem == art.stem:
                raise ValueError(f"{art.stem}: related to itself")
            if stem not in self.listed:
                raise ValueError(f"{art.stem}: related {stem} must be a section-listed article")
            other = self.articles[stem]
            cards.append(
                self.card(
                    href=other.href,
                    title=other.title,
                    kicker=other.kicker,
                    marker=other.media_type,
                    art=other,
                    cols="l-d-33",
                    with_image=False,
                )
            )
        if not 2 <= len(cards) <= 3:
            raise ValueError(f"{art.stem}: 2-3 related cards expected")
        return (
            '                                                <div class="t-content__related">\n                        '
            + self.aside(L["related"], cards, " o-aside-content--related", True)
            + "                    </div>\n"
        )

    def list_content_html(self, art: Article) -> str:
        picks = [s for s in self.data["pages"]["latest_aside"] if s != art.stem][:2]
        if any(s not in self.listed for s in picks):
            raise ValueError("latest_aside: only section-listed articles")
        cards = [
            self.card(
                href=self.articles[s].href, title=self.articles[s].title, art=self.articles[s], cols="l-d-33"
            )
            for s in picks
        ]
        return (
            '        <div class="t-content__list-content">\n'
            + self.aside(
                L["latest"], cards, "o-aside-content--overflow-background o-aside-content--related", False
            )
            + "        </div>\n"
        )

    def article_page(self, art: Article) -> str:
        s = self.site
        head = self.head(
            title=f"{art.title} - {s['site_name']}",
            og_title=art.title,
            url=art.url,
            description=art.lead,
            og_type="article",
            css=["article"],
            keywords=",".join(art.tags),
            og_image=art.image_url,
        )
        body_html = body_page_html(art, self.articles)
        minutes = reading_minutes(art, self.articles)
        return (
            head
            + self.header()
            + f"""<div class="t-content t-content--article" id="main-content" tabindex="-1">
                        
            <nav class="m-breadcrumb">
    <ol class="m-breadcrumb__list">
                    <li class="m-breadcrumb__list__item">                                        <a href="/cn/"
                       class="m-breadcrumb__list__item__link a-svg a-svg--picto-home" aria-label="{L["home"]}">{L["home"]}</a></li>
                    <li class="m-breadcrumb__list__item"><span class="m-breadcrumb__list__item__separator">/</span>                                        <a href="{esc(art.section_path)}"
                       class="m-breadcrumb__list__item__link">{esc(art.section_name)}</a></li>
            </ol>
</nav>
    
    
        <article class="t-content__article-wrapper" data-article-content>
            
                    <h1 class="t-content__title a-page-title">{esc(art.title)}</h1>
    
            <p class="t-content__chapo">
                        {esc(art.lead_raw)}        </p>
    
    
                        <div class="t-content__dates t-content__dates--reading-time">
                <p class="m-pub-dates">{self.dates_html(art)}</p>

    <div class="a-reading-time">
        <span class="a-svg a-svg--picto-clock" title="{L["reading_time"]}"></span> {minutes} {L["minutes"]}</div>
            </div>
            
    
{self.main_media(art)}                            
    
{self.authors_html(art)}            
                                    <div class="t-content__body u-clearfix">
                    <div class="m-interstitial">
    <div data-readmore-target class="m-interstitial__ad">
            <div
        class="m-block-ad "
        data-tms-ad-type="box"
        data-tms-ad-status="idle"
        data-tms-ad-pos="1"
    >
        <div class="m-block-ad__label m-block-ad__label--report-enabled">
            <span class="m-block-ad__label__text">{L["ad"]}</span>
                        <button title="{L["ad_report"]}" class="m-block-ad__label__report-link" rel="noopener" data-tms-ad-report><span class="a-svg a-svg--picto-report-ad"></span></button>
                    </div>
        <div class="m-block-ad__content">
        </div>
    </div>
    </div>
        <button data-readmore-unlocker class="m-interstitial__unlock-btn">
        <span class="m-interstitial__unlock-btn__text">{L["read_more"]}
            <span class="a-svg a-svg--picto-chevron-bottom-small"></span>
        </span>
    </button>
    </div>
                                            {body_html}
                                                                <div class="o-self-promo o-self-promo--nl o-self-promo--hidden" data-selfpromo-newsletter>
    <div class="o-self-promo-wrapper">
        <p class="o-self-promo__text"><strong>{L["nl_title"]}</strong>{L["nl_text"]}</p>
        <span class="o-self-promo__picto-newsletter a-svg a-svg--picto-newsletter"></span>
        <a href="https://emailing.rfi.fr/cn/subscribe" target="_blank" rel="noopener" class="o-self-promo__link o-self-promo__link--newsletter">{L["nl_subscribe"]}<span class="a-arrow"></span></a>
    </div>
</div>
    <div class="o-self-promo o-self-promo--app o-self-promo--hidden" data-selfpromo-app>
    <div class="o-self-promo-wrapper">
        <span class="o-self-promo__logo a-svg a-svg--logo-rfi"></span>
        <p class="o-self-promo__text">{L["app_text"]}</p>
{self.app_badges}    </div>
</div>
                </div>
            
            
                    
                    
{self.share_html(art)}
{self.tags_html(art)}                            
{self.related_html(art)}                                        </article>
        <div class="o-ad-container o-ad-container--outbrain" data-tms-ad-type="post-article">
        </div>
{self.list_content_html(art)}    </div>
"""
            + self.footer()
        )

    # ---- listing pages
    def listing_page(
        self,
        *,
        path: str,
        title: str,
        description: str,
        heading: str | None,
        cards: list[str],
        jsonld: bool = False,
        intro: str | None = None,
    ) -> str:
        head = self.head(
            title=title,
            url=public_url(path),
            description=description,
            og_type="website",
            css=["root", "page-builder"],
            keywords=self.site["keywords"],
            jsonld=jsonld,
        )
        master = ""
        if heading:
            master = (
                '            <div class="o-pb-masterhead">\n'
                f'                <h1 class="o-pb-masterhead__title">{esc(heading)}</h1>\n'
                "            </div>\n"
            )
        intro_html = f"            <p>{esc(intro)}</p>\n" if intro else ""
        lst = self.layout_list(cards) if cards else ""
        return (
            head
            + self.header()
            + (
                '        <main id="main-content" tabindex="-1">\n'
                + master
                + intro_html
                + lst
                + "        </main>\n"
            )
            + self.footer()
        )

    # ---- feeds
    def rss(self) -> str:
        s = self.site
        items = []
        dates = []
        specs = sorted(self.data["rss"], key=lambda i: self.articles[i["article"]].published, reverse=True)
        for spec in specs:  # newest first
            art = self.articles[spec["article"]]
            link = art.url + ("?xtor=RSS-1" if spec.get("xtor") else "")
            pub = parse_utc(art.published)
            dates.append(pub)
            thumb = ""
            if art.image:
                thumb = (
                    f'\n      <media:thumbnail url="{esc_xml(art.img_url(720))}" width="720" height="405"/>'
                )
            items.append(f"""    <item>
      <title>{esc_xml(art.title)}</title>
      <link>{esc_xml(link)}</link>
      <description>{esc_xml(art.lead)}</description>
      <category>{esc_xml(art.section_name)}</category>
      <dc:creator>{esc_xml(", ".join(a["name"] for a in art.authors))}</dc:creator>
      <pubDate>{format_datetime(pub, usegmt=True)}</pubDate>
      <guid isPermaLink="true">{esc_xml(art.url)}</guid>{thumb}
    </item>""")
        build = format_datetime(max(dates), usegmt=True)
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>{esc_xml(s["site_name"])}</title>
    <link>https://www.rfi.fr/cn/</link>
    <description>{esc_xml(s["description"])}</description>
    <language>zh-cn</language>
    <copyright>Copyright RFI 2024</copyright>
    <lastBuildDate>{build}</lastBuildDate>
    <atom:link href="https://www.rfi.fr/cn/rss" rel="self" type="application/rss+xml"/>
    <image>
      <url>https://static.rfi.fr/meta_og_twcards/RFI_FB.png</url>
      <title>{esc_xml(s["site_name"])}</title>
      <link>https://www.rfi.fr/cn/</link>
    </image>
{chr(10).join(items)}
  </channel>
</rss>
"""

    def news_sitemap(self) -> str:
        urls = []
        specs = sorted(
            self.data["news_sitemap"], key=lambda i: self.articles[i["article"]].published, reverse=True
        )
        for spec in specs:  # newest first
            art = self.articles[spec["article"]]
            loc = BASE + art.path if spec.get("raw") else art.url
            image = ""
            if art.image:
                image = f"""
    <image:image>
      <image:loc>{esc_xml(art.image_url)}</image:loc>
      <image:caption>{esc_xml(art.image["caption"])}</image:caption>
    </image:image>"""
            urls.append(f"""  <url>
    <loc>{esc_xml(loc)}</loc>
    <lastmod>{art.modified or art.published}</lastmod>
    <news:news>
      <news:publication>
        <news:name>RFI</news:name>
        <news:language>zh</news:language>
      </news:publication>
      <news:publication_date>{art.published}</news:publication_date>
      <news:title>{esc_xml(art.title)}</news:title>
      <news:keywords>{esc_xml(", ".join(art.tags))}</news:keywords>
    </news:news>{image}
  </url>""")
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
{chr(10).join(urls)}
</urlset>
"""

    def sitemap_index(self) -> str:
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap>
    <loc>https://www.rfi.fr/sitemaps/cn/news.xml</loc>
    <lastmod>{self.site["generated_at"]}</lastmod>
  </sitemap>
</sitemapindex>
"""

    @staticmethod
    def robots() -> str:
        return """# TEST SNAPSHOT (scripts/build_snapshot.py): this robots.txt text is INVENTED, the real one is unknown.
User-agent: *
Disallow: /cn/preview/
Disallow: /search

Sitemap: https://www.rfi.fr/sitemaps/cn/index.xml
Sitemap: https://www.rfi.fr/sitemaps/cn/news.xml
"""

    # ---- expected JSON
    def expected(self, art: Article) -> dict:
        body, body_html = expected_body(art, self.articles)
        image = None
        if art.image:
            image = {
                "url": art.image_url,
                "caption": collapse(art.image["caption"]),
                "credit": collapse(art.image["credit"]) if art.image.get("credit") else None,
            }
        return {
            "url": art.url,
            "page": art.page,
            "sources": self.sources(art.stem),
            "expected": {
                "url": art.url,
                "title": art.title,
                "lead": art.lead,
                "body": body,
                "body_html": body_html,
                "authors": [collapse(a["name"]) for a in art.authors],
                "published": art.published,
                "modified": art.modified,
                "section": art.section_name,
                "tags": list(art.tags),
                "image": image,
                "content_hash": hashlib.sha256(body.encode("utf-8")).hexdigest(),
            },
        }

    # ---- checks on the data
    def validate(self) -> None:
        for stem in self.articles:
            if not self.sources(stem):
                raise ValueError(f"{stem}: not reachable from any listing, RSS or news sitemap")
        only_rss = [s for s in self.articles if self.sources(s) == ["rss"]]
        only_map = [s for s in self.articles if self.sources(s) == ["sitemap"]]
        if len(only_rss) != 2 or len(only_map) != 2:
            raise ValueError(
                f"exactly two RSS-only and two sitemap-only articles expected: {only_rss} {only_map}"
            )
        for stem in self.listed:
            if stem not in self.articles:
                raise ValueError(f"card for unknown article {stem}")
        paths = [a.path for a in self.articles.values()] + [self.preview.path]
        if len(set(paths)) != len(paths):
            raise ValueError("duplicate article paths")


# --------------------------------------------------------------------------- README


def readme(site: Site) -> str:
    rows = []
    for art in sorted(site.articles.values(), key=lambda a: (a.published, a.stem)):
        rows.append(
            f"| `{art.stem}` | {art.section_name} | `{art.path}` | {', '.join(site.sources(art.stem))} | {art.notes} |"
        )
    table = "\n".join(rows)
    p = site.preview

    def describe(spec: dict) -> str:
        if "article" in spec:
            style = "raw UTF-8 href" if spec.get("href") == "raw" else "percent-encoded"
            if spec.get("suffix"):
                style += " + `" + spec["suffix"] + "`"
            return f"`{spec['article']}` ({style})"
        kind = spec["special"]
        if kind == "preview":
            return f"preview `{p.path}` (percent-encoded, disallowed)"
        sp = site.specials[kind]
        return f"{kind} `{sp.get('path') or sp.get('url')}`"

    pages = site.data["pages"]
    listing_rows = ["| `/cn/` | " + "; ".join(describe(c) for c in pages["home"]) + " |"]
    for sec in site.sections:
        cards = pages["sections"].get(sec, [])
        listing_rows.append(
            f"| `/cn/{sec}/` | " + ("; ".join(describe(c) for c in cards) or "(no cards)") + " |"
        )
    for kind, cards in pages["specials_cards"].items():
        listing_rows.append(
            f"| `{site.specials[kind]['path']}` (not a source) | "
            + ("; ".join(describe(c) for c in cards) or "(no cards)")
            + " |"
        )
    listings = "\n".join(listing_rows)
    return f"""# TEST SNAPSHOT of www.rfi.fr/cn/ (RFI Chinese, simplified)

**This is not a copy of the real site.** `snapshots/rfi/` is a small, fake document root of `www.rfi.fr`, generated by
`scripts/build_snapshot.py` from `scripts/snapshot_data/rfi_cn.json`, for offline crawler tests. Do not edit the files
by hand: edit the data (or the generator) and rerun

    .venv/bin/python scripts/build_snapshot.py

which rewrites `snapshots/rfi/`, this README and `tests/fixtures/rfi_cn/*.json` byte-identically.

## What is real and what is not

- **Markup: real FMM templates.** Article pages follow the real France Médias Monde CMS article markup (the Monte
  Carlo Doualiya page in `tests/fixtures/real-pages/`, SITE-NOTES §1.1): `div.t-content.t-content--article#main-content`,
  breadcrumb with a raw UTF-8 section href, `h1.t-content__title`, `p.t-content__chapo` padded with whitespace,
  `time[datetime]` in UTC with the Paris time as text, `figure.m-figure` with webp `<source>` + `srcset`, caption/credit
  `span.a-media-legend`, `div.m-from-author`, the `div.m-interstitial` ad block first in the body, the two
  `o-self-promo` blocks (newsletter text + app badges, the badges' SVG copied verbatim), the share bar with `rfi.my`
  short links (built like the seed's), the tags block (`a.a-hot-tag`, `title` escaped like Twig's `html_attr`), the
  related aside of `--no-image` cards, the Outbrain container and the `t-content__list-content` aside. Listing cards
  follow the rfi.fr/es homepage cards (`class="article__title "` with its trailing space, two `data-article-item-link`
  anchors per card). Heads follow the real rfi.fr/es head, adapted to cn (og:*, Didomi consent stub, hreflang list,
  homepage JSON-LD `WebSite` array, `/build/css/article--cn.*.css` on articles vs `root--cn` + `page-builder--cn`
  on listings).
- **Invented:** the header navigation and footer markup (not in any saved page; plain elements without FMM classes),
  the Chinese labels (`发表时间 :`, `更新时间 :`, `作者 :`, … except `分享 :` from the seed), CSS hashes, image UUIDs and
  file names, `rfi.my` codes (except the seed's `ANjP`), author names, the France 24 URL, and `og:*` meta on article
  pages (unconfirmed on the real site; article pages carry no NewsArticle JSON-LD and no `<link rel="canonical">`).
- **Article texts were written for testing** (plausible news prose about real February 2024 events, not RFI's
  text), **except the seed article** `20240227-video-paris-ukraine-conference`, whose title, lead and 10 paragraphs are
  RFI's real text copied verbatim from `tests/fixtures/seed/rfi_cn_feed_item_20240227.txt` (image URL and `rfi.my/ANjP`
  short links from the seed too; the caption/credit of its image are invented).
- **`robots.txt` is invented**: the real file's text is unknown (SITE-NOTES §4.3). It disallows `/cn/preview/` and
  `/search` and lists the sitemap index and the news sitemap.
- The RSS feed and the sitemaps are invented in shape (no real RFI RSS/sitemap XML was available): RSS 2.0 with the
  atom/media/dc namespaces, Google News sitemap with news + image namespaces.

## URL → file mapping (what `newscrawl.snapshot_server` does)

URL paths are percent-decoded as UTF-8; files have RAW UTF-8 names. A path ending in `/` → `<path>index.html`;
an existing file as is (`/robots.txt`, `/sitemaps/cn/news.xml`); otherwise `<path>.html` (articles) or `<path>.xml`
(`/cn/rss` → `cn/rss.xml`). The query string is ignored.

## Discovery sources

- **Listings ("section")**: the homepage `/cn/` and the section pages `/cn/<section>/` for
  {", ".join(site.sections)} (中东 lists only a card to the live page). Card hrefs are relative and percent-encoded
  (upper-case hex) except the deliberate cases below.
- **RSS**: `/cn/rss` → `cn/rss.xml`, {len(site.data["rss"])} items; two links carry `?xtor=RSS-1`.
- **News sitemap**: `/sitemaps/cn/news.xml`, {len(site.data["news_sitemap"])} `<url>`s; one `<loc>` has a raw UTF-8 path.
  `/sitemaps/cn/index.xml` (listed in robots.txt) exists and lists only the news sitemap.

Exactly two articles are only in the RSS, exactly two only in the news sitemap; every article is reachable from at
least one source. `sources` in each fixture lists where it appears ("section" = a card on the homepage or a section
page; related asides, tag/author/podcast pages and inline links are not counted).

### Deliberate link cases

- a. `20240226-spring-festival-outbound-travel`: its card href is RAW UTF-8 (`/cn/中国/20240226-…`) on the 中国 section page
  and percent-encoded on the homepage.
- b. `20240224-paris-agriculture-fair`: its card on the 法国 section page carries
  `?xtor=CS1-1&utm_source=newsletter&utm_medium=email#comments`; it is linked cleanly on the homepage, in RSS and the sitemap.
- c. Cards pointing to non-articles that must NOT become article requests (all on the homepage, some on section pages):
  the tag page `/cn/关键词/乌克兰危机/`, the live page `/cn/直播/`, the podcasts index `/cn/专栏检索/法国之窗/`, the author
  page `/cn/auteur/rfi/` and an off-site France 24 article `{site.specials["france24"]["url"]}`.
- d. One card on the 中国 section page points to `{p.path}` (percent-encoded), which robots.txt disallows. The page
  exists (`snapshots/rfi{p.path}.html`, a full article page) but a polite crawler never fetches it; it is not one of the
  16 articles and has no expected JSON.

## Cards on each listing page (in page order)

| page | cards |
|---|---|
{listings}

Outside cards, every page has a header navigation (`/cn/`, the section pages, `/cn/专栏检索/法国之窗/`, `/cn/直播/`,
`https://www.france24.com/fr/`) and a footer (about page `/cn/关于我们` (no file), the tag page, the author page,
the podcasts index, the live page, `rfi.my` vanity links, the tw edition, France 24, the newsletter). Article pages also
link to tag pages `/cn/关键词/<tag>/` (only `乌克兰危机` exists as a file), `/cn/auteur/rfi/` (seed author) and, in the
related aside and the `t-content__list-content` aside, to other section-listed articles only (never to an RSS-only or
sitemap-only article, so that those stay reachable only through their feed).

## Special (non-article) pages

| URL | file | purpose |
|---|---|---|
| `/cn/` | `cn/index.html` | homepage: ~8 article cards + the non-article cards (c), JSON-LD `WebSite` array |
| `/cn/<section>/` | `cn/<section>/index.html` | section pages with `.o-pb-masterhead__title` |
| `/cn/关键词/乌克兰危机/` | `cn/关键词/乌克兰危机/index.html` | tag page: must not be requested as an article |
| `/cn/直播/` | `cn/直播/index.html` | live page: must not be requested as an article |
| `/cn/专栏检索/法国之窗/` | `cn/专栏检索/法国之窗/index.html` | podcasts index of the programme: must not be requested as an article |
| `/cn/auteur/rfi/` | `cn/auteur/rfi/index.html` | author page: must not be requested as an article |
| `{p.path}` | `{p.page.removeprefix("snapshots/rfi/")}` | disallowed preview (robots.txt): must never be fetched |
| `/cn/rss` | `cn/rss.xml` | RSS 2.0 feed |
| `/sitemaps/cn/news.xml` | `sitemaps/cn/news.xml` | Google News sitemap |
| `/sitemaps/cn/index.xml` | `sitemaps/cn/index.xml` | sitemap index (only the news sitemap) |
| `/robots.txt` | `robots.txt` | invented robots.txt |

These non-article pages exist so that a wrongly followed link succeeds (HTTP 200) and can be caught in the request log.

## The 16 articles

Expected values: `tests/fixtures/rfi_cn/<stem>.json` (`url`, `page`, `sources`, `expected`), computed from the data,
not by parsing the pages. All dates are February 2024: `time@datetime` in UTC (`+00:00`), visible text in Paris time
(CET = UTC+1); the URL date is the Paris date. Common to every article page unless noted: authors are
`span.m-from-author__name` padded with whitespace, after a `span.m-from-author__by-label` `作者 :`; date label
`发表时间 :`; main image `srcset` widths 246/388/720/980 (the seed adds 1280) with `.webp` twins in the `<source>` and a
real `src` (the largest width); caption and credit legends; 2–3 related cards; the share bar uses the article's own
`rfi.my` code and its percent-encoded URL twice encoded in the Facebook `redirect_uri`.

| stem | section | path | sources | variations |
|---|---|---|---|---|
{table}
"""


# --------------------------------------------------------------------------- main


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def check_parse(files: dict[Path, str]) -> None:
    """Every page must parse with lxml: XML strictly, HTML with no libxml2 message but unknown (HTML5) tags."""
    from lxml import etree

    for path, text in files.items():
        if path.suffix == ".html":
            parser = etree.HTMLParser()
            etree.fromstring(text.encode("utf-8"), parser)
            problems = [
                e.message for e in parser.error_log if not re.fullmatch(r"Tag \S+ invalid", e.message)
            ]
            if problems:
                raise ValueError(f"{path}: HTML parse problems {problems}")
        elif path.suffix == ".xml":
            etree.fromstring(text.encode("utf-8"))


def main() -> int:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    site = Site(data)
    site.validate()

    files: dict[Path, str] = {}
    for art in site.articles.values():
        files[art.file] = site.article_page(art)
    files[site.preview.file] = site.article_page(site.preview)

    s = site.site
    files[OUT / "cn" / "index.html"] = site.listing_page(
        path="/cn/",
        title=s["home_title"],
        description=s["description"],
        heading=None,
        jsonld=True,
        cards=[site.card_from_spec(c) for c in data["pages"]["home"]],
    )
    for sec in site.sections:
        cards = [site.card_from_spec(c) for c in data["pages"]["sections"].get(sec, [])]
        files[OUT / "cn" / sec / "index.html"] = site.listing_page(
            path=f"/cn/{sec}/",
            title=f"{sec} - {s['site_name']}",
            description=f"{sec}：{s['description']}",
            heading=sec,
            cards=cards,
        )
    for kind, cards_spec in data["pages"]["specials_cards"].items():
        sp = site.specials[kind]
        intro = sp["description"]
        files[OUT / sp["path"].lstrip("/") / "index.html"] = site.listing_page(
            path=sp["path"],
            title=f"{sp['heading']} - {s['site_name']}",
            description=sp["description"],
            heading=sp["heading"],
            cards=[site.card_from_spec(c) for c in cards_spec],
            intro=intro,
        )
    files[OUT / "cn" / "rss.xml"] = site.rss()
    files[OUT / "sitemaps" / "cn" / "news.xml"] = site.news_sitemap()
    files[OUT / "sitemaps" / "cn" / "index.xml"] = site.sitemap_index()
    files[OUT / "robots.txt"] = site.robots()
    check_parse(files)

    fixtures: dict[Path, str] = {}
    for art in site.articles.values():
        fixtures[FIXTURES / f"{art.stem}.json"] = (
            json.dumps(site.expected(art), ensure_ascii=False, indent=2) + "\n"
        )

    for directory in (OUT, FIXTURES):
        if directory.exists():
            shutil.rmtree(directory)
    for path, text in {**files, **fixtures}.items():
        write(path, text)
    write(SNAP_DIR / "README.md", readme(site))
    print(f"wrote {len(files)} snapshot files, {len(fixtures)} fixtures, snapshots/README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
