"""rfi_cn: the RFI Chinese (simplified) edition, built from ``scripts/snapshot_data/rfi_cn.json`` exactly as before.

Its 16 articles, its preview page and its listing pages keep their deliberate link cases (raw UTF-8 href, tracking
suffix, disallowed preview, non-article cards); see the rfi_cn section of snapshots/README.md.
"""

# Long lines: header/footer markup and CJK text.
# ruff: noqa: E501

from __future__ import annotations

import json
from pathlib import Path

from snapshot.common import DATA_DIR, SNAP_DIR, enc, esc
from snapshot.editions import CN
from snapshot.model import Article
from snapshot.pages import Pages

DATA_FILE = DATA_DIR / "rfi_cn.json"
OUT = SNAP_DIR / "rfi"

# Localized labels (cn). The real cn labels are not in any saved page: these are translations of the MCD/ES ones,
# except "分享 :" which the seed shows. The crawler must not parse them.
LABELS = {
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


class CnSite(Pages):
    related_range = (2, 3)

    def __init__(self, data: dict):
        super().__init__(CN, LABELS)
        self.data = data
        self.site = data["site"]
        self.site_name = self.site["site_name"]
        self.description = self.site["description"]
        self.keywords = self.site["keywords"]
        self.build_hashes = self.site["build_hashes"]
        self.sections: list[str] = data["sections"]
        for raw in data["articles"]:
            art = Article(raw, CN, self.sections)
            if art.stem in self.articles:
                raise ValueError(f"duplicate stem {art.stem}")
            self.articles[art.stem] = art
        self.preview = Article(data["preview"], CN, self.sections)
        self.specials = data["specials"]
        self.listed = self._listed()

    # ---- hooks of Pages
    def tag_path(self, tag: str) -> str:
        return f"/cn/关键词/{tag}/"

    def jsonld_extra(self) -> tuple[list[str], str]:
        return self.site["alternate_names"], self.public_url("/cn/职业道德准则")

    def latest_stems(self, art: Article) -> list[str]:
        return [s for s in self.data["pages"]["latest_aside"] if s != art.stem][:2]

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
        """Where the article is linked. The monthly contents map (added later, it lists all 16) is not recorded
        here, so that the 16 rfi_cn fixtures stay byte-identical."""
        out = []
        if stem in self.listed:
            out.append("section")
        if any(i["article"] == stem for i in self.data["rss"]):
            out.append("rss")
        if any(i["article"] == stem for i in self.data["news_sitemap"]):
            out.append("sitemap")
        return out

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

    # ---- pages
    def card_urls(self, specs: list[dict]) -> list[str]:
        """Public, clean URLs of the article cards of a listing (page order, each once).

        The disallowed preview card counts: it links a full article page at an article URL; robots.txt, not the
        listing, keeps a polite crawler from fetching it."""
        out: list[str] = []
        for spec in specs:
            if "article" in spec:
                url = self.articles[spec["article"]].url
            elif spec.get("special") == "preview":
                url = self.preview.url
            else:
                continue
            if url not in out:
                out.append(url)
        return out

    def build(self) -> tuple[dict[Path, str], dict[str, dict]]:
        """(files under snapshots/rfi/, listing fixtures by name) of the cn edition."""
        data = self.data
        files: dict[Path, str] = {}
        listings: dict[str, dict] = {}
        for art in self.articles.values():
            files[art.file] = self.article_page(art)
        files[self.preview.file] = self.article_page(self.preview)

        s = self.site
        files[OUT / "cn" / "index.html"] = self.listing_page(
            path="/cn/",
            title=s["home_title"],
            description=s["description"],
            heading=None,
            jsonld=True,
            cards=[self.card_from_spec(c) for c in data["pages"]["home"]],
        )
        listings["home"] = {
            "url": self.public_url("/cn/"),
            "page": "snapshots/rfi/cn/index.html",
            "article_urls": self.card_urls(data["pages"]["home"]),
        }
        for sec in self.sections:
            specs = data["pages"]["sections"].get(sec, [])
            files[OUT / "cn" / sec / "index.html"] = self.listing_page(
                path=f"/cn/{sec}/",
                title=f"{sec} - {s['site_name']}",
                description=f"{sec}：{s['description']}",
                heading=sec,
                cards=[self.card_from_spec(c) for c in specs],
            )
            listings[sec] = {
                "url": self.public_url(f"/cn/{sec}/"),
                "page": f"snapshots/rfi/cn/{sec}/index.html",
                "article_urls": self.card_urls(specs),
            }
        for kind, cards_spec in data["pages"]["specials_cards"].items():
            sp = self.specials[kind]
            files[OUT / sp["path"].lstrip("/") / "index.html"] = self.listing_page(
                path=sp["path"],
                title=f"{sp['heading']} - {s['site_name']}",
                description=sp["description"],
                heading=sp["heading"],
                cards=[self.card_from_spec(c) for c in cards_spec],
                intro=sp["description"],
            )
        rss = []
        for spec in data["rss"]:
            art = self.articles[spec["article"]]
            rss.append((art, art.url + ("?xtor=RSS-1" if spec.get("xtor") else "")))
        files[OUT / "cn" / "rss.xml"] = self.rss(rss)
        news = []
        for spec in data["news_sitemap"]:
            art = self.articles[spec["article"]]
            news.append((art, CN.base + art.path if spec.get("raw") else art.url))
        files[OUT / "sitemaps" / "cn" / "news.xml"] = self.news_sitemap(news)
        return files, listings

    def tag_pages(self) -> list[str]:
        """Public URLs of the tag pages that exist (for tags.xml)."""
        return [self.public_url(self.specials["tag"]["path"])]

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


def load() -> CnSite:
    site = CnSite(json.loads(DATA_FILE.read_text(encoding="utf-8")))
    site.validate()
    return site
