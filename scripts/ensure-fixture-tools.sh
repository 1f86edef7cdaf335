#!/usr/bin/env bash
# Installs, from Debian's packages, what the heap-walk fixture generators (fixtures-gen/allocgen.ts) need:
#   i386      g++ -m32 (g++-multilib) or, when multilib cannot go beside the aarch64 cross compiler
#             (Debian 12's gcc-multilib conflicts with it), the i686 cross compiler g++-i686-linux-gnu
#   aarch64   g++-aarch64-linux-gnu and qemu-user (qemu-aarch64)
#   tcmalloc  libgoogle-perftools4 (gperftools 2.10)
#   jemalloc  libjemalloc2 (jemalloc 5.3)
#   all       every one of them (npm test runs this; failures are reported and the tests skip saying why)
# Exits non-zero, saying why, when something could not be installed.
set -uo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo -n"; fi
export DEBIAN_FRONTEND=noninteractive
updated=""
apt_install() {
  if ! command -v apt-get >/dev/null; then echo "apt-get is not available to install $*"; return 1; fi
  if [ -z "$updated" ]; then $SUDO apt-get update -qq >/dev/null 2>&1 || true; updated=1; fi
  $SUDO apt-get install -y -qq "$@" >/dev/null 2>&1 || { echo "apt-get could not install $*"; return 1; }
}
i386_ok() {
  echo 'int main(){}' | g++ -m32 -x c++ -o /dev/null - >/dev/null 2>&1 || command -v i686-linux-gnu-g++ >/dev/null
}
need() {
  case "$1" in
    i386) i386_ok || apt_install g++-multilib || apt_install g++-i686-linux-gnu ;;
    aarch64) { command -v aarch64-linux-gnu-g++ >/dev/null || apt_install g++-aarch64-linux-gnu; } &&
             { command -v qemu-aarch64 >/dev/null || apt_install qemu-user; } ;;
    tcmalloc) [ -e /usr/lib/x86_64-linux-gnu/libtcmalloc.so.4 ] || apt_install libgoogle-perftools4 ;;
    jemalloc) [ -e /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 ] || apt_install libjemalloc2 ;;
    *) echo "unknown target $1"; return 2 ;;
  esac
}
status=0
targets=("$@")
if [ "${#targets[@]}" = 0 ] || [ "${targets[0]}" = all ]; then targets=(aarch64 i386 tcmalloc jemalloc); fi
for t in "${targets[@]}"; do
  need "$t" || { echo "fixture tools for $t: not installed"; status=1; }
done
exit $status
