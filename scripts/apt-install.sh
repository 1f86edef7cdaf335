# Sourced by the ensure-*.sh scripts: SUDO (empty as root, else sudo) and `apt_install PACKAGE`, which installs a
# Debian package quietly and without questions.
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

apt_install() {
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "$1" >/dev/null
}
