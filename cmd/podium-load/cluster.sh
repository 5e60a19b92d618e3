#!/bin/bash
# cluster.sh [N_PER_REPLICA] [ROUNDS]
#
# Replicas through NATS, measured side by side with one process in the same
# run. Starts (1) one podium with 3×N audience clients, then (2) three
# podium replicas of one talk (the first runs NATS inside, --nats-listen;
# the other two join with --nats and no folder), N clients on each, the
# presenter on the first, and prints podium-load's fanout report for both;
# then (3) kills replica 3 with N clients on it (storm mode: its clients
# reconnect to replicas 1 and 2, as through a load balancer) and prints the
# share resynced within 10 s. Run from the module root:
#
#   go build -o /tmp/podium ./cmd/podium && go build -o /tmp/podium-load ./cmd/podium-load
#   cmd/podium-load/cluster.sh 3000 20
#
# Environment: BIN (default /tmp), DECK (default slides), PORT (default 18190: uses PORT..PORT+4).
set -eu
N=${1:-3000}; ROUNDS=${2:-20}
BIN=${BIN:-/tmp}; DECK=${DECK:-slides}; PORT=${PORT:-18190}
TOKEN=load-test-token-16
ulimit -n "$(ulimit -Hn)"
TMP=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; echo "server logs: $TMP"; }
trap cleanup EXIT
up() { for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$1/api/deck" >/dev/null && return; sleep 0.1; done; echo "port $1 never served" >&2; exit 1; }
echo "machine: nproc=$(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== one process, $((3 * N)) clients"
"$BIN/podium" serve --addr "127.0.0.1:$PORT" --token "$TOKEN" --state "$TMP/one.json" "$DECK" >"$TMP/one.log" 2>&1 &
ONE=$!; PIDS+=("$ONE"); up "$PORT"
"$BIN/podium-load" -url "ws://127.0.0.1:$PORT/ws" -token "$TOKEN" -n $((3 * N)) -rounds "$ROUNDS" -pid "$ONE"
kill "$ONE"; wait "$ONE" 2>/dev/null || true

NATS=127.0.0.1:$((PORT + 4))
start_replicas() {
  "$BIN/podium" serve --addr "127.0.0.1:$((PORT + 1))" --token "$TOKEN" --state "$TMP/r1.json" --nats-listen "$NATS" --nats-name r1 "$DECK" >"$TMP/r1.log" 2>&1 &
  R1=$!; PIDS+=("$R1"); up $((PORT + 1))
  "$BIN/podium" serve --addr "127.0.0.1:$((PORT + 2))" --token "$TOKEN" --nats "nats://$NATS" --nats-name r2 >"$TMP/r2.log" 2>&1 &
  R2=$!; PIDS+=("$R2")
  "$BIN/podium" serve --addr "127.0.0.1:$((PORT + 3))" --token "$TOKEN" --nats "nats://$NATS" --nats-name r3 >"$TMP/r3.log" 2>&1 &
  R3=$!; PIDS+=("$R3"); up $((PORT + 2)); up $((PORT + 3))
}
URLS="ws://127.0.0.1:$((PORT + 1))/ws,ws://127.0.0.1:$((PORT + 2))/ws,ws://127.0.0.1:$((PORT + 3))/ws"

echo "== three replicas through NATS, $N clients on each, presenter on replica 1"
start_replicas
"$BIN/podium-load" -url "$URLS" -token "$TOKEN" -n $((3 * N)) -rounds "$ROUNDS" -pid "$R1,$R2,$R3"

echo "== replica 3 killed with $N clients on it; they reconnect to replicas 1 and 2"
"$BIN/podium-load" -mode storm -url "ws://127.0.0.1:$((PORT + 3))/ws,ws://127.0.0.1:$((PORT + 1))/ws,ws://127.0.0.1:$((PORT + 2))/ws" \
  -n "$N" -window 15s -pid "$R1,$R2" &
LOAD=$!
# podium-load prints once every client is connected; then the crash.
for _ in $(seq 1 600); do
  [ "$(ss -Htn state established "( sport = :$((PORT + 3)) )" | wc -l)" -ge "$N" ] && break; sleep 0.1
done
kill -KILL "$R3"
wait "$LOAD"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
