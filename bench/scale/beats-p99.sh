#!/bin/sh
# Heartbeat latency at 10,000 agents with the shipped rules, as bench/scale.sh measures it, without the rest of
# that run: to compare builds quickly, alternating them.
#
#   EXPORTER=path/to/heartbeat-exporter bench/scale/beats-p99.sh
#
# Starts the exporter (empty store, rules/*.yml), bench/scale/beater.py with 10,000 agents beating every 15 s,
# waits 45 s, then runs wrk -t1 -c2 -d20s over bench/heartbeat/heartbeat.lua (1,000 further agents beating one
# by one) while a loop fetches /metrics back to back, and prints wrk's RESULT line (p50_us, p99_us). Bounded:
# about 70 s; everything it started is stopped by PID at the end.
# Environment: SCRAPE=0 leaves the /metrics loop out; PROM=1 adds a real Prometheus scraping every 15 s; AGENTS
# (10000), WARM (45 s), BEAT_FOR (20 s). A smoke (CI, ~10 s): AGENTS=200 WARM=2 BEAT_FOR=2 bench/scale/beats-p99.sh
set -eu
BENCH=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(dirname "$BENCH")
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/heartbeat-p99.XXXXXX")
. "$BENCH/scale/lib.sh"
trap 'stop_all; rm -rf "$SCRATCH"' EXIT
trap 'exit 130' INT TERM
port=$(free_port)
AGENTS=${AGENTS:-10000}
WARM=${WARM:-45}
BEAT_FOR=${BEAT_FOR:-20}
start_exporter "$port" "$SCRATCH/data" $((AGENTS + 2000)) "$SCRATCH/exporter.log"
if [ "${PROM:-0}" = 1 ]; then start_prometheus "$(free_port)" "$port" "$SCRATCH/prometheus" "" ""; fi
python3 "$BENCH/scale/beater.py" "127.0.0.1:$port" "$AGENTS" 15 $((WARM + BEAT_FOR + 60)) >"$SCRATCH/beater.log" 2>&1 &
PIDS="$PIDS $!"
sleep "$WARM"
scraper=""
if [ "${SCRAPE:-1}" = 1 ]; then
    (
        end=$(($(date +%s) + BEAT_FOR))
        while [ "$(date +%s)" -lt "$end" ]; do curl -s -o /dev/null "http://127.0.0.1:$port/metrics"; done
    ) &
    scraper=$!
fi
wrk -t1 -c2 -d"${BEAT_FOR}s" --timeout 30s --latency -s "$BENCH/heartbeat/heartbeat.lua" "http://127.0.0.1:$port/" -- 1000 1 |
    grep '^RESULT'
[ -z "$scraper" ] || wait "$scraper"
