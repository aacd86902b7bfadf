"""The docs say what the code does: stats, component paths, discovery sources, the lock file, scripts."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest
from scrapy.utils.misc import load_object
from scrapy.utils.project import get_project_settings

from newscrawl.editions import SOURCES
from tests.conftest import ROOT

SETTINGS_DOC = ROOT / "docs" / "settings.md"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

#: helpers that count a stat under a prefix: ``self._count("links/article")`` is ``newscrawl/links/article``
PREFIXED = {"_count": "newscrawl/", "_inc": "newscrawl/seen_store/", "_drop": "newscrawl/validation/dropped/"}
STAT_WRITERS = {"inc_value", "set_value"}


def stat_name(node: ast.expr) -> str | None:
    """A stat name written as a string or f-string, each ``{…}`` as ``*``; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "*" for v in node.values)
    return None


def counted_stats() -> set[str]:
    """Every stat name newscrawl's code increments or sets (``*`` where a part is computed)."""
    names = set()
    for path in (ROOT / "newscrawl").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args):
                continue
            name = stat_name(node.args[0])
            method = node.func.attr
            if name is None or name.startswith("*"):
                continue
            if method in PREFIXED:
                names.add(PREFIXED[method] + name)
            elif name in {f"{prefix}*" for prefix in PREFIXED.values()}:
                continue  # inside a helper of PREFIXED
            elif method in STAT_WRITERS and name.startswith("newscrawl/"):
                names.add(name)
    return names


def stat_rows() -> list[tuple[list[str], str]]:
    """``(documented names, the whole row)`` of each row of docs/settings.md's stat tables.

    ``…/capped`` after ``newscrawl/retry_after/waited`` is ``newscrawl/retry_after/capped``.
    """
    rows = []
    for line in SETTINGS_DOC.read_text("utf-8").splitlines():
        if not line.startswith("| `newscrawl/"):
            continue
        first_cell = line.split(" | ")[0]
        names = [n.replace("\\|", "|") for n in re.findall(r"`([^`]+)`", first_cell)]
        full = names[0]
        rows.append(([full, *(full.rsplit("/", 1)[0] + n[1:] for n in names[1:] if n.startswith("…"))], line))
    return rows


def documented(stat: str) -> bool:
    """Is ``stat`` named in docs/settings.md? A computed part (``*``) must meet a ``<placeholder>``;
    a literal part met by a placeholder without alternatives must be named in the row's text."""
    segments = stat.split("/")
    for names, row in stat_rows():
        for name in names:
            parts = name.split("/")
            if len(parts) != len(segments):
                continue
            ok = True
            for want, doc in zip(segments, parts, strict=True):
                placeholder = doc.startswith("<") and doc.endswith(">")
                if want == "*" or "*" in want:
                    ok = ok and placeholder
                elif placeholder and "|" in doc:
                    ok = ok and want in doc[1:-1].split("|")
                elif placeholder:
                    ok = ok and f"`{want}`" in row
                else:
                    ok = ok and want == doc
            if ok:
                return True
    return False


def test_the_stat_scan_finds_the_stats() -> None:
    stats = counted_stats()
    assert {
        "newscrawl/links/article",
        "newscrawl/discovered/*",
        "newscrawl/seen_store/skipped",
        "newscrawl/validation/dropped/absurd_published",
        "newscrawl/validation/dropped/missing_*",
        "newscrawl/retry_after/capped",
        "newscrawl/coverage/has/*",
    } <= stats
    assert documented("newscrawl/retry_after/capped")
    assert not documented("newscrawl/retry_after/forgotten")
    assert not documented("newscrawl/validation/dropped/made_up")


def test_every_stat_the_code_counts_is_in_settings_md() -> None:
    missing = sorted(stat for stat in counted_stats() if not documented(stat))
    assert missing == []


