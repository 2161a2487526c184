#!/bin/sh
# Two builds of the server, A and B, serving window lives on SQLite in turn,
# PAIRS times (A, B, A, B, ...), each on a fresh demo database with
# --no-jobs, CLIENTS 16, SECS seconds after a 2 s warm-up. Prints per pair
# and build: lives, the server's CPU per life (utime + stime from /proc)
# and its context switches per life (voluntary + involuntary, all
# threads): counts that a loaded machine disturbs less than a rate.
#   bench/lives-ab.sh BIN_A BIN_B [pairs] [secs]
set -eu
. "$(dirname "$0")/lib.sh"
lives_build
A=$1; B=$2; PAIRS=${3:-3}; SECS=${4:-5}
HZ=$(getconf CLK_TCK)
W=$(mktemp -d "${BENCH_DIR:-/tmp}/onetrip-lives-ab.XXXXXX")
trap 'server_stop; work_remove "$W"' EXIT
stat_of() { # pid -> "cpu_ticks ctxsw"
	t=$(awk '{print $14+$15}' /proc/$1/stat)
	c=$(cat /proc/$1/task/*/status | awk '/ctxt_switches/ {s+=$2} END {print s}')
	echo "$t $c"
}
for p in $(seq 1 $PAIRS); do
 for which in A B; do
	BIN=$(eval echo \$$which)
	rm -rf "$W/v"; mkdir -p "$W/v"
	server_start "sqlite:$W/v/onetrip.db" "$W/v" "$BENCH_NOW" --no-jobs
	"$LIVES" "$SERVER_URL" window 16 2 >/dev/null
	set -- $(stat_of $SERVER_PID); t0=$1; c0=$2
	out=$("$LIVES" "$SERVER_URL" window 16 $SECS)
	set -- $(stat_of $SERVER_PID); t1=$1; c1=$2
	n=$(echo "$out" | sed 's/.*"lives": *\([0-9]*\).*/\1/')
	server_stop
	echo "$which pair $p lives $n cpu/life $(awk "BEGIN{printf \"%.3f\", ($t1-$t0)*1000/$HZ/$n}") ms ctxsw/life $(awk "BEGIN{printf \"%.1f\", ($c1-$c0)/$n}") load $(cut -d' ' -f1 /proc/loadavg)"
 done
done
