"""A large rfi_cn snapshot on the real page templates, for benchmarks/crawl.py.

The bundled snapshot's own pages are the templates (``snapshots/rfi/cn/``):
its 14 section article pages (rotated), the 中国 section page, the homepage,
``cn/rss.xml`` and ``sitemaps/cn/news.xml``. Each generated article keeps the
template's markup byte for byte (head with its scripts and hreflang list,
header navigation, breadcrumb, figure, authors, interstitial ad, self-promo
blocks with the app badges' SVG, share bar, tags, related and latest asides,
footer) and gets its own title, slug, URL, date, section, authors, tags,
image, short link and body. Bodies are built from the templates' paragraphs
with the block types the CMS emits (paragraphs, sub-headings, quotes, lists,
inline links and emphasis, embeds).

Layout (raw UTF-8 file names, as in ``snapshots/rfi``):

- ``cn/<section>/<YYYYMMDD>-<slug>.html``: N articles over the 8 sections,
  newest first, one every ~15 minutes back from 2024-02-29;
- ``cn/<section>/index.html``: a card for every article of the section;
- ``cn/index.html``: cards of the newest articles of all sections;
- ``cn/rss.xml`` (``/cn/rss``) and ``sitemaps/cn/news.xml``: the newest ones;
- ``robots.txt``.

Deterministic: the same ``count`` and ``seed`` give the same bytes.
"""

from __future__ import annotations

import html
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import lxml.html

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "snapshots" / "rfi"
SECTIONS = ("中国", "法国", "港澳台", "亚洲", "美洲", "非洲", "欧洲", "中东")
ORIGIN = "https://www.rfi.fr"
PARIS = ZoneInfo("Europe/Paris")
NEWEST = datetime(2024, 2, 29, 18, 0, tzinfo=UTC)
HOME_CARDS = 60
RSS_ITEMS = 50
NEWS_SITEMAP_URLS = 100
TAG_PREFIX = "/cn/%E5%85%B3%E9%94%AE%E8%AF%8D/"  # /cn/关键词/
AUTHORS = ("方远", "周岚", "宁川", "季言", "安然", "周岚 - 台北", "林溪", "沈牧", "唐宁", "许朗")
CREDITS = ("AFP", "Reuters", "AP", "RFI", "法广")
ROBOTS = """# benchmarks/crawl_snapshot.py: generated benchmark snapshot (cn only)
User-agent: *
Disallow: /cn/preview/
Disallow: /search

Sitemap: https://www.rfi.fr/sitemaps/cn/news.xml
"""
_CJK_PHRASE = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9]{4,13}$")
_TAGS = re.compile(r"<[^>]+>")


def path_of(section: str, slug: str) -> str:
    """Decoded public path of an article."""
    return f"/cn/{section}/{slug}"


def enc(path: str) -> str:
    """Percent-encoded path as the site writes it (UTF-8, upper-case hex)."""
    return quote(path)


def twig_attr(text: str) -> str:
    """Escape like Twig's ``html_attr`` (what the tags' ``title`` attribute uses)."""
    return "".join(c if c.isascii() and (c.isalnum() or c in ",.-_") else f"&#x{ord(c):X};" for c in text)


