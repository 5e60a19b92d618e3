#!/bin/bash
# storm.sh [N] [KILL|TERM] [WINDOW_SECONDS]
#
# Reconnect storm: starts the real podium binary, connects N reconnecting
# audience clients (podium-load -mode storm, backoff as web/sync.js), then
# kills the server with SIGKILL (a crash) or SIGTERM (graceful: close frame
# 1001 to everyone), restarts it on the same port at once, and lets
# podium-load report the share of clients that got hello+state back within
# 10 s and the reconnects per 250 ms. Run from the module root:
#
#   go build -o /tmp/podium ./cmd/podium && go build -o /tmp/podium-load ./cmd/podium-load
#   cmd/podium-load/storm.sh 2000 KILL
#   cmd/podium-load/storm.sh 2000 TERM
#
# With GOTO=INDEX.STEP (0-based, e.g. GOTO=20.2 for slide 21 step 2) a
# presenter first moves the talk there, the script waits until the state
# file says so, and a client counts as resynced only if the restarted
# server puts it back on that slide and step (the state survived):
#
#   GOTO=20.2 cmd/podium-load/storm.sh 2000 KILL
#
# Both runs of the server are the same command, with the same --state file
# (fresh at the start of the script).
#
# Environment: BIN (default /tmp), DECK (default slides), PORT (default 18182), GOTO.
set -eu
N=${1:-2000}; SIG=${2:-KILL}; WINDOW=${3:-20}
BIN=${BIN:-/tmp}; DECK=${DECK:-slides}; PORT=${PORT:-18182}; GOTO=${GOTO:-}
STATE=/tmp/storm.$PORT.state.json
rm -f "$STATE"
ulimit -n "$(ulimit -Hn)"
OUT=/tmp/storm.$PORT.out
now() { date -u +%H:%M:%S.%3N; }
start() {
	"$BIN/podium" serve --addr "127.0.0.1:$PORT" --token load-test-token-16 --state "$STATE" "$DECK" >>"/tmp/podium.$PORT.log" 2>&1 &
	SPID=$!
}
start
trap 'kill $SPID 2>/dev/null; wait $SPID 2>/dev/null' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/api/deck" >/dev/null && break; sleep 0.1; done
echo "machine: nproc=$(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$BIN/podium-load" -mode storm -url "ws://127.0.0.1:$PORT/ws" -n "$N" -window "${WINDOW}s" ${GOTO:+-token load-test-token-16 -goto "$GOTO"} >"$OUT" 2>&1 &
LPID=$!
for _ in $(seq 1 600); do grep -q '^ready:' "$OUT" && break; sleep 0.2; done
if [ -n "$GOTO" ]; then
	for _ in $(seq 1 100); do grep -q "\"index\": ${GOTO%.*}," "$STATE" 2>/dev/null && break; sleep 0.1; done
	echo "$(now) state file: $(tr -d ' \n' <"$STATE" | sed 's/"token":"[^"]*"/"token":…/')"
fi
sleep 2
echo "$(now) kill -$SIG $SPID"
kill -"$SIG" "$SPID"
{ wait "$SPID"; } 2>/dev/null || true
echo "$(now) server gone"
start
for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$PORT/api/deck" >/dev/null && break; sleep 0.05; done
echo "$(now) restarted server answers HTTP (pid $SPID)"
wait "$LPID"
cat "$OUT"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
