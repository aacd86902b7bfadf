"""The dataset card: ``README.md`` in the Hugging Face format (YAML front matter, then prose)."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa
import yaml

from newscrawl.dataset.schema import SCHEMAS

DEFAULT_RIGHTS = (
    "The articles are the work of their publishers (France Médias Monde: RFI, France 24, "
    "Monte Carlo Doualiya), who keep every right in them. This dataset grants no licence to them. "
    "Use them only as your own agreement with the publishers, or the law where you are (for example "
    "an exception for text and data mining that the publisher has not opted out of), allows."
)
BUILD_COMMAND = "python -m newscrawl.dataset build <runs dir> <dataset dir>"
SITE_NAMES = {"rfi": "RFI", "f24": "France 24", "mcd": "Monte Carlo Doualiya"}


def feature(kind: pa.DataType) -> dict[str, Any]:
    """An Arrow type as a Hugging Face ``features`` entry (without its name)."""
    if pa.types.is_struct(kind):
        return {"struct": [{"name": f.name, **feature(f.type)} for f in kind]}
    if pa.types.is_list(kind):
        inner = feature(kind.value_type)
        return {"list": inner["dtype"] if set(inner) == {"dtype"} else inner}
    if pa.types.is_timestamp(kind):
        return {"dtype": f"timestamp[{kind.unit}, tz={kind.tz}]" if kind.tz else f"timestamp[{kind.unit}]"}
    names = {
        pa.string(): "string",
        pa.int8(): "int8",
        pa.int16(): "int16",
        pa.int32(): "int32",
        pa.int64(): "int64",
        pa.float32(): "float32",
        pa.float64(): "float64",
        pa.bool_(): "bool",
    }
    return {"dtype": names[kind]}


def features(schema: pa.Schema) -> list[dict[str, Any]]:
    return [{"name": f.name, **feature(f.type)} for f in schema]


def summarize(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Counts and date ranges per edition, from the build's tables."""
    editions = con.sql(
        """SELECT site, edition, any_value(language) AS language,
                  count(*) FILTER (WHERE removed_reason IS NULL) AS rows,
                  min(published) FILTER (WHERE removed_reason IS NULL) AS first,
                  max(published) FILTER (WHERE removed_reason IS NULL) AS last,
                  count(*) FILTER (WHERE removed_reason = 'exact_duplicate') AS exact,
                  count(*) FILTER (WHERE removed_reason = 'near_duplicate') AS near,
                  count(*) FILTER (WHERE removed_reason = 'language_mismatch') AS mismatch_removed,
                  count(*) FILTER (WHERE language_check = 'match') AS match,
                  count(*) FILTER (WHERE language_check = 'mismatch') AS mismatch,
                  count(*) FILTER (WHERE language_check = 'unverifiable') AS unverifiable
           FROM final f JOIN versions v ON v.vid = f.vid GROUP BY site, edition ORDER BY site, edition"""
    ).fetchall()
    versions = dict(
        ((site, edition), count)
        for site, edition, count in con.sql(
            "SELECT site, edition, count(*) FROM versions GROUP BY site, edition"
        ).fetchall()
    )
    out = []
    for (
        site,
        edition,
        language,
        rows,
        first,
        last,
        exact,
        near,
        dropped,
        match,
        mismatch,
        unverif,
    ) in editions:
        out.append(
            {
                "site": site,
                "edition": edition,
                "language": language,
                "rows": rows,
                "versions": versions.get((site, edition), 0),
                "published_first": first.isoformat() if first else None,
                "published_last": last.isoformat() if last else None,
                "removed": {"exact_duplicate": exact, "near_duplicate": near, "language_mismatch": dropped},
                "language_check": {"match": match, "mismatch": mismatch, "unverifiable": unverif},
            }
        )
    return {"editions": out}


def _size_category(rows: int) -> str:
    for limit, name in (
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
        (10_000_000, "1M<n<10M"),
    ):
        if rows < limit:
            return name
    return "10M<n<100M"


def _config(name: str, paths: list[str], default: bool = False) -> dict[str, Any]:
    entry: dict[str, Any] = {"config_name": name, "data_files": [{"split": "train", "path": paths}]}
    if default:
        entry["default"] = True
    return entry


