#!/usr/bin/env bash
# Install the Debian packages the tests start for real: redis-server (the shared seen-store) and
# chromium (browser rendering; scrapy-playwright launches it, `playwright install` is not used).
# Does nothing when they are already there; needs root (or sudo) otherwise.
set -euo pipefail

packages=()
command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)
[ -x /usr/bin/chromium ] || packages+=(chromium)  # the default NEWSCRAWL_CHROMIUM_PATH

if [ ${#packages[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  apt_get=(apt-get)
elif command -v sudo >/dev/null 2>&1; then
  apt_get=(sudo apt-get)
else
  echo "missing Debian packages: ${packages[*]}; install them as root: apt-get install -y ${packages[*]}" >&2
  exit 1
fi
echo "installing Debian packages: ${packages[*]}"
"${apt_get[@]}" update -qq
DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
