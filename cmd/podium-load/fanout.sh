#!/bin/bash
# fanout.sh [N] [ROUNDS] [IDLE_SECONDS] [pin]
# ATTACK=pings|logins fanout.sh ...   the same with one hostile client meanwhile
#
# Starts the real podium binary on a deck, reads its RSS with no client,
# connects N audience websockets (+1 presenter) with podium-load, holds them
# idle, reads the RSS again (memory per idle connection), then runs ROUNDS
# goto rounds and prints delivery percentiles and the CPU time of both
# processes. With "pin" the server runs on CPU 0 and podium-load on CPU 1
# (taskset), so that they do not take turns on the same core. Run from the
# module root:
#
#   go build -o /tmp/podium ./cmd/podium && go build -o /tmp/podium-load ./cmd/podium-load
#   cmd/podium-load/fanout.sh 10000 20 10          # shared cores
#   cmd/podium-load/fanout.sh 10000 20 10 pin      # server on CPU 0, load on CPU 1
#
# Environment: BIN (default /tmp), DECK (default slides), PORT (default 18181).
set -eu
N=${1:-10000}; ROUNDS=${2:-20}; IDLE=${3:-10}; PIN=${4:-}
BIN=${BIN:-/tmp}; DECK=${DECK:-slides}; PORT=${PORT:-18181}
ulimit -n "$(ulimit -Hn)"   # every websocket is a file descriptor, on both sides
S=(); L=()
if [ "$PIN" = pin ]; then S=(taskset -c 0); L=(taskset -c 1); fi
"${S[@]}" "$BIN/podium" serve --addr "127.0.0.1:$PORT" --token load-test-token-16 "$DECK" >"/tmp/podium.$PORT.log" 2>&1 &
SPID=$!
trap 'kill $SPID 2>/dev/null; wait $SPID 2>/dev/null' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/api/deck" >/dev/null && break; sleep 0.1; done
sleep 3
echo "machine: nproc=$(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg), pin=${PIN:-no}"
"${L[@]}" "$BIN/podium-load" -url "ws://127.0.0.1:$PORT/ws" -token load-test-token-16 -n "$N" -rounds "$ROUNDS" -idle "${IDLE}s" -pid "$SPID" ${ATTACK:+-attack "$ATTACK"}
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
