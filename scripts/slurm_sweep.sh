#!/usr/bin/env bash
# Runs an aimcsim sweep on a Slurm cluster: one shard of the sweep per job-array task, then a
# dependent job that merges the shards into one results.csv.
#
# Submit (from a folder every node sees):
#   scripts/slurm_sweep.sh SWEEP.yaml OUTDIR [SHARDS] [-- SBATCH_OPTION ...]
# e.g.  scripts/slurm_sweep.sh results/ahwa_lora/sweep.yaml runs/ahwa_lora 8 -- --partition=short
# It prints the array job's and the merge job's ids. Shard I writes OUTDIR/shard.I/; the merge
# job writes OUTDIR/results.csv and OUTDIR/sweep.json. Resubmitting resumes: finished points are
# skipped. Each task runs ${SLURM_CPUS_PER_TASK} points at a time (set with --cpus-per-task).
# AIMCSIM names the executable (default: build/aimcsim beside this script).
#
#SBATCH --job-name=aimcsim-sweep
#SBATCH --cpus-per-task=2
#SBATCH --time=01:00:00
set -euo pipefail

case "${1:-}" in
  shard)  # inside an array task: shard SWEEP OUTDIR SHARDS AIMCSIM
    sweep=$2 outdir=$3 shards=$4 aimcsim=$5
    task=${SLURM_ARRAY_TASK_ID:?shard mode runs inside a Slurm array task}
    exec "$aimcsim" sweep "$sweep" -j "${SLURM_CPUS_PER_TASK:-1}" --shard "$task/$shards" -o "$outdir/shard.$task"
    ;;
  merge)  # the dependent job: merge OUTDIR SHARDS AIMCSIM
    outdir=$2 shards=$3 aimcsim=$4
    dirs=()
    for ((i = 0; i < shards; i++)); do dirs+=("$outdir/shard.$i"); done
    exec "$aimcsim" sweep --merge "${dirs[@]}" -o "$outdir"
    ;;
esac

if [ $# -lt 2 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
sweep=$(realpath "$1")
outdir=$(realpath -m "$2")
shards=${3:-4}
shift $(($# < 3 ? $# : 3))
[ "${1:-}" = "--" ] && shift
extra=("$@")
aimcsim=$(realpath "${AIMCSIM:-$(dirname "$(realpath "$0")")/../build/aimcsim}")
script=$(realpath "$0")
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || { echo "slurm_sweep.sh: SHARDS must be a positive integer, got '$shards'" >&2; exit 2; }
[ -x "$aimcsim" ] || { echo "slurm_sweep.sh: $aimcsim is not executable (set AIMCSIM)" >&2; exit 2; }

# Check the sweep file before submitting anything: a bad file fails here, not in every task.
"$aimcsim" sweep "$sweep" --dry-run >/dev/null
mkdir -p "$outdir"
array=$(sbatch --parsable "${extra[@]}" --array="0-$((shards - 1))" --chdir="$outdir" \
  --output="$outdir/slurm-%A_%a.out" "$script" shard "$sweep" "$outdir" "$shards" "$aimcsim")
array=${array%%;*}
merge=$(sbatch --parsable "${extra[@]}" --dependency="afterany:$array" --job-name=aimcsim-merge \
  --cpus-per-task=1 --chdir="$outdir" --output="$outdir/slurm-merge-%j.out" \
  "$script" merge "$outdir" "$shards" "$aimcsim")
merge=${merge%%;*}
echo "submitted array job $array ($shards shards) and merge job $merge; results in $outdir/results.csv"
