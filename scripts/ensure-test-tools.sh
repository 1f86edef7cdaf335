#!/usr/bin/env bash
# Installs Debian packages some tests make their fixtures with, when missing (no failure if apt cannot:
# those tests then skip, saying why): python3-memory-profiler (`python3-mprof run`, the mprof fixtures).
set -uo pipefail
if command -v python3-mprof >/dev/null 2>&1; then exit 0; fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
echo "python3-mprof not found; installing Debian's python3-memory-profiler..."
{ $SUDO apt-get update -qq && $SUDO apt-get install -y -qq python3-memory-profiler; } >/dev/null 2>&1 || echo "could not install python3-memory-profiler: the mprof fixture tests will skip" >&2
exit 0
