#!/bin/sh
# Benchmarks of heartbeat-exporter's core against its references, side by side on this machine:
#   1. heartbeat ingestion: POST /api/v1/heartbeat over 1,000 agents (heartbeat/heartbeat.lua)
#      against the bare C libmicrohttpd server (limit/limit, same wrk script, and limit/post.lua)
#      and against Pushgateway pushes of the same series (pushgateway/push.lua), with its default
#      consistency check and with --push.disable-consistency-check;
#   2. GET /metrics with 10,000 agents loaded (metrics/load.py): render time, size plain and gzip,
#      exposed series, microseconds per series, against the Pushgateway with 10,000 groups;
#   3. the exporter's RSS empty and with 10,000 agents;
#   4. (PROFILE=1) perf profiles of the exporter under the heartbeat load and during renders;
#   5. (RULES_SIDE=1) bench/rules-side/run.sh: the shipped rules in the exporter and in a real Prometheus over
#      LOADED agents beating every 15 s for RULES_SIDE_SECONDS (480); its summary is appended.
# The 100,000-agent figures (and 1,000 and 10,000 with the rules loaded) are bench/scale.sh's.
# Every measurement runs RUNS times; the summary gives medians and the same-run ratios.
#
# Environment: RUNS (3), DURATION (10s, per wrk run), SCRAPES (11), LOADED (10000 agents),
# PROFILE (1: profile when perf works), RULES_SIDE (1), RULES_SIDE_SECONDS (480),
# BUILD (1: swift build -c release first; 0 to skip),
# OUT (results folder, default a new /tmp/heartbeat-bench.*).  Takes about 17 minutes with the defaults:
#   bench/run-all.sh            or e.g.   BUILD=0 RUNS=1 DURATION=2s bench/run-all.sh
set -eu

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
SCRAPES=${SCRAPES:-11}
LOADED=${LOADED:-10000}
BUILD=${BUILD:-1}
OUT=${OUT:-$(mktemp -d /tmp/heartbeat-bench.XXXXXX)}
EXPORTER="$ROOT/.build/release/heartbeat-exporter"
LIMIT="$BENCH/limit/limit"
RESULTS="$OUT/results.tsv"
WRK="wrk -t2 -c32 -d$DURATION --timeout 30s --latency"
mkdir -p "$OUT"
: >"$RESULTS"

# Debian's Pushgateway persists to /var/lib/prometheus/pushgateway.data unless --persistence.file is
# empty: always pass it empty, so every Pushgateway starts empty and leaves nothing behind.

# --- processes: every server started here is recorded and stopped by PID ------------------------

STARTED="" # the one server running, if any
SERVER_PID=""
SERVER_PORT=""
SCRATCH=""
EXPORTER_ENV="" # extra environment of the exporter (NAME=value), unquoted on purpose

cleanup() {
    if [ -n "$STARTED" ]; then
        kill -TERM "$STARTED" 2>/dev/null || true
    fi
    if [ -n "$SCRATCH" ]; then
        rm -rf "$SCRATCH"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for_port() {
    for _ in $(seq 1 200); do
        if python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 0.1)" 2>/dev/null; then
            return 0
        fi
        sleep 0.05
    done
    echo "server on port $1 did not come up" >&2
    return 1
}

# start KIND: starts a server on a free loopback port; sets SERVER_PID and SERVER_PORT.
start() {
    SERVER_PORT=$(free_port)
    SCRATCH=$(mktemp -d /tmp/heartbeat-bench-server.XXXXXX)
    case "$1" in
    limit) "$LIMIT" "$SERVER_PORT" >"$SCRATCH/log" 2>&1 & ;;
    exporter)
        # Started in its scratch folder, so no rules/*.yml of the working directory is loaded: the Pushgateway
        # evaluates no rules either (bench/scale.sh and bench/rules-side measure the exporter with them).
        (cd "$SCRATCH" && exec env $EXPORTER_ENV "$EXPORTER" serve --web.listen-address "127.0.0.1:$SERVER_PORT" \
            --storage.path "$SCRATCH" --log.level warning >"$SCRATCH/log" 2>&1) &
        ;;
    pushgateway)
        prometheus-pushgateway --web.listen-address="127.0.0.1:$SERVER_PORT" --persistence.file= \
            --log.level=warn >"$SCRATCH/log" 2>&1 &
        ;;
    pushgateway-nocheck)
        prometheus-pushgateway --web.listen-address="127.0.0.1:$SERVER_PORT" --persistence.file= \
            --push.disable-consistency-check --log.level=warn >"$SCRATCH/log" 2>&1 &
        ;;
    esac
    SERVER_PID=$!
    STARTED=$SERVER_PID
    wait_for_port "$SERVER_PORT"
}

