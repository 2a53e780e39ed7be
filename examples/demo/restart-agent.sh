#!/bin/sh
# The restart step of the demo's recovery ladder (heartbeat-exporter.yml, `recovery:`). The exporter runs it as
# an argument vector, never through a shell: $1 is the agent's name, $2 the demo supervisor's spool directory.
# It asks the supervisor (`heartbeat-exporter demo`) to start the agent again, as `systemctl restart
# agent@NAME.service` asks systemd, and exits 0 once the request is written.
set -eu
agent="$1"
spool="${2:-/tmp/heartbeat-exporter-demo}"
mkdir -p "$spool/restart"
: > "$spool/restart/$agent"
echo "asked the demo supervisor to restart $agent"
