#!/bin/sh
# Complete case lives over HTTP on SQLite (WAL; every commit durable before its answer: group commit, or synchronous=FULL with the setting sqlite.group_commit=0) and on
# PostgreSQL, with audit records, the documents left to the background
# renderer:
#   1. counts what one life costs: on PostgreSQL the write transactions
#      (BEGIN) and statements (pg_stat_statements, logins excluded by a
#      warm-up) of COUNT lives run one at a time; on SQLite the fsync calls
#      of the server (one per durable commit, plus checkpoints), under
#      strace;
#   2. throughput: CLIENTS clients driving lives for SECS seconds, for a
#      window-decided 即办件 (apply, accept, approve, deliver), the same
#      closed by the clerk in one request (apply, accept with approve and
#      deliver) and for a department item (apply, accept, forward, pass,
#      approve, deliver);
#   3. the documents those lives produced, rendered and sealed by
#      `onetrip jobs run-once` rounds (20 documents each) for at most
#      RENDER_SECS (60) seconds: documents/s.
# The server runs with --no-jobs during 1 and 2, so that rendering does not
# share the two cores with the lives (it is a separate figure).
#   bench/lives.sh [seconds] [clients] [sqlite|postgresql ...]
set -eu
. "$(dirname "$0")/lib.sh"
SECS=${1:-10}
CLIENTS=${2:-16}
shift 2 2>/dev/null || shift $#
DBS=${*:-sqlite postgresql}
COUNT=${LIVES_COUNT:-200}
WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/onetrip-bench.XXXXXX")
trap 'server_stop; [ -n "${PGDIR:-}" ] && pg_stop "$PGDIR"; work_remove "$WORK"' EXIT
gen_build
lives_build
machine_line

sql() { "$GEN" --db "$URL" --sql "$1"; }
calc() { awk "BEGIN { printf \"%.1f\", $1 }"; }

for DBNAME in $DBS; do
	VAR="$WORK/$DBNAME"
	mkdir -p "$VAR"
	if [ "$DBNAME" = sqlite ]; then
		URL="sqlite:$VAR/onetrip.db"
	else
		PGDIR="$WORK/pg"
		URL=$(PG_EXTRA="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all" pg_start "$PGDIR")
	fi
	server_start "$URL" "$VAR" "$BENCH_NOW" --no-jobs
	# Warm-up (logins, caches), then the counted lives, one at a time.
	"$LIVES" "$SERVER_URL" window 1 0 20 >/dev/null
	"$LIVES" "$SERVER_URL" dept 1 0 20 >/dev/null
	for flow in window dept; do
		if [ "$DBNAME" = postgresql ]; then
			sql "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null 2>&1 || true
			sql "SELECT pg_stat_statements_reset()" >/dev/null
			"$LIVES" "$SERVER_URL" $flow 1 0 $COUNT > "$WORK/count.json"
			st=$(sql "SELECT SUM(calls) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database() AND s.query NOT LIKE '%pg_stat%'")
			bg=$(sql "SELECT COALESCE(SUM(calls), 0) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database() AND s.query = 'BEGIN'")
			wr=$(sql "SELECT SUM(calls) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database() AND (s.query LIKE 'INSERT%' OR s.query LIKE 'UPDATE%' OR s.query LIKE 'DELETE%')")
			# Each `gen-cases --sql` above adds its own transaction.
			printf '%-11s %-7s per life: %s write transactions (BEGIN..COMMIT), %s statements in all, %s of them INSERT/UPDATE/DELETE\n' \
				"$DBNAME" "$flow" "$(calc "$bg / $COUNT")" \
				"$(calc "$st / $COUNT")" "$(calc "$wr / $COUNT")"
			# LIVES_TOP=N: the N statements called most, per life.
			[ "${LIVES_TOP:-0}" -gt 0 ] && sql "SELECT ROUND(SUM(calls)::numeric / $COUNT, 2) AS per_life, LEFT(regexp_replace(query, '\s+', ' ', 'g'), 110) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database() AND s.query NOT LIKE '%pg_stat%' GROUP BY query ORDER BY SUM(calls) DESC LIMIT ${LIVES_TOP:-0}"
		else
			strace -f -c -e trace=fdatasync,fsync -p "$SERVER_PID" -o "$WORK/strace.txt" 2>/dev/null &
			STRACE=$!
			sleep 0.5
			"$LIVES" "$SERVER_URL" $flow 1 0 $COUNT > "$WORK/count.json"
			kill -INT $STRACE; wait $STRACE 2>/dev/null || true
			syncs=$(awk '$NF=="fdatasync" || $NF=="fsync" {n += $4} END {print n+0}' "$WORK/strace.txt")
			printf '%-11s %-7s per life: %s fsync calls (one WAL sync per commit at most; group commit shares them)\n' \
				"$DBNAME" "$flow" "$(calc "$syncs / $COUNT")"
		fi
	done
	for flow in window instant dept; do
		# The CPU counted from the end of the clients' logins and
		# uploads (lives waits on the file) to the end of the lives.
		LIVES_READY="$WORK/ready" "$LIVES" "$SERVER_URL" $flow "$CLIENTS" "$SECS" > "$WORK/run.json" &
		LPID=$!
		while [ ! -e "$WORK/ready" ] && kill -0 $LPID 2>/dev/null; do sleep 0.05; done
		cpu0=$(proc_cpu "$SERVER_PID"); pg0=0; pg1=0
		[ "$DBNAME" = postgresql ] && pg0=$(pg_cpu "$PGDIR")
		rm -f "$WORK/ready"
		wait $LPID
		cpu1=$(proc_cpu "$SERVER_PID")
		[ "$DBNAME" = postgresql ] && pg1=$(pg_cpu "$PGDIR")
		node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const steps = Object.entries(r.steps).map(([k, v]) => `${k} ${v.p50_ms}/${v.p99_ms}`).join(", ");
