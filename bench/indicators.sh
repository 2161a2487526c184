#!/bin/sh
# The reform's scoreboard at province size, on SQLite and on PostgreSQL:
# fills each database with bench/gen-cases (CASES cases with their tallies,
# then ITEMS more published catalogue items with their version history),
# writes the new versions' indicator facts as an import's last step
# (`onetrip indicators facts`, timed on its own: the import's cost), starts
# the server and waits for its start-up job to load the facts (timed), then
# asks each indicator request ROUNDS times in turn as the hall
# administrator and prints, per request, the first answer's time (the
# first after the import), the median and the slowest of the others, the
# server's CPU time per request, the size and the first answer's CPU time.
#   bench/indicators.sh [cases] [items] [rounds] [sqlite|postgresql ...]
#   bench/indicators.sh quick      (100,000 cases, 20,000 items, 5 rounds)
# With IND_DB_URL and IND_VAR set (bench/lookup.sh does, INDICATORS=items),
# it measures on that database, already filled with cases, instead of
# making its own (one database given in the arguments).
set -eu
. "$(dirname "$0")/lib.sh"
if [ "${1:-}" = quick ]; then
	shift
	set -- 100000 20000 5 "$@"
fi
CASES=${1:-1000000}
ITEMS=${2:-20000}
ROUNDS=${3:-10}
shift 3 2>/dev/null || shift $#
DBS=${*:-sqlite postgresql}
WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/onetrip-bench.XXXXXX")
trap 'server_stop; [ -n "${PGDIR:-}" ] && pg_stop "$PGDIR"; work_remove "$WORK"' EXIT
gen_build

# The requests: the five item-based indicators (county and every
# department) now and at a past date, their monthly trend since the notice,
# the gap planner; the case-based counterparts over the whole period and
# one quarter, the monthly case volume with open/overdue/stalled counts,
# the items whose cases needed more trips than declared; the leader's
# dashboard and its drill-downs to the cases behind a number.
PATHS="/api/indicators
/api/indicators?as_of=2025-06-30
/api/indicators/trend
/api/indicators/gap
/api/indicators/cases
/api/indicators/cases?from=2026-04-01&to=2026-06-30
/api/indicators/volume
/api/indicators/discrepancies
/api/indicators/board
/api/indicators/case-list?key=closed
/api/indicators/case-list?key=over_one_trip
/api/indicators/case-list?key=online&from=2026-07-01&to=2026-09-29
/api/indicators/case-list?key=overdue
/api/indicators/case-list?key=stalled"

cpu_ticks() { # utime + stime of the server, in clock ticks
	awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"
}