def paris_display(moment: datetime) -> str:
    return moment.astimezone(PARIS).strftime("%d/%m/%Y - %H:%M")


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def rfc822(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")


def sub1(pattern: str, repl: str, text: str, *, flags: int = 0, count: int = 1) -> str:
    """``re.sub`` that must match (templates changing under the generator fail loudly)."""
    new, n = re.subn(pattern, lambda m: m.expand(repl), text, count=count, flags=flags)
    if n == 0:
        raise ValueError(f"template pattern not found: {pattern[:80]!r}")
    return new


def replace_all(text: str, old: str, new: str) -> str:
    if old not in text:
        raise ValueError(f"template text not found: {old[:80]!r}")
    return text.replace(old, new)


# -- data ---------------------------------------------------------------------------


@dataclass
class Image:
    uuid: str
    stem: str
    caption: str
    credit: str


@dataclass
class Article:
    index: int
    section: str
    title: str
    slug: str
    published: datetime
    lead: str
    authors: list[str]
    tags: list[str]
    image: Image
    short: str
    blocks: list[str]  # body HTML blocks
    template: int
    #: the "updated" date, on templates that show one
    modified: datetime | None = None
    related: list[int] = field(default_factory=list)

    @property
    def path(self) -> str:
        return path_of(self.section, self.slug)

    @property
    def href(self) -> str:
        return enc(self.path)

    @property
    def public_url(self) -> str:
        return ORIGIN + self.href

    @property
    def file(self) -> Path:
        return Path("cn") / self.section / f"{self.slug}.html"


@dataclass
class Corpus:
    """Text to vary pages with, taken from the templates: phrases, paragraphs, tags, captions."""

    phrases: list[str]
    paragraphs: list[str]
    tags: list[str]
    captions: list[str]

    @classmethod
    def from_templates(cls, pages: list[str]) -> Corpus:
        phrases: dict[str, None] = {}
        paragraphs: dict[str, None] = {}
        tags: dict[str, None] = {}
        captions: dict[str, None] = {}
        for page in pages:
            body = page[page.index('<div class="t-content__body') : page.index('<div class="o-self-promo')]
            for raw in re.findall(r"<p>(.*?)</p>", body, flags=re.S):
                text = _TAGS.sub("", raw).strip()
                if len(text) > 20 and not set(text) & set('<>&"'):
                    paragraphs[text] = None
                    for phrase in re.split(r"[，。；：、“”（）！？,.\s·]+", text):
                        if _CJK_PHRASE.match(phrase):
                            phrases[phrase] = None
            for tag in re.findall(r'class="a-hot-tag"[^>]*>([^<]+)</a>', page):
                tags[tag.strip()] = None
            for caption in re.findall(r'<span class="a-media-legend">([^<]+)</span>', page)[:1]:
                captions[caption.strip()] = None
        return cls(list(phrases), list(paragraphs), list(tags), list(captions))


def make_articles(count: int, corpus: Corpus, templates: list[ArticleTemplate], seed: int) -> list[Article]:
    """``count`` articles, newest first, each on one of ``templates`` (rotated at random)."""
    rng = random.Random(seed)
    articles: list[Article] = []
    slugs: set[str] = set()
    moment = NEWEST
    for index in range(count):
        moment -= timedelta(seconds=600 + rng.randrange(600))
        date = moment.astimezone(PARIS).strftime("%Y%m%d")
        while True:
            title = " ".join(rng.sample(corpus.phrases, 2))
            slug = f"{date}-{title.replace(' ', '-')}"
            if slug not in slugs:
                slugs.add(slug)
                break
        paragraphs = rng.sample(corpus.paragraphs, rng.randint(5, 11))
        lead = paragraphs.pop(0)
        caption = rng.choice(corpus.captions)
        image = Image(
            uuid=f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}-11ee-{rng.getrandbits(16):04x}-"
            f"005056{rng.getrandbits(24):06x}",
            stem=f"000_{rng.getrandbits(35):07X}"[:11],
            caption=caption,
            credit=rng.choice(CREDITS),
        )
        articles.append(
            Article(
                index=index,
                section=rng.choice(SECTIONS),
                title=title,
                slug=slug,
                published=moment.replace(second=0),
                lead=lead,
                authors=[],
                tags=rng.sample(corpus.tags, rng.randint(2, 4)),
                image=image,
                short=f"B{index:04X}",
                blocks=[],
                template=rng.randrange(len(templates)),
            )
        )
        template = templates[articles[-1].template]
        articles[-1].authors = rng.sample(AUTHORS, template.author_slots) + template.linked_authors
        if template.has_updated:
            articles[-1].modified = articles[-1].published + timedelta(minutes=rng.randrange(30, 360))
        articles[-1].blocks = body_blocks(rng, paragraphs, articles)
        check_blocks(articles[-1])
    by_section: dict[str, list[Article]] = {}
    for article in articles:
        by_section.setdefault(article.section, []).append(article)
    for members in by_section.values():
        for pos, article in enumerate(members):
            near = [m.index for m in members[max(0, pos - 1) : pos + 2] if m is not article]
            article.related = near[:2]
    return articles


_QUOTE_SVG = (
    '<span class="a-svg a-svg--picto-quote"><svg xmlns="http://www.w3.org/2000/svg" width="10" '
    'height="10"><path d="M0 0h10v10H0z"/></svg></span>'
)
_EMBED = """<div class="m-embed">
    <script>window.fmmEmbeds = window.fmmEmbeds || []; window.fmmEmbeds.push("youtube");</script>
    <iframe src="https://www.youtube.com/embed/x" width="560" height="315" frameborder="0" \
allow="accelerometer; autoplay; encrypted-media; picture-in-picture" allowfullscreen></iframe>
</div>"""


