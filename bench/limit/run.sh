#!/bin/sh
# Measures the HTTP ceiling: the bare C libmicrohttpd server (limit.c) and the Swift transport
# with a trivial handler (http-trivial-bench), alternately, RUNS times each, with
#   wrk -t2 -c32 -d10s -s post.lua
# Prints each run's requests/s, then the medians and the Swift/C ratio.
set -eu
cd "$(dirname "$0")"
RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
ROOT=$(cd ../.. && pwd)

./build.sh
(cd "$ROOT" && swift build -c release --product http-trivial-bench >/dev/null)
SWIFT_BIN="$ROOT/.build/release/http-trivial-bench"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for_port() {
    for _ in $(seq 1 100); do
        if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $1), 0.1)" 2>/dev/null; then
            return 0
        fi
        sleep 0.05
    done
    echo "server on port $1 did not come up" >&2
    return 1
}

# measure NAME BINARY: start the server, run wrk once, stop the server by PID; prints req/s.
measure() {
    port=$(free_port)
    "$2" "$port" &
    pid=$!
    wait_for_port "$port"
    rate=$(wrk -t2 -c32 -d"$DURATION" -s post.lua "http://127.0.0.1:$port/api/v1/heartbeat" |
        awk '/^Requests\/sec:/ { printf "%d", $2 }')
    kill -TERM "$pid"
    wait "$pid" || true
    echo "$rate"
}

median() {
    tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

c_rates=""
swift_rates=""
for run in $(seq 1 "$RUNS"); do
    c=$(measure c ./limit)
    s=$(measure swift "$SWIFT_BIN")
    echo "run $run: C $c req/s, Swift $s req/s"
    c_rates="$c_rates $c"
    swift_rates="$swift_rates $s"
done
c_median=$(echo "$c_rates" | median)
swift_median=$(echo "$swift_rates" | median)
echo "median: C $c_median req/s, Swift $swift_median req/s, Swift/C $(awk "BEGIN { printf \"%.2f\", $swift_median / $c_median }")"
