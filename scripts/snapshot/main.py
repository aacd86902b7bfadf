"""Build snapshots/{rfi,f24,mcd}/, snapshots/README.md, tests/fixtures/<spider>/ (see build_snapshot.py)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from snapshot import broadcasters
from snapshot import cn as cn_module
from snapshot.common import (
    CONTENT_DIR,
    EXTRA_DIR,
    FIXTURES_DIR,
    SNAP_DIR,
    check_parse,
    enc,
    parse_utc,
    write,
)
from snapshot.content import ContentError, load_content, load_extra
from snapshot.editions import CN, EDITIONS, SITES, SPIDER_ORDER
from snapshot.spider import REAL_MCD, ShortCodes, SpiderSite

# never written nor deleted by the generator
PROTECTED = {FIXTURES_DIR / "mcd_ar" / "20240131-netanyahu-coalition.json"}

# off-site card of each spider's homepage: the newest listed article of this spider ("mcd_real": the real MCD
# page), or, without its content file, that edition's homepage
OFFSITE = {
    **{
        f"rfi_{c}": {"en": "f24_en", "es": "f24_es"}.get(c, "f24_fr")
        for c in ("fr", "en", "es", "pt", "br", "tw", "vi", "km", "ru", "uk", "fa", "sw", "ha", "ma", "ff")
    },
    "f24_fr": "rfi_fr",
    "f24_en": "rfi_en",
    "f24_es": "rfi_es",
    "f24_ar": "mcd_real",
    "mcd_ar": "f24_ar",
}


def load_spiders(shorts: ShortCodes) -> tuple[dict[str, SpiderSite], list[str], list[str]]:
    """(sites by spider, missing content files, problems). Invalid files are reported, not built."""
    sites: dict[str, SpiderSite] = {}
    missing: list[str] = []
    problems: list[str] = []
    for spider, ed in EDITIONS.items():
        path = CONTENT_DIR / f"{spider}.json"
        if not path.exists():
            missing.append(spider)
            continue
        try:
            content = load_content(path, spider)
            extra: list[dict] = []
            for extra_path in sorted(EXTRA_DIR.glob(f"{spider}_*.json")):
                extra += load_extra(extra_path, spider, content["sections"])
            sites[spider] = SpiderSite(ed, content, extra, shorts)
        except (ContentError, ValueError) as exc:
            problems.append(str(exc))
    return sites, missing, problems


def link_offsite(sites: dict[str, SpiderSite]) -> None:
    for spider, site in sites.items():
        target = OFFSITE[spider]
        if target == "mcd_real":
            url = SITES["mcd"].base + enc(f"/{REAL_MCD['section']}/20240131-{REAL_MCD['slug']}")
            site.offsite = (url, REAL_MCD["title"], SITES["mcd"].app_name)
        elif target in sites and sites[target].listed:
            other = sites[target]
            art = other.articles[other.listed[0]]
            site.offsite = (art.url, art.title, other.ed.site.app_name)
        else:
            ted = EDITIONS[target]
            site.offsite = (ted.base + ted.home_path, ted.site.app_name, ted.site.app_name)


#: marks every invented tdmrep.json (JSON has no comments: an extra member, ignored by TDMRep readers)
TDMREP_INVENTED = (
    "TEST SNAPSHOT (scripts/build_snapshot.py): this tdmrep.json is INVENTED, the real one is unknown offline"
)


def tdmrep() -> str:
    """An invented ``/.well-known/tdmrep.json`` reserving TDM rights on every path (docs/rights.md)."""
    rules = [{"location": "/", "tdm-reservation": 1, "comment": TDMREP_INVENTED}]
    return json.dumps(rules, indent=1) + "\n"


def robots(sites: dict[str, SpiderSite], key: str) -> str:
    head = "# TEST SNAPSHOT (scripts/build_snapshot.py): this robots.txt text is INVENTED, "
    head += "the real one is unknown.\n"
    lines: list[str] = []
    if key == "rfi":
        head += "User-agent: *\nDisallow: /cn/preview/\nDisallow: /search\n"
        lines += [
            "Sitemap: https://www.rfi.fr/sitemaps/cn/index.xml",
            "Sitemap: https://www.rfi.fr/sitemaps/cn/news.xml",
        ]
    else:
        head += "User-agent: *\nDisallow:\n"
    for spider in SPIDER_ORDER:
        site = sites.get(spider)
        if site is None or site.ed.site.key != key:
            continue
        if site.ed.index:
            lines.append(f"Sitemap: {site.sitemap_url('index.xml')}")
        if site.ed.news:
            lines.append(f"Sitemap: {site.sitemap_url('news.xml')}")
    return head + ("\n" + "\n".join(lines) + "\n" if lines else "")


def cn_sitemaps(cn: cn_module.CnSite) -> dict[Path, str]:
    folder = SNAP_DIR / "rfi" / "sitemaps" / "cn"
    arts = sorted(cn.articles.values(), key=lambda a: (a.published, a.stem), reverse=True)
    months: dict[str, list] = {}
    for art in arts:
        months.setdefault(art.month, []).append(art)
    base = f"{CN.base}/sitemaps/cn/"
    generated = cn.site["generated_at"]
    children = [(base + "news.xml", generated)]
    files: dict[Path, str] = {}
    for month, group in sorted(months.items(), reverse=True):
        files[folder / f"contents_{month}.xml"] = cn.urlset([(a.url, a.lastmod) for a in group])
        children.append((base + f"contents_{month}.xml", max((a.lastmod for a in group), key=parse_utc)))
    files[folder / "tags.xml"] = cn.urlset([(url, generated) for url in cn.tag_pages()])
    children.append((base + "tags.xml", generated))
    files[folder / "index.xml"] = cn.sitemap_index(children)
    return files


def dump(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def clean_outputs() -> None:
    for key in SITES:
        if (SNAP_DIR / key).exists():
            shutil.rmtree(SNAP_DIR / key)
    for spider in SPIDER_ORDER:
        folder = FIXTURES_DIR / spider
        if not folder.exists():
            continue
        if (folder / "listings").exists():
            shutil.rmtree(folder / "listings")
        for path in folder.glob("*.json"):
            if path not in PROTECTED:
                path.unlink()


def main(argv: list[str] | None = None) -> int:
    from snapshot.readme import readme

    shorts = ShortCodes()
    cn = cn_module.load()
    for art in [*cn.articles.values(), cn.preview]:
        shorts.reserve(CN.site.short_domain, art.short)
    shorts.reserve(SITES["mcd"].short_domain, REAL_MCD["short"])
    sites, missing, problems = load_spiders(shorts)
    if problems:
        print("content files with problems (not built):\n" + "\n".join(problems), file=sys.stderr)
        if "--skip-invalid" not in (argv or sys.argv[1:]):
            return 1
    link_offsite(sites)

    files: dict[Path, str] = {}
    fixtures: dict[Path, str] = {}
    cn_files, cn_listings = cn.build()
    files.update(cn_files)
    files.update(cn_sitemaps(cn))
    for art in cn.articles.values():
        fixtures[FIXTURES_DIR / "rfi_cn" / f"{art.stem}.json"] = dump(cn.expected(art, cn.sources(art.stem)))
    for name, listing in cn_listings.items():
        fixtures[FIXTURES_DIR / "rfi_cn" / "listings" / f"{name}.json"] = dump(listing)
    card_lists: dict[str, dict[str, list[str]]] = {}
    for spider, site in sites.items():
        site_files, listings, card_lists[spider] = site.build()
        overlap = set(site_files) & set(files)
        if overlap:
            raise ValueError(f"{spider}: files written twice: {sorted(map(str, overlap))[:3]}")
        files.update(site_files)
        for art in site.articles.values():
            fixtures[FIXTURES_DIR / spider / f"{art.stem}.json"] = dump(
                site.expected(art, site.sources(art.stem))
            )
        for name, listing in listings.items():
            fixtures[FIXTURES_DIR / spider / "listings" / f"{name}.json"] = dump(listing)
    files[SNAP_DIR / "rfi" / "robots.txt"] = robots(sites, "rfi")
    files[SNAP_DIR / "f24" / "robots.txt"] = robots(sites, "f24")
    files[SNAP_DIR / "mcd" / "robots.txt"] = robots(sites, "mcd")
    files[SNAP_DIR / "rfi" / ".well-known" / "tdmrep.json"] = tdmrep()
    files[SNAP_DIR / "f24" / ".well-known" / "tdmrep.json"] = tdmrep()
    lenient = frozenset(s.real.file for s in sites.values() if s.real is not None)
    check_parse(files, lenient)
    if set(fixtures) & PROTECTED:
        raise ValueError("would overwrite a protected fixture")

    other_files, other_articles = broadcasters.build()
    check_parse({p: v.decode("utf-8") for p, v in other_files.items() if p.suffix == ".xml"})

    clean_outputs()
    for path, text in {**files, **fixtures}.items():
        write(path, text)
    for folder in broadcasters.outputs():
        if folder.exists():
            shutil.rmtree(folder)
    for path, data in other_files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    write(
        SNAP_DIR / "README.md", readme(cn, sites, card_lists, missing) + broadcasters.readme(other_articles)
    )
    print(
        f"wrote {len(files)} snapshot files, {len(fixtures)} fixtures, snapshots/README.md; "
        f"spiders: rfi_cn {' '.join(sites)}; {len(other_files)} files of {', '.join(broadcasters.SPIDERS)}"
    )
    if missing:
        print(f"content files not found (not built): {', '.join(missing)}", file=sys.stderr)
    return 0
