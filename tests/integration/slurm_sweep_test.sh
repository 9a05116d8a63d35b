#!/usr/bin/env bash
# Runs a small sweep through scripts/slurm_sweep.sh on a real single-node Slurm (Debian's
# slurm-wlm and munge) brought up on loopback with its own config in a temporary folder, merges
# the shards and checks that results.csv and sweep.json equal a local run's.
# Usage: slurm_sweep_test.sh AIMCSIM_EXECUTABLE. Exit 0 pass, 1 fail, 77 skipped (with the reason
# printed) where Slurm cannot start. Every daemon it starts is stopped by its process id.
set -uo pipefail

aimcsim=$(realpath "${1:?usage: slurm_sweep_test.sh AIMCSIM_EXECUTABLE}")
repo=$(realpath "$(dirname "$0")/../..")
skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAILED: $*"; for f in "$tmp"/log/*; do echo "--- $f"; tail -n 20 "$f"; done; exit 1; }

[ "$(id -u)" -eq 0 ] || skip "needs root to run slurmctld, slurmd and munged"
for b in munged mungekey slurmctld slurmd sbatch squeue sinfo; do
  command -v "$b" >/dev/null || skip "$b not installed (apt-get install slurm-wlm munge)"
done

tmp=$(mktemp -d /tmp/aimcsim-slurm.XXXXXX)
chmod 755 "$tmp"
mkdir -p "$tmp/log" "$tmp/state" "$tmp/spool" "$tmp/munge"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

# Free TCP ports for this Slurm on loopback.
read -r ctld_port slurmd_port < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')

# munge: its own key, socket and files, run as the munge user (setpriv execs, so $! is munged).
chown munge:munge "$tmp/munge"
chmod 755 "$tmp/munge"
mungekey --create --keyfile="$tmp/munge/munge.key" >/dev/null 2>&1 || skip "mungekey cannot create a key"
chown munge:munge "$tmp/munge/munge.key"
chmod 400 "$tmp/munge/munge.key"
[ -d /run/munge ] || install -d -o munge -g munge -m 755 /run/munge  # munged checks its default run folder
socket="$tmp/munge/munge.socket"
command -v setpriv >/dev/null || skip "setpriv (util-linux) not installed"
setpriv --reuid=munge --regid=munge --init-groups munged --foreground --key-file="$tmp/munge/munge.key" --socket="$socket" \
  --pid-file="$tmp/munge/munged.pid" --log-file="$tmp/munge/munged.log" --seed-file="$tmp/munge/munged.seed" \
  >"$tmp/log/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$socket" ] && break; sleep 0.1; done
[ -S "$socket" ] || { cp "$tmp/munge/munged.log" "$tmp/log/" 2>/dev/null; skip "munged did not start: $(tail -n 1 "$tmp/munge/munged.log" 2>/dev/null)"; }

export SLURM_CONF="$tmp/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=aimcsimtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
NodeName=aimcsimnode NodeAddr=127.0.0.1 NodeHostname=localhost CPUs=2 RealMemory=1000 State=UNKNOWN
PartitionName=test Nodes=aimcsimnode Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -D -i -f "$SLURM_CONF" >"$tmp/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N aimcsimnode -f "$SLURM_CONF" >"$tmp/log/slurmd.out" 2>&1 &
pids+=($!)
state=""
for _ in $(seq 100); do
  state=$(sinfo -h -n aimcsimnode -o %T 2>/dev/null || true)
  [ "$state" = "idle" ] && break
  sleep 0.2
done
if [ "$state" != "idle" ]; then
  reason=$(tail -n 1 "$tmp/log/slurmctld.log" "$tmp/log/slurmd.log" 2>/dev/null | tr '\n' ' ')
  skip "Slurm did not start here (node state '${state:-none}'): $reason"
fi

# A small sweep: 2 x 3 points over 3 shards.
cat >"$tmp/sweep.yaml" <<'EOF'
base: {workload: {model: 'linear:512x128', seq_len: 320}}
grid: {tile.t_int: [128ns, 512ns], pipeline.chunk_tokens: [8, 16, 32]}
EOF
submitted=$(AIMCSIM="$aimcsim" "$repo/scripts/slurm_sweep.sh" "$tmp/sweep.yaml" "$tmp/cluster" 3 -- --cpus-per-task=1) ||
  fail "slurm_sweep.sh could not submit: $submitted"
echo "$submitted"
merge_job=$(sed -n 's/.*merge job \([0-9]*\).*/\1/p' <<<"$submitted")
[ -n "$merge_job" ] || fail "no merge job id in: $submitted"
for _ in $(seq 300); do
  [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
  sleep 0.2
done
[ -z "$(squeue -h -o %i)" ] || fail "jobs still queued after 60 s: $(squeue)"
cp "$tmp"/cluster/slurm-*.out "$tmp/log/" 2>/dev/null
[ -f "$tmp/cluster/results.csv" ] || fail "the merge job wrote no results.csv"
for i in 0 1 2; do [ -f "$tmp/cluster/shard.$i/sweep.json" ] || fail "shard $i did not run"; done

"$aimcsim" sweep "$tmp/sweep.yaml" -j 2 -o "$tmp/local" >/dev/null || fail "local sweep failed"
cmp "$tmp/local/results.csv" "$tmp/cluster/results.csv" || fail "results.csv differs from the local run"
cmp "$tmp/local/sweep.json" "$tmp/cluster/sweep.json" || fail "sweep.json differs from the local run"
rows=$(($(wc -l <"$tmp/cluster/results.csv") - 1))
[ "$rows" -eq 6 ] || fail "expected 6 rows, got $rows"
echo "PASSED: 6 points in 3 Slurm array tasks, merged, equal to the local run"
