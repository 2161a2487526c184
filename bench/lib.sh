# Shared helpers for the benchmark scripts (sourced, not run).
# Starts servers and throwaway PostgreSQL clusters on loopback only.
# BENCH_DIR: where every script makes its databases and files (default
# /tmp), e.g. a journaled ext4 when /tmp's file system is not one (see
# work_remove and fs_line below, and bench/README.md §5).

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${ONETRIP_BIN:-$ROOT/bin/onetrip}
PASSWORD=Baihe@2024

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null ||
		node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

as_pg_user() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_start DIR -> prints the URL; the cluster lives in DIR. PG_EXTRA: more
# server options ("-c name=value ...").
pg_start() {
	dir=$1
	mkdir -p "$dir"
	[ "$(id -u)" -eq 0 ] && { chmod 755 "$(dirname "$dir")"; chown postgres "$dir"; }
	port=$(free_port)
	as_pg_user initdb -D "$dir/data" -A trust -U onetrip -E UTF8 --locale=C >/dev/null
	as_pg_user pg_ctl -D "$dir/data" -l "$dir/log" -w -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c max_connections=200 -c shared_buffers=256MB ${PG_EXTRA:-}" start >/dev/null
	as_pg_user psql -h 127.0.0.1 -p "$port" -U onetrip -d postgres -qc "CREATE DATABASE onetrip" >/dev/null
	echo "postgresql://onetrip@127.0.0.1:$port/onetrip"
}

pg_stop() {
	as_pg_user pg_ctl -D "$1/data" -m fast stop >/dev/null 2>&1 || true
	work_remove "$1"
}

# render_rounds URL VAR SECS: `onetrip jobs run-once` rounds on the database
# at URL (files under VAR) until no document is pending or SECS seconds have
# passed; ROUNDS: how many ran. Needs gen_build.
render_rounds() {
	ROUNDS=0
	_end=$(($(date +%s) + $3))
	while [ "$("$GEN" --db "$1" --sql "SELECT COUNT(*) FROM documents WHERE status = 'pending'")" -gt 0 ] &&
		[ "$(date +%s)" -lt $_end ]; do
		"$BIN" jobs run-once --db "$1" --var "$2" --now "$BENCH_NOW" >/dev/null 2>&1 || break
		ROUNDS=$((ROUNDS + 1))
	done
}

# work_remove DIR: removes what a benchmark made; under bench/run.sh
# (BENCH_TRASH set) it is moved aside and removed when every benchmark has
# run. On ext4 without a journal (this VM's root file system) every new
# file's inode is found by skipping the inodes freed in the last seconds to
# minutes (the kernel's recently_deleted()): removing a run's ~10^4 files
# made the next run's file creations several times dearer (bench/README.md
# §5), so that a benchmark measured what the one before it left behind.
work_remove() {
	[ -e "$1" ] || return 0
	if [ -n "${BENCH_TRASH:-}" ] && mkdir -p "$BENCH_TRASH"; then
		mv "$1" "$BENCH_TRASH/$(basename "$1").$$.$(date +%s%N)" && return 0
	fi
	rm -rf "$1"
}

# fs_line DIR: the file system's cost of a new file where the benchmark
# writes, measured (2,000 files of 50 kB created, written and renamed, as
# the file store does, without sync), so that figures from differently
# loaded file systems can be told apart.
fs_line() {
	node - "$1" <<'JS'
const fs = require('fs'), path = require('path');
const dir = fs.mkdtempSync(path.join(process.argv[2], 'fs-'));
const data = Buffer.alloc(50 * 1024, 1), n = 2000;
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) {
	const tmp = path.join(dir, `.tmp-${i}`);
	fs.writeFileSync(tmp, data, { flag: 'wx' });
	fs.renameSync(tmp, path.join(dir, `f${i}`));
}
const us = Number(process.hrtime.bigint() - t0) / 1e3 / n;
console.log(`file system: ${us.toFixed(1)} us per new 50 kB file (create, write, rename; ${n} files)`);
JS
}