def body_blocks(rng: random.Random, paragraphs: list[str], earlier: list[Article]) -> list[str]:
    """Body HTML blocks in the CMS's markup (see the 中法建交 template page)."""
    blocks = ["<p>\xa0</p>"] if rng.random() < 0.5 else []
    for pos, plain in enumerate(paragraphs):
        text = plain
        if pos and rng.random() < 0.15:
            blocks.append(f"<h2>{rng.choice(paragraphs)[:8]}</h2>")
        if rng.random() < 0.25 and len(earlier) > 1:
            other = earlier[rng.randrange(len(earlier) - 1)]
            cut = len(text) // 2
            text = f'{text[:cut]}<a href="{other.href}">{other.title}</a>{text[cut:]}'
        elif rng.random() < 0.2:
            text = f"<strong>{text[:6]}</strong>{text[6:]}"
        blocks.append(f"<p>{text}</p>")
        if rng.random() < 0.06:
            blocks.append(f'<div class="m-em-quote">{_QUOTE_SVG}<p>“{plain[:30]}。”</p></div>')
        if rng.random() < 0.05:
            items = "".join(f"<li>{p[:12]}</li>" for p in rng.sample(paragraphs, min(3, len(paragraphs))))
            blocks.append(f"<ul>{items}</ul>")
        if rng.random() < 0.03:
            blocks.append(_EMBED)
    return blocks


def check_blocks(article: Article) -> None:
    """The body markup must be well formed: every ``<p>`` written is a paragraph once parsed."""
    markup = "".join(article.blocks)
    root = lxml.html.fragment_fromstring(markup, create_parent="div")
    if markup.count("<p>") != len(root.xpath(".//p")):
        raise ValueError(f"malformed body generated for {article.path}")


# -- templates ----------------------------------------------------------------------


def split_cards(text: str, start: int) -> tuple[int, int, list[str]]:
    """``(cards start, cards end, cards)`` of the ``o-layout-list`` that follows ``start``."""
    marker = '<div class="o-layout-list__item'
    first = text.index(marker, start)
    end = text.index("\n    </div>", first)
    cards = [marker + part for part in text[first:end].split(marker)[1:]]
    return first, end, cards


def make_card(template: str, article: Article, kicker: str | None = None) -> str:
    """A listing card of ``article`` from a template card (hrefs, title, image, kicker)."""
    old_href = re.search(r'<a href="([^"]*)" data-article-item-link', template)
    if old_href is None:
        raise ValueError("card template without data-article-item-link")
    card = template.replace(f'href="{old_href.group(1)}"', f'href="{article.href}"')
    card = sub1(r"<h2>.*?</h2>", f"<h2>{article.title}</h2>", card, flags=re.S)
    card = re.sub(r"/media/display/[0-9a-f-]{36}/", f"/media/display/{article.image.uuid}/", card)
    card = re.sub(r"(/p:16x9/)[^\"\s/]+?\.(webp|jpg|JPG|jpeg|png)", rf"\g<1>{article.image.stem}.\2", card)
    card = re.sub(r'alt="[^"]*"', f'alt="{article.image.caption}"', card)
    if kicker is not None:
        card = re.sub(r'(<span class="a-tag__wrapper ">)[^<]*(</span>)', rf"\g<1>{kicker}\2", card)
    return card


