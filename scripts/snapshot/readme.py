"""snapshots/README.md: what the snapshot is, and per site/spider which routes exist and which article is where."""

# Long lines: README prose in f-strings.
# ruff: noqa: E501

from __future__ import annotations

from snapshot.cn import CnSite
from snapshot.spider import REAL_MCD, SpiderSite


def yes(flag: bool) -> str:
    return "yes" if flag else "—"


def cn_section(site: CnSite) -> str:
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
    return f"""## rfi_cn: www.rfi.fr/cn/ (RFI Chinese, simplified)

Built from `scripts/snapshot_data/rfi_cn.json` (not from a content file): 16 articles, all of February 2024, with
hand-placed deliberate link cases. Its pages and its 16 fixtures are byte-identical to those of the first, cn-only
generator; only the shared `robots.txt` and `/sitemaps/cn/index.xml` changed, and `contents_202402.xml` and `tags.xml`
were added.

- `<html dir="ltr" lang="zh-Hans">`, og:locale zh_CN, Chinese labels (`发表时间 :`, `更新时间 :`, `作者 :`, … except
  `分享 :` from the seed: invented translations of the MCD/ES labels).
- **Article texts were written for testing** (plausible news prose about real February 2024 events, not RFI's
  text), **except the seed article** `20240227-video-paris-ukraine-conference`, whose title, lead and 10 paragraphs are
  RFI's real text copied verbatim from `tests/fixtures/seed/rfi_cn_feed_item_20240227.txt` (image URL and `rfi.my/ANjP`
  short links from the seed too; the caption/credit of its image are invented).

### Discovery sources

- **Listings ("section")**: the homepage `/cn/` and the section pages `/cn/<section>/` for
  {", ".join(site.sections)} (中东 lists only a card to the live page). Card hrefs are relative and percent-encoded
  (upper-case hex) except the deliberate cases below.
- **RSS**: `/cn/rss` → `cn/rss.xml`, {len(site.data["rss"])} items; two links carry `?xtor=RSS-1`.
- **News sitemap**: `/sitemaps/cn/news.xml`, {len(site.data["news_sitemap"])} `<url>`s; one `<loc>` has a raw UTF-8 path.
- **Sitemap index** `/sitemaps/cn/index.xml` (listed in robots.txt): `news.xml`, `contents_202402.xml` (all 16 articles,
  `lastmod` = modified or published) and `tags.xml` (the tag page `/cn/关键词/乌克兰危机/`).
- No daily archive pages (no evidence of their path on /cn/).

Exactly two articles are only in the RSS, exactly two only in the news sitemap (among listings, RSS and news sitemap);
every article is reachable from at least one of those. `sources` in each rfi_cn fixture lists where it appears among
"section" (a card on the homepage or a section page; related asides, tag/author/podcast pages and inline links are
not counted), "rss" and "sitemap" (news sitemap). **The rfi_cn fixtures do not record "contents"** (all 16 are in
`contents_202402.xml`), so that they stay byte-identical to the first generator's.

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
  16 articles and has no expected JSON. As an article card it IS in the 中国 listing fixture's `article_urls`
  (`tests/fixtures/rfi_cn/listings/中国.json`): the listing links it, robots.txt forbids fetching it.

### Cards on each listing page (in page order)

| page | cards |
|---|---|
{listings}

Outside cards, every page has a header navigation (`/cn/`, the section pages, `/cn/专栏检索/法国之窗/`, `/cn/直播/`,
`https://www.france24.com/fr/`) and a footer (about page `/cn/关于我们` (no file), the tag page, the author page,
the podcasts index, the live page, `rfi.my` vanity links, the tw edition, France 24, the newsletter). Article pages also
link to tag pages `/cn/关键词/<tag>/` (only `乌克兰危机` exists as a file), `/cn/auteur/rfi/` (seed author) and, in the
related aside and the `t-content__list-content` aside, to other section-listed articles only (never to an RSS-only or
sitemap-only article, so that those stay reachable only through their feed).

### Special (non-article) pages

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
| `/sitemaps/cn/index.xml` | `sitemaps/cn/index.xml` | sitemap index (news, contents_202402, tags) |
| `/sitemaps/cn/contents_202402.xml` | `sitemaps/cn/contents_202402.xml` | monthly contents map: the 16 articles |
| `/sitemaps/cn/tags.xml` | `sitemaps/cn/tags.xml` | tag pages map: `/cn/关键词/乌克兰危机/` |

These non-article pages exist so that a wrongly followed link succeeds (HTTP 200) and can be caught in the request log.

### The 16 articles

Expected values: `tests/fixtures/rfi_cn/<stem>.json`. All dates are February 2024: `time@datetime` in UTC (`+00:00`),
visible text in Paris time (CET = UTC+1); the URL date is the Paris date. Common to every article page unless noted:
authors are `span.m-from-author__name` padded with whitespace, after a `span.m-from-author__by-label` `作者 :`; date label
`发表时间 :`; main image `srcset` widths 246/388/720/980 (the seed adds 1280) with `.webp` twins in the `<source>` and a
real `src` (the largest width); caption and credit legends; 2–3 related cards; the share bar uses the article's own
`rfi.my` code and its percent-encoded URL twice encoded in the Facebook `redirect_uri`.

| stem | section | path | sources | variations |
|---|---|---|---|---|
{table}
"""


