#!/usr/bin/env bash
# Set up, then crawl the bundled offline snapshot with rfi_cn into output/rfi_cn/<UTC time>.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/python scripts/demo.py "$@"
