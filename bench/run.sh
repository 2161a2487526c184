#!/bin/sh
# Runs every benchmark in turn, on SQLite and PostgreSQL.
#   bench/run.sh          1,000,000 cases, 10 s per measurement (about 25 min)
#   bench/run.sh quick    100,000 cases, 5 s per measurement
set -eu
cd "$(dirname "$0")"
if [ "${1:-}" = quick ]; then
	CASES=100000 SECS=5
else
	CASES=1000000 SECS=10
fi
echo "== GET /healthz and GET /api/me (bench/http.sh $SECS 64)"
./http.sh "$SECS" 64
echo "== inbox and look-up with $CASES cases (bench/lookup.sh $CASES $SECS 1, then 4)"
./lookup.sh "$CASES" "$SECS" 1
./lookup.sh "$CASES" "$SECS" 4
echo "== complete case lives (bench/lives.sh $SECS 16)"
./lives.sh "$SECS" 16
echo "== sealed documents (bench/docs.sh $SECS 16)"; ./docs.sh "$SECS" 16