def spider_section(site: SpiderSite, cards: dict[str, list[str]]) -> str:
    ed = site.ed
    host = ed.site.host
    prefix = ed.prefix
    home = ed.home_path
    arts = sorted(site.articles.values(), key=lambda a: (a.published, a.stem))
    lines = [f"## {ed.spider}: {host}{home} ({site.site_name})", ""]
    lines.append(
        f"Built from `{site.content['file'].relative_to(site.content['file'].parents[3]).as_posix()}`"
        + (
            f" + `scripts/snapshot_data/extra/{ed.spider}_*.json` ({', '.join(f'`{k}`' for k in site.extra_keys)})"
            if site.extra_keys
            else ""
        )
        + f": {len(arts)} articles. Document root `snapshots/{ed.site.key}/`, "
        + (f"path prefix `{prefix}/`." if prefix else "no path prefix (MCD paths carry no edition code).")
        + f' `<html dir="{ed.dir}" lang="{ed.page_lang}">`, og:locale {ed.og_locale}, labels from the content file.'
    )
    lines.append("")
    lines.append("Routes:")
    lines.append("")
    lines.append(
        f"- homepage `{home}` and one section page per section: " + ", ".join(f"`{s}`" for s in site.sections)
    )
    tags = ", ".join(f"`{prefix}/{site.content['tag_slug']}/{slug}/`" for slug, _, _ in site.tag_pages)
    lines.append(
        f"- non-article pages (must never be requested as articles): tag pages {tags or '(none)'}, "
        f"live page `{site.live_path}`"
    )
    if ed.rss:
        lines.append(
            f"- RSS `{prefix}/rss` → `{prefix.lstrip('/')}/rss.xml` (edition feed evidenced in SITE-NOTES §4.1/§6): "
            f"{len(site.current)} items, the current articles"
        )
    else:
        lines.append("- no RSS feed (not evidenced for this edition in SITE-NOTES §4.1/§6)")
    if ed.news:
        lines.append(
            f"- Google News sitemap `/sitemaps/{ed.code}/news.xml` (SITE-NOTES §4.2): {len(site.listed)} URL(s), "
            "the listed current articles"
        )
    else:
        lines.append("- no news sitemap (not evidenced for this edition)")
    if ed.index:
        months = ", ".join(f"`contents_{m}.xml` ({len(a)})" for m, a in site.months().items())
        lines.append(
            f"- sitemap index `/sitemaps/{ed.code}/index.xml`: "
            + ("`news.xml`, " if ed.news else "")
            + f"{months} (every article of that URL month, `lastmod` = modified or published), `tags.xml`"
        )
    else:
        lines.append("- no sitemap index (no evidence for MCD)")
    if site.archive_days:
        first, last = site.archive_days[0], site.archive_days[-1]
        example = site.archive_path(last)
        lines.append(
            f"- daily archive pages `{ed.archive.replace('{year:04d}', 'YYYY').replace('{month:02d}', 'MM').replace('{day:02d}', 'DD').replace('{month_name}', '<month>')}`"
            f" (SITE-NOTES §3.2), one for every day from {first.isoformat()} to {last.isoformat()} "
            f"({len(site.archive_days)} pages, empty list on days without articles), e.g. `{example}` → "
            f"`{example.lstrip('/')}.html`; an article is listed on the page of its Paris (URL) date"
        )
    else:
        lines.append("- no daily archive pages" + (" (path format unknown)" if ed.spider == "f24_ar" else ""))
    lines.append("")
    current = ", ".join(f"`{s}`" for s in site.current)
    lines.append(
        f"Current articles (listings, and RSS / news sitemap where the edition has them): {current}."
    )
    if site.backfill_only:
        lines.append(
            f"**Backfill-only** (older than {ed.backfill_only_before[:4]}-{ed.backfill_only_before[4:]}: only in the monthly "
            "contents sitemaps"
            + (" and the daily archive pages" if site.archive_days else "")
            + "): "
            + ", ".join(f"`{s}`" for s in site.backfill_only)
            + "."
        )
    if site.rss_only:
        lines.append(f"**RSS-only** (no card on any listing, not in the news sitemap): `{site.rss_only}`.")
    if site.edited:
        art = site.articles[site.edited]
        lines.append(f"**Edited** (second `m-pub-dates__date`, modified {art.modified}): `{site.edited}`.")
    if site.real is not None:
        lines.append(
            f"**Real page**: `{site.real.path}` → `{site.real.page}` is a full HTML document "
            f'(`<!DOCTYPE html><html dir="rtl" lang="ar"><head>…</head><body>` + the verbatim bytes of '
            f"`{'tests/fixtures/real-pages/mcd_ar_article_20240131_excerpt.html'}` + `</body></html>`), with a card on the "
            f"homepage and the `{REAL_MCD['section']}` section page. Its expected JSON is the hand-written "
            "`tests/fixtures/mcd_ar/20240131-netanyahu-coalition.json` (not generated)."
        )
    lines.append("")
    lines.append("| listing | cards (in page order) |")
    lines.append("|---|---|")
    for path, labels in cards.items():
        lines.append(f"| `{path}` | {'; '.join(labels) or '(no cards)'} |")
    lines.append("")
    lines.append("| key | section | path | published (UTC) | sources | notes |")
    lines.append("|---|---|---|---|---|---|")
    for art in arts:
        notes = []
        if art.stem == site.rss_only:
            notes.append("RSS ONLY")
        if art.stem in site.backfill_only:
            notes.append("BACKFILL ONLY")
        if art.stem == site.edited:
            notes.append(f"EDITED (modified {art.modified})")
        if art.stem in site.extra_keys:
            notes.append("extra file")
        if art.date.strftime("%Y%m%d") != art.published[:10].replace("-", ""):
            notes.append("UTC date differs from the Paris (URL) date")
        if not art.image.get("credit"):
            notes.append("no credit legend")
        if len(art.authors) > 1:
            notes.append(f"{len(art.authors)} authors")
        lines.append(
            f"| `{art.stem}` | {art.section_name} | `{art.path}` | {art.published} | "
            f"{', '.join(site.sources(art.stem))} | {'; '.join(notes)} |"
        )
    lines.append("")
    return "\n".join(lines)


