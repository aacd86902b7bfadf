#!/usr/bin/env bash
# Create, or update, the virtualenv of a Scrapyd host: everything the newscrawl egg does not carry.
#
#   scripts/scrapyd-env.sh /opt/newscrawl/venv        # then run /opt/newscrawl/venv/bin/scrapyd
#
# Installs newscrawl's runtime dependencies and scrapyd at the versions pinned in requirements.lock
# (used as a constraints file: test and dev tools are not installed), and setuptools<81, because
# scrapyd 1.6 imports pkg_resources, which setuptools 82 removed. newscrawl itself is not installed:
# its code arrives as an egg uploaded with scrapyd-deploy (docs/deploy.md). Run it from a checkout
# of the revision you deploy; re-run it after requirements.lock changes. PYTHON picks the interpreter
# (default python3, 3.11 or newer).
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 <venv-dir>" >&2
  exit 2
fi
venv=$1
repo=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3}

if [ ! -x "$venv/bin/python" ]; then
  "$PYTHON" -m venv "$venv"
fi
"$venv/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "$venv: Python 3.11 or newer is needed (set PYTHON=python3.11 and remove $venv)" >&2
  exit 1
}

# What to install: [project] dependencies of pyproject.toml, plus scrapyd (its spec in the test extra).
requirements=$(mktemp)
trap 'rm -f "$requirements"' EXIT
"$venv/bin/python" - "$repo/pyproject.toml" > "$requirements" <<'EOF'
import re
import sys
import tomllib

project = tomllib.load(open(sys.argv[1], "rb"))["project"]
wanted = list(project["dependencies"])
wanted += [
    spec for spec in project["optional-dependencies"]["test"]
    if re.match(r"scrapyd\b(?!-)", spec)
]
print("\n".join(wanted))
EOF

"$venv/bin/python" -m pip install --quiet --upgrade 'pip>=24' 'setuptools<81' wheel
# requirements.lock as constraints: every package, direct or transitive, at its locked version
"$venv/bin/python" -m pip install --quiet \
  --constraint "$repo/requirements.lock" --requirement "$requirements" 'setuptools<81'

"$venv/bin/python" -W ignore - <<'EOF'
from importlib.metadata import version

import pkg_resources  # noqa: F401  (what scrapyd.runner needs)

setuptools = version("setuptools")
assert int(setuptools.split(".")[0]) < 81, f"setuptools {setuptools}: scrapyd 1.6 needs setuptools<81"
print(f"scrapyd {version('scrapyd')}, Scrapy {version('scrapy')}, setuptools {setuptools}")
EOF
echo "ready: start Scrapyd with $venv/bin/scrapyd, then deploy with scrapyd-deploy (docs/deploy.md)"
