#!/bin/sh
# The staff inbox and the case look-up with many stored cases, on SQLite and
# on PostgreSQL: fills each database with bench/gen-cases, then measures
# under wrk (keep-alive, CONNS connections, SECS seconds each):
#   inbox       GET /api/work/inbox?queue=Q, first page, for 6 staff (window
#               clerks, approvers, department administrators) and all queues
#   inbox-next  the second page of the same (the cursor of the first)
#   lookup-no   GET /api/cases/lookup?no=...   (2,000 random case numbers)
#   lookup-idno GET /api/cases/lookup?idno=... (2,000 random ID numbers)
# and prints requests/s, p50 and p99 latency and non-2xx answers.
# and the server's resident memory (now and its peak) after the runs.
#   bench/lookup.sh [cases] [seconds] [connections] [sqlite|postgresql ...]
# connections may be a list ("1,4"): each count is measured on the same
# generated data, one after the other. INDICATORS=N: then, on the same
# database, bench/indicators.sh with N more catalogue items.
set -eu
. "$(dirname "$0")/lib.sh"
CASES=${1:-1000000}
SECS=${2:-10}
CONNS_LIST=$(echo "${3:-4}" | tr , ' ')
shift 3 2>/dev/null || shift $#
DBS=${*:-sqlite postgresql}
WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/onetrip-bench.XXXXXX")
trap 'server_stop; [ -n "${PGDIR:-}" ] && pg_stop "$PGDIR"; [ -n "${KEEP:-}" ] || work_remove "$WORK"' EXIT
gen_build

# Server-side time of the requests logged since line $1 of serve.log (the
# access log's duration field): p50 and p99, without the client's queueing.
server_pct() {
	tail -n +"$(($1 + 1))" "$WORK/$DBNAME/serve.log" | grep ' 200 ' |
		awk '{v = $(NF - 3); sub("ms", "", v); print v}' | sort -n |
		awk '{a[NR] = $1} END {if (NR) printf "server p50 %sms p99 %sms", a[int(NR * 0.5) + 1], a[int(NR * 0.99) + 1]}'
}

run_wrk() { # name file
	# Warm-up (caches, prepared statements), not counted.
	wrk -t1 -c"$CONNS" -d2s -s "$ROOT/bench/paths.lua" "$SERVER_URL" -- "$2" >/dev/null
	from=$(wc -l < "$WORK/$DBNAME/serve.log")
	c0=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
	wrk -t1 -c"$CONNS" -d"${SECS}s" --latency -s "$ROOT/bench/paths.lua" \
		"$SERVER_URL" -- "$2" > "$WORK/wrk.txt"
	rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
	p50=$(awk '$1=="50%" {print $2}' "$WORK/wrk.txt")
	p99=$(awk '$1=="99%" {print $2}' "$WORK/wrk.txt")
	non2xx=$(awk '/Non-2xx/ {print $NF}' "$WORK/wrk.txt")
	c1=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
	nreq=$(awk '/requests in/ {print $1}' "$WORK/wrk.txt")
	cpu=$(awk -v t="$((c1 - c0))" -v n="$nreq" -v hz="$(getconf CLK_TCK)" \
		'BEGIN {printf "%.3f", (n > 0 ? t * 1000 / hz / n : 0)}')
	printf '%-11s %-12s %10s req/s  p50 %8s  p99 %8s  non-2xx %s  (%s, server CPU %s ms/req; %s conn.)\n' \
		"$DBNAME" "$1" "$rps" "$p50" "$p99" "${non2xx:-0}" "$(server_pct "$from")" "$cpu" "$CONNS"
}

