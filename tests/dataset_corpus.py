"""Run lines for the dataset tests and benchmarks: items, run files, a labelled near-duplicate set.

The labelled set is made from the article texts of the saved pages' expected items
(``tests/fixtures/<spider>/*.json``, 20 editions, 15 languages): each article is one
*original*; two edited copies of it are planted (**positives**: the three texts of one
article are pairwise near duplicates). Copy 1 replaces one word in 40 (one character in
40 for Chinese and Khmer) with another word of the same text, as a correction does; copy
2 adds a dateline before and a credit line after the text and drops its last sentence, as
a republication does. Every pair of texts made from two different articles of one language
is a **negative**. Made with a fixed seed: the same set every time.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from newscrawl.items import FIELD_NAMES
from newscrawl.utils.body import content_hash

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHARACTER_LANGUAGES = ("zh", "km")
#: the sites whose spiders' saved pages give the texts (France Médias Monde's)
SITES = ("rfi", "f24", "mcd")
DATELINES = {"fr": "PARIS (AFP) —", "en": "PARIS (AFP) —", "es": "PARÍS (AFP) —", "zh": "（法新社巴黎电）"}
CREDITS = {"fr": "Avec AFP", "en": "With AFP", "es": "Con AFP", "zh": "综合法新社报道"}


def item(
    url: str,
    body: str,
    *,
    site: str = "rfi",
    edition: str = "fr",
    language: str = "fr",
    published: str = "2024-02-01T10:00:00+00:00",
    modified: str | None = None,
    crawled_at: str = "2026-01-01T00:00:00+00:00",
    title: str = "Titre",
    **extra: Any,
) -> dict[str, Any]:
    """A run line in the crawler's key order (``content_hash`` computed from ``body``)."""
    fields: dict[str, Any] = {
        "url": url,
        "site": site,
        "edition": edition,
        "language": language,
        "title": title,
        "lead": None,
        "body": body,
        "body_html": "".join(f"<p>{p}</p>" for p in body.split("\n\n")),
        "authors": ["RFI"],
        "published": published,
        "modified": modified,
        "section": "monde",
        "tags": [],
        "image": None,
        "content_hash": content_hash(body),
        "discovered_via": "section",
        "crawled_at": crawled_at,
        "rights": None,  # NEWSCRAWL_RIGHTS_MODE=off; tests give a rights object where it matters
        "access": "http",
    }
    out = {name: fields[name] for name in FIELD_NAMES}
    out.update(extra)
    return out