machine_line
echo "cases: $CASES, added catalogue items: $ITEMS, $ROUNDS rounds per request"
for DBNAME in $DBS; do
	VARDIR=${IND_VAR:-$WORK/$DBNAME}
	mkdir -p "$VARDIR"
	if [ -n "${IND_DB_URL:-}" ]; then
		URL=$IND_DB_URL
	elif [ "$DBNAME" = sqlite ]; then
		URL="sqlite:$WORK/$DBNAME/onetrip.db"
	else
		PGDIR="$WORK/pg"
		URL=$(pg_start "$PGDIR")
	fi
	if [ -z "${IND_DB_URL:-}" ]; then
		"$BIN" demo --db "$URL" --var "$VARDIR" >/dev/null 2>&1
		"$GEN" --db "$URL" --cases "$CASES" --end "$BENCH_DAY" | sed "s/^/$DBNAME: /"
	fi
	"$GEN" --db "$URL" --items "$ITEMS" --end "$BENCH_DAY" | sed "s/^/$DBNAME: /"
	t0=$(date +%s.%N)
	facts=$("$BIN" indicators facts --db "$URL")
	t1=$(date +%s.%N)
	echo "$DBNAME: facts for $(echo "$facts" | sed -n 's/^已为 \([0-9]*\) .*/\1/p') versions written in $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}') s (onetrip indicators facts, wall time)"
	echo "$DBNAME: $("$GEN" --db "$URL" --sql "SELECT COUNT(*) FROM items WHERE status = 'published'") published items, $("$GEN" --db "$URL" --sql "SELECT COUNT(*) FROM item_versions") item versions, $("$GEN" --db "$URL" --sql "SELECT COUNT(*) FROM case_tally_day") case_tally_day rows, $("$GEN" --db "$URL" --sql "SELECT COUNT(*) FROM case_tally_item") case_tally_item rows"
	if [ -n "${IND_DB_URL:-}" ]; then
		# The database is filled already: start the server only.
		"$BIN" serve --listen 127.0.0.1:0 --db "$URL" --var "$VARDIR" \
			--now "$BENCH_NOW" >"$VARDIR/serve.out" 2>"$VARDIR/serve.log" &
		SERVER_PID=$!
		for _ in $(seq 1 100); do
			SERVER_URL=$(sed -n 's/^onetrip listening on //p' "$VARDIR/serve.out" | head -1)
			[ -n "$SERVER_URL" ] && break
			sleep 0.1
		done
	else
		server_start "$URL" "$VARDIR" "$BENCH_NOW"
	fi
	# The server's start-up job loads the facts (indicator_facts); the
	# first request is asked once it has, and its time is printed.
	t0=$(date +%s.%N)
	for _ in $(seq 1 1200); do
		grep -q 'indicators: facts of [0-9]* versions loaded' "$VARDIR/serve.log" && break
		sleep 0.1
	done
	echo "$DBNAME: start-up job: $(sed -n 's/.*indicators: \(facts of [0-9]* versions loaded in [0-9]* ms\).*/\1/p' "$VARDIR/serve.log" | head -1), waited $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}') s after the server answered"
	tok=$(api_token "$SERVER_URL" hall)
	hz=$(getconf CLK_TCK)
	echo "$PATHS" | while read -r path; do
		: > "$WORK/times"
		first=
		cf=$(cpu_ticks)
		c0=$cf
		for i in $(seq 0 "$ROUNDS"); do
			out=$(curl -s -o "$WORK/body" -w '%{http_code} %{time_total}' \
				-H "Authorization: Bearer $tok" "$SERVER_URL$path")
			code=${out% *}
			if [ "$code" != 200 ]; then
				echo "$DBNAME: $path answered $code: $(head -c 300 "$WORK/body")" >&2
				exit 1
			fi
			if [ "$i" -eq 0 ]; then
				first=${out#* }
				c0=$(cpu_ticks)
				cf=$((c0 - cf))
			else
				echo "${out#* }" >> "$WORK/times"
			fi
		done
		c1=$(cpu_ticks)
		sort -n "$WORK/times" | awk -v db="$DBNAME" -v p="$path" \
			-v first="$first" -v cpu="$((c1 - c0))" -v hz="$hz" -v fcpu="$cf" \
			-v n="$ROUNDS" -v size="$(wc -c < "$WORK/body")" '
			{a[NR] = $1}
			END {printf "%-11s %-52s first %7.1f ms  median %7.1f ms  max %7.1f ms  server CPU %6.1f ms/req  %7d bytes  first: server CPU %6.1f ms\n",
				db, p, first * 1000, a[int((NR + 1) / 2)] * 1000, a[NR] * 1000,
				cpu * 1000 / hz / n, size, fcpu * 1000 / hz}'
	done
	echo "$DBNAME: server resident memory: $(awk '/VmRSS|VmHWM/ {printf "%s %d MB  ", $1, $2 / 1024}' "/proc/$SERVER_PID/status")"
	server_stop
	[ -n "${PGDIR:-}" ] && { pg_stop "$PGDIR"; PGDIR=; }
	[ -n "${IND_DB_URL:-}" ] || work_remove "${WORK:?}/$DBNAME"
done
machine_line
