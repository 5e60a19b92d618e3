#!/bin/bash
# reload.sh [N] [SAVES] [rename]
#
# Save → browser: copies the deck to a temp folder, serves it with the real
# podium binary, connects N audience websockets, and lets podium-load
# rewrite one chapter SAVES times (in place, or with "rename" the way most
# editors save), measuring each client's delay from the write to the deck
# frame. Run from the module root:
#
#   go build -o /tmp/podium ./cmd/podium && go build -o /tmp/podium-load ./cmd/podium-load
#   cmd/podium-load/reload.sh 1000 20
#
# Environment: BIN (default /tmp), DECK (default slides), FILE (default
# 01-docker-coreos.md), PORT (default 18183).
set -eu
N=${1:-1000}; SAVES=${2:-20}; MODE=${3:-}
BIN=${BIN:-/tmp}; DECK=${DECK:-slides}; FILE=${FILE:-01-docker-coreos.md}; PORT=${PORT:-18183}
ulimit -n "$(ulimit -Hn)"
DIR=$(mktemp -d /tmp/podium-deck.XXXXXX)
cp -r "$DECK"/. "$DIR"/
"$BIN/podium" serve --addr "127.0.0.1:$PORT" --token load-test-token-16 "$DIR" >"/tmp/podium.$PORT.log" 2>&1 &
SPID=$!
trap 'kill $SPID 2>/dev/null; wait $SPID 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/api/deck" >/dev/null && break; sleep 0.1; done
echo "machine: nproc=$(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
R=(); [ "$MODE" = rename ] && R=(-rename)
"$BIN/podium-load" -mode reload -url "ws://127.0.0.1:$PORT/ws" -n "$N" -dir "$DIR" -file "$FILE" \
	-saves "$SAVES" -warmup 1 -interval 300ms -pid "$SPID" "${R[@]}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