def write_run(path: Path, items: Iterable[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for it in items:
            fh.write(json.dumps(it, ensure_ascii=False) + "\n")
    return path


def fixture_articles() -> list[dict[str, Any]]:
    """The expected items of the saved article pages, one per distinct body."""
    seen: set[str] = set()
    out = []
    for path in sorted(FIXTURES.glob("*_*/*.json")):
        if path.parent.name.split("_")[0] not in SITES:
            continue
        data = json.loads(path.read_text("utf-8"))
        expected = data.get("expected", data)
        if not isinstance(expected, dict) or not expected.get("body") or expected["body"] in seen:
            continue
        seen.add(expected["body"])
        spider = path.parent.name
        site, edition = spider.split("_")
        out.append({**expected, "site": site, "edition": edition, "language": _language(spider, expected)})
    return out


#: the editions' declared languages (docs/editions.md) where they are not the edition code
LANGUAGES = {"br": "pt-BR", "cn": "zh-Hans", "tw": "zh-Hant", "ma": "bm"}


def _language(spider: str, expected: dict[str, Any]) -> str:
    edition = spider.split("_")[1]
    return str(expected.get("language") or LANGUAGES.get(edition, edition))


def _tokens(text: str, language: str) -> tuple[list[str], str]:
    if language.split("-")[0] in CHARACTER_LANGUAGES:
        return list(text), ""
    return text.split(" "), " "


def corrected(text: str, language: str, rng: random.Random) -> str:
    """One word in 40 (one character for Chinese and Khmer) replaced by another of the text."""
    tokens, sep = _tokens(text, language)
    words = [t for t in tokens if t.strip()]
    for i in range(0, len(tokens), 40):
        j = min(len(tokens) - 1, i + rng.randrange(40))
        if tokens[j].strip() and tokens[j] != "\n":
            tokens[j] = rng.choice(words)
    return sep.join(tokens)


def republished(text: str, language: str) -> str:
    """A dateline before, a credit line after, the last sentence dropped."""
    primary = language.split("-")[0]
    body = text.rstrip()
    for mark in ("。", ". ", "。", "។", "؟", "."):
        cut = body.rstrip(".。។").rfind(mark)
        if cut > len(body) * 0.8:
            body = body[: cut + len(mark)].rstrip()
            break
    return f"{DATELINES.get(primary, 'PARIS (AFP) —')} {body}\n\n{CREDITS.get(primary, 'AFP')}"


def planted(seed: int = 15) -> tuple[list[dict[str, Any]], set[frozenset[str]]]:
    """(items, positive pairs of URLs): three texts per fixture article, as documented above."""
    rng = random.Random(seed)
    items: list[dict[str, Any]] = []
    positives: set[frozenset[str]] = set()
    for n, article in enumerate(fixture_articles()):
        language = article["language"]
        texts = [
            article["body"],
            corrected(article["body"], language, rng),
            republished(article["body"], language),
        ]
        urls = [f"https://www.rfi.fr/{article['edition']}/planted/{n:04d}-{k}" for k in range(3)]
        for k, (url, text) in enumerate(zip(urls, texts, strict=True)):
            items.append(
                item(
                    url,
                    text,
                    site=article["site"],
                    edition=article["edition"],
                    language=language,
                    title=article["title"],
                    published=f"2024-02-{1 + k:02d}T{n % 24:02d}:00:00+00:00",
                )
            )
        positives.update(frozenset((a, b)) for i, a in enumerate(urls) for b in urls[i + 1 :])
    return items, positives


def vocabulary() -> dict[tuple[str, str, str], list[str]]:
    """Words (characters for Chinese and Khmer) of the fixture texts, per (site, edition, language)."""
    words: dict[tuple[str, str, str], list[str]] = {}
    for article in fixture_articles():
        key = (article["site"], article["edition"], article["language"])
        tokens, _ = _tokens(article["body"].replace("\n\n", " "), article["language"])
        words.setdefault(key, []).extend(t for t in tokens if t.strip())
    return words


def synthetic(
    count: int, seed: int = 7, words_per_text: int = 120, start: int = 0, spiders: tuple[str, ...] = ()
) -> Iterator[dict[str, Any]]:
    """``count`` distinct articles over every edition, or those of ``spiders`` (URL numbers from
    ``start``): texts of random words of the edition's language."""
    rng = random.Random(seed)
    vocab = [(k, v) for k, v in sorted(vocabulary().items()) if not spiders or f"{k[0]}_{k[1]}" in spiders]
    for i in range(start, start + count):
        (site, edition, language), words = vocab[i % len(vocab)]
        sep = "" if language.split("-")[0] in CHARACTER_LANGUAGES else " "
        size = words_per_text * (3 if not sep else 1)
        body = sep.join(rng.choices(words, k=size))
        year = 2015 + i % 11
        yield item(
            f"https://www.rfi.fr/{edition}/s/{year}{i % 12 + 1:02d}01-a{i:08d}",
            body,
            site=site,
            edition=edition,
            language=language,
            published=f"{year}-{i % 12 + 1:02d}-01T{i % 24:02d}:{i % 60:02d}:00+00:00",
            title=f"a{i}",
        )


def near_duplicate_pairs(dataset: Path) -> set[frozenset[str]]:
    """Pairs of URLs that a built dataset puts in one near-duplicate cluster."""
    import duckdb

    clusters: dict[str, list[str]] = {}
    for kind in ("data", "removed"):
        files = sorted(str(p) for p in (dataset / kind).rglob("*.parquet"))
        if files:
            for url, cluster in duckdb.sql(
                f"SELECT url, near_dup_cluster FROM read_parquet({files!r})"
            ).fetchall():
                if cluster:
                    clusters.setdefault(cluster, []).append(url)
    return {frozenset(p) for members in clusters.values() for p in itertools.combinations(members, 2)}
