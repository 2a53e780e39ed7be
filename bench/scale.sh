#!/bin/sh
# The exporter at 1,000, 10,000 and 100,000 agents beating every 15 s through the batch endpoint, with the
# shipped rules (rules/*.yml) loaded and a real Prometheus scraping it every 15 s; bounded, stops itself.
#
#   bench/scale.sh [AGENTS …]          (default: 1000 10000 100000; after swift build -c release --product
#                                       heartbeat-exporter)
#
# For each fleet size, RUNS times: start the exporter (empty store) and Prometheus, start bench/scale/beater.py
# (every agent beats once per INTERVAL, in batches of 200, spread over the interval), and after WARM seconds
# measure, while the fleet keeps beating:
#   - the exporter's RSS: empty; after the first round (the fleet, no rule history yet); at the end, and the
#     end minus heartbeat_exporter_rule_history_bytes (KiB per agent without the rule history);
#   - the rule cycle: heartbeat_exporter_rule_group_last_duration_seconds, summed over the groups and the
#     slowest group, from PROBES scrapes (median); and the share of the evaluations due over the run that were
#     missed (heartbeat_exporter_rule_group_iterations_missed_total ÷ _iterations_total);
#   - GET /metrics: time to the last byte, size and series plain (bench/scale/probe.py) and with gzip (curl);
#   - Prometheus' scrape_duration_seconds of the exporter (median over the run: quantile_over_time);
#   - heartbeat latency while /metrics is scraped back to back and the rule groups run: wrk -t1 -c2 -dBEAT_FOR
#     over bench/heartbeat/heartbeat.lua (1,000 further agents beating one by one), p50 and p99;
#   - a restart: the beats stop, the exporter is stopped (SIGTERM) and started again on the same SQLite store;
#     the time from its start to /-/ready answering, with the whole fleet restored (checked).
# Prometheus stores every series up to PROM_STORE_MAX agents (20000); above, it still scrapes and parses the
# whole exposition but keeps only heartbeat_exporter_* (metric_relabel_configs), so that 100,000 agents' 4
# million series do not need its 20+ GB.
# A probe that gets no answer within PROBE_TIMEOUT seconds (600) is recorded as missing and the run goes on.
# Environment: RUNS (3), INTERVAL (15), WARM (120 s before the measurements), BEAT_FOR (20s), PROBES (3),
# PROBE_TIMEOUT (600), PROM_STORE_MAX (20000), PER_AGENT_HISTOGRAMS (true; false: the README's setting above
# 10,000 agents), OUT (results folder, default a new /tmp/heartbeat-scale.*).
# A smoke (CI, ~40 s): RUNS=1 WARM=3 INTERVAL=2 BEAT_FOR=2s PROBES=1 bench/scale.sh 200
set -eu

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
RUNS=${RUNS:-3}
INTERVAL=${INTERVAL:-15}
WARM=${WARM:-120}
BEAT_FOR=${BEAT_FOR:-20s}
PROBES=${PROBES:-3}
PROM_STORE_MAX=${PROM_STORE_MAX:-20000}
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/heartbeat-scale.XXXXXX")}
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/heartbeat-scale-run.XXXXXX")
RESULTS="$OUT/results.tsv"
[ $# -gt 0 ] || set -- 1000 10000 100000
. "$BENCH/scale/lib.sh"
trap 'stop_all; rm -rf "$SCRATCH"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$OUT"
: >"$RESULTS"

# record RUN AGENTS NAME VALUE
record() {
    printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RESULTS"
}

GROUP_GAUGE=heartbeat_exporter_rule_group_last_duration_seconds
HISTORY_GAUGE=heartbeat_exporter_rule_history_bytes

# one_run RUN AGENTS
one_run() {
    run=$1
    agents=$2
    port=$(free_port)
    prom_port=$(free_port)
    data="$SCRATCH/data-$agents-$run"
    log="$OUT/exporter-$agents-$run.log"
    url="http://127.0.0.1:$port/metrics"
    start_exporter "$port" "$data" $((agents + 2000)) "$log"
    curl -s -o /dev/null "$url"
    empty=$(rss_kib "$EXPORTER_PID")
    keep=""
    [ "$agents" -le "$PROM_STORE_MAX" ] || keep='heartbeat_exporter_.*'
    start_prometheus "$prom_port" "$port" "$SCRATCH/prometheus-$agents-$run" "" "$keep"
    began=$(date +%s)
    beats_log="$OUT/beater-$agents-$run.log"
    seconds=$((WARM + 600))
    python3 "$BENCH/scale/beater.py" "127.0.0.1:$port" "$agents" "$INTERVAL" "$seconds" >"$beats_log" 2>&1 &
    beater=$!
    PIDS="$PIDS $beater"
    until grep -q '^round 1 ' "$beats_log"; do
        kill -0 "$beater" 2>/dev/null || { cat "$beats_log" >&2; return 1; }
        sleep 0.2
    done
    sleep 1.5 # the exporter writes its batch to SQLite at least once a second
    loaded=$(rss_kib "$EXPORTER_PID")
    pause=$((began + WARM - $(date +%s)))
    [ "$pause" -le 0 ] || sleep "$pause"

    history=0
    for probe in $(seq 1 "$PROBES"); do
        line=$(python3 "$BENCH/scale/probe.py" "$url" "$GROUP_GAUGE" "$HISTORY_GAUGE" || true)
        echo "run $run, $agents agents, probe $probe: $line"
        record "$run" "$agents" render_s "$(field "$line" time_s)"
        record "$run" "$agents" size_plain "$(field "$line" bytes)"
        record "$run" "$agents" series "$(field "$line" series)"
        record "$run" "$agents" rule_cycle_sum_s "$(field "$line" "$GROUP_GAUGE.sum")"
        record "$run" "$agents" rule_cycle_max_s "$(field "$line" "$GROUP_GAUGE.max")"
        known=$(field "$line" "$HISTORY_GAUGE.sum")
        history=${known:-$history}
        gz=$(curl -s --compressed -o /dev/null -w '%{time_total} %{size_download}' "$url")
        record "$run" "$agents" render_gzip_s "${gz% *}"
        record "$run" "$agents" size_gzip "${gz#* }"
        sleep 2
    done

    # Heartbeat latency while /metrics is fetched back to back (bounded by the wrk run) and the groups run.
    scrapes="$SCRATCH/scrapes"
    : >"$scrapes"
    (
        end=$(($(date +%s) + ${BEAT_FOR%s}))
        while [ "$(date +%s)" -lt "$end" ]; do
            curl -s -o /dev/null "$url" && echo >>"$scrapes"
        done
    ) &
    scraper=$!
    line=$(wrk -t1 -c2 -d"$BEAT_FOR" --timeout 30s --latency -s "$BENCH/heartbeat/heartbeat.lua" \
        "http://127.0.0.1:$port/" -- 1000 1 | tee "$OUT/wrk-$agents-$run.txt" | grep '^RESULT')
    wait "$scraper"
    record "$run" "$agents" beat_rps "$(field "$line" rps)"
    record "$run" "$agents" beat_p50_ms "$(awk "BEGIN { print $(field "$line" p50_us) / 1000 }")"
    record "$run" "$agents" beat_p99_ms "$(awk "BEGIN { print $(field "$line" p99_us) / 1000 }")"
    record "$run" "$agents" scrapes_during_beats "$(wc -l <"$scrapes")"
    echo "run $run, $agents agents, beats with scrapes: $line, $(wc -l <"$scrapes") scrapes"

    final=$(rss_kib "$EXPORTER_PID")
    # Evaluations the groups missed over the whole run (due while the one before still ran), of all that were due.
    counts=$(python3 "$BENCH/scale/probe.py" "$url" heartbeat_exporter_rule_group_iterations_missed_total \
        heartbeat_exporter_rule_group_iterations_total)
    record "$run" "$agents" rule_evaluations_missed_share "$(awk "BEGIN { printf \"%.3f\", \
        $(field "$counts" heartbeat_exporter_rule_group_iterations_missed_total.sum) / \
        ($(field "$counts" heartbeat_exporter_rule_group_iterations_total.sum) + 1e-9) }")"
    scrape_duration=$(prom_query "$prom_port" 'quantile_over_time(0.5, scrape_duration_seconds[1h])')
    samples=$(prom_query "$prom_port" 'scrape_samples_scraped')
    record "$run" "$agents" prometheus_scrape_s "$scrape_duration"
    record "$run" "$agents" prometheus_samples_scraped "$samples"
    record "$run" "$agents" prometheus_rss_kib "$(rss_kib "$PROMETHEUS_PID")"
    record "$run" "$agents" rss_empty_kib "$empty"
    record "$run" "$agents" rss_loaded_kib "$loaded"
    record "$run" "$agents" rss_final_kib "$final"
    record "$run" "$agents" history_kib "$(awk "BEGIN { print $history / 1024 }")"
    record "$run" "$agents" kib_per_agent_loaded "$(awk "BEGIN { printf \"%.3f\", ($loaded - $empty) / $agents }")"
    record "$run" "$agents" kib_per_agent_without_history \
        "$(awk "BEGIN { printf \"%.3f\", ($final - $empty - $history / 1024) / ($agents + 1000) }")"
    record "$run" "$agents" kib_per_agent_with_history "$(awk "BEGIN { printf \"%.3f\", ($final - $empty) / ($agents + 1000) }")"
    stop_pid "$PROMETHEUS_PID"
    stop_pid "$beater"
    grep '^RESULT' "$beats_log" || tail -1 "$beats_log"
    record "$run" "$agents" late_rounds "$(grep -c ', late$' "$beats_log" || true)"

    # Restart on the same store: the time until /-/ready, with every agent back.
    sleep 1.5
    stop_pid "$EXPORTER_PID"
    started=$(date +%s.%N)
    echo "--- restart at $(date -u +%H:%M:%S.%N)" >>"$log"
    EXPORTER_LOG_LEVEL=info start_exporter "$port" "$data" $((agents + 2000)) "$log"
    ready=$(date +%s.%N)
    restored=$(PROBE_TIMEOUT=3600 python3 "$BENCH/scale/probe.py" "$url" heartbeat_exporter_agents)
    known=$(field "$restored" heartbeat_exporter_agents.sum | cut -d. -f1)
    [ "$known" -ge "$agents" ] || { echo "restart restored $known agents of $agents" >&2; return 1; }
    record "$run" "$agents" restart_s "$(awk "BEGIN { printf \"%.3f\", $ready - $started }")"
    record "$run" "$agents" restart_rss_kib "$(rss_kib "$EXPORTER_PID")"
    echo "run $run, $agents agents: restart to ready $(awk "BEGIN { printf \"%.3f\", $ready - $started }") s, $known agents"
    stop_pid "$EXPORTER_PID"
    rm -rf "$data" "$SCRATCH/prometheus-$agents-$run"
}

value() { # AGENTS NAME: median over the runs
    awk -F '\t' -v a="$1" -v n="$2" '$2 == a && $3 == n { print $4 }' "$RESULTS" | median
}

summary() {
    echo
    echo "## bench/scale.sh: medians of $RUNS runs, beats every ${INTERVAL}s, measured after ${WARM}s"
    echo
    printf '| figure |'
    for agents in "$@"; do printf ' %s agents |' "$agents"; done
    echo
    printf '|---|'
    for _ in "$@"; do printf -- '---|'; done
    echo
    for name in kib_per_agent_loaded kib_per_agent_without_history kib_per_agent_with_history history_kib \
        rule_cycle_sum_s rule_cycle_max_s rule_evaluations_missed_share render_s render_gzip_s size_plain size_gzip series prometheus_scrape_s \
        prometheus_samples_scraped prometheus_rss_kib beat_p50_ms beat_p99_ms beat_rps scrapes_during_beats \
        restart_s restart_rss_kib late_rounds; do
        printf '| %s |' "$name"
        for agents in "$@"; do printf ' %s |' "$(value "$agents" "$name")"; done
        echo
    done
}

echo "results in $OUT ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
for run in $(seq 1 "$RUNS"); do
    for agents in "$@"; do
        one_run "$run" "$agents"
    done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
summary "$@" | tee "$OUT/summary.md"