class ArticleTemplate:
    """One template article page carved into fixed text and the parts that vary."""

    def __init__(self, page: str) -> None:
        self.page = page
        self.title = _one(r'<h1 class="t-content__title a-page-title">(.*?)</h1>', page)
        self.og_url = _one(r'<meta property="og:url" content="([^"]*)">', page)
        self.lead = _one(r'<p class="t-content__chapo">\s*(.*?)\s*</p>', page, flags=re.S)
        self.short = _one(r"rfi\.my%2F([A-Za-z0-9]+)\.", page)
        og_image = re.search(r'<meta property="og:image" content="([^"]*)">', page)
        self.image = None
        if og_image:
            found = re.search(
                r"/media/display/([0-9a-f-]{36})/.*?/p:16x9/([^/\"]+?)\.\w+$", og_image.group(1)
            )
            self.image = (found.group(1), found.group(2)) if found else None
        self.alt = re.search(r'<img\s[^>]*?alt="([^"]*)"', page[: page.index('<div class="t-content__body')])
        interstitial = page.index('<div class="m-interstitial">')
        body_start = page.index("</button>\n    </div>\n", interstitial) + len("</button>\n    </div>\n")
        body_start += len(page[body_start:]) - len(page[body_start:].lstrip(" "))
        promo = page.index('<div class="o-self-promo', body_start)
        body_end = len(page[:promo].rstrip())
        related_start, related_end, related_cards = split_cards(
            page, page.index('<div class="t-content__related">')
        )
        latest_start, latest_end, latest_cards = split_cards(
            page, page.index('<div class="t-content__list-content">')
        )
        self.related_card = related_cards[0]
        self.latest_card = latest_cards[0]
        self.parts = (
            page[:body_start],
            page[body_end:related_start],
            page[related_end:latest_start],
            page[latest_end:],
        )
        #: a second, "updated" date (a <time> without pubdate)
        self.has_updated = re.search(r'<time datetime="[^"]*">', page) is not None
        self.author_slots = page.count('<span class="m-from-author__name">')
        # author pages linked by name (agency copy: "RFI") stay as they are
        self.linked_authors = re.findall(r'<a [^>]*class="m-from-author__name"[^>]*>([^<]+)</a>', page)
        self.tag_item = _one(
            r'<ul class="m-tags-list">\s*(<li class="m-tags-list__tag">.*?</li>)', page, re.S
        )

    def render(self, article: Article, by_index: list[Article], latest: list[Article]) -> str:
        top, middle, between, tail = self.parts
        top = self._head(top, article)
        middle = self._share_and_tags(middle, article)
        related = "".join(make_card(self.related_card, by_index[i]) for i in article.related)
        latest_cards = "".join(make_card(self.latest_card, a) for a in latest if a is not article)
        body = "\n".join(article.blocks)
        return f"{top}{body}{middle}{related}{between}{latest_cards}{tail}"

    def _head(self, text: str, article: Article) -> str:
        new_url = article.public_url
        text = replace_all(text, self.og_url, new_url)
        text = replace_all(text, self.title, article.title)
        text = replace_all(text, self.lead, article.lead)
        text = sub1(r'(<meta name="keywords" content=")[^"]*', rf"\g<1>{','.join(article.tags)}", text)
        text = sub1(
            r'<a href="/cn/[^"]+/"(\s*class="m-breadcrumb__list__item__link">)[^<]+</a>',
            rf'<a href="/cn/{article.section}/"\g<1>{article.section}</a>',
            text,
        )
        published = article.published
        text = sub1(
            r'<time datetime="[^"]*" pubdate="pubdate">[^<]*</time>',
            f'<time datetime="{iso(published)}" pubdate="pubdate">{paris_display(published)}</time>',
            text,
        )
        if article.modified is not None:
            text = sub1(
                r'<time datetime="[^"]*">[^<]*</time>',
                f'<time datetime="{iso(article.modified)}">{paris_display(article.modified)}</time>',
                text,
            )
        names = iter(article.authors)
        text = re.sub(
            r'(<span class="m-from-author__name">\s*)(.*?)(\s*</span>)',
            lambda m: f"{m.group(1)}{next(names)}{m.group(3)}",
            text,
            flags=re.S,
        )
        image = article.image
        if self.image:
            old_uuid, old_stem = self.image
            text = replace_all(text, f"/media/display/{old_uuid}/", f"/media/display/{image.uuid}/")
            text = replace_all(text, f"/{old_stem}.", f"/{image.stem}.")
        if self.alt and self.alt.group(1):
            text = text.replace(f'alt="{self.alt.group(1)}"', f'alt="{image.caption}"')
        legends = iter((image.caption, image.credit))
        text = re.sub(
            r'(<span class="a-media-legend">)[^<]*(</span>)',
            lambda m: f"{m.group(1)}{next(legends, image.credit)}{m.group(2)}",
            text,
        )
        return text

    def _share_and_tags(self, text: str, article: Article) -> str:
        text = replace_all(text, quote(self.og_url, safe=""), quote(article.public_url, safe=""))
        text = replace_all(text, quote(self.title, safe=""), quote(article.title, safe=""))
        text = replace_all(text, f"rfi.my%2F{self.short}.", f"rfi.my%2F{article.short}.")
        items = "".join(
            self.tag_item.replace(_one(r'href="([^"]*)"', self.tag_item), f"{TAG_PREFIX}{quote(tag)}/")
            .replace(_one(r'title="([^"]*)"', self.tag_item), twig_attr(tag))
            .replace(_one(r">([^<]+)</a>", self.tag_item), tag)
            for tag in article.tags
        )
        return sub1(
            r'(<ul class="m-tags-list">\s*)<li class="m-tags-list__tag">.*</li>(\s*</ul>)',
            rf"\g<1>{items}\2",
            text,
            flags=re.S,
        )


