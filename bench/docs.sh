#!/bin/sh
# Sealed documents (PDF with the seal, the SM2 signature and the QR code,
# stored, in their transaction): how fast the server's renderer makes them,
# alone and beside case lives.
#   1. backlog: a server without its jobs (--no-jobs) takes window lives
#      (apply, accept, approve, deliver: 受理通知书, 准予许可决定书 and the
#      certificate) from CLIENTS clients for SECS seconds, which leave their
#      documents pending; then the same database is served with its jobs and
#      the renderer works the backlog off alone: documents/s from the
#      pending count (polled every 0.5 s) and the server's CPU seconds per
#      document (utime + stime from /proc, the load-robust figure);
#   2. sustained: a fresh database served with its jobs (the renderer in the
#      same process) takes window lives from CLIENTS clients for SECS
#      seconds: lives/s, the pending backlog's maximum (polled every
#      0.5 s), then the backlog drains; per document the wait from the
#      action that made it to its sealed file (ready_at - created_at,
#      whole seconds): p50, p99, max; and the backlog left when the load
#      stops over its seconds: how fast it grew (a peak longer than SECS
#      makes its documents wait longer unless that is 0).
#   3. paced (SQLite): the same at a steady PACED_RATE (400) lives a second
#      for PACED_SECS (30) seconds, the load a hall would keep up, not as
#      fast as the clients can: whether the documents keep up with it
#      (backlog growth 0, waits of a second or two). PACED_CLIENTS (64)
#      clients keep the lives in flight: a client has one life at a time,
#      so n clients cannot start more than n / (a life's latency) a second
#      whatever the rate asked (16 clients at ~50 ms a life: ~320/s); the
#      rate, not the clients, is to be the limit.
#   0. the PDF step alone (bench/pdfrender.c): the same notice rendered
#      PDF_N (2000) times in one thread, CPU per document.
# Before the renderer runs, the file system's cost of a new file is printed
# (lib.sh fs_line): each document is a new file, and on this VM's ext4 that
# cost depends on how many files were removed in the minutes before.
#   bench/docs.sh [seconds] [clients] [sqlite|postgresql ...]
set -eu
. "$(dirname "$0")/lib.sh"
SECS=${1:-10}
CLIENTS=${2:-16}
shift 2 2>/dev/null || shift $#
DBS=${*:-sqlite postgresql}
DRAIN_SECS=${DRAIN_SECS:-300}
PACED_RATE=${PACED_RATE:-400}  # 3.: window lives a second (0: no run)
PACED_SECS=${PACED_SECS:-30}
PACED_CLIENTS=${PACED_CLIENTS:-64}
WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/onetrip-bench.XXXXXX")
trap 'server_stop; [ -n "${PGDIR:-}" ] && pg_stop "$PGDIR"; work_remove "$WORK"' EXIT
gen_build
lives_build
machine_line
TCK=$(getconf CLK_TCK)

# 0. The PDF step alone, linked with the release objects of bin/onetrip.
PDFR=$ROOT/build/bench/pdfrender
# shellcheck disable=SC2046
cc -std=c11 -D_GNU_SOURCE -O2 -I"$ROOT/src" $(pkg-config --cflags pangocairo) \
	-o "$PDFR" "$ROOT/bench/pdfrender.c" \
	$(find "$ROOT/build/rel" -name '*.o' ! -path '*/cli/main.o') \
	$(printf 'print-libs:\n\t@echo $(PKG_LIBS)\n' | make -s -C "$ROOT" -f Makefile -f - print-libs) \
	-lpthread -lm
"$PDFR" "${PDF_N:-2000}"

sql() { "$GEN" --db "$URL" --sql "$1"; }
calc() { awk "BEGIN { printf \"%.${2:-1}f\", $1 }"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }
pending() { sql "SELECT COUNT(*) FROM documents WHERE status IN ('pending', 'rendering')"; }

# serve_again: the same database and files, served with the jobs on.
serve_again() {
	"$BIN" serve --listen 127.0.0.1:0 --db "$URL" --var "$VAR" \
		--now "$BENCH_NOW" >"$VAR/serve.out" 2>"$VAR/serve.log" &
	SERVER_PID=$!
	for _ in $(seq 1 100); do
		SERVER_URL=$(sed -n 's/^onetrip listening on //p' "$VAR/serve.out" | head -1)
		[ -n "$SERVER_URL" ] && return 0
		sleep 0.1
	done
	echo "server did not start" >&2
	return 1
}

