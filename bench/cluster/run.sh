#!/bin/sh
# Heartbeats/s of one node on PostgreSQL, two nodes on one PostgreSQL with one wrk run split across them, and one node
# on SQLite; then the failover time: the leader killed with SIGKILL → the new leader's first rule evaluation.
# On PostgreSQL, beats are acknowledged from memory and written behind: each run also waits until the database has
# counted every acknowledged beat and reports the written rate, acknowledged beats ÷ (the wrk run + that wait).
# Median of RUNS (default 5). Needs wrk, postgresql (initdb, pg_ctl via pg_config --bindir) and a built binary.
# Nodes start in folders of their own, so no rules of the working directory are loaded.
#   bench/cluster/run.sh [BINARY]          (default .build/release/heartbeat-exporter, else .build/debug/…)
# Environment: RUNS (5), DURATION (10s), AGENTS (1000), KINDS ("sqlite postgres two"; empty: failover only).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
binary=${1:-$root/.build/release/heartbeat-exporter}
[ -x "$binary" ] || binary=$root/.build/debug/heartbeat-exporter
runs=${RUNS:-5}
duration=${DURATION:-10s}
agents=${AGENTS:-1000}
work=$(mktemp -d)
chmod 755 "$work"
pgbin=$(pg_config --bindir)
pgport=$((20000 + $$ % 20000))
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pids=""
cleanup() {
    for pid in $pids; do kill "$pid" 2>/dev/null || true; done
    as_postgres "$pgbin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

start_postgres() {
    as_postgres "$pgbin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$work/pg"
    mkdir -p "$work/pg" && [ "$(id -u)" = 0 ] && chown postgres "$work/pg"
    as_postgres "$pgbin/initdb" -D "$work/pg" -A trust -U postgres >/dev/null
    as_postgres "$pgbin/pg_ctl" -D "$work/pg" -o "-p $pgport -k $work/pg -c listen_addresses=127.0.0.1" \
        -l "$work/pg/log" -w start >/dev/null
    echo "host=127.0.0.1 port=$pgport user=postgres dbname=postgres" > "$work/dsn"
}

# start_node NAME PORT [ARGS…]: starts an exporter in the background, waits until it is ready.
start_node() {
    name=$1; port=$2; shift 2
    mkdir -p "$work/$name"
    (cd "$work/$name" && exec "$binary" --web.listen-address "127.0.0.1:$port" --storage.path "$work/$name" "$@") \
        > "$work/$name.log" 2>&1 &
    pids="$pids $!"
    eval "pid_$name=$!"
    i=0
    until curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null; do
        i=$((i + 1)); [ $i -lt 200 ] || { cat "$work/$name.log"; exit 1; }; sleep 0.05
    done
}

stop_nodes() {
    for pid in $pids; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    pids=""
}

rps() { sed -n 's/^RESULT rps=\([0-9]*\).*/\1/p'; }
accepted() { sed -n 's/^RESULT.*202:\([0-9]*\).*/\1/p'; }
seconds() { echo "$duration" | sed 's/s$//'; }

# written: after a wrk run whose output is in $work/wrk.out, waits (at most 600 s) until PostgreSQL has counted every
# beat acknowledged, and prints "ACKNOWLEDGED/s WRITTEN/s".
written() {
    ok=$(accepted < "$work/wrk.out")
    ended=$(date +%s%3N)
    while :; do
        stored=$(as_postgres "$pgbin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -d postgres -Atc \
            "SELECT coalesce(sum(heartbeats), 0)::bigint FROM agent" 2>/dev/null || echo 0)
        now=$(date +%s%3N)
        [ "$stored" -ge "$ok" ] || [ $((now - ended)) -gt 600000 ] && break
        sleep 0.1
    done
    awk -v ok="$ok" -v d="$(seconds)" -v wait="$((now - ended))" -v stored="$stored" \
        'BEGIN { printf "%d %d\n", ok / d, (stored < ok ? stored : ok) / (d + wait / 1000) }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

measure() {  # measure KIND: prints one requests/s figure
    case $1 in
    sqlite)
        start_node a 19801
        wrk -t2 -c32 -d"$duration" --latency -s "$root/bench/heartbeat/heartbeat.lua" http://127.0.0.1:19801 -- "$agents" 2 | rps ;;
    postgres)
        start_postgres
        start_node a 19801 --storage.postgres.dsn-file "$work/dsn"
        wrk -t2 -c32 -d"$duration" --latency -s "$root/bench/heartbeat/heartbeat.lua" http://127.0.0.1:19801 -- "$agents" 2 \
            > "$work/wrk.out"
        written ;;
    two)
        start_postgres
        start_node a 19801 --storage.postgres.dsn-file "$work/dsn"
        start_node b 19802 --storage.postgres.dsn-file "$work/dsn"
        SECOND_PORT=19802 wrk -t2 -c32 -d"$duration" --latency -s "$here/split.lua" http://127.0.0.1:19801 -- "$agents" 2 \
            > "$work/wrk.out"
        written ;;
    esac
    stop_nodes
    rm -rf "$work/a" "$work/b"
}

# The failover time in milliseconds: SIGKILL of the leader → the new leader's first evaluation of a 1 s rule group
# (its heartbeat_exporter_last_evaluation_timestamp_seconds moves past the kill).
failover() {
    start_postgres
    printf 'groups:\n  - name: g\n    interval: 1s\n    rules:\n      - record: fleet_agents\n        expr: count(agent_up)\n' > "$work/rules.yml"
    printf "rule_files: ['%s']\n" "$work/rules.yml" > "$work/hx.yml"
    start_node a 19801 --storage.postgres.dsn-file "$work/dsn" --config.file "$work/hx.yml"
    until curl -s http://127.0.0.1:19801/metrics | grep -q '^heartbeat_exporter_cluster_leader 1'; do sleep 0.05; done
    start_node b 19802 --storage.postgres.dsn-file "$work/dsn" --config.file "$work/hx.yml"
    sleep 2
    killed=$(date +%s%3N)
    kill -9 "$pid_a"
    while :; do
        at=$(curl -s http://127.0.0.1:19802/metrics |
            sed -n 's/^heartbeat_exporter_last_evaluation_timestamp_seconds{[^}]*} //p; s/^heartbeat_exporter_last_evaluation_timestamp_seconds //p' |
            head -1)
        if [ -n "$at" ]; then
            ms=$(awk -v t="$at" 'BEGIN { printf "%.0f", t * 1000 }')
            [ "$ms" -gt "$killed" ] && { echo $((ms - killed)); break; }
        fi
        sleep 0.02
    done
    stop_nodes
}

echo "binary: $binary, $runs runs of $duration, $agents agents"
for kind in ${KINDS-sqlite postgres two}; do
    values="" writes=""
    for _ in $(seq "$runs"); do
        set -- $(measure $kind)
        values="$values $1"
        [ $# -lt 2 ] || writes="$writes $2"
    done
    echo "$kind heartbeats/s acknowledged: median $(echo $values | tr ' ' '\n' | median) (runs:$values)"
    [ -z "$writes" ] || echo "$kind heartbeats/s written: median $(echo $writes | tr ' ' '\n' | median) (runs:$writes)"
done
values=""
for _ in $(seq "$runs"); do values="$values $(failover)"; done
echo "failover ms: median $(echo $values | tr ' ' '\n' | median) (runs:$values)"