def render(manifest: dict[str, Any], summary: dict[str, Any], rights: str = DEFAULT_RIGHTS) -> str:
    editions = summary["editions"]
    parts = manifest["partitions"]

    def files(prefix: str) -> list[str]:
        return sorted(f for key, part in parts.items() if key.startswith(prefix) for f in part["files"])

    def count(prefix: str) -> int:
        return sum(part["rows"] for key, part in parts.items() if key.startswith(prefix))

    def size(prefix: str) -> int:
        return sum(part["bytes"] for key, part in parts.items() if key.startswith(prefix))

    def memory(prefix: str) -> int:
        return sum(part["uncompressed"] for key, part in parts.items() if key.startswith(prefix))

    def split(prefixes: list[str]) -> list[dict[str, Any]]:
        return [
            {
                "name": "train",
                "num_bytes": sum(memory(p) for p in prefixes),
                "num_examples": sum(count(p) for p in prefixes),
            }
        ]

    configs: list[dict[str, Any]] = []
    infos: list[dict[str, Any]] = []

    def add(name: str, prefixes: list[str], kind: str, default: bool = False) -> None:
        if not any(files(p) for p in prefixes):
            return
        # data/ -> data/*/*/*/*.parquet, data/rfi/cn/ -> data/rfi/cn/*/*.parquet
        globs = [p + "*/" * (4 - p.count("/")) + "*.parquet" for p in prefixes]
        configs.append(_config(name, globs, default))
        infos.append(
            {
                "config_name": name,
                "features": features(SCHEMAS[kind]),
                "splits": split(prefixes),
                "download_size": sum(size(p) for p in prefixes),
                "dataset_size": sum(memory(p) for p in prefixes),
            }
        )

    present = [e for e in editions if count(f"data/{e['site']}/{e['edition']}/")]
    add("default", ["data/"], "data", default=True)
    for e in present:
        add(f"{e['site']}_{e['edition']}", [f"data/{e['site']}/{e['edition']}/"], "data")
    languages: dict[str, list[str]] = {}
    for e in present:
        languages.setdefault(e["language"], []).append(f"data/{e['site']}/{e['edition']}/")
    for tag, prefixes in sorted(languages.items()):
        add(tag, prefixes, "data")
    add("versions", ["versions/"], "versions")
    add("removed", ["removed/"], "removed")
    tags = sorted(languages)
    front = {
        "license": "other",
        "license_name": "publishers-rights-reserved",
        "language": sorted({t.split("-")[0] for t in tags}),
        "language_details": ", ".join(tags),
        "pretty_name": "newscrawl: articles of France Médias Monde's editions",
        "size_categories": [_size_category(count("data/"))],
        "task_categories": ["text-generation"],
        "tags": ["news", "multilingual"],
        "configs": configs,
        "dataset_info": infos,
    }
    lines = [
        "---",
        yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=120).rstrip(),
        "---",
        "",
        "# newscrawl dataset",
        "",
        "News articles crawled by newscrawl from the language editions of "
        + ", ".join(sorted({SITE_NAMES.get(e["site"], e["site"]) for e in present}))
        + ": one row per article (its latest version) in `data/`, every version in `versions/`, "
        "rows taken out as duplicates or by the language filter in `removed/`.",
        "",
        "## Rights",
        "",
        rights,
        "",
        "## Editions",
        "",
        "| site | edition | language | articles | versions | first published | last published "
        "| exact dup. | near dup. | language match / mismatch / unverifiable |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for e in editions:
        check = e["language_check"]
        lines.append(
            f"| {e['site']} | {e['edition']} | {e['language']} | {e['rows']} | {e['versions']} "
            f"| {e['published_first'] or ''} | {e['published_last'] or ''} "
            f"| {e['removed']['exact_duplicate']} | {e['removed']['near_duplicate']} "
            f"| {check['match']} / {check['mismatch']} / {check['unverifiable']} |"
        )
    lines += [
        "",
        f"Files: {len(files('data/'))} in `data/` ({size('data/'):,} bytes), "
        f"{len(files('versions/'))} in `versions/`, {len(files('removed/'))} in `removed/`; "
        f"{sum(i['rows'] for i in manifest['inputs']):,} input lines from "
        f"{len(manifest['inputs'])} run files.",
        "",
        "## Columns",
        "",
        "The item's fields (newscrawl's docs/item_schema.md; times are UTC), `year` of `published`, "
        "`first_crawled_at` (first crawl of this text at this URL), `versions` (distinct texts seen at "
        "the URL), `exact_duplicates` (other URLs of the same language with the same text, in "
        "`removed/`), `near_dup_cluster` and `near_dup_cluster_size` (MinHash LSH, word 5-grams or "
        "character 5-grams for Chinese and Khmer, estimated Jaccard >= 0.7), `language_detected` and "
        "`language_check` (`match`, `mismatch` or `unverifiable`; Bambara and Fula have no reliable "
        "offline model and are always `unverifiable`). `removed/` adds `removed_reason`, "
        "`duplicate_of` (the URL kept) and `similarity`.",
        "",
        "## Build",
        "",
        "```sh",
        BUILD_COMMAND,
        "```",
        "",
        "`manifest.json` lists every run file consumed (path, size, sha256, rows) and every "
        "partition (rows, fingerprint, files); the next build reads only new or changed run files.",
        "",
        "Build options: "
        + ", ".join(f"`{k}={v}`" for k, v in manifest["options"].items() if k != "rights")
        + ".",
        "",
    ]
    return "\n".join(lines)
