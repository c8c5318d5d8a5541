#!/usr/bin/env bash
# Start a single-node SLURM cluster on this machine: munge, slurmctld and slurmd on localhost,
# one partition ("debug") holding every CPU, no accounting, no cgroups. It exists to prove the
# workflow's SLURM profile against a real scheduler (tests/slurm/), not to share a machine.
#
#   workflow/slurm/start-local-cluster.sh     # as root; Debian/Ubuntu (apt-get) for the install
#   workflow/slurm/stop-local-cluster.sh      # stops the daemons again
#
# Idempotent: Debian's slurm-wlm and munge packages are installed only when missing, and the
# script returns at once when the cluster already answers. Exit status 0 means the node is idle.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=local-cluster.env
source "$HERE/local-cluster.env"
STATE=$SLURM_LOCAL_STATE
START=$(date +%s.%N)

say() { echo "start-local-cluster: $*" >&2; }
die() { say "$*"; exit 1; }
elapsed() { awk -v a="$START" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
alive() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
node_state() { sinfo -h -p "$SLURM_LOCAL_PARTITION" -o %T 2>/dev/null | head -n1; }
usable() { [[ $(node_state) =~ ^(idle|mixed|allocated|completing)$ ]]; }

[[ $(id -u) -eq 0 ]] || die "must run as root (it installs packages and starts system daemons)"

# 1. Packages (12 s on a fresh Debian 12 machine; nothing when present).
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
    || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  command -v apt-get >/dev/null || die "slurm is not installed and apt-get is unavailable"
  say "installing slurmctld slurmd slurm-client munge from the Debian archive"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    slurmctld slurmd slurm-client munge >/dev/null
fi

# 2. Already up? Then there is nothing to do.
if alive "$STATE/slurmctld.pid" && alive "$STATE/slurmd.pid" && usable; then
  say "already running ($(node_state)); $(elapsed) s"
  exit 0
fi

# 3. Never overwrite a slurm.conf that someone else wrote (a real cluster's client config).
if [[ -e $SLURM_CONF_FILE ]] && ! grep -qxF "$SLURM_CONF_MARK" "$SLURM_CONF_FILE"; then
  die "$SLURM_CONF_FILE exists and was not written by this script; refusing to replace it"
fi

# Half-started leftovers of an earlier run (e.g. slurmd died): stop ours before starting afresh.
for daemon in slurmd slurmctld; do
  if alive "$STATE/$daemon.pid"; then kill "$(cat "$STATE/$daemon.pid")"; fi
done
for _ in $(seq 50); do
  alive "$STATE/slurmd.pid" || alive "$STATE/slurmctld.pid" || break
  sleep 0.1
done

# A state folder left by another configuration makes slurmctld refuse to start, so start clean:
# jobs of a test cluster are not worth keeping across restarts.
rm -rf "$STATE/ctld" "$STATE/d"
mkdir -p "$(dirname "$SLURM_CONF_FILE")" "$STATE/ctld" "$STATE/d" "$STATE/log"

# 4. The configuration. The node is called localhost so that it does not depend on the hostname;
# its size is what slurmd itself detects (a larger RealMemory would mark the node invalid).
CPUS=$(nproc)
MEM_MB=$(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo)
MEM_MB=$(( MEM_MB > 3072 ? MEM_MB - 1024 : MEM_MB * 2 / 3 ))
cat > "$SLURM_CONF_FILE.tmp" <<CONF
$SLURM_CONF_MARK
ClusterName=local
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
# No cgroups in containers: processes are tracked by parent id, and -c/--mem are not enforced.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
# No accounting database, so sacct knows nothing: clients must query job states with squeue,
# which remembers finished jobs for MinJobAge seconds: two hours, longer than a test workflow
# runs (the default, 300 s, forgets the first jobs of a 13-minute run before it ends).
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MinJobAge=7200
SchedulerType=sched/backfill
# Start a batch job as soon as it is submitted (the default batches submissions for up to 3 s).
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=$SLURM_LOCAL_PARTITION Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
mv "$SLURM_CONF_FILE.tmp" "$SLURM_CONF_FILE"

# 5. munge: authentication between the daemons and the client commands.
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  mkdir -p /etc/munge /run/munge /var/log/munge /var/lib/munge
  if [[ ! -s /etc/munge/munge.key ]]; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
  chown -R munge:munge /etc/munge /run/munge /var/log/munge /var/lib/munge
  chmod 0400 /etc/munge/munge.key
  runuser -u munge -- /usr/sbin/munged --pid-file="$MUNGE_PID_FILE"
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n | unmunge >/dev/null || die "munged does not answer (see /var/log/munge/munged.log)"
  say "started munged"
fi

# 6. The daemons (each forks into the background and writes its PID file).
slurmctld -f "$SLURM_CONF_FILE"
slurmd -f "$SLURM_CONF_FILE" -N localhost

for _ in $(seq 300); do
  [[ $(node_state) == idle ]] && break
  sleep 0.1
done
if [[ $(node_state) != idle ]]; then
  sinfo >&2 || true
  tail -n 20 "$STATE/log/slurmctld.log" "$STATE/log/slurmd.log" >&2 || true
  die "the node did not become idle within 30 s"
fi
say "node localhost idle in partition $SLURM_LOCAL_PARTITION ($CPUS CPUs, $MEM_MB MB); $(elapsed) s"