def _one(pattern: str, text: str, flags: int = 0) -> str:
    found = re.search(pattern, text, flags)
    if found is None:
        raise ValueError(f"template pattern not found: {pattern[:80]!r}")
    return found.group(1)


class ListingTemplate:
    """A listing page (homepage or section page): the text around its card list, and one card."""

    def __init__(self, page: str) -> None:
        start, end, cards = split_cards(page, page.index("<main"))
        self.before, self.after = page[:start], page[end:]
        self.card = next(c for c in cards if "<figure" in c and "data-article-item-link" in c)

    def render(self, articles: list[Article], kickers: bool = False) -> str:
        cards = "".join(make_card(self.card, a, a.tags[0] if kickers else None) for a in articles)
        return f"{self.before}{cards}{self.after}"


def section_page(template: ListingTemplate, section: str, articles: list[Article]) -> str:
    page = template.render(articles)
    page = sub1(r"<title>[^<]*? - ", f"<title>{section} - ", page)
    page = sub1(r'(<meta property="og:url" content=")[^"]*', rf"\g<1>{ORIGIN}{enc(f'/cn/{section}/')}", page)
    page = sub1(r'(<meta property="og:title" content=")[^"]*? - ', rf"\g<1>{section} - ", page)
    page = sub1(r'(<meta name="description" content=")[^：]*：', rf"\g<1>{section}：", page)
    return sub1(r'(<h1 class="o-pb-masterhead__title">)[^<]*', rf"\g<1>{section}", page)


def rss(template: str, articles: list[Article]) -> str:
    head, rest = template.split("<item>", 1)
    item = "<item>" + rest.split("</item>", 1)[0] + "</item>"
    tail = rest.rsplit("</item>", 1)[1]
    items = []
    for a in articles:
        text = item
        for tag, value in (
            ("title", a.title),
            ("link", a.public_url),
            ("description", a.lead),
            ("category", a.section),
            ("dc:creator", (a.authors or ["RFI"])[0]),
            ("pubDate", rfc822(a.published)),
        ):
            text = sub1(rf"<{tag}>[^<]*</{tag}>", f"<{tag}>{html.escape(value, quote=False)}</{tag}>", text)
        text = sub1(r'(<guid isPermaLink="true">)[^<]*', rf"\g<1>{a.public_url}", text)
        text = re.sub(r"/media/display/[0-9a-f-]{36}/", f"/media/display/{a.image.uuid}/", text)
        text = re.sub(r"(/p:16x9/)[^\"/]+?\.(jpg|JPG)", rf"\g<1>{a.image.stem}.\2", text)
        items.append(text)
    head = sub1(r"<lastBuildDate>[^<]*", f"<lastBuildDate>{rfc822(articles[0].published)}", head)
    return head + "\n    ".join(items) + tail


def news_sitemap(articles: list[Article]) -> str:
    urls = []
    for a in articles:
        urls.append(
            f"""  <url>
    <loc>{a.public_url}</loc>
    <lastmod>{iso(a.published)}</lastmod>
    <news:news>
      <news:publication>
        <news:name>RFI</news:name>
        <news:language>zh</news:language>
      </news:publication>
      <news:publication_date>{iso(a.published)}</news:publication_date>
      <news:title>{a.title}</news:title>
      <news:keywords>{", ".join(a.tags)}</news:keywords>
    </news:news>
    <image:image>
      <image:loc>https://s.rfi.fr/media/display/{a.image.uuid}/w:1280/p:16x9/{a.image.stem}.jpg</image:loc>
      <image:caption>{a.image.caption}</image:caption>
    </image:image>
  </url>
"""
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" '
        'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">\n' + "".join(urls) + "</urlset>\n"
    )


