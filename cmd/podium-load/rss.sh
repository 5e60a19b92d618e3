#!/bin/bash
# rss.sh [RUNS] [BINARY...]
#
# Idle RSS of the server serving the talk: for each binary, RUNS times:
# start it, fetch / and /api/deck three times, wait 3 s, read VmRSS, RssAnon
# and RssFile from /proc/PID/status; prints each run and the medians (kB).
# Run from the module root:
#
#   go build -o /tmp/podium ./cmd/podium
#   go build -ldflags='-s -w' -o /tmp/podium-stripped ./cmd/podium
#   cmd/podium-load/rss.sh 5 /tmp/podium /tmp/podium-stripped
#
# Environment: DECK (default slides), PORT (default 18184).
set -eu
RUNS=${1:-5}; shift || true
[ $# -gt 0 ] || set -- /tmp/podium
DECK=${DECK:-slides}; PORT=${PORT:-18184}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "machine: nproc=$(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for bin in "$@"; do
	: >/tmp/rss.runs
	for i in $(seq 1 "$RUNS"); do
		"$bin" serve --addr "127.0.0.1:$PORT" --token load-test-token-16 "$DECK" >/dev/null 2>&1 &
		pid=$!
		for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/api/deck" >/dev/null && break; sleep 0.1; done
		for _ in 1 2 3; do
			curl -fs "http://127.0.0.1:$PORT/" >/dev/null
			curl -fs "http://127.0.0.1:$PORT/api/deck" >/dev/null
		done
		sleep 3
		awk '/^VmRSS|^RssAnon|^RssFile/{printf "%s ", $2} END {print ""}' "/proc/$pid/status" | tee -a /tmp/rss.runs |
			awk -v b="$bin" -v i="$i" '{printf "%s run %d: VmRSS %d kB, RssAnon %d kB, RssFile %d kB\n", b, i, $1, $2, $3}'
		kill "$pid"; wait "$pid" 2>/dev/null || true
	done
	printf '%s median of %d: VmRSS %s kB, RssAnon %s kB, RssFile %s kB (binary %s bytes)\n' "$bin" "$RUNS" \
		"$(cut -d' ' -f1 /tmp/rss.runs | median)" "$(cut -d' ' -f2 /tmp/rss.runs | median)" \
		"$(cut -d' ' -f3 /tmp/rss.runs | median)" "$(stat -c %s "$bin")"
done
