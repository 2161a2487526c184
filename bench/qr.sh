#!/bin/sh
# One QR code of a 55-byte verification link, CPU per code: our encoder
# (src/docs/qr.c) against libqrencode, which it replaced (bench/qr.c),
# linked with the release objects of bin/onetrip.
#   bench/qr.sh [N]
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$ROOT" bin/onetrip
mkdir -p "$ROOT/build/bench"
# shellcheck disable=SC2046,SC2016
cc -std=c11 -D_GNU_SOURCE -O2 -I"$ROOT/src" $(pkg-config --cflags cairo libqrencode) \
	-o "$ROOT/build/bench/qr" "$ROOT/bench/qr.c" \
	$(find "$ROOT/build/rel" -name '*.o' ! -path '*/cli/main.o') \
	$(printf 'print-libs:\n\t@echo $(PKG_LIBS)\n' | make -s -C "$ROOT" -f Makefile -f - print-libs) \
	$(pkg-config --libs libqrencode) -lpthread -lm
uptime
"$ROOT/build/bench/qr" "${1:-20000}"
