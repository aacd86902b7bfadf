"""``verify``: the files match the manifest and the schema; ``stats``: what the dataset holds."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq

from newscrawl.dataset.build import MANIFEST, BuildError, load_manifest
from newscrawl.dataset.schema import SCHEMAS


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def verify(dataset: Path) -> list[str]:
    """Problems found (empty: the dataset is whole)."""
    manifest = load_manifest(dataset)
    if manifest is None:
        raise BuildError(f"{dataset}: no {MANIFEST}; not a dataset")
    problems: list[str] = []
    listed: set[str] = set()
    for key, part in manifest["partitions"].items():
        kind = key.split("/", 1)[0]
        rows = 0
        for name in part["files"]:
            listed.add(name)
            path = dataset / name
            if not path.is_file():
                problems.append(f"{name}: missing")
                continue
            try:
                meta = pq.read_metadata(path)
            except (OSError, ValueError) as exc:
                problems.append(f"{name}: not a readable Parquet file ({exc})")
                continue
            rows += meta.num_rows
            if not meta.schema.to_arrow_schema().equals(SCHEMAS[kind]):
                problems.append(f"{name}: schema differs from the {kind} schema")
        if rows != part["rows"] and not any(p.startswith(tuple(part["files"])) for p in problems):
            problems.append(f"{key}: {rows} rows, the manifest says {part['rows']}")
        if part["bytes"] != sum(
            (dataset / n).stat().st_size for n in part["files"] if (dataset / n).is_file()
        ):
            problems.append(f"{key}: file sizes differ from the manifest")
    for path in sorted(dataset.glob("*/**/*.parquet")):
        name = path.relative_to(dataset).as_posix()
        if not name.startswith(".") and name not in listed:
            problems.append(f"{name}: not in the manifest")
    data = [
        str(dataset / n)
        for k, p in manifest["partitions"].items()
        if k.startswith("data/")
        for n in p["files"]
    ]
    if data and not problems:
        total, urls = duckdb.sql(  # type: ignore[union-attr]
            f"SELECT count(*), count(DISTINCT url) FROM read_parquet({data!r})"
        ).fetchall()[0]
        if total != urls:
            problems.append(f"data/: {total} rows but {urls} distinct URLs")
    return problems


def stats(dataset: Path) -> dict[str, Any]:
    manifest = load_manifest(dataset)
    if manifest is None:
        raise BuildError(f"{dataset}: no {MANIFEST}; not a dataset")
    summary: dict[str, Any] = manifest["summary"]
    parts = manifest["partitions"]
    totals = {
        kind: sum(p["rows"] for k, p in parts.items() if k.startswith(kind + "/"))
        for kind in ("data", "versions", "removed")
    }
    return {
        "totals": totals,
        "bytes": sum(p["bytes"] for p in parts.values()),
        "files": sum(len(p["files"]) for p in parts.values()),
        "inputs": len(manifest["inputs"]),
        "input_rows": sum(i["rows"] for i in manifest["inputs"]),
        "rejected": sum(i["rejected"] for i in manifest["inputs"]),
        "editions": summary["editions"],
    }