# server_start DBURL VARDIR [NOW [serve options...]] -> sets SERVER_PID and
# SERVER_URL. NOW (ISO-8601 with zone, or "") sets the server's clock.
server_start() {
	_db=$1; _var=$2; _now=${3:-}
	shift 2; [ $# -gt 0 ] && shift
	"$BIN" demo --db "$_db" --var "$_var" >/dev/null 2>&1 || return 1
	# shellcheck disable=SC2086
	"$BIN" serve --listen 127.0.0.1:0 --db "$_db" --var "$_var" \
		${_now:+--now "$_now"} "$@" >"$_var/serve.out" 2>"$_var/serve.log" &
	SERVER_PID=$!
	for _ in $(seq 1 100); do
		SERVER_URL=$(sed -n 's/^onetrip listening on //p' "$_var/serve.out" | head -1)
		[ -n "$SERVER_URL" ] && return 0
		sleep 0.1
	done
	echo "server did not start; log:" >&2; tail -20 "$_var/serve.log" >&2
	return 1
}

# SIGTERM, then SIGKILL when the server has not stopped after 60 s (a
# background job busy with millions of cases may keep it running).
server_stop() {
	[ -n "${SERVER_PID:-}" ] || return 0
	kill -TERM "$SERVER_PID" 2>/dev/null || return 0
	for _ in $(seq 1 600); do
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$SERVER_PID" 2>/dev/null; then
		echo "server $SERVER_PID still running 60 s after SIGTERM: SIGKILL" >&2
		kill -KILL "$SERVER_PID" 2>/dev/null
	fi
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=
}

# api_token URL LOGIN -> prints a bearer token (a few attempts; fails when
# there is none, so that a benchmark never runs with a missing token).
api_token() {
	for _try in 1 2 3; do
		_tok=$(curl -sf -H 'Content-Type: application/json' \
			-d "{\"login\":\"$2\",\"password\":\"$PASSWORD\",\"client\":\"api\"}" "$1/api/auth/login" |
			node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).token||"")}catch{console.log("")}})')
		if [ -n "$_tok" ]; then echo "$_tok"; return 0; fi
		sleep 1
	done
	echo "no token for $2" >&2
	return 1
}

# gen_build -> builds build/bench/gen-cases (the case generator) and sets GEN.
gen_build() {
	GEN=$ROOT/build/bench/gen-cases
	mkdir -p "$ROOT/build/bench"
	if [ ! -x "$GEN" ] || [ "$ROOT/bench/gen-cases.c" -nt "$GEN" ]; then
		cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I"$ROOT/src" \
			-I"$(pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)" \
			-o "$GEN" "$ROOT/bench/gen-cases.c" "$ROOT/src/base/idno.c" \
			"$ROOT/src/base/clock.c" -lsqlite3 -lpq || return 1
	fi
}

# lives_build -> builds build/bench/lives (the case-life load client) and
# sets LIVES.
lives_build() {
	LIVES=$ROOT/build/bench/lives
	mkdir -p "$ROOT/build/bench"
	if [ ! -x "$LIVES" ] || [ "$ROOT/bench/lives.c" -nt "$LIVES" ]; then
		cc -std=c11 -O2 -Wall -Wextra -Werror -pthread -o "$LIVES" \
			"$ROOT/bench/lives.c" || return 1
	fi
}

# load_now: the server's clock for benchmarks on generated data (the day
# after the generated range).
BENCH_DAY=2026-09-29
BENCH_NOW=${BENCH_DAY}T10:00:00+08:00

# machine_line: cores, CPU model, memory, kernel and the load average.
machine_line() {
	echo "machine: $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

# proc_cpu PID -> the process's CPU seconds so far (user + system, its
# threads included), for CPU per unit of work.
proc_cpu() {
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.3f\n", ($12 + $13) / hz }' "/proc/$1/stat"
}

# pg_cpu DIR -> CPU seconds so far of the cluster in DIR (the postmaster and
# its live children: the server's connections are kept open, so a
# difference over a run counts their work).
pg_cpu() {
	_pm=$(head -1 "$1/data/postmaster.pid" 2>/dev/null) || { echo 0; return; }
	_t=0
	for _p in $_pm $(ps -o pid= --ppid "$_pm"); do
		_c=$(proc_cpu "$_p" 2>/dev/null) || continue
		_t=$(awk "BEGIN { print $_t + $_c }")
	done
	echo "$_t"
}
