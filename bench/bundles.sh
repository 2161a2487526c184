#!/bin/sh
# 一件事 bundle lives per second on SQLite (WAL, every commit durable before
# its answer, as for case lives): CLIENTS clients each drive whole lives of
# 开办餐饮店 for SECS seconds - apply (one form, one material list), one
# acceptance at the window, the 4 children approved in parallel by 4
# departments, one delivery - through bench/bundles.mjs (Node, the tests'
# HTTP client). The server runs with --no-jobs (documents are left to the
# renderer, a separate figure in bench/lives.sh).
#   bench/bundles.sh [seconds] [clients]
set -eu
. "$(dirname "$0")/lib.sh"
SECS=${1:-10}
CLIENTS=${2:-4}
WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/onetrip-bench.XXXXXX")
trap 'server_stop; work_remove "$WORK"' EXIT
machine_line
VAR="$WORK/sqlite"
mkdir -p "$VAR"
server_start "sqlite:$VAR/onetrip.db" "$VAR" "$BENCH_NOW" --no-jobs
# warm-up: one client, one second
node "$(dirname "$0")/bundles.mjs" "$SERVER_URL" 1 1 >/dev/null
printf 'sqlite bundle lives (%s clients, %s s): ' "$CLIENTS" "$SECS"
node "$(dirname "$0")/bundles.mjs" "$SERVER_URL" "$CLIENTS" "$SECS"
machine_line
