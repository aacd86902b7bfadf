"""The article model and the body contract (page HTML of the body vs. the expected body / body_html)."""

# Long lines: body markup transcribed from the real FMM pages.
# ruff: noqa: E501

from __future__ import annotations

from collections.abc import Iterable

from snapshot.common import NBSP, SNAP_DIR, collapse, enc, esc, esc_body, paris, parse_utc, slugify
from snapshot.editions import Edition


class Article:
    """One article page. ``raw`` is in the rfi_cn.json article format (content files are converted to it)."""

    def __init__(self, raw: dict, ed: Edition, sections: Iterable[str]):
        self.raw = raw
        self.ed = ed
        self.stem: str = raw["stem"]
        self.title: str = raw["title"]
        self.lead_raw: str = raw["lead"]
        self.lead: str = collapse(raw["lead"])
        self.published: str = raw["published"]
        self.modified: str | None = raw.get("modified")
        self.section: str = raw["section"]
        self.section_name: str = raw.get("section_name") or raw["section"]
        self.section_path: str = raw.get("section_path") or f"{ed.prefix}/{raw['section']}/"
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
        self.date = paris(parse_utc(self.published)).date()
        date = self.date.strftime("%Y%m%d")
        if not self.stem.startswith(date + "-"):
            raise ValueError(f"{self.stem}: stem must start with the Paris date {date}")
        prefix = raw.get("url_prefix") or self.section_path
        self.path = f"{prefix}{date}-{raw.get('slug') or slugify(self.title)}"
        self.href = enc(self.path)
        self.url = ed.base + self.href
        rel = self.path.lstrip("/") + ".html"
        self.file = SNAP_DIR / ed.site.key / rel
        self.page = f"snapshots/{ed.site.key}/{rel}"
        self.img_host = ed.site.img_origin + "/media/display"

    @property
    def month(self) -> str:
        return self.date.strftime("%Y%m")

    @property
    def lastmod(self) -> str:
        return self.modified or self.published

    # ---- images
    def img_url(self, width: int, ext: str | None = None) -> str:
        im = self.image
        return f"{self.img_host}/{im['uuid']}/w:{width}/p:16x9/{im['file']}.{ext or im['ext']}"

    @property
    def image_url(self) -> str | None:
        return self.img_url(max(self.image["widths"])) if self.image else None


# --------------------------------------------------------------------------- body: page HTML + expected values


def run_html(run, articles: dict[str, Article], absolute: bool, base: str) -> tuple[str, str]:
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
            href = base + href
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
    base = art.ed.base
    for block in art.blocks:
        runs = paragraph_runs(block)
        if runs is not None:
            out.append("<p>" + "".join(run_html(r, articles, False, base)[0] for r in runs) + "</p>")
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
    base = art.ed.base
    for block in art.blocks:
        runs = paragraph_runs(block)
        if runs is not None:
            parts = [run_html(r, articles, True, base) for r in runs]
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
