#!/bin/sh
# The shipped rules evaluated by the exporter and by a real Prometheus, side by side on the same fleet:
#
#   bench/rules-side/run.sh            (after swift build -c release --product heartbeat-exporter)
#
# Starts the exporter with rules/*.yml (evaluation_interval 15s) and Debian's Prometheus scraping it every 15 s
# and evaluating the same rule files, then AGENTS agents (10,000) beat every 15 s through the batch endpoint
# (bench/scale/beater.py) for DURATION seconds (480). Every 15 s it reads, from the exporter's /metrics,
# heartbeat_exporter_rule_group_last_duration_seconds and, from Prometheus' own /metrics,
# prometheus_rule_group_last_duration_seconds (each summed over the groups, and the slowest group), and both
# RSS. The summary gives the medians over the second half of the run (the steady part; the rules' windows fill
# in the first), their ratio, and both RSS at the end. RUNS (1) repeats the whole and gives medians of the runs.
# Environment: AGENTS (10000), DURATION (480), RUNS (1), INTERVAL (15), OUT (results folder, default a new
# /tmp/heartbeat-rules-side.*). A smoke (CI, ~20 s): AGENTS=200 DURATION=10 INTERVAL=2 bench/rules-side/run.sh
set -eu

BENCH=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(dirname "$BENCH")
AGENTS=${AGENTS:-10000}
DURATION=${DURATION:-480}
RUNS=${RUNS:-1}
INTERVAL=${INTERVAL:-15}
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/heartbeat-rules-side.XXXXXX")}
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/heartbeat-rules-side-run.XXXXXX")
. "$BENCH/scale/lib.sh"
trap 'stop_all; rm -rf "$SCRATCH"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$OUT"
SAMPLES="$OUT/samples.tsv" # run, seconds since start, exporter sum, exporter max, prometheus sum, max, both RSS
: >"$SAMPLES"

one_run() {
    run=$1
    port=$(free_port)
    prom_port=$(free_port)
    start_exporter "$port" "$SCRATCH/data-$run" $((AGENTS * 2)) "$OUT/exporter-$run.log"
    start_prometheus "$prom_port" "$port" "$SCRATCH/prometheus-$run" rules ""
    python3 "$BENCH/scale/beater.py" "127.0.0.1:$port" "$AGENTS" "$INTERVAL" "$DURATION" \
        >"$OUT/beater-$run.log" 2>&1 &
    beater=$!
    PIDS="$PIDS $beater"
    began=$(date +%s)
    while kill -0 "$beater" 2>/dev/null; do
        sleep "$INTERVAL"
        ours=$(python3 "$BENCH/scale/probe.py" "http://127.0.0.1:$port/metrics" \
            heartbeat_exporter_rule_group_last_duration_seconds)
        theirs=$(python3 "$BENCH/scale/probe.py" "http://127.0.0.1:$prom_port/metrics" \
            prometheus_rule_group_last_duration_seconds)
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$run" $(($(date +%s) - began)) \
            "$(field "$ours" heartbeat_exporter_rule_group_last_duration_seconds.sum)" \
            "$(field "$ours" heartbeat_exporter_rule_group_last_duration_seconds.max)" \
            "$(field "$theirs" prometheus_rule_group_last_duration_seconds.sum)" \
            "$(field "$theirs" prometheus_rule_group_last_duration_seconds.max)" \
            "$(rss_kib "$EXPORTER_PID")" "$(rss_kib "$PROMETHEUS_PID")" | tee -a "$SAMPLES"
    done
    wait "$beater" || { cat "$OUT/beater-$run.log" >&2; return 1; }
    PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -vx "$beater" | tr '\n' ' ')
    grep '^RESULT' "$OUT/beater-$run.log"
    failures=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^heartbeat_exporter_rule_evaluation_failures_total/ { s += $NF } END { print s + 0 }')
    prom_failures=$(curl -s "http://127.0.0.1:$prom_port/metrics" | awk '/^prometheus_rule_evaluation_failures_total/ { s += $NF } END { print s + 0 }')
    echo "run $run: rule evaluation failures: exporter $failures, Prometheus $prom_failures"
    stop_pid "$PROMETHEUS_PID"
    stop_pid "$EXPORTER_PID"
    rm -rf "$SCRATCH/data-$run" "$SCRATCH/prometheus-$run"
}

# steady RUN COLUMN: median of COLUMN over the second half of RUN's samples
steady() {
    awk -F '\t' -v r="$1" -v h=$((DURATION / 2)) -v c="$2" '$1 == r && $2 >= h { print $c }' "$SAMPLES" | median
}

# last RUN COLUMN: COLUMN of RUN's last sample
last() {
    awk -F '\t' -v r="$1" -v c="$2" '$1 == r { v = $c } END { print v }' "$SAMPLES"
}

echo "results in $OUT ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
PER_RUN="$OUT/per-run.tsv"
: >"$PER_RUN"
for run in $(seq 1 "$RUNS"); do
    one_run "$run"
    ours=$(steady "$run" 3)
    theirs=$(steady "$run" 5)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "$ours" "$(steady "$run" 4)" "$theirs" "$(steady "$run" 6)" \
        "$(awk "BEGIN { if ($ours > 0) printf \"%.2f\", $theirs / $ours }")" "$(last "$run" 7)" "$(last "$run" 8)" \
        >>"$PER_RUN"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
col() { cut -f"$1" "$PER_RUN" | median; }
{
    echo
    echo "## bench/rules-side: $AGENTS agents beating every ${INTERVAL}s for ${DURATION}s; medians of $RUNS runs"
    echo
    echo "| | exporter | Prometheus | Prometheus ÷ exporter |"
    echo "|---|---|---|---|"
    echo "| rule groups' last duration, sum over groups, s | $(col 2) | $(col 4) | $(col 6) |"
    echo "| slowest group, s | $(col 3) | $(col 5) | |"
    echo "| RSS at the end, KiB | $(col 7) | $(col 8) | |"
} | tee "$OUT/summary.md"
