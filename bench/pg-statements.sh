#!/bin/sh
# What a window life's statements cost on PostgreSQL, statement by
# statement: a throwaway cluster with pg_stat_statements (track=all, so the
# foreign-key checks inside INSERTs are counted too), the demo, a server
# with --no-jobs, 20 lives as a warm-up, then COUNT window lives one at a
# time. Prints per life: calls | execution time in ms | the statement.
# With "documents": the COUNT lives' documents instead, rendered and sealed
# by `onetrip jobs run-once` rounds after the counters are reset; per
# document.
#   bench/pg-statements.sh [count] [documents]
set -eu
. "$(dirname "$0")/lib.sh"
gen_build; lives_build
COUNT=${1:-50}
WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/onetrip-pgstat.XXXXXX")
trap 'server_stop; [ -n "${PGDIR:-}" ] && pg_stop "$PGDIR"; work_remove "$WORK"' EXIT
PGDIR="$WORK/pg"
URL=$(PG_EXTRA="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all" pg_start "$PGDIR")
mkdir -p "$WORK/v"
server_start "$URL" "$WORK/v" "$BENCH_NOW" --no-jobs
"$LIVES" "$SERVER_URL" window 1 0 20 >/dev/null
"$GEN" --db "$URL" --sql "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null 2>&1 || true
if [ "${2:-}" = documents ]; then
	"$LIVES" "$SERVER_URL" window 1 0 "$COUNT" >/dev/null
	server_stop
	"$GEN" --db "$URL" --sql "SELECT pg_stat_statements_reset()" >/dev/null
	render_rounds "$URL" "$WORK/v" 600
	COUNT=$("$GEN" --db "$URL" --sql "SELECT COUNT(*) FROM documents WHERE status = 'ready'")
	echo "per document ($COUNT documents; the jobs' other passes included):"
else
	"$GEN" --db "$URL" --sql "SELECT pg_stat_statements_reset()" >/dev/null
	"$LIVES" "$SERVER_URL" window 1 0 "$COUNT" >/dev/null
fi
"$GEN" --db "$URL" --sql "SELECT round(calls/$COUNT.0,2) || ' | ' || round((total_exec_time/$COUNT)::numeric,3) || ' | ' || regexp_replace(left(query,160), '\s+', ' ', 'g') FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database() AND query NOT LIKE '%pg_stat%' ORDER BY calls DESC, total_exec_time DESC LIMIT 80"
