#!/bin/sh
# The renderer on one backlog, two builds back to back: the CPU a sealed
# document costs the server (render, store, sign, seal ledger, audit, its
# transactions), build A against build B on the same documents.
#   1. one backlog: a server without its jobs (--no-jobs, build A) takes
#      window lives (apply, accept, approve, deliver) from CLIENTS clients
#      for SECS seconds and leaves their documents pending (SQLite);
#   2. RUNS rounds, A then B: the database and its folder copied afresh,
#      served with its jobs until nothing is pending; the server's CPU
#      (utime + stime from /proc) per document sealed, and the wall time.
#      Each run keeps its files until the end. PERF=1: `perf record -g -a`
#      during each drain into $PERF_DIR (report with --comm, the name of
#      the binary, or --tid; the server's pid is printed). THREADS=1: the
#      state of each of the server's threads sampled during the first
#      THREADS_SECS (8) seconds of each drain (bench/threadstates.py): are
#      the renderer's threads running, or waiting on a lock or a sync?
#   BENCH_DIR: where the databases and files go (default /tmp; /dev/shm keeps
#   the file system's own variance out of the comparison).
#   bench/docs-ab.sh BIN_A BIN_B [runs] [secs] [clients]
set -eu
. "$(dirname "$0")/lib.sh"
BIN_A=$1
BIN_B=$2
RUNS=${3:-3}
SECS=${4:-6}
CLIENTS=${5:-8}
WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/onetrip-docs-ab.XXXXXX")
trap 'server_stop; work_remove "$WORK"' EXIT
gen_build
lives_build
machine_line
TCK=$(getconf CLK_TCK)

# shellcheck disable=SC2034 # server_start (lib.sh) runs $BIN
BIN=$BIN_A
mkdir -p "$WORK/base"
server_start "sqlite:$WORK/base/onetrip.db" "$WORK/base" "$BENCH_NOW" --no-jobs
"$LIVES" "$SERVER_URL" window "$CLIENTS" "$SECS" > "$WORK/run.json"
server_stop
URL="sqlite:$WORK/base/onetrip.db"
N0=$("$GEN" --db "$URL" --sql "SELECT COUNT(*) FROM documents WHERE status = 'pending'")
echo "backlog: $N0 documents pending"

# drain BIN LABEL: a fresh copy of the backlog served by BIN until drained.
drain() {
	# A folder per run, all removed at the end (see new_db in docs.sh:
	# deleting files just before a run makes its file creation slower).
	VAR=$WORK/run-$2
	cp -a "$WORK/base" "$VAR"
	URL="sqlite:$VAR/onetrip.db"
	"$1" serve --listen 127.0.0.1:0 --db "$URL" --var "$VAR" \
		--now "$BENCH_NOW" >"$VAR/serve.out" 2>"$VAR/serve.log" &
	SERVER_PID=$!
	if [ "${PERF:-0}" = 1 ]; then
		perf record -q -g -a -o "${PERF_DIR:-$WORK}/perf-$2.data" >/dev/null 2>&1 &
		PERF_PID=$!
		echo "$2: server pid $SERVER_PID"
	fi
	if [ "${THREADS:-0}" = 1 ]; then
		python3 "$ROOT/bench/threadstates.py" "$SERVER_PID" \
			"${THREADS_SECS:-8}" >"$WORK/threads-$2.txt" &
		THREADS_PID=$!
	fi
	c0=$(awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat")
	t0=$(date +%s.%N)
	left=$N0
	while [ "$left" -gt 0 ]; do
		sleep 0.2
		left=$("$GEN" --db "$URL" --sql "SELECT COUNT(*) FROM documents WHERE status IN ('pending', 'rendering')")
	done
	t1=$(date +%s.%N)
	c1=$(awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat")
	if [ "${PERF:-0}" = 1 ]; then
		kill -TERM "$PERF_PID"
		wait "$PERF_PID" || true
	fi
	server_stop
	if [ "${THREADS:-0}" = 1 ]; then
		wait "$THREADS_PID" || true
		echo "$2: thread states"
		cat "$WORK/threads-$2.txt"
	fi
	ready=$("$GEN" --db "$URL" --sql "SELECT COUNT(*) FROM documents WHERE status = 'ready'")
	awk -v l="$2" -v n="$ready" -v c="$((c1 - c0))" -v hz="$TCK" -v t="$(echo "$t1 - $t0" | bc)" \
		'BEGIN { printf "%s: %d documents ready in %.1f s, %.2f ms server CPU per document\n", l, n, t, c * 1000 / hz / n }'
}

for r in $(seq 1 "$RUNS"); do
	drain "$BIN_A" "A$r"
	drain "$BIN_B" "B$r"
done
machine_line
