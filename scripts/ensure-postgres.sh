#!/usr/bin/env bash
# Installs Debian's PostgreSQL server when it is missing: the share-server tests run against SQLite and a real
# PostgreSQL. The tests start their own throwaway cluster (test-support/postgres.ts: initdb in a temporary folder,
# listening on a Unix socket only, as the postgres user when run as root) and stop and remove it afterwards; the
# service the package sets up is not used, and is stopped and disabled if the install started it.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then exit 0; fi
echo "PostgreSQL not found; installing Debian's postgresql package..."
. "$(dirname "$0")/apt-install.sh"
apt_install postgresql
# Debian starts a cluster on port 5432 on install; the tests need none of it.
if command -v pg_ctlcluster >/dev/null 2>&1; then
  for c in $(pg_lsclusters -h 2>/dev/null | awk '$4 == "online" { print $1 "/" $2 }'); do $SUDO pg_ctlcluster "${c%/*}" "${c#*/}" stop || true; done
fi
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { echo "PostgreSQL is still missing" >&2; exit 1; }
