"""Column types: how run files are read (DuckDB) and what the Parquet files hold (Arrow)."""

from __future__ import annotations

import pyarrow as pa

UTC_TIMESTAMP = pa.timestamp("us", tz="UTC")

#: one item as DuckDB reads it from a run line; keys a line lacks (``rights``, ``access`` in
#: older runs) read as NULL, keys not listed are ignored
JSON_COLUMNS: dict[str, str] = {
    "url": "VARCHAR",
    "site": "VARCHAR",
    "edition": "VARCHAR",
    "language": "VARCHAR",
    "title": "VARCHAR",
    "lead": "VARCHAR",
    "body": "VARCHAR",
    "body_html": "VARCHAR",
    "authors": "VARCHAR[]",
    "published": "TIMESTAMPTZ",
    "modified": "TIMESTAMPTZ",
    "section": "VARCHAR",
    "tags": "VARCHAR[]",
    "image": "STRUCT(url VARCHAR, caption VARCHAR, credit VARCHAR)",
    "content_hash": "VARCHAR",
    "discovered_via": "VARCHAR",
    "crawled_at": "TIMESTAMPTZ",
    "rights": (
        "STRUCT(tdm_reservation TINYINT, tdm_policy VARCHAR, source VARCHAR, "
        "robots_disallows VARCHAR[], checked_at TIMESTAMPTZ, evidence VARCHAR, legacy VARCHAR[])"
    ),
    "access": "VARCHAR",
}

#: a line without one of these is rejected (the crawler's validation never writes one)
REQUIRED = ("url", "site", "edition", "language", "body", "published", "content_hash", "crawled_at")

ITEM_FIELDS: list[pa.Field] = [
    pa.field("url", pa.string(), nullable=False),
    pa.field("site", pa.string(), nullable=False),
    pa.field("edition", pa.string(), nullable=False),
    pa.field("language", pa.string(), nullable=False),
    pa.field("title", pa.string()),
    pa.field("lead", pa.string()),
    pa.field("body", pa.string(), nullable=False),
    pa.field("body_html", pa.string()),
    pa.field("authors", pa.list_(pa.string())),
    pa.field("published", UTC_TIMESTAMP, nullable=False),
    pa.field("modified", UTC_TIMESTAMP),
    pa.field("section", pa.string()),
    pa.field("tags", pa.list_(pa.string())),
    pa.field(
        "image",
        pa.struct([("url", pa.string()), ("caption", pa.string()), ("credit", pa.string())]),
    ),
    pa.field("content_hash", pa.string(), nullable=False),
    pa.field("discovered_via", pa.string()),
    pa.field("crawled_at", UTC_TIMESTAMP, nullable=False),
    pa.field(
        "rights",
        pa.struct(
            [
                ("tdm_reservation", pa.int8()),
                ("tdm_policy", pa.string()),
                ("source", pa.string()),
                ("robots_disallows", pa.list_(pa.string())),
                ("checked_at", UTC_TIMESTAMP),
                ("evidence", pa.string()),
                ("legacy", pa.list_(pa.string())),
            ]
        ),
    ),
    pa.field("access", pa.string()),
]
ITEM_COLUMNS = [f.name for f in ITEM_FIELDS]

#: partition columns, also written inside each file (Hugging Face datasets drops hive-style ones)
PARTITION = ("site", "edition", "year")
YEAR = pa.field("year", pa.int16(), nullable=False)
FIRST_CRAWLED = pa.field("first_crawled_at", UTC_TIMESTAMP, nullable=False)

LANGUAGE_FIELDS = [pa.field("language_detected", pa.string()), pa.field("language_check", pa.string())]
DUPLICATE_FIELDS = [
    pa.field("versions", pa.int32(), nullable=False),
    pa.field("exact_duplicates", pa.int32(), nullable=False),
    pa.field("near_dup_cluster", pa.string()),
    pa.field("near_dup_cluster_size", pa.int32(), nullable=False),
]
REMOVED_FIELDS = [
    pa.field("removed_reason", pa.string(), nullable=False),
    pa.field("duplicate_of", pa.string()),
    pa.field("similarity", pa.float32()),
]

#: data/: one row per article (its latest version)
DATA_SCHEMA = pa.schema([*ITEM_FIELDS, YEAR, FIRST_CRAWLED, *DUPLICATE_FIELDS, *LANGUAGE_FIELDS])
#: removed/: rows taken out of data/, and why
REMOVED_SCHEMA = pa.schema([*DATA_SCHEMA, *REMOVED_FIELDS])
#: versions/: one row per distinct body of a URL, numbered from 1 in order of first crawl
VERSIONS_SCHEMA = pa.schema(
    [*ITEM_FIELDS, YEAR, FIRST_CRAWLED, pa.field("version", pa.int32(), nullable=False)]
)

SCHEMAS = {"data": DATA_SCHEMA, "versions": VERSIONS_SCHEMA, "removed": REMOVED_SCHEMA}
