"""The offline main job: serve snapshots/rfi on 127.0.0.1 and crawl it with rfi_cn.

Writes output/rfi_cn/<UTC start time>.jsonl through the project's FEEDS and
prints where the file is and how many articles it holds. Delays and
AutoThrottle are switched off: the snapshot is local, not the live site. The
seen-store is a throwaway one, so every run of the demo writes every article.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from newscrawl.snapshot_server import make_server

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    server = make_server(ROOT / "snapshots" / "rfi")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"serving the offline snapshot on {base_url}", flush=True)
    out_dir = ROOT / "output" / "rfi_cn"
    before = set(out_dir.glob("*.jsonl")) if out_dir.exists() else set()
    state = tempfile.TemporaryDirectory(prefix="newscrawl-demo-state-")
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "scrapy",
                "crawl",
                "rfi_cn",
                "-a",
                f"base_url={base_url}",
                "-s",
                "DOWNLOAD_DELAY=0",
                "-s",
                "AUTOTHROTTLE_ENABLED=False",
                "-s",
                f"NEWSCRAWL_STATE_DIR={state.name}",
                *sys.argv[1:],
            ],
            cwd=ROOT,
            check=False,
        )
    finally:
        server.shutdown()
        server.server_close()
        state.cleanup()
    if result.returncode != 0:
        print(f"crawl failed with exit status {result.returncode}", file=sys.stderr)
        return result.returncode
    new = sorted(set(out_dir.glob("*.jsonl")) - before)
    if not new:
        print("the crawl wrote no file under output/rfi_cn/", file=sys.stderr)
        return 1
    path = new[-1]
    count = sum(1 for line in path.read_text("utf-8").splitlines() if line.strip())
    print(f"{count} articles written to {path.relative_to(ROOT)}")
    return 0 if count else 1


if __name__ == "__main__":
    sys.exit(main())
