#!/bin/bash
# Alternates two exporter binaries, ROUNDS times (3): each is started empty, loaded with 10,000 agents
# (load.py), then scraped 21 times (plain text); prints the median and every scrape's time.
#   bench/metrics/ab.sh BEFORE-BINARY AFTER-BINARY
set -u
BENCH=$(cd "$(dirname "$0")/.." && pwd)
before=$1
after=$2
for round in $(seq 1 "${ROUNDS:-3}"); do
    for which in before after; do
        if [ "$which" = before ]; then binary=$before; else binary=$after; fi
        dir=$(mktemp -d /tmp/ab.XXXXXX)
        port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        (cd "$dir" && exec "$binary" --web.listen-address "127.0.0.1:$port" --storage.path "$dir" --agents.max 20000 \
            >/dev/null 2>&1) &
        pid=$!
        for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null && break; sleep 0.1; done
        python3 "$BENCH/metrics/load.py" exporter "127.0.0.1:$port" 10000
        times=""
        for _ in $(seq 21); do
            times="$times $(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/metrics")"
        done
        median=$(echo "$times" | tr ' ' '\n' | grep . | sort -n | sed -n 11p)
        echo "round $round $which median ${median}s all:$times"
        kill -TERM "$pid"
        wait "$pid" 2>/dev/null
        rm -rf "$dir"
    done
done
