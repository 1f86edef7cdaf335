#!/usr/bin/env bash
# Installs Debian's Chromium when it is missing (Playwright cannot download a browser here).
set -euo pipefail
CHROMIUM="${HEAPSCOPE_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
echo "Chromium not found at $CHROMIUM; installing Debian's chromium package..."
. "$(dirname "$0")/apt-install.sh"
apt_install chromium
[ -x "$CHROMIUM" ] || { echo "Chromium is still missing at $CHROMIUM" >&2; exit 1; }
