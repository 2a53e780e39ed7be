#!/bin/sh
# Measures the HTTP ceiling: the bare C libmicrohttpd server (limit.c) and the Swift transport
# with a trivial handler (http-trivial-bench), alternately, RUNS times each, with
#   wrk -t2 -c32 -d10s -s post.lua
# Prints each run's requests/s and, when perf is installed, the server's CPU time per request
# (less sensitive to other load on the machine than requests/s), then medians and Swift/C.
set -eu
cd "$(dirname "$0")"
RUNS=${RUNS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
ROOT=$(cd ../.. && pwd)
STAT=$(mktemp)
trap 'rm -f "$STAT"' EXIT

./build.sh
(cd "$ROOT" && swift build -c release --product http-trivial-bench >/dev/null)
SWIFT_BIN="$ROOT/.build/release/http-trivial-bench"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for_port() {
    for _ in $(seq 1 100); do
        if python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 0.1)" 2>/dev/null; then
            return 0
        fi
        sleep 0.05
    done
    echo "server on port $1 did not come up" >&2
    return 1
}

# measure BINARY: starts the server, runs wrk once, stops the server by PID.
# Prints "REQUESTS_PER_SECOND CPU_MICROSECONDS_PER_REQUEST" (the second is 0 without perf).
measure() {
    port=$(free_port)
    "$1" "$port" &
    pid=$!
    wait_for_port "$port"
    : >"$STAT"
    stat_pid=""
    if command -v perf >/dev/null; then
        perf stat -x, -e task-clock -p "$pid" -o "$STAT" -- sleep "$SECONDS_PER_RUN" &
        stat_pid=$!
    fi
    out=$(wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" -s post.lua "http://127.0.0.1:$port/api/v1/heartbeat")
    [ -n "$stat_pid" ] && wait "$stat_pid"
    kill -TERM "$pid"
    wait "$pid" || true
    rate=$(echo "$out" | awk '/^Requests\/sec:/ { printf "%d", $2 }')
    requests=$(echo "$out" | awk '/requests in/ { print $1 }')
    cpu_ms=$(awk -F, '/task-clock/ { print $1 }' "$STAT")
    echo "$rate $(awk "BEGIN { printf \"%.1f\", ${cpu_ms:-0} * 1000 / $requests }")"
}

median() {
    tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

c_rates="" c_cpu="" swift_rates="" swift_cpu=""
for run in $(seq 1 "$RUNS"); do
    set -- $(measure ./limit)
    c_rates="$c_rates $1" c_cpu="$c_cpu $2"
    c_line="C $1 req/s ($2 us CPU/req)"
    set -- $(measure "$SWIFT_BIN")
    swift_rates="$swift_rates $1" swift_cpu="$swift_cpu $2"
    echo "run $run: $c_line, Swift $1 req/s ($2 us CPU/req)"
done
cr=$(echo "$c_rates" | median) sr=$(echo "$swift_rates" | median)
cc=$(echo "$c_cpu" | median) sc=$(echo "$swift_cpu" | median)
echo "median: C $cr req/s, Swift $sr req/s, Swift/C throughput $(awk "BEGIN { printf \"%.2f\", $sr / $cr }")"
echo "median CPU per request: C $cc us, Swift $sc us, Swift/C $(awk "BEGIN { if ($cc > 0) printf \"%.2f\", $sc / $cc; else print \"n/a\" }")"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
