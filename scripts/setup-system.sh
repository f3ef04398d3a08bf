#!/bin/sh
# System packages the host tests need (Debian). Idempotent: installs only what
# is missing and runs `apt-get update` at most once. Run as root (or with sudo).
# Other areas append their packages to PACKAGES below. An `:i386` package
# (the 32-bit mbedTLS the memcheck script builds the C core against, since an
# ESP32 is 32-bit) makes the script add Debian's i386 architecture first.
set -eu

PACKAGES="
libmbedtls-dev
libmbedtls-dev:i386
gcc-multilib
gcc
make
python3
openssl
python3-websockets
chromium
"

missing=""
for pkg in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $pkg"
  fi
done

if [ -z "$missing" ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-system: missing packages:$missing (not a Debian system: install them by hand)" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup-system: missing packages:$missing and not root (run as root)" >&2
    exit 1
  fi
fi

case "$missing" in
  *:i386*)
    if ! dpkg --print-foreign-architectures | grep -qx i386; then $SUDO dpkg --add-architecture i386; fi ;;
esac

echo "setup-system: installing$missing"
# A mirror in the middle of a sync can fail one index: try again before giving up.
tries=0
until $SUDO apt-get update; do
  tries=$((tries + 1))
  if [ "$tries" -ge 3 ]; then echo "setup-system: apt-get update failed $tries times" >&2; exit 1; fi
  sleep 15
done
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing
