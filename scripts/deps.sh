#!/bin/sh
# Installs the Debian packages onetrip needs, only those that are missing.
# Idempotent; called by make before anything is compiled.
set -eu

# libqrencode-dev and zbar-tools serve the unit tests only: the reference QR
# encoder src/docs/qr.c is compared with, and a QR reader.
PACKAGES="build-essential pkg-config git ca-certificates
libmicrohttpd-dev libjansson-dev libsqlite3-dev libpq-dev libsodium-dev libssl-dev zlib1g-dev libdeflate-dev libbrotli-dev
libcairo2-dev libpango1.0-dev libqrencode-dev libxlsxwriter-dev libcmocka-dev libcurl4-openssl-dev
fonts-wqy-zenhei postgresql sqlite3 poppler-utils zbar-tools chromium wrk curl strace valgrind cppcheck nginx openssl nodejs npm"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
# Node.js and npm may come from elsewhere than Debian; accept them if present.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
	missing=$(echo "$missing" | tr ' ' '\n' | grep -vx -e nodejs -e npm | tr '\n' ' ')
fi
missing=$(echo "$missing" | xargs)
[ -z "$missing" ] && exit 0

echo "deps: installing missing packages: $missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || { echo "deps: need root or sudo to install: $missing" >&2; exit 1; }
	SUDO=sudo
fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
