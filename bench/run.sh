#!/bin/sh
# Runs every benchmark in turn.
set -eu
cd "$(dirname "$0")"
./http.sh "$@"