stop() {
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    STARTED=""
    rm -rf "$SCRATCH"
    SCRATCH=""
}

# --- recording -----------------------------------------------------------------------------------

# record RUN NAME VALUE
record() {
    printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$RESULTS"
}

# field LINE KEY: the value of KEY=value in a RESULT line
field() {
    echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

rss_kib() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status"
}

median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# --- 1. heartbeat ingestion and pushes -----------------------------------------------------------

# load_run RUN NAME KIND SCRIPT: one wrk run of SCRIPT against a fresh KIND server
load_run() {
    start "$3"
    line=$($WRK -s "$4" "http://127.0.0.1:$SERVER_PORT/" -- 1000 2 | tee "$OUT/wrk-$2-$1.txt" | grep '^RESULT')
    if [ "$2" = exporter ]; then
        curl -s "http://127.0.0.1:$SERVER_PORT/metrics" | grep '^heartbeat_exporter_heartbeats_received_total' \
            >"$OUT/exporter-counts-$1.txt"
    fi
    stop
    record "$1" "$2.rps" "$(field "$line" rps)"
    record "$1" "$2.p50_us" "$(field "$line" p50_us)"
    record "$1" "$2.p99_us" "$(field "$line" p99_us)"
    record "$1" "$2.statuses" "$(field "$line" statuses)"
    record "$1" "$2.socket_errors" "$(field "$line" socket_errors)"
    echo "run $1 $2: $line"
}

# --- 2 and 3. /metrics with LOADED agents, RSS --------------------------------------------------

# scrape_run RUN NAME KIND: load LOADED agents into a fresh KIND server, time GET /metrics
scrape_run() {
    start "$3"
    url="http://127.0.0.1:$SERVER_PORT/metrics"
    curl -s -o /dev/null "$url"
    record "$1" "$2.rss_empty_kib" "$(rss_kib)"
    case "$3" in
    exporter) python3 "$BENCH/metrics/load.py" exporter "127.0.0.1:$SERVER_PORT" "$LOADED" ;;
    *) python3 "$BENCH/metrics/load.py" pushgateway "127.0.0.1:$SERVER_PORT" "$LOADED" ;;
    esac
    sleep 1.5 # the exporter writes its batch to SQLite at least once a second
    record "$1" "$2.rss_loaded_kib" "$(rss_kib)"
    first=$(curl -s -o /dev/null -w '%{time_total}' "$url")
    record "$1" "$2.first_scrape_s" "$first"
    record "$1" "$2.rss_first_scrape_kib" "$(rss_kib)"
    times=""
    for _ in $(seq 1 "$SCRAPES"); do
        times="$times $(curl -s -o /dev/null -w '%{time_total}' "$url")"
    done
    record "$1" "$2.rss_scraped_kib" "$(rss_kib)"
    render=$(echo "$times" | tr ' ' '\n' | grep . | median)
    gz_times=""
    for _ in 1 2 3; do
        gz_times="$gz_times $(curl -s --compressed -o /dev/null -w '%{time_total}' "$url")"
    done
    gz_size=$(curl -s --compressed -o /dev/null -w '%{size_download}' "$url")
    curl -s -o "$OUT/metrics-$2-$1.txt" "$url"
    stop
    plain_size=$(wc -c <"$OUT/metrics-$2-$1.txt")
    series=$(grep -vc '^#' "$OUT/metrics-$2-$1.txt")
    rm -f "$OUT/metrics-$2-$1.txt"
    record "$1" "$2.render_s" "$render"
    record "$1" "$2.render_gzip_s" "$(echo "$gz_times" | tr ' ' '\n' | grep . | median)"
    record "$1" "$2.size_plain" "$plain_size"
    record "$1" "$2.size_gzip" "$gz_size"
    record "$1" "$2.series" "$series"
    record "$1" "$2.us_per_series" "$(awk "BEGIN { printf \"%.4f\", $render * 1e6 / $series }")"
    echo "run $1 $2: render ${render}s (first ${first}s, all:$times), $series series, $plain_size B plain, $gz_size B gzip"
}

# rss_fixed_mmap_threshold: the exporter's RSS after SCRAPES + 1 scrapes of LOADED agents when glibc's
# mmap threshold is fixed at 1 MiB (so every large buffer is returned to the kernel when freed): tells
# whether the growth of RSS over repeated scrapes is freed render buffers kept by malloc arenas.
rss_fixed_mmap_threshold() {
    EXPORTER_ENV=GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1048576
    start exporter
    EXPORTER_ENV=""
    curl -s -o /dev/null "http://127.0.0.1:$SERVER_PORT/metrics"
    record 0 exporter-mmap1m.rss_empty_kib "$(rss_kib)"
    python3 "$BENCH/metrics/load.py" exporter "127.0.0.1:$SERVER_PORT" "$LOADED"
    for _ in $(seq 0 "$SCRAPES"); do curl -s -o /dev/null "http://127.0.0.1:$SERVER_PORT/metrics"; done
    record 0 exporter-mmap1m.rss_scraped_kib "$(rss_kib)"
    stop
}

# --- 4. profiles ---------------------------------------------------------------------------------

# perf_report DATA: the hottest functions by own time, then by time including callees (DWARF stacks)
perf_report() {
    echo "# by own time (perf report --no-children)"
    perf report -i "$1" --stdio --no-children --sort dso,sym -g none --percent-limit 0.4 2>/dev/null |
        swift-demangle --simplified | grep -E '^ +[0-9]' | head -50
    echo "# including callees (perf report --children), user space"
    perf report -i "$1" --stdio --children --sort sym -g none --percent-limit 1 2>/dev/null |
        swift-demangle --simplified | grep -E '^ +[0-9]' | grep -v -e '\[k\]' -e '0x0000' | head -80
}

# perf_record FILE: 3 s of the exporter's stacks
perf_record() {
    perf record -e cpu-clock -F 499 --call-graph dwarf,16384 -o "$1" -p "$SERVER_PID" -- sleep 3 \
        >/dev/null 2>&1
}

profile() {
    start exporter
    $WRK -s "$BENCH/heartbeat/heartbeat.lua" "http://127.0.0.1:$SERVER_PORT/" -- 1000 2 \
        >"$OUT/wrk-profile.txt" &
    wrk_pid=$!
    sleep 2
    perf_record "$OUT/perf-heartbeat.data"
    wait "$wrk_pid"
    stop
    perf_report "$OUT/perf-heartbeat.data" >"$OUT/perf-heartbeat.txt"

    start exporter
    python3 "$BENCH/metrics/load.py" exporter "127.0.0.1:$SERVER_PORT" "$LOADED"
    (for _ in $(seq 1 40); do curl -s -o /dev/null "http://127.0.0.1:$SERVER_PORT/metrics"; done) &
    scrape_pid=$!
    sleep 1
    perf_record "$OUT/perf-metrics.data"
    wait "$scrape_pid"
    stop
    perf_report "$OUT/perf-metrics.data" >"$OUT/perf-metrics.txt"
    echo "profiles: $OUT/perf-heartbeat.txt $OUT/perf-metrics.txt"
}

# --- summary -------------------------------------------------------------------------------------

# value NAME: median over the runs
value() {
    awk -F '\t' -v name="$1" '$2 == name { print $3 }' "$RESULTS" | median
}

# ratio NUMERATOR DENOMINATOR: median over the runs of the same-run ratio
ratio() {
    for run in $(seq 1 "$RUNS"); do
        awk -F '\t' -v run="$run" -v a="$1" -v b="$2" '
            $1 == run && $2 == a { x = $3 } $1 == run && $2 == b { y = $3 }
            END { if (y > 0) printf "%.4f\n", x / y }' "$RESULTS"
    done | median
}

kib_per_agent() {
    awk "BEGIN { printf \"%.2f\", ($(value "$1") - $(value exporter.rss_empty_kib)) / $LOADED }"
}

summary() {
    echo
    echo "## Summary: medians of $RUNS runs (ratios: median of the same-run ratios)"
    echo
    echo "| heartbeats, $WRK | req/s | p50 µs | p99 µs | statuses (last run) |"
    echo "|---|---|---|---|---|"
    for name in limit-beat limit-static exporter pushgateway-nocheck pushgateway; do
        echo "| $name | $(value $name.rps) | $(value $name.p50_us) | $(value $name.p99_us) |" \
            "$(awk -F '\t' -v n="$name.statuses" '$2 == n { s = $3 } END { print s }' "$RESULTS") |"
    done
    echo
    echo "exporter / C limit (same script): $(ratio exporter.rps limit-beat.rps) (target ≥ 0.5)"
    echo "exporter / C limit (static post.lua): $(ratio exporter.rps limit-static.rps)"
    echo "exporter / Pushgateway --push.disable-consistency-check: $(ratio exporter.rps pushgateway-nocheck.rps) (target > 2.5)"
    echo "exporter / Pushgateway default: $(ratio exporter.rps pushgateway.rps) (target ≈ 900)"
    echo
    echo "| GET /metrics, $LOADED agents | render s | first s | gzip s | plain B | gzip B | series | µs/series |"
    echo "|---|---|---|---|---|---|---|---|"
    for name in exporter pushgateway-nocheck; do
        echo "| $name | $(value $name.render_s) | $(value $name.first_scrape_s) | $(value $name.render_gzip_s) |" \
            "$(value $name.size_plain) | $(value $name.size_gzip) | $(value $name.series) | $(value $name.us_per_series) |"
    done
    echo
    echo "Pushgateway µs/series ÷ exporter µs/series: $(ratio pushgateway-nocheck.us_per_series exporter.us_per_series) (target ≥ 5)"
    echo
    echo "| exporter RSS | KiB | KiB per agent above empty |"
    echo "|---|---|---|"
    echo "| empty, after one scrape | $(value exporter.rss_empty_kib) | |"
    echo "| $LOADED agents, before any scrape | $(value exporter.rss_loaded_kib) | $(kib_per_agent exporter.rss_loaded_kib) |"
    echo "| after the first scrape | $(value exporter.rss_first_scrape_kib) | $(kib_per_agent exporter.rss_first_scrape_kib) |"
    echo "| after $((SCRAPES + 1)) scrapes | $(value exporter.rss_scraped_kib) | $(kib_per_agent exporter.rss_scraped_kib) |"
    echo "| after $((SCRAPES + 1)) scrapes, GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1048576 (once) |" \
        "$(value exporter-mmap1m.rss_scraped_kib) |" \
        "$(awk "BEGIN { printf \"%.2f\", ($(value exporter-mmap1m.rss_scraped_kib) - $(value exporter-mmap1m.rss_empty_kib)) / $LOADED }") |"
    echo
    echo "(target: ≤ 4 KiB per agent; for information, the Pushgateway's RSS with $LOADED groups after its scrapes:" \
        "$(value pushgateway-nocheck.rss_scraped_kib) KiB)"
}

# --- main ----------------------------------------------------------------------------------------

"$BENCH/limit/build.sh"
if [ "$BUILD" = 1 ]; then
    (cd "$ROOT" && swift build -c release --product heartbeat-exporter >/dev/null)
fi
echo "results in $OUT ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
for run in $(seq 1 "$RUNS"); do
    load_run "$run" limit-beat limit "$BENCH/heartbeat/heartbeat.lua"
    load_run "$run" exporter exporter "$BENCH/heartbeat/heartbeat.lua"
    load_run "$run" pushgateway-nocheck pushgateway-nocheck "$BENCH/pushgateway/push.lua"
    load_run "$run" pushgateway pushgateway "$BENCH/pushgateway/push.lua"
    load_run "$run" limit-static limit "$BENCH/heartbeat/static.lua"
    scrape_run "$run" exporter exporter
    scrape_run "$run" pushgateway-nocheck pushgateway-nocheck
done
rss_fixed_mmap_threshold
if [ "${PROFILE:-1}" = 1 ] && perf record -e cpu-clock -o /dev/null true >/dev/null 2>&1; then
    profile
fi
summary | tee "$OUT/summary.md"
if [ "${RULES_SIDE:-1}" = 1 ]; then
    AGENTS=$LOADED DURATION=${RULES_SIDE_SECONDS:-480} OUT="$OUT/rules-side" "$BENCH/rules-side/run.sh" |
        tail -6 | tee -a "$OUT/summary.md"
fi
