#!/usr/bin/env bash
# Installs Debian packages some tests make their fixtures with, when missing (no failure if apt cannot:
# those tests then skip, saying why): python3-memory-profiler (`python3-mprof run`, the mprof fixtures).
set -uo pipefail
if command -v python3-mprof >/dev/null 2>&1; then exit 0; fi
. "$(dirname "$0")/apt-install.sh"
echo "python3-mprof not found; installing Debian's python3-memory-profiler..."
apt_install python3-memory-profiler >/dev/null 2>&1 || echo "could not install python3-memory-profiler: the mprof fixture tests will skip" >&2
exit 0
