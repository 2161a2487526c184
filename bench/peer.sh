#!/bin/sh
# The peer of the case lives: the npm `bpmn-engine` (25, from the tests'
# package set: `make tests/node_modules/.stamp`) running a four-task process
# (apply, accept, approve, deliver) with its state saved durably after every
# completed task (the engine's getState() appended to a file and fdatasync'ed
# before the next task; bench/peer.mjs), CLIENTS instances in flight on one
# worker thread per core, for SECS seconds, on the same two cores as the
# lives. Run right after bench/lives.sh; with LIVES (the window lives/s of
# that run, or a file holding its output) it prints the ratio of onetrip
# lives to the peer's completed instances.
#   bench/peer.sh [seconds] [clients] [lives/s or lives.sh output file]
set -eu
. "$(dirname "$0")/lib.sh"
SECS=${1:-10}
CLIENTS=${2:-16}
LIVES_REF=${3:-${LIVES:-}}
WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/onetrip-peer.XXXXXX")
trap 'work_remove "$WORK"' EXIT
if [ ! -f "$ROOT/tests/node_modules/bpmn-engine/package.json" ]; then
	make -C "$ROOT" tests/node_modules/.stamp >/dev/null
fi
machine_line
node "$ROOT/bench/peer.mjs" "$SECS" "$CLIENTS" "$(nproc)" "$WORK" > "$WORK/peer.json"
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log(`peer        ${r.engine}: ${r.instances_per_s} instances/s completed (4 tasks each, state fdatasync per task; ${r.instances} in ${r.seconds} s, ${r.clients} in flight on ${r.workers} threads, ${r.tasks_per_s} tasks/s, errors ${r.errors}${r.first_error ? ": " + r.first_error : ""}); load average ${process.argv[2]}`);' \
	"$WORK/peer.json" "$(cut -d' ' -f1-3 /proc/loadavg)"
# onetrip's window lives/s: a number, or the first "window" line of a
# bench/lives.sh output (SQLite, then PostgreSQL).
if [ -n "$LIVES_REF" ]; then
	for db in sqlite postgresql; do
		if [ -f "$LIVES_REF" ]; then
			l=$(awk -v db="$db" '$1 == db && $2 == "window" && $4 == "lives/s" {print $3; exit}' "$LIVES_REF")
		else
			[ "$db" = sqlite ] && l=$LIVES_REF || l=
		fi
		[ -n "$l" ] || continue
		node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const l = Number(process.argv[2]);
console.log(`ratio       ${process.argv[3].padEnd(11)} onetrip window lives ${l}/s : bpmn-engine instances ${r.instances_per_s}/s = ${(l / Math.max(r.instances_per_s, 0.01)).toFixed(1)}`);' \
			"$WORK/peer.json" "$l" "$db"
	done
fi
