#!/bin/sh
# Heartbeat latency while /metrics is scraped back to back, against the same without scrapes:
# scrapes must not stall the heartbeats that share a libmicrohttpd worker thread with them.
#
#   bench/scrape-stall/run.sh [BINARY…]      (default .build/release/heartbeat-exporter)
#
# For each binary, RUNS times (3): start it on a free loopback port with an empty store, load AGENTS agents
# (10,000) through the batch endpoint, then run `wrk -t1 -c2 -dDURATION --latency` over heartbeat.lua (the agents
# beating again), once alone and once while a loop (in this script, bounded by the wrk run) fetches /metrics
# back to back. Prints one line per run: binary, run, scrapes during the loaded run, and wrk's RESULT figures
# (requests/s, p50 and p99 in microseconds) alone and with scrapes.
# Environment: RUNS (3), AGENTS (10000), DURATION (10s).
set -eu

BENCH=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(dirname "$BENCH")
RUNS=${RUNS:-3}
AGENTS=${AGENTS:-10000}
DURATION=${DURATION:-10s}
[ $# -gt 0 ] || set -- "$ROOT/.build/release/heartbeat-exporter"
SCRATCH=$(mktemp -d /tmp/scrape-stall.XXXXXX)
PID=""
stop() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; PID=""; }
trap 'stop; rm -rf "$SCRATCH"' EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wrk's RESULT line (result.lua): requests/s, p50 and p99 in ms.
beats() {
    wrk -t1 -c2 -d"$DURATION" --timeout 30s --latency -s "$BENCH/heartbeat/heartbeat.lua" \
        "http://127.0.0.1:$1/" -- "$AGENTS" 1 | awk '/^RESULT/ { print $2, $3, $4 }'
}

for binary in "$@"; do
    run=1
    while [ "$run" -le "$RUNS" ]; do
        port=$(free_port)
        rm -rf "$SCRATCH/data"
        "$binary" serve --web.listen-address "127.0.0.1:$port" --storage.path "$SCRATCH/data" \
            --agents.max $((AGENTS * 2)) >"$SCRATCH/log" 2>&1 &
        PID=$!
        tries=0
        until curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null; do
            tries=$((tries + 1)); [ "$tries" -lt 100 ] || { cat "$SCRATCH/log"; exit 1; }; sleep 0.1
        done
        python3 "$BENCH/metrics/load.py" exporter "127.0.0.1:$port" "$AGENTS"
        alone=$(beats "$port")
        : >"$SCRATCH/scrapes"
        (
            end=$(($(date +%s) + ${DURATION%s} + 1))
            while [ "$(date +%s)" -lt "$end" ]; do
                curl -s -o /dev/null "http://127.0.0.1:$port/metrics" && echo >>"$SCRATCH/scrapes"
            done
        ) &
        scraper=$!
        loaded=$(beats "$port")
        wait "$scraper"
        echo "$(basename "$(dirname "$(dirname "$(dirname "$binary")")")") run $run scrapes $(wc -l <"$SCRATCH/scrapes")" \
            "alone $alone with-scrapes $loaded"
        stop
        run=$((run + 1))
    done
done
