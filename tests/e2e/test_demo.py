"""The README's main job: scripts/demo.py crawls the bundled snapshot, every article, every time."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT, read_jsonl


def test_the_demo_writes_every_snapshot_article_on_every_run() -> None:
    written = []
    for _ in range(2):  # a throwaway seen-store: the second run is not incremental
        result = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "demo.py")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        match = re.search(r"^(\d+) articles written to (output/rfi_cn/\S+\.jsonl)$", result.stdout, re.M)
        assert match is not None, result.stdout[-2000:]
        assert match.group(1) == "16"
        items = read_jsonl(ROOT / match.group(2))
        assert len({item["url"] for item in items}) == 16
        written.append(match.group(2))
    assert written[0] != written[1]