# new_db PHASE: a fresh database and folder. The folders of earlier phases
# are kept until the script ends: deleting thousands of files just before a
# phase writes its own made ext4's inode allocator skip every inode freed in
# the last minutes (recently_deleted), ~9 % of the renderer's CPU in a
# profile, which a server that keeps its files never pays.
new_db() {
	VAR="$WORK/$DBNAME-$1"
	mkdir -p "$VAR"
	if [ "$DBNAME" = sqlite ]; then
		URL="sqlite:$VAR/onetrip.db"
	else
		[ -n "${PGDIR:-}" ] && pg_stop "$PGDIR"
		PGDIR="$WORK/pg"
		URL=$(pg_start "$PGDIR")
	fi
}

# drain N: waits, at most DRAIN_SECS, until none of the N pending documents
# is left; sets t0 and t1 (its start and end), left (still pending) and c1
# (the server's CPU ticks at the end).
drain() {
	t0=$(date +%s.%N)
	end=$(($(date +%s) + DRAIN_SECS))
	left=$1
	while [ "$left" -gt 0 ] && [ "$(date +%s)" -lt $end ]; do
		sleep 0.5
		left=$(pending)
	done
	t1=$(date +%s.%N)
	c1=$(cpu_ticks)
}

# with_renderer LABEL SECONDS [CLIENTS]: a fresh database served with its
# jobs takes window lives from CLIENTS clients for SECONDS (at LIVES_RATE a
# second when that is set), then the backlog drains; prints the line LABEL.
with_renderer() {
	_label=$1 _secs=$2 _clients=${3:-$CLIENTS}
	new_db "$_label"
	server_start "$URL" "$VAR" "$BENCH_NOW"
	c0=$(cpu_ticks)
	"$LIVES" "$SERVER_URL" window "$_clients" "$_secs" > "$WORK/run.json" &
	LPID=$!
	max=0
	while kill -0 $LPID 2>/dev/null; do
		p=$(pending)
		[ "$p" -gt "$max" ] && max=$p
		sleep 0.5
	done
	wait $LPID
	at_end=$(pending)
	drain "$at_end"
	server_stop
	lives=$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(`${r.lives_per_s} ${r.lives} ${r.errors}`)' "$WORK/run.json")
	set -- $lives
	sql "SELECT ready_at - created_at FROM documents WHERE status = 'ready'" | sort -n > "$WORK/waits.txt"
	docs=$(wc -l < "$WORK/waits.txt")
	pct() { awk -v q="$1" '{ a[NR] = $1 } END { if (NR == 0) { print "-"; exit } i = int(NR * q + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR; print a[i] }' "$WORK/waits.txt"; }
	printf '%-11s %s: %s window lives/s%s (%s lives in %s s, %s clients, errors %s), %s documents; backlog max %s; drained %s s after the load (%s left); wait action -> sealed p50 %s s, p99 %s s, max %s s; %s ms server CPU per life with its documents; backlog growth during the load %s documents/s (0: the renderer kept up; more: a longer peak waits longer)\n' \
		"$DBNAME" "$_label" "$1" "${LIVES_RATE:+ of $LIVES_RATE asked}" "$2" "$_secs" "$_clients" "$3" "$docs" "$max" \
		"$(calc "$t1 - $t0")" "$left" "$(pct 0.5)" "$(pct 0.99)" "$(pct 1)" \
		"$(calc "($c1 - $c0) * 1000 / $TCK / ($2 > 0 ? $2 : 1)" 2)" \
		"$(calc "$at_end / $_secs" 0)"
}

for DBNAME in $DBS; do
	# 1. The renderer alone on a backlog.
	new_db backlog
	server_start "$URL" "$VAR" "$BENCH_NOW" --no-jobs
	"$LIVES" "$SERVER_URL" window "$CLIENTS" "$SECS" > "$WORK/run.json"
	server_stop
	n0=$(pending)
	printf '%-11s ' "$DBNAME"; fs_line "$VAR"
	serve_again
	c0=$(cpu_ticks)
	drain "$n0"
	server_stop
	done_n=$((n0 - left))
	printf '%-11s renderer alone: %s documents pending, %s sealed in %s s: %s documents/s, %s ms server CPU per document (%s left)\n' \
		"$DBNAME" "$n0" "$done_n" "$(calc "$t1 - $t0")" \
		"$(calc "$done_n / ($t1 - $t0)")" \
		"$(calc "($c1 - $c0) * 1000 / $TCK / ($done_n > 0 ? $done_n : 1)" 2)" "$left"

	# 2. Sustained: lives with the renderer in the same server, as fast
	# as the clients can (2), then at a steady rate on SQLite (3).
	with_renderer sustained "$SECS"
	if [ "$DBNAME" = sqlite ] && [ "$PACED_RATE" != 0 ]; then
		LIVES_RATE=$PACED_RATE
		export LIVES_RATE
		with_renderer paced "$PACED_SECS" "$PACED_CLIENTS"
		unset LIVES_RATE
	fi
	[ "$DBNAME" = postgresql ] && { pg_stop "$PGDIR"; PGDIR=; }
done
machine_line