@pytest.mark.parametrize("source", SOURCES)
def test_every_discovery_source_is_documented(source: str) -> None:
    assert documented(f"newscrawl/discovered/{source}")
    schema = json.loads((ROOT / "newscrawl" / "schema" / "article.schema.json").read_text("utf-8"))
    via = schema["properties"]["discovered_via"]
    assert source in via["enum"]
    assert re.search(rf"\b{source}\b", via["description"])
    item_doc = (ROOT / "docs" / "item_schema.md").read_text("utf-8")
    (row,) = [line for line in item_doc.splitlines() if line.startswith("| `discovered_via`")]
    assert f"`{source}`" in row
    readme = (ROOT / "README.md").read_text("utf-8")
    assert f"`{source}`" in readme.split("`discovered_via`", 1)[1].split("`crawled_at`", 1)[0]


COMPONENT_SETTINGS = (
    "DOWNLOAD_HANDLERS",
    "FEED_STORAGES",
    "EXTENSIONS",
    "LOG_FORMATTER",
    "PLAYWRIGHT_ABORT_REQUEST",
)


def configured_paths(name: str) -> set[str]:
    value = get_project_settings().get(name)
    if isinstance(value, str):
        return {value}
    if name in ("DOWNLOAD_HANDLERS", "FEED_STORAGES"):
        return {v for v in dict(value).values() if isinstance(v, str)}
    return {k for k in dict(value) if isinstance(k, str)}


@pytest.mark.parametrize("setting", COMPONENT_SETTINGS)
def test_the_component_paths_settings_md_names_are_the_configured_ones(setting: str) -> None:
    rows = [
        line for line in SETTINGS_DOC.read_text("utf-8").splitlines() if line.startswith(f"| `{setting}` |")
    ]
    assert rows, setting
    for row in rows:
        named = set(re.findall(r"`((?:newscrawl|scrapy|scrapy_playwright)(?:\.\w+){2,})", row))
        assert named, row
        assert named <= configured_paths(setting), row
        for path in named:
            load_object(path)
    if setting == "DOWNLOAD_HANDLERS":
        assert configured_paths(setting) <= {p for row in rows for p in re.findall(r"`([\w.]+)`", row)}


def test_every_newscrawl_path_in_the_docs_exists() -> None:
    for doc in DOCS:
        for path in set(re.findall(r"`(newscrawl(?:\.\w+)+)`", doc.read_text("utf-8"))):
            try:
                import_module(path)
            except ModuleNotFoundError:
                load_object(path)  # module.attribute


def test_the_lock_file_names_no_index_or_wheel_directory_of_this_machine() -> None:
    lock = (ROOT / "requirements.lock").read_text("utf-8")
    options = [line for line in lock.splitlines() if line.startswith("-")]
    assert options == []
    assert "file://" not in lock
    (command,) = re.findall(r"^\.venv/bin/pip-compile .*$", (ROOT / "README.md").read_text("utf-8"), re.M)
    assert "--no-emit-index-url" in command.split()
    assert "--no-emit-find-links" in command.split()
    (header,) = [line for line in lock.splitlines() if line.startswith("#    pip-compile ")]
    assert {"--no-emit-index-url", "--no-emit-find-links"} <= set(header.split())


@pytest.mark.parametrize(("args", "status"), [(["--help"], 0), (["-h"], 0), (["--bogus"], 2)])
def test_editions_table_help_writes_nothing(tmp_path: Path, args: list[str], status: int) -> None:
    """A copy of the script, whose docs/editions.md is a sentinel: --help prints help and writes nothing."""
    (tmp_path / "scripts").mkdir()
    (tmp_path / "docs").mkdir()
    shutil.copy(ROOT / "scripts" / "editions_table.py", tmp_path / "scripts")
    sentinel = tmp_path / "docs" / "editions.md"
    sentinel.write_text("sentinel\n", "utf-8")
    result = subprocess.run(
        [sys.executable, str(tmp_path / "scripts" / "editions_table.py"), *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == status, result.stderr
    assert "usage: editions_table.py [-h] [--check]" in result.stdout + result.stderr
    assert sentinel.read_text("utf-8") == "sentinel\n"
    assert sorted(p.name for p in (tmp_path / "docs").iterdir()) == ["editions.md"]