console.log(`${process.argv[2].padEnd(11)} ${r.flow.padEnd(7)} ${String(r.lives_per_s).padStart(7)} lives/s  ${String(r.requests_per_s).padStart(6)} req/s  (${r.lives} lives in ${r.seconds} s, ${r.clients} clients, errors ${r.errors}${r.first_error ? ": " + r.first_error : ""})`);
console.log(`            p50/p99 ms: ${steps}`);
const n = Math.max(1, r.lives), pg = process.argv[7] - process.argv[6];
console.log(`            server CPU per life: ${(1000 * (process.argv[4] - process.argv[3]) / n).toFixed(2)} ms` +
  (pg > 0 ? `, PostgreSQL CPU per life: ${(1000 * pg / n).toFixed(2)} ms` : "") + `; load average ${process.argv[5]}`);' \
			"$WORK/run.json" "$DBNAME" "$cpu0" "$cpu1" "$(cut -d' ' -f1-3 /proc/loadavg)" "$pg0" "$pg1"
	done
	server_stop
	# The documents of all those lives, rendered and sealed.
	pending=$(sql "SELECT COUNT(*) FROM documents WHERE status = 'pending'")
	t0=$(date +%s.%N)
	# At most RENDER_SECS seconds of rounds: the rate is what matters.
	render_rounds "$URL" "$VAR" "${RENDER_SECS:-60}"
	t1=$(date +%s.%N)
	ready=$(sql "SELECT COUNT(*) FROM documents WHERE status = 'ready'")
	left=$(sql "SELECT COUNT(*) FROM documents WHERE status <> 'ready'")
	printf '%-11s documents: %s pending; %s rendered and sealed in %s s by %s job rounds: %s documents/s (%s still pending)\n' \
		"$DBNAME" "$pending" "$ready" "$(calc "$t1 - $t0")" "$ROUNDS" "$(calc "$ready / ($t1 - $t0)")" "$left"
	[ "$DBNAME" = postgresql ] && { pg_stop "$PGDIR"; PGDIR=; }
	work_remove "$VAR"
done
machine_line
