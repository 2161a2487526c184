#!/bin/sh
# GET /healthz and an authenticated GET /api/me under wrk, on SQLite and on
# PostgreSQL. Prints requests/s and latency percentiles for each.
#   bench/http.sh [seconds] [connections]
set -eu
. "$(dirname "$0")/lib.sh"
SECS=${1:-10}
CONNS=${2:-64}
WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/onetrip-bench.XXXXXX")
trap 'server_stop; [ -n "${PGDIR:-}" ] && pg_stop "$PGDIR"; work_remove "$WORK"' EXIT

run_wrk() { # name url [token]
	if [ -n "${3:-}" ]; then
		wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -H "Authorization: Bearer $3" "$2" > "$WORK/wrk.txt"
	else
		wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "$2" > "$WORK/wrk.txt"
	fi
	rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
	p50=$(awk '$1=="50%" {print $2}' "$WORK/wrk.txt")
	p99=$(awk '$1=="99%" {print $2}' "$WORK/wrk.txt")
	non2xx=$(awk '/Non-2xx/ {print $NF}' "$WORK/wrk.txt")
	printf '%-12s %-14s %12s req/s  p50 %8s  p99 %8s  non-2xx %s\n' "$DBNAME" "$1" "$rps" "$p50" "$p99" "${non2xx:-0}"
}

for DBNAME in sqlite postgresql; do
	mkdir -p "$WORK/$DBNAME"
	if [ "$DBNAME" = sqlite ]; then
		URL="sqlite:$WORK/$DBNAME/onetrip.db"
	else
		PGDIR="$WORK/pg"
		URL=$(pg_start "$PGDIR")
	fi
	server_start "$URL" "$WORK/$DBNAME"
	TOKEN=$(api_token "$SERVER_URL" scjg_sp)
	run_wrk "GET /healthz" "$SERVER_URL/healthz"
	run_wrk "GET /api/me" "$SERVER_URL/api/me" "$TOKEN"
	server_stop
done
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
