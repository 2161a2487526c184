#!/bin/sh
# SM2 signature of a 53 kB document, CPU per signature: sm2_sign() against
# OpenSSL's EVP_DigestSign with the same key (bench/sm2sign.c), linked with
# the release objects of bin/onetrip.
#   bench/sm2sign.sh [N]
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$ROOT" bin/onetrip
mkdir -p "$ROOT/build/bench"
# shellcheck disable=SC2046,SC2016
cc -std=c11 -D_GNU_SOURCE -O2 -I"$ROOT/src" \
	-o "$ROOT/build/bench/sm2sign" "$ROOT/bench/sm2sign.c" \
	$(find "$ROOT/build/rel" -name '*.o' ! -path '*/cli/main.o') \
	$(printf 'print-libs:\n\t@echo $(PKG_LIBS)\n' | make -s -C "$ROOT" -f Makefile -f - print-libs) \
	-lpthread -lm
uptime
"$ROOT/build/bench/sm2sign" "${1:-2000}"
