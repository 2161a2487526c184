# Shared helpers for the benchmark scripts (sourced, not run).
# Starts servers and throwaway PostgreSQL clusters on loopback only.

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

# pg_start DIR -> prints the URL; the cluster lives in DIR.
pg_start() {
	dir=$1
	mkdir -p "$dir"
	[ "$(id -u)" -eq 0 ] && { chmod 755 "$(dirname "$dir")"; chown postgres "$dir"; }
	port=$(free_port)
	as_pg_user initdb -D "$dir/data" -A trust -U onetrip -E UTF8 --locale=C >/dev/null
	as_pg_user pg_ctl -D "$dir/data" -l "$dir/log" -w -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c max_connections=200 -c shared_buffers=256MB" start >/dev/null
	as_pg_user psql -h 127.0.0.1 -p "$port" -U onetrip -d postgres -qc "CREATE DATABASE onetrip" >/dev/null
	echo "postgresql://onetrip@127.0.0.1:$port/onetrip"
}

pg_stop() {
	as_pg_user pg_ctl -D "$1/data" -m fast stop >/dev/null 2>&1 || true
	rm -rf "$1"
}

# server_start DBURL VARDIR -> sets SERVER_PID and SERVER_URL
server_start() {
	"$BIN" demo --db "$1" --var "$2" >/dev/null 2>&1 || return 1
	"$BIN" serve --listen 127.0.0.1:0 --db "$1" --var "$2" >"$2/serve.out" 2>"$2/serve.log" &
	SERVER_PID=$!
	for _ in $(seq 1 100); do
		SERVER_URL=$(sed -n 's/^onetrip listening on //p' "$2/serve.out" | head -1)
		[ -n "$SERVER_URL" ] && return 0
		sleep 0.1
	done
	echo "server did not start; log:" >&2; tail -20 "$2/serve.log" >&2
	return 1
}

server_stop() {
	kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
}

# api_token URL LOGIN -> prints a bearer token
api_token() {
	curl -sf -H 'Content-Type: application/json' \
		-d "{\"login\":\"$2\",\"password\":\"$PASSWORD\",\"client\":\"api\"}" "$1/api/auth/login" |
		node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token))'
}
