#!/bin/sh
# What a window life costs in instructions, counted by valgrind's callgrind
# (Debian's valgrind): the same figure on every run of one build, where the
# rates of lives.sh move by a fifth between runs on a shared two-core VM. For
# each build given: a fresh demo database on SQLite, the server under
# callgrind with --no-jobs, 5 lives as a warm-up, then COUNT window lives one
# at a time (one client: the order of work is the same in every run).
# Printed per life: the instructions of the requests (on_request), of them
# those inside write transactions (db_tx: what runs under the one writer's
# lock on SQLite, commits included), and the functions of src/ that cost
# most inside the requests (inclusive). Two builds: both, then the change.
# Under callgrind the threads run one at a time, so group commit finds no
# batch to join: each transaction commits alone (4-5 commits per life,
# where a loaded server shares one among ~8 transactions).
#   bench/lives-cost.sh [count] [BIN_A [BIN_B]]
set -eu
. "$(dirname "$0")/lib.sh"
COUNT=${1:-50}
[ $# -gt 0 ] && shift
BINS=${*:-$BIN}
WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/onetrip-bench.XXXXXX")
trap 'server_stop; [ -n "${KEEP:-}" ] && cp -r "$WORK" /tmp/lives-cost-kept; work_remove "$WORK"' EXIT
command -v valgrind >/dev/null || { echo "lives-cost: valgrind is not installed (scripts/deps.sh installs it)" >&2; exit 1; }
lives_build
machine_line

# cost BIN TAG -> prints the figures, leaves TAG.txt (total, in db_tx)
cost() {
	_bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
	VAR="$WORK/$2"
	mkdir -p "$VAR"
	URL="sqlite:$VAR/onetrip.db"
	"$_bin" demo --db "$URL" --var "$VAR" >/dev/null 2>&1
	valgrind --tool=callgrind --callgrind-out-file="$WORK/$2.cg" \
		--collect-atstart=no --toggle-collect=on_request \
		"$_bin" serve --listen 127.0.0.1:0 --db "$URL" --var "$VAR" \
		--now "$BENCH_NOW" --no-jobs >"$VAR/serve.out" 2>"$VAR/serve.log" &
	SERVER_PID=$!
	SERVER_URL=
	for _ in $(seq 1 600); do
		SERVER_URL=$(sed -n 's/^onetrip listening on //p' "$VAR/serve.out" | head -1)
		[ -n "$SERVER_URL" ] && break
		sleep 0.1
	done
	[ -n "$SERVER_URL" ] || { echo "server did not start under valgrind" >&2; tail -5 "$VAR/serve.log" >&2; exit 1; }
	"$LIVES" "$SERVER_URL" window 1 0 5 >/dev/null
	# The client's logins (a password hash each) before the count.
	LIVES_READY="$WORK/ready" "$LIVES" "$SERVER_URL" window 1 0 "$COUNT" \
		>"$WORK/$2.json" &
	_lp=$!
	while [ ! -e "$WORK/ready" ] && kill -0 $_lp 2>/dev/null; do sleep 0.1; done
	callgrind_control -z "$SERVER_PID" >/dev/null 2>&1
	rm -f "$WORK/ready"
	wait $_lp
	callgrind_control -d "$SERVER_PID" >/dev/null 2>&1
	server_stop
	_out=$(ls -t "$WORK/$2.cg".* | head -1)
	callgrind_annotate --inclusive=yes --threshold=100 "$_out" 2>/dev/null >"$WORK/$2.ann"
	_lives=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).lives)' "$WORK/$2.json")
	[ "$_lives" = "$COUNT" ] || { echo "only $_lives of $COUNT lives completed" >&2; exit 1; }
	awk -v n="$COUNT" -v tag="$2" -v bin="$1" '
		function num(s) { gsub(",", "", s); return s + 0 }
		/PROGRAM TOTALS/ { total = num($1) }
		!req && /:on_request \[/ { req = num($1) }
		!tx && /src\/store\/db\.c:db_tx \[/ { tx = num($1) }
		/(^|[ \/])src\/.*:[a-z_0-9]+ \[/ && !/:on_request |:db_tx |:run |:db_(exec|step|query|query_int|finish) |:sq_/ && nfn < 12 {
			fn = $0; sub(/^.*[ \/]src\//, "", fn); sub(/ \[.*/, "", fn)
			top[++nfn] = sprintf("            %9.0f  %s", num($1) / n, fn)
		}
		END {
			if (req == 0) req = total
			printf "%-6s %s\n", tag, bin
			printf "       per life: %.0f instructions in the requests, %.0f of them in write transactions (%.1f %%)\n", req / n, tx / n, 100 * tx / req
			printf "       the costliest functions of src/ per life (inclusive):\n"
			for (i = 1; i <= nfn; i++) print top[i]
			printf "%.0f %.0f\n", req / n, tx / n > "/dev/stderr"
		}' "$WORK/$2.ann" 2>"$WORK/$2.txt"
}

i=0
for b in $BINS; do
	i=$((i + 1))
	cost "$b" "build$i"
done
if [ "$i" -eq 2 ]; then
	read -r a_req a_tx <"$WORK/build1.txt"
	read -r b_req b_tx <"$WORK/build2.txt"
	awk -v ar="$a_req" -v at="$a_tx" -v br="$b_req" -v bt="$b_tx" 'BEGIN {
		printf "change: requests %+.1f %% (%+.0f per life), write transactions %+.1f %% (%+.0f per life)\n",
			100 * (br - ar) / ar, br - ar, 100 * (bt - at) / at, bt - at }'
fi