# -- the snapshot ---------------------------------------------------------------------


@dataclass
class Snapshot:
    root: Path
    articles: list[Article]
    article_bytes: int

    def article_files(self) -> Iterator[tuple[Path, str]]:
        """``(file, public URL)`` of every article page."""
        for a in self.articles:
            yield self.root / a.file, a.public_url


def template_pages() -> list[str]:
    pages = []
    for section in SECTIONS:
        for path in sorted((TEMPLATES / "cn" / section).glob("2*.html")):
            pages.append(path.read_text("utf-8"))
    if not pages:
        raise FileNotFoundError(f"no article template under {TEMPLATES / 'cn'}")
    return pages


def build(root: Path, count: int, seed: int = 2024) -> Snapshot:
    """Write a snapshot of ``count`` articles under ``root`` (which must be empty or absent)."""
    pages = template_pages()
    corpus = Corpus.from_templates(pages)
    templates = [ArticleTemplate(p) for p in pages]
    articles = make_articles(count, corpus, templates, seed)
    latest = articles[:4]
    total = 0
    for article in articles:
        target = root / article.file
        target.parent.mkdir(parents=True, exist_ok=True)
        data = templates[article.template].render(article, articles, latest[:3]).encode("utf-8")
        target.write_bytes(data)
        total += len(data)

    section_template = ListingTemplate((TEMPLATES / "cn" / "中国" / "index.html").read_text("utf-8"))
    home_template = ListingTemplate((TEMPLATES / "cn" / "index.html").read_text("utf-8"))
    for section in SECTIONS:
        members = [a for a in articles if a.section == section]
        (root / "cn" / section).mkdir(parents=True, exist_ok=True)
        page = section_page(section_template, section, members)
        (root / "cn" / section / "index.html").write_text(page, "utf-8")
    (root / "cn" / "index.html").write_text(
        home_template.render(articles[:HOME_CARDS], kickers=True), "utf-8"
    )
    rss_text = rss((TEMPLATES / "cn" / "rss.xml").read_text("utf-8"), articles[:RSS_ITEMS])
    (root / "cn" / "rss.xml").write_text(rss_text, "utf-8")
    (root / "sitemaps" / "cn").mkdir(parents=True, exist_ok=True)
    news = news_sitemap(articles[:NEWS_SITEMAP_URLS])
    (root / "sitemaps" / "cn" / "news.xml").write_text(news, "utf-8")
    (root / "robots.txt").write_text(ROBOTS, "utf-8")
    return Snapshot(root, articles, total)


def self_check(snapshot: Snapshot, sample: int = 40) -> None:
    """Parse generated pages with newscrawl's own parsers: every varied field must come out as meant."""
    from parsel import Selector

    from newscrawl.pages.fmm import FmmArticlePage, FmmListingPage
    from newscrawl.utils.body import clean_body

    step = max(1, len(snapshot.articles) // sample)
    checked = snapshot.articles[::step]
    checked += [next(a for a in snapshot.articles if a.template == t) for t in {a.template for a in checked}]
    for a in checked:
        page = FmmArticlePage.from_html((snapshot.root / a.file).read_text("utf-8"), a.public_url)
        fields = page.fields()
        body = clean_body(fields["body_html"], a.public_url)
        expected = {
            "url": a.public_url,
            "title": a.title,
            "lead": a.lead,
            "published": iso(a.published),
            "modified": iso(a.modified) if a.modified else None,
            "section": a.section,
            "authors": a.authors,
            "tags": a.tags,
        }
        got = {k: fields[k] for k in expected}
        cut = getattr(page, "body_is_cut", lambda: False)()
        if got != expected or not body.text or a.lead in body.text or cut:
            raise AssertionError(f"generated page {a.file} reads back wrong:\n{got}\n!=\n{expected}")
        if fields["image"] is not None and a.image.uuid not in fields["image"]["url"]:
            raise AssertionError(f"image of {a.file}: {fields['image']}")
    for section in SECTIONS:
        listing = FmmListingPage(
            Selector(text=(snapshot.root / "cn" / section / "index.html").read_text("utf-8"))
        )
        expected_links = [a.href for a in snapshot.articles if a.section == section]
        if listing.article_links() != expected_links:
            raise AssertionError(f"section page {section}: card links differ from its articles")