STAFF="window01 scjg_clerk scjg_sp zj_sp scjg_admin zj_admin"
machine_line
echo "cases stored: $CASES; wrk -t1 -c<connections> (${CONNS_LIST}) -d${SECS}s per line"
for DBNAME in $DBS; do
	mkdir -p "$WORK/$DBNAME"
	if [ "$DBNAME" = sqlite ]; then
		URL="sqlite:$WORK/$DBNAME/onetrip.db"
	else
		PGDIR="$WORK/pg"
		URL=$(pg_start "$PGDIR")
	fi
	"$BIN" demo --db "$URL" --var "$WORK/$DBNAME" >/dev/null 2>&1
	"$GEN" --db "$URL" --cases "$CASES" --end "$BENCH_DAY" | sed "s/^/$DBNAME: /"
	"$GEN" --db "$URL" --sample 2000 > "$WORK/sample.txt"
	server_start "$URL" "$WORK/$DBNAME" "$BENCH_NOW"
	# The deadline pass looks at every open case once a day: on a freshly
	# generated database that is the server's first round, as after each
	# midnight. It is timed, and the measurements start after it.
	t0=$(date +%s.%N)
	open_sql="SELECT COUNT(*) FROM cases WHERE accepted_day IS NOT NULL AND closed_at IS NULL"
	for _ in $(seq 1 6000); do
		# (a schema without swept_day, an earlier version: no wait)
		left=$("$GEN" --db "$URL" --sql "$open_sql AND swept_day <> '$BENCH_DAY'" 2>/dev/null) || break
		[ "$left" = 0 ] && break
		sleep 0.2
	done
	echo "$DBNAME: the first deadline pass looked at $("$GEN" --db "$URL" --sql "$open_sql") open cases in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s"
	# What the server and its database cost with no request (the jobs'
	# rounds), over 10 s once the first round of every job is over (30 s,
	# the sweeper's interval): the server's CPU time and PostgreSQL's (the
	# postmaster's children).
	db_ticks() {
		[ "$DBNAME" = postgresql ] || { echo 0; return; }
		for p in $(ps -o pid= --ppid "$(head -1 "$PGDIR/data/postmaster.pid")"); do
			awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null
		done | awk '{t += $1} END {print t + 0}'
	}
	sleep 30
	s0=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"); d0=$(db_ticks)
	sleep 10
	s1=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"); d1=$(db_ticks)
	echo "$DBNAME: idle for 10 s: the server used $(awk -v t="$((s1 - s0))" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t * 100 / hz / 10}') % of a core, the database $(awk -v t="$((d1 - d0))" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t * 100 / hz / 10}') %"
	: > "$WORK/inbox.txt"; : > "$WORK/next.txt"; rm -f "$WORK"/tok.*
	for login in $STAFF; do
		tok=$(api_token "$SERVER_URL" "$login")
		[ -n "$tok" ] || exit 1
		echo "$tok" > "$WORK/tok.$login"
		for q in accept review decide deliver all; do
			printf '%s\t/api/work/inbox?queue=%s\n' "$tok" "$q" >> "$WORK/inbox.txt"
			cur=$(curl -sf -H "Authorization: Bearer $tok" "$SERVER_URL/api/work/inbox?queue=$q" |
				node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const c=JSON.parse(s).next_cursor;console.log(c?encodeURIComponent(c):"")})')
			[ -n "$cur" ] && printf '%s\t/api/work/inbox?queue=%s&cursor=%s\n' "$tok" "$q" "$cur" >> "$WORK/next.txt"
		done
	done
	# Look-ups by the hall (sees every case), a window clerk and an approver.
	: > "$WORK/no.txt"; : > "$WORK/idno.txt"
	n=0
	while IFS="$(printf '\t')" read -r no idno; do
		case $((n % 3)) in 0) who=hall;; 1) who=window01;; *) who=scjg_sp;; esac
		[ -s "$WORK/tok.$who" ] || api_token "$SERVER_URL" "$who" > "$WORK/tok.$who"
		tok=$(cat "$WORK/tok.$who")
		printf '%s\t/api/cases/lookup?no=%s\n' "$tok" "$no" >> "$WORK/no.txt"
		printf '%s\t/api/cases/lookup?idno=%s\n' "$tok" "$idno" >> "$WORK/idno.txt"
		n=$((n + 1))
	done < "$WORK/sample.txt"
	echo "$DBNAME: $(wc -l < "$WORK/inbox.txt") inbox pages, $(wc -l < "$WORK/next.txt") next pages, $n look-ups each"
	for CONNS in $CONNS_LIST; do
		run_wrk inbox "$WORK/inbox.txt"
		[ -s "$WORK/next.txt" ] && run_wrk inbox-next "$WORK/next.txt"
		run_wrk lookup-no "$WORK/no.txt"
		run_wrk lookup-idno "$WORK/idno.txt"
	done
	# The server's resident memory now and at its peak (all the runs above).
	echo "$DBNAME: server resident memory: $(awk '/VmRSS|VmHWM/ {printf "%s %d MB  ", $1, $2 / 1024}' "/proc/$SERVER_PID/status")"
	server_stop
	if [ -n "${INDICATORS:-}" ]; then
		IND_DB_URL=$URL IND_VAR=$WORK/$DBNAME "$ROOT/bench/indicators.sh" \
			"$CASES" "$INDICATORS" 5 "$DBNAME"
	fi
	[ "$DBNAME" = postgresql ] && { pg_stop "$PGDIR"; PGDIR=; }
	[ -n "${KEEP:-}" ] || work_remove "$WORK/$DBNAME"
done
machine_line
