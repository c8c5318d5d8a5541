#!/usr/bin/env bash
# Stop the single-node cluster of start-local-cluster.sh: slurmd, slurmctld, then munged, each by
# the PID in its PID file (never by process name, which could hit someone else's daemons).
# Jobs still running are killed with slurmd. munged is stopped only with --with-munge, because
# other services on the machine may rely on it.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=local-cluster.env
source "$HERE/local-cluster.env"
STATE=$SLURM_LOCAL_STATE

say() { echo "stop-local-cluster: $*" >&2; }
alive() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop() {  # stop <name> <pid file>
  local name=$1 pid_file=$2 pid
  if ! alive "$pid_file"; then
    say "$name is not running"
    return 0
  fi
  pid=$(cat "$pid_file")
  kill "$pid"
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    say "$name (pid $pid) ignored SIGTERM for 10 s; sending SIGKILL"
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pid_file"
  say "stopped $name (pid $pid)"
}

[[ $(id -u) -eq 0 ]] || { say "must run as root"; exit 1; }

stop slurmd "$STATE/slurmd.pid"
stop slurmctld "$STATE/slurmctld.pid"
if [[ ${1:-} == --with-munge ]]; then
  stop munged "$MUNGE_PID_FILE"
fi
