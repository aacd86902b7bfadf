"""One spider built from its content file: articles, listings, tag/live pages, RSS, sitemaps, daily archives.

Which article is reachable from which route is decided here (see snapshots/README.md):

* "current" articles are on the listing pages, in the RSS feed and in the news sitemap (where the edition has them);
  for editions with ``backfill_only_before`` only the articles of that month are current, the older ones are linked
  only from the monthly contents sitemaps and the daily archive pages;
* with >= 5 articles and an RSS feed, exactly one current article is RSS-ONLY (no card, not in the news sitemap);
* with >= 4 articles, one listed article has an update date (second ``m-pub-dates__date``).
"""

# Long lines: the real MCD page values (Arabic) and header/footer markup.
# ruff: noqa: E501

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from snapshot.common import (
    MAIN_WIDTHS,
    ROOT,
    SNAP_DIR,
    days,
    digest,
    enc,
    esc,
    nfc,
    parse_utc,
    slugify,
)
from snapshot.editions import Edition
from snapshot.model import Article
from snapshot.pages import Pages

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
GENERATED_AT = "2024-02-29T18:00:00+00:00"
ARCHIVE_SPAN = {  # the daily archive pages every edition with archives serves (extended to cover its articles)
    "rfi_fr": (date(2023, 11, 1), date(2024, 2, 29)),
}
DEFAULT_ARCHIVE_SPAN = (date(2024, 1, 1), date(2024, 2, 29))

# the real MCD page (tests/fixtures/real-pages/mcd_ar_article_20240131_excerpt.html), served as a full document
REAL_MCD = {
    "stem": "20240131-netanyahu-coalition",
    "section": "الشرق-الأوسط",
    "section_name": "الشرق الأوسط",
    "slug": "نتانياهو-ولعبة-اللف-والدوران-بين-عجز-جيشه-عن-تحقيق-انتصار-وهشاشة-ائتلافه-الحاكم",
    "title": "نتانياهو ولعبة اللف والدوران بين عجز جيشه عن تحقيق انتصار وهشاشة ائتلافه الحاكم",
    "lead": "تستمر العملية البرية في قطاع غزة وتشهد اشتباكات في شمال ووسط وجنوبي القطاع أيضا، حيث أعلن الجيش الإسرائيلي مقتل ضابط شمال القطاع، الأمر الذي عزز التساؤلات لدى المراقبين الإسرائيليين حول إنجازات القتال الدائر.",
    "published": "2024-01-31T22:09:43+00:00",
    "authors": [{"name": "زياد حلبي - القدس"}],
    "short": "1xWB",
    "image": {
        "uuid": "95796f38-c084-11ee-b85f-005056a97e36",
        "file": "IMG_0535",
        "ext": "jpeg",
        "widths": [246, 388, 720, 980],
        "placeholder_src": False,
        "alt": "مظاهرات عائلات المحتجزين الإسرائيليين",
        "caption": "مظاهرات عائلات المحتجزين الإسرائيليين",
        "credit": "AFP - AHMAD GHARABLI",
    },
    "tags": [],
    "body": [],
    "related": [],
}
REAL_MCD_EXCERPT = "tests/fixtures/real-pages/mcd_ar_article_20240131_excerpt.html"


def month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def label_map(labels: dict[str, str]) -> dict[str, str]:
    """Content-file labels -> the template's label keys."""
    return {
        "home": labels["home"],
        "published": labels["published"],
        "modified": labels["updated"],
        "reading_time": labels["reading_time"],
        "minutes": labels["minutes"],
        "by": labels["by"],
        "ad": labels["ad"],
        "ad_report": labels["ad"],
        "read_more": labels["read_more"],
        "nl_title": labels["newsletter_title"],
        "nl_text": labels["newsletter_text"],
        "nl_subscribe": labels["subscribe"],
        "app_text": labels["app_text"],
        "share": labels["share"],
        "tags": labels["tags_title"],
        "related": labels["related"],
        "latest": labels["related"],
    }


class ShortCodes:
    """rfi.my / f24.my / mc-d.co codes: 4 base62 characters, unique per short domain."""

    def __init__(self) -> None:
        self.used: dict[str, set[str]] = {}

    def reserve(self, domain: str, code: str) -> None:
        self.used.setdefault(domain, set()).add(code)

    def make(self, domain: str, *seed: str) -> str:
        used = self.used.setdefault(domain, set())
        salt = 0
        while True:
            n = int(digest(*seed, "short", str(salt)), 16)
            code = ""
            for _ in range(4):
                n, r = divmod(n, 62)
                code += BASE62[r]
            if code not in used:
                used.add(code)
                return code
            salt += 1