def readme(cn: CnSite, sites: dict[str, SpiderSite], card_lists: dict, missing: list[str]) -> str:
    overview = [
        "| spider | host + prefix | articles | listed | RSS-only | backfill-only | RSS | news map | index months | archives |",
        "|---|---|---|---|---|---|---|---|---|---|",
        f"| rfi_cn | www.rfi.fr/cn/ | {len(cn.articles)} | {len(cn.listed)} | 2 | — | yes | yes | 202402 | — |",
    ]
    for spider, site in sites.items():
        ed = site.ed
        overview.append(
            f"| {spider} | {ed.site.host}{ed.home_path} | {len(site.articles)} | {len(site.listed)}"
            f"{' + real page' if site.real else ''} | {(site.rss_only and 1) or '—'} | {len(site.backfill_only) or '—'} | "
            f"{yes(ed.rss)} | {yes(ed.news)} | {', '.join(site.months()) if ed.index else '—'} | "
            f"{len(site.archive_days) or '—'} |"
        )
    not_built = ""
    if missing:
        not_built = (
            "\n**Not built** (no content file when the snapshot was generated): "
            + ", ".join(missing)
            + ". Rerun the generator once `scripts/snapshot_data/content/<spider>.json` exists.\n"
        )
    sections = "\n".join(spider_section(site, card_lists[spider]) for spider, site in sites.items())
    sitemaps_rfi = ["/sitemaps/cn/index.xml, /sitemaps/cn/news.xml"] + [
        f"/sitemaps/{s.ed.code}/index.xml" + (f", /sitemaps/{s.ed.code}/news.xml" if s.ed.news else "")
        for s in sites.values()
        if s.ed.site.key == "rfi"
    ]
    sitemaps_f24 = [
        f"/sitemaps/{s.ed.code}/index.xml" + (f", /sitemaps/{s.ed.code}/news.xml" if s.ed.news else "")
        for s in sites.values()
        if s.ed.site.key == "f24"
    ]
    return f"""# TEST SNAPSHOTS of www.rfi.fr, www.france24.com and www.mc-doualiya.com

**This is a TEST SNAPSHOT, not a copy of the real sites.** `snapshots/rfi/`, `snapshots/f24/` and `snapshots/mcd/` are
small, fake document roots of `www.rfi.fr` (all 16 RFI editions side by side), `www.france24.com` and
`www.mc-doualiya.com`, generated for offline crawler tests by `scripts/build_snapshot.py` (code in `scripts/snapshot/`)
from `scripts/snapshot_data/rfi_cn.json` (rfi_cn), `scripts/snapshot_data/content/<spider>.json` (the 20 other
spiders) and `scripts/snapshot_data/extra/` (extra articles). **The article texts were written for testing** (plausible
news prose about real events, not the broadcasters' text), **except the seed article** of rfi_cn (RFI's real text, see
the rfi_cn section) **and the real MCD page** (verbatim real markup and text, see the mcd_ar section). Do not edit the
files by hand: edit the data (or the generator) and rerun

    .venv/bin/python scripts/build_snapshot.py

which rewrites `snapshots/rfi/`, `snapshots/f24/`, `snapshots/mcd/`, this README, `tests/fixtures/<spider>/*.json` and
`tests/fixtures/<spider>/listings/*.json` byte-identically (never `tests/fixtures/mcd_ar/20240131-netanyahu-coalition.json`).
{not_built}
## What is real and what is not

- **Markup: real FMM templates.** Article pages follow the real France Médias Monde CMS article markup (the Monte
  Carlo Doualiya page in `tests/fixtures/real-pages/`, SITE-NOTES §1.1): `div.t-content.t-content--article#main-content`,
  breadcrumb with a raw UTF-8 section href, `h1.t-content__title`, `p.t-content__chapo` padded with whitespace,
  `time[datetime]` in UTC with the Paris time as text, `figure.m-figure` with webp `<source>` + `srcset`, caption/credit
  `span.a-media-legend`, `div.m-from-author`, the `div.m-interstitial` ad block first in the body, a first `<p>` holding
  a lone no-break space, the two `o-self-promo` blocks (newsletter text + app badges, the badges' SVG copied verbatim),
  the share bar with `rfi.my` / `f24.my` / `mc-d.co` short links (built like the seed's), the tags block (`a.a-hot-tag`,
  `title` escaped like Twig's `html_attr`), the related aside of `--no-image` cards, the Outbrain container and the
  `t-content__list-content` aside. Listing cards follow the rfi.fr/es homepage cards (`class="article__title "` with its
  trailing space, two `data-article-item-link` anchors per card). Heads follow the real rfi.fr/es head, adapted per
  edition (og:*, Didomi consent stub, hreflang list, homepage JSON-LD `WebSite` array, `/build/css/article--<code>.*.css`
  on articles vs `root--<code>` + `page-builder--<code>` on listings). Daily archive pages use the class names third-party
  scrapers expect (`main div.o-archive-day ul.o-archive-day__list li.o-archive-day__list__entry a.a-archive-link`,
  SITE-NOTES §3.2); the page around them is invented.
- **Per edition (SITE-NOTES §1.7, §1.8, §2.1, §6, §7):** `<html lang>` = the edition's BCP 47 tag (fr en es-419 pt
  pt-BR zh-Hans zh-Hant vi km ru uk fa sw ha bm ff; France 24 fr/en/es/ar; MCD ar), `dir="rtl"` for fa and ar, og:locale
  from §2.1 (France 24 en en_US and es es_LA, MCD ar_AR: inferred), fb app ids (RFI 113191652055439, F24 121241974571942,
  MCD 391420110887706), image hosts s.rfi.fr / s.france24.com / s.mc-doualiya.com, newsletter link
  `https://emailing.<domain>/<code>/subscribe`, short-link domains rfi.my / f24.my / mc-d.co. Labels, site name, titles,
  sections and texts come from the content files. rfi_es pages say `lang="es-419"` as the real rfi.fr/es head does,
  while its hreflang tag (and the items' `language`) is `es`.
- **Invented:** the header navigation and footer markup (plain elements without FMM classes), live-page slugs where
  SITE-NOTES gives none (fr `direct`, en `live`, others from the "live" label), tag-page slugs (the tag name, slugified
  like the titles), Twitter handles other than those in SITE-NOTES, CSS hashes, image UUIDs, file names and `srcset`
  widths (246/388/720/980 on articles, 177/388/480 on cards), short-link codes (except the seed's `ANjP`), the second
  `m-pub-dates__date` "updated" markup, the RSS / sitemap XML shapes, and `og:*` meta on article pages (unconfirmed on
  the real site; article pages carry no NewsArticle JSON-LD and no `<link rel="canonical">`).
- **`robots.txt` texts are invented** (SITE-NOTES §4.3: the real ones are unknown). `snapshots/rfi/robots.txt` keeps
  `Disallow: /cn/preview/` and `Disallow: /search` and lists: {"; ".join(sitemaps_rfi)}.
  `snapshots/f24/robots.txt` allows everything and lists: {"; ".join(sitemaps_f24) or "(nothing)"}.
  `snapshots/mcd/robots.txt` allows everything and lists no sitemap (no MCD sitemap is evidenced).
- **`/.well-known/tdmrep.json` is invented** (TDM Reservation Protocol, docs/rights.md; the real files are not known
  offline). `snapshots/rfi/` and `snapshots/f24/` hold one rule, `{{"location": "/", "tdm-reservation": 1}}`, with a
  `comment` member saying it is invented, so a crawl of the snapshot shows the rights recorded; `snapshots/mcd/` has
  none (404: the protocol is not used).

## URL → file mapping (what `newscrawl.snapshot_server` does)

URL paths are percent-decoded as UTF-8 (NFC); files have RAW UTF-8 names. A path ending in `/` → `<path>index.html`;
an existing file as is (`/robots.txt`, `/sitemaps/cn/news.xml`); otherwise `<path>.html` (articles, archive days) or
`<path>.xml` (`/cn/rss` → `cn/rss.xml`). The query string is ignored. Serve `snapshots/rfi` as www.rfi.fr,
`snapshots/f24` as www.france24.com and `snapshots/mcd` as www.mc-doualiya.com.

## Fixtures

- `tests/fixtures/<spider>/<key>.json`, one per article: `url` (public, percent-encoded), `page` (the saved HTML,
  relative to the repository root), `sources` and `expected` (url, title, lead, body, body_html, authors, published,
  modified, section, tags, image {{url, caption, credit}}, content_hash), computed from the data, never by parsing the
  pages. Body contract: the interstitial ad, the lone no-break-space paragraph, the self-promo blocks, share bar, tags and
  asides are not body; `body` = the paragraphs joined by a blank line; `body_html` = `<p>…</p>` per paragraph (only
  `&`, `<`, `>` escaped) joined by newlines; `content_hash` = sha256 of `body`; `image.url` = the largest `srcset` width.
- `sources`, in this order: `section` (a card on the homepage or a section page of its spider), `rss` (the edition's
  RSS feed), `sitemap` (the Google News sitemap), `contents` (a monthly `contents_YYYYMM.xml`), `archive` (a daily
  archive page). Related asides, tag and live pages, header/footer links and off-site cards are not counted. rfi_cn
  fixtures do not record `contents` (see its section).
- `tests/fixtures/<spider>/listings/<name>.json` for the homepage (`home`) and every section page (`<section slug>`):
  `url` (public URL of the listing), `page`, `article_urls` (public, percent-encoded, clean URLs of the article cards,
  page order, each once; non-article and off-site cards excluded; the rfi_cn preview card, an article page that
  robots.txt disallows, is included).

## Overview

"Listed" = current articles with a card on a listing page; "RSS-only" = current articles only in the RSS feed (not on
any listing, not in the news sitemap; one per spider with ≥ 5 articles and an RSS feed); "backfill-only" = articles
reachable only through the monthly contents sitemaps and (where they exist) the daily archive pages. rfi_fr and f24_en
have backfill-only articles: only their February 2024 articles are current. For every other spider all articles are
current. Every spider with ≥ 4 articles has exactly one article with an update date (`modified`); all others have
`modified: null`.

{chr(10).join(overview)}

Common to the generated (non-cn) spiders: homepage cards = every listed article, newest first (kicker = section name),
with a tag-page card after the 2nd article card, a live-page card after the 4th and an off-site card last (rfi
editions link a france24.com article, France 24 fr/en/es link an rfi.fr article, f24_ar links the real MCD page, MCD
links a france24.com/ar article; the article of the other spider if its content file exists, else that edition's
homepage); section pages = the listed articles of that section, newest first (possibly none); tag pages = the listed
articles with that tag; live page = no cards. Article pages: interstitial ad first in the body, a lone no-break-space
first paragraph, both self-promo blocks, share bar, tags (`<prefix>/<tag_slug>/<tag>/`, percent-encoded), a related
aside of 1–2 other listed articles of the same spider (the nearest in time) and a latest aside of 1–2 listed articles
(never an RSS-only or backfill-only article, so that those stay reachable only through their routes; the one exception
is a spider with a single listed article, f24_en, whose related aside links its RSS-only article because no other
listed article exists: related asides are not a discovery source), breadcrumb with
a raw UTF-8 section href, one image (caption + credit legends, or caption only when the credit is null).

{cn_section(cn)}
{sections}"""
