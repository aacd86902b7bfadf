#!/usr/bin/env bash
# Set up (Python environment and the Debian packages the tests start), then run the whole
# offline test suite (extra arguments go to pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/system-deps.sh
exec .venv/bin/python -m pytest "$@"