class SpiderSite(Pages):
    related_range = (1, 2)

    def __init__(self, ed: Edition, content: dict, extra: list[dict], shorts: ShortCodes):
        super().__init__(ed, label_map(content["labels"]))
        self.content = content
        self.labels = content["labels"]
        self.site_name = content["site_name"]
        self.description = content["description"]
        self.home_title = content["home_title"]
        self.sections: dict[str, str] = dict(content["sections"])
        self.real: Article | None = None
        if ed.spider == "mcd_ar" and REAL_MCD["section"] not in self.sections:
            self.sections[REAL_MCD["section"]] = REAL_MCD["section_name"]
        self.keywords = ",".join([self.site_name, *self.sections.values()])
        self.build_hashes = {
            name: digest(ed.spider, "css", name)[:20] for name in ("root", "page-builder", "article")
        }
        self.extra_keys = [a["key"] for a in extra]
        raws = sorted(content["articles"] + extra, key=lambda a: (a["published"], a["key"]))
        for a in raws:
            raw = self.raw_article(a, shorts)
            art = Article(raw, ed, self.sections)
            if art.stem in self.articles:
                raise ValueError(f"{ed.spider}: duplicate key {art.stem}")
            self.articles[art.stem] = art
        paths = [a.path for a in self.articles.values()]
        if len(set(paths)) != len(paths):
            raise ValueError(f"{ed.spider}: two articles share one URL path")
        if ed.spider == "mcd_ar":
            self.real = Article(dict(REAL_MCD, section_path=f"/{REAL_MCD['section']}/"), ed, self.sections)
            if self.real.path in paths:
                raise ValueError("mcd_ar: an article has the path of the real MCD page")
        self.decide_routes()
        self.offsite: tuple[str, str, str] | None = None  # (url, card title, kicker), set by main
        self.live_path = f"{ed.prefix}/{nfc(ed.live_slug or slugify(self.labels['live']))}/"
        live_seg = self.live_path.rstrip("/").rsplit("/", 1)[-1]
        if live_seg in self.sections or live_seg == content["tag_slug"]:
            raise ValueError(f"{ed.spider}: the live page slug {live_seg!r} is a section or the tag slug")

    # ---- data
    def raw_article(self, a: dict, shorts: ShortCodes) -> dict:
        ed = self.ed
        h = digest(ed.spider, a["key"], "image")
        n = int(h[24:], 16)
        name = ""
        for _ in range(7):
            n, r = divmod(n, 36)
            name += BASE62[r]
        return {
            "stem": a["key"],
            "section": a["section"],
            "section_name": self.sections[a["section"]],
            "section_path": f"{ed.prefix}/{a['section']}/",
            "slug": a["slug"],
            "title": a["title"],
            "lead": a["lead"],
            "published": a["published"],
            "modified": None,
            "authors": [{"name": n} for n in a["authors"]],
            "short": shorts.make(ed.site.short_domain, ed.spider, a["key"]),
            "image": {
                "uuid": f"{h[0:8]}-{h[8:12]}-11ee-{'89ab'[int(h[12], 16) % 4]}{h[13:16]}-005056{h[16:22]}",
                "file": "000_" + name,
                "ext": "jpg",
                "widths": list(MAIN_WIDTHS),
                "placeholder_src": False,
                "alt": a["caption"],
                "caption": a["caption"],
                "credit": a["credit"],
            },
            "tags": a["tags"],
            "body": [{"nbsp": True}, *a["body"]],
            "related": [],
        }

    def decide_routes(self) -> None:
        ed = self.ed
        newest_first = sorted(self.articles.values(), key=lambda a: (a.published, a.stem), reverse=True)
        if ed.backfill_only_before:
            self.current = [a.stem for a in newest_first if a.month >= ed.backfill_only_before]
        else:
            self.current = [a.stem for a in newest_first]
        self.backfill_only = [a.stem for a in newest_first if a.stem not in self.current]
        self.rss_only: str | None = None
        if ed.rss and len(self.articles) >= 5 and len(self.current) >= 2:
            self.rss_only = self.current[min(2, len(self.current) - 1)]
        self.listed = [s for s in self.current if s != self.rss_only]
        # the second-newest article that is not RSS-only gets an update date
        self.edited: str | None = None
        if len(self.articles) >= 4:
            self.edited = [a.stem for a in newest_first if a.stem != self.rss_only][1]
            art = self.articles[self.edited]
            art.modified = (parse_utc(art.published) + timedelta(hours=2, minutes=47)).isoformat()
        self.archive_days: list[date] = []
        if ed.archive:
            first, last = ARCHIVE_SPAN.get(ed.spider, DEFAULT_ARCHIVE_SPAN)
            dates = [a.date for a in self.articles.values()]
            self.archive_days = days(min(first, min(dates).replace(day=1)), max(last, month_end(max(dates))))
        lastmods = [a.lastmod for a in self.articles.values()]
        self.generated_at = max([GENERATED_AT, *lastmods], key=lambda v: parse_utc(v))
        # tag pages: the 3 most used tags of the listed articles
        counts: dict[str, list] = {}
        for stem in self.listed:
            for tag in self.articles[stem].tags:
                slug = self.tag_slug(tag)
                entry = counts.setdefault(slug, [0, tag, []])
                entry[0] += 1
                if stem not in entry[2]:
                    entry[2].append(stem)
        ranked = sorted(counts.items(), key=lambda kv: -kv[1][0])  # stable: first seen wins ties
        self.tag_pages = [(slug, name, stems) for slug, (_, name, stems) in ranked[:3]]

    def sources(self, stem: str) -> list[str]:
        ed = self.ed
        out = []
        if stem in self.listed:
            out.append("section")
        if ed.rss and stem in self.current:
            out.append("rss")
        if ed.news and stem in self.listed:
            out.append("sitemap")
        if ed.index:
            out.append("contents")
        if ed.archive and self.articles[stem].date in self.archive_days:
            out.append("archive")
        return out

    # ---- hooks of Pages
    def tag_slug(self, tag: str) -> str:
        return nfc(slugify(tag)) or digest(tag)[:8]

    def tag_path(self, tag: str) -> str:
        return f"{self.ed.prefix}/{self.content['tag_slug']}/{self.tag_slug(tag)}/"

    def jsonld_extra(self) -> tuple[list[str], str]:
        site = self.ed.site
        names = {
            "rfi": [self.site_name, "R.F.I", "Radio France Internationale"],
            "f24": [self.site_name, "France 24", "F24"],
            "mcd": [self.site_name, "MCD", "Monte Carlo Doualiya"],
        }[site.key]
        seen: list[str] = []
        for n in names:
            if n not in seen:
                seen.append(n)
        return seen, self.public_url(f"{self.ed.prefix}/ethics-charter")

    def related_stems(self, art: Article) -> list[str]:
        """1-2 other listed articles, the nearest in time. Only when the spider has no other listed article
        (f24_en: one listed article), the current RSS-only one (else any other) stands in."""
        t = parse_utc(art.published)
        others = [s for s in self.listed if s != art.stem]
        if not others:
            others = [s for s in self.current if s != art.stem] or [s for s in self.articles if s != art.stem]
        others.sort(key=lambda s: (abs((parse_utc(self.articles[s].published) - t).total_seconds()), s))
        return others[:2]

    def related_fallback_ok(self, art: Article) -> bool:
        return not [s for s in self.listed if s != art.stem]

    def latest_stems(self, art: Article) -> list[str]:
        return [s for s in self.listed if s != art.stem][:2]

    def other_site_link(self) -> tuple[str, str]:
        if self.ed.site.key == "f24":
            return "https://www.rfi.fr/", "RFI"
        return "https://www.france24.com/" + ("ar/" if self.ed.lang == "ar" else "fr/"), "France 24"

    def header(self) -> str:
        ed = self.ed
        L = self.labels
        items = [f'<li><a href="{enc(ed.home_path)}">{esc(L["home"])}</a></li>']
        for slug, name in self.sections.items():
            items.append(f'<li><a href="{enc(f"{ed.prefix}/{slug}/")}">{esc(name)}</a></li>')
        items.append(f'<li><a href="{enc(self.live_path)}">{esc(L["live"])}</a></li>')
        if self.archive_days:
            items.append(
                f'<li><a href="{enc(self.archive_path(self.archive_days[-1]))}">{esc(L["archives"])}</a></li>'
            )
        url, name = self.other_site_link()
        items.append(f'<li><a href="{url}" target="_blank" rel="noopener">{name}</a></li>')
        nav = "\n                ".join(items)
        return (
            "    <body>\n"
            '        <header role="banner">\n'
            f'            <a href="{enc(ed.home_path)}" aria-label="{esc(self.site_name)}">{esc(ed.site.app_name)}</a>\n'
            f'            <nav aria-label="{esc(self.site_name)}">\n'
            "              <ul>\n"
            f"                {nav}\n"
            "              </ul>\n"
            "            </nav>\n"
            "        </header>\n"
        )

    def footer(self) -> str:
        L = self.labels
        links = []
        for slug, name, _ in self.tag_pages[:1]:
            links.append((enc(f"{self.ed.prefix}/{self.content['tag_slug']}/{slug}/"), name))
        links.append((enc(self.live_path), L["live"]))
        links.append((self.ed.emailing, L["subscribe"]))
        url, name = self.other_site_link()
        links.append((url, name))
        items = "\n                ".join(f'<li><a href="{h}">{esc(t)}</a></li>' for h, t in links)
        return (
            "        <footer>\n"
            "            <ul>\n"
            f"                {items}\n"
            "            </ul>\n"
            f"            <p>© 2024 {esc(self.site_name)}</p>\n"
            "        </footer>\n"
            "    </body>\n"
            "</html>\n"
        )

    # ---- routes
    def archive_path(self, day: date) -> str:
        return self.ed.archive.format(
            year=day.year, month=day.month, day=day.day, month_name=self.ed.months[day.month - 1]
        )

    def sitemap_url(self, name: str) -> str:
        return f"{self.ed.base}/sitemaps/{self.ed.code}/{name}"

    def out(self, path: str) -> Path:
        rel = path.lstrip("/")
        if path.endswith("/"):
            return SNAP_DIR / self.ed.site.key / rel / "index.html"
        return SNAP_DIR / self.ed.site.key / rel

    # ---- cards
    def article_card(self, art: Article, *, kicker: bool, loading: str = "lazy") -> str:
        return self.card(
            href=art.href,
            title=art.title,
            kicker=art.section_name if kicker else None,
            art=art,
            loading=loading,
        )

    def listing_articles(self, section: str | None) -> list[Article]:
        arts = [self.articles[s] for s in self.listed]
        if self.real is not None:
            arts.append(self.real)
        arts.sort(key=lambda a: (a.published, a.stem), reverse=True)
        if section is not None:
            arts = [a for a in arts if a.section == section]
        return arts

    def home_cards(self) -> tuple[list[str], list[Article], list[str]]:
        """(card HTML, article cards in order, description of every card for the README)."""
        arts = self.listing_articles(None)
        cards: list[tuple[str, str]] = []
        for i, art in enumerate(arts):
            cards.append(
                (self.article_card(art, kicker=True, loading="eager" if i < 2 else "lazy"), f"`{art.stem}`")
            )
        # tag card after the 2nd article card, live card after the 4th, off-site card last
        specials: list[tuple[int, str, str]] = []
        if self.tag_pages:
            slug, name, _ = self.tag_pages[0]
            path = f"{self.ed.prefix}/{self.content['tag_slug']}/{slug}/"
            specials.append((2, self.card(href=enc(path), title=name), f"tag `{path}`"))
        live = self.card(href=enc(self.live_path), title=self.labels["live"])
        specials.append((4, live, f"live `{self.live_path}`"))
        if self.offsite:
            url, title, kicker = self.offsite
            specials.append(
                (len(cards), self.card(href=url, title=title, kicker=kicker), f"off-site `{url}`")
            )
        merged = list(cards)
        for slot, html, label in reversed(specials):
            merged.insert(min(slot, len(cards)), (html, label))
        return [h for h, _ in merged], arts, [lbl for _, lbl in merged]

    # ---- build
    def build(self) -> tuple[dict[Path, str], dict[str, dict], dict[str, list[str]]]:
        """(files, listing fixtures by name, README card lists by listing path)."""
        ed = self.ed
        files: dict[Path, str] = {}
        listings: dict[str, dict] = {}
        card_lists: dict[str, list[str]] = {}
        for art in self.articles.values():
            files[art.file] = self.article_page(art)
        if self.real is not None:
            files[self.real.file] = self.real_page()

        html, arts, labels = self.home_cards()
        home = ed.home_path
        files[self.out(home)] = self.listing_page(
            path=home,
            title=self.home_title,
            description=self.description,
            heading=None,
            jsonld=True,
            cards=html,
        )
        listings["home"] = self.listing_fixture(home, arts)
        card_lists[home] = labels
        for slug, name in self.sections.items():
            path = f"{ed.prefix}/{slug}/"
            arts = self.listing_articles(slug)
            files[self.out(path)] = self.listing_page(
                path=path,
                title=f"{name} - {self.site_name}",
                description=f"{name} : {self.description}",
                heading=name,
                cards=[
                    self.article_card(a, kicker=False, loading="eager" if i == 0 else "lazy")
                    for i, a in enumerate(arts)
                ],
            )
            listings[slug] = self.listing_fixture(path, arts)
            card_lists[path] = [f"`{a.stem}`" for a in arts]
        for slug, name, stems in self.tag_pages:
            path = f"{ed.prefix}/{self.content['tag_slug']}/{slug}/"
            files[self.out(path)] = self.listing_page(
                path=path,
                title=f"{name} - {self.site_name}",
                description=f"{name} : {self.description}",
                heading=name,
                cards=[self.article_card(self.articles[s], kicker=False) for s in stems],
            )
        files[self.out(self.live_path)] = self.listing_page(
            path=self.live_path,
            title=f"{self.labels['live']} - {self.site_name}",
            description=f"{self.labels['live']} : {self.description}",
            heading=self.labels["live"],
            cards=[],
        )
        if ed.rss:
            files[self.out(f"{ed.prefix}/rss.xml")] = self.rss(
                [(self.articles[s], self.articles[s].url) for s in self.current]
            )
        if ed.news:
            files[SNAP_DIR / ed.site.key / "sitemaps" / ed.code / "news.xml"] = self.news_sitemap(
                [(self.articles[s], self.articles[s].url) for s in self.listed]
            )
        if ed.index:
            files.update(self.sitemaps())
        for day in self.archive_days:
            files[self.out(self.archive_path(day) + ".html")] = self.archive_day_page(day)
        return files, listings, card_lists

    def listing_fixture(self, path: str, arts: list[Article]) -> dict:
        page = self.out(path).relative_to(SNAP_DIR.parent).as_posix()
        return {"url": self.public_url(path), "page": page, "article_urls": [a.url for a in arts]}

    def months(self) -> dict[str, list[Article]]:
        out: dict[str, list[Article]] = {}
        for art in sorted(self.articles.values(), key=lambda a: (a.published, a.stem), reverse=True):
            out.setdefault(art.month, []).append(art)
        return dict(sorted(out.items(), reverse=True))

    def sitemaps(self) -> dict[Path, str]:
        ed = self.ed
        folder = SNAP_DIR / ed.site.key / "sitemaps" / ed.code
        files: dict[Path, str] = {}
        children: list[tuple[str, str]] = []
        if ed.news:
            children.append(
                (
                    self.sitemap_url("news.xml"),
                    max((self.articles[s].lastmod for s in self.listed), key=parse_utc),
                )
            )
        for month, arts in self.months().items():
            files[folder / f"contents_{month}.xml"] = self.urlset([(a.url, a.lastmod) for a in arts])
            children.append(
                (self.sitemap_url(f"contents_{month}.xml"), max((a.lastmod for a in arts), key=parse_utc))
            )
        tag_entries = []
        for slug, _, stems in self.tag_pages:
            path = f"{ed.prefix}/{self.content['tag_slug']}/{slug}/"
            tag_entries.append(
                (self.public_url(path), max((self.articles[s].lastmod for s in stems), key=parse_utc))
            )
        files[folder / "tags.xml"] = self.urlset(tag_entries)
        children.append((self.sitemap_url("tags.xml"), self.generated_at))
        files[folder / "index.xml"] = self.sitemap_index(children)
        return files

    def archive_day_page(self, day: date) -> str:
        arts = [a for a in self.articles.values() if a.date == day]
        arts.sort(key=lambda a: (a.published, a.stem), reverse=True)
        month = self.ed.months[day.month - 1]
        heading = f"{self.labels['archives']} - {day.day} {month} {day.year}"
        return self.archive_page(
            path=self.archive_path(day), title=f"{heading} - {self.site_name}", heading=heading, articles=arts
        )

    def real_page(self) -> str:
        excerpt = (ROOT / REAL_MCD_EXCERPT).read_bytes().decode("utf-8")
        return (
            '<!DOCTYPE html><html dir="rtl" lang="ar"><head>'
            '<meta charset="UTF-8" />'
            f"<title>{esc(REAL_MCD['title'])} - {esc(self.site_name)}</title>"
            "</head><body>" + excerpt + "</body></html>"
        )
