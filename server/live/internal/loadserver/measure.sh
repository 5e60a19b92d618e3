#!/bin/bash
# measure.sh N ROUNDS IDLE_SECONDS [PORT]
#
# Starts loadserver, connects N idle clients with cmd/podium-load, reads the
# server's VmRSS from /proc before and after, then runs ROUNDS goto rounds and
# prints delivery percentiles. Run from the module root:
#
#   go build -o /tmp/loadserver ./server/live/internal/loadserver
#   go build -o /tmp/podium-load ./cmd/podium-load
#   server/live/internal/loadserver/measure.sh 10000 20 10
set -eu
N=${1:-10000}; ROUNDS=${2:-20}; IDLE=${3:-10}; PORT=${4:-18080}
BIN=${BIN:-/tmp}
ulimit -n "$(ulimit -Hn)"   # every websocket is a file descriptor, on both sides
"$BIN/loadserver" -addr 127.0.0.1:$PORT -token load 2>/tmp/loadserver.$PORT.log &
SPID=$!
trap 'kill $SPID 2>/dev/null' EXIT
sleep 1
R0=$(awk '/VmRSS/{print $2}' /proc/$SPID/status)
"$BIN/podium-load" -url ws://127.0.0.1:$PORT/ws -token load -n "$N" -rounds "$ROUNDS" -idle "${IDLE}s" >/tmp/load.$PORT.out 2>&1 &
LPID=$!
for _ in $(seq 1 600); do grep -q '^idle:' /tmp/load.$PORT.out 2>/dev/null && break; sleep 0.2; done
sleep $((IDLE > 3 ? IDLE - 3 : 1))
R1=$(awk '/VmRSS/{print $2}' /proc/$SPID/status)
kill -USR1 $SPID   # loadserver logs a runtime.MemStats breakdown
T1=$(awk '{print $14+$15}' /proc/$SPID/stat)
wait $LPID
T2=$(awk '{print $14+$15}' /proc/$SPID/stat)
grep -v '^idle' /tmp/load.$PORT.out
echo "server RSS: ${R0} kB empty, ${R1} kB with $N idle conns: $(( (R1 - R0) * 1024 / N )) bytes/conn"
echo "server CPU from idle end to load exit: $((T2 - T1)) ticks"
grep goroutines /tmp/loadserver.$PORT.log | tail -1
