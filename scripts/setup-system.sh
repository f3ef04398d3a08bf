#!/bin/sh
# System packages the host tests need (Debian). Idempotent: installs only what
# is missing and runs `apt-get update` at most once. Run as root (or with sudo).
# Other areas append their packages to PACKAGES below.
set -eu

PACKAGES="
libmbedtls-dev
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

echo "setup-system: installing$missing"
$SUDO apt-get update
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing
