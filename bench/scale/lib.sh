# Shared by bench/scale.sh and bench/rules-side/run.sh (sourced, POSIX sh): servers on free loopback ports,
# each recorded and stopped by its PID, and the small measurements both scripts take.
# The sourcing script sets BENCH (the bench folder), ROOT (the package) and SCRATCH (a folder it removes).

EXPORTER=${EXPORTER:-$ROOT/.build/release/heartbeat-exporter}
PIDS="" # every process started here and still running

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# stop_pid PID: SIGTERM, wait for it, forget it.
stop_pid() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -vx "$1" | tr '\n' ' ')
}

stop_all() {
    for pid in $PIDS; do stop_pid "$pid"; done
}

# wait_http URL [TRIES]: until URL answers 200 (every 0.05 s, TRIES times, default 2400 = 2 min).
wait_http() {
    tries=0
    until curl -sf -o /dev/null "$1"; do
        tries=$((tries + 1))
        [ "$tries" -lt "${2:-2400}" ] || { echo "$1 did not answer" >&2; return 1; }
        sleep 0.05
    done
}

rss_kib() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# exporter_config FILE: the exporter's configuration: the shipped rules, evaluated every INTERVAL seconds (15);
# PER_AGENT_HISTOGRAMS=false sets metrics.per_agent_histograms: false (the task-duration histogram per agent_type).
exporter_config() {
    cat >"$1" <<EOF
global:
  evaluation_interval: ${INTERVAL:-15}s
rule_files: ['$ROOT/rules/*.yml']
metrics:
  per_agent_histograms: ${PER_AGENT_HISTOGRAMS:-true}
EOF
}

# start_exporter PORT DATA MAX_AGENTS LOG: sets EXPORTER_PID; returns when /-/ready answers. EXPORTER_LOG_LEVEL
# (warning) is the exporter's --log.level: info logs the rule history restored at a restart, with its time.
start_exporter() {
    [ -f "$SCRATCH/exporter.yml" ] || exporter_config "$SCRATCH/exporter.yml"
    "$EXPORTER" serve --config.file "$SCRATCH/exporter.yml" --web.listen-address "127.0.0.1:$1" \
        --storage.path "$2" --agents.max "$3" --log.level "${EXPORTER_LOG_LEVEL:-warning}" >>"$4" 2>&1 &
    EXPORTER_PID=$!
    PIDS="$PIDS $EXPORTER_PID"
    wait_http "http://127.0.0.1:$1/-/ready" || { cat "$4" >&2; return 1; }
}

# start_prometheus PORT TARGET_PORT DATA RULES KEEP: a real Prometheus scraping the exporter on TARGET_PORT every
# INTERVAL seconds (15; its scrape timeout one second less); RULES: "rules" to evaluate the shipped rule files
# too, "" not to; KEEP: a regex of the metric names it
# stores ("" = all; everything else is parsed and dropped by metric_relabel_configs). Sets PROMETHEUS_PID.
start_prometheus() {
    {
        every=${INTERVAL:-15}
        echo "global: {scrape_interval: ${every}s, scrape_timeout: $((every > 1 ? every - 1 : 1))s, evaluation_interval: ${every}s}"
        [ "$4" = rules ] && echo "rule_files: ['$ROOT/rules/*.yml']"
        echo "scrape_configs:"
        echo "  - job_name: heartbeat-exporter"
        echo "    static_configs: [{targets: ['127.0.0.1:$2']}]"
        if [ -n "$5" ]; then
            echo "    metric_relabel_configs: [{source_labels: [__name__], regex: '$5', action: keep}]"
        fi
    } >"$3.yml"
    prometheus --config.file="$3.yml" --storage.tsdb.path="$3" --web.listen-address="127.0.0.1:$1" \
        --storage.tsdb.retention.time=1h --log.level=warn >>"$3.log" 2>&1 &
    PROMETHEUS_PID=$!
    PIDS="$PIDS $PROMETHEUS_PID"
    wait_http "http://127.0.0.1:$1/-/ready" || { cat "$3.log" >&2; return 1; }
}

# prom_query PORT QUERY: the first value of an instant query (empty when there is none).
prom_query() {
    curl -s "http://127.0.0.1:$1/api/v1/query" --data-urlencode "query=$2" |
        python3 -c 'import json, sys; r = json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")'
}

# field LINE KEY: the value of KEY=value in a RESULT-style line
field() {
    echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}
