#!/usr/bin/env bash
# Runs aimcsim's fuzz targets (tests/fuzz) for a bounded time each and fails on any finding.
# Needs the libFuzzer build: cmake --preset asan && cmake --build --preset asan.
# Usage: scripts/fuzz.sh [-t SECONDS] [-b BUILD_DIR] [TARGET...]
#   -t SECONDS  time per target (default 60); TARGET: config overrides variant model_config sweep
#               csv (default: all). Extra libFuzzer flags go in FUZZ_FLAGS
#               (e.g. FUZZ_FLAGS=-max_len=16384).
# Each target starts from its seed corpus (tests/fuzz/corpus/<target>/, plus platform/configs/ for
# config, workloads/zoo/ for model_config, scripts/examples/ for csv) and the dictionary
# (BUILD_DIR/fuzz/aimcsim.dict); inputs it finds that reach new code go to
# BUILD_DIR/fuzz/work/<target>/ (not the tree). A finding (a crash, an exception other than
# InputError, a broken invariant, a sanitizer report, a leak or an input slower than 30 s) is
# written to BUILD_DIR/fuzz/findings/<target>-<kind>-<hash> and named at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=60
build="build-asan"
while getopts "t:b:" opt; do
  case $opt in
    t) seconds=$OPTARG ;;
    b) build=$OPTARG ;;
    *) sed -n 2,12p "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
targets=("$@")
((${#targets[@]})) || targets=(config overrides variant model_config sweep csv)

fuzz="$build/fuzz"
[ -f "$fuzz/aimcsim.dict" ] || { echo "fuzz: $fuzz/aimcsim.dict missing; build the asan preset first" >&2; exit 2; }
mkdir -p "$fuzz/findings"
# Symbolized stack traces when llvm-symbolizer is installed (Debian's llvm package).
for s in llvm-symbolizer /usr/lib/llvm-14/bin/llvm-symbolizer; do
  if command -v "$s" >/dev/null; then export ASAN_SYMBOLIZER_PATH; ASAN_SYMBOLIZER_PATH=$(command -v "$s"); break; fi
done
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

read -ra extra <<<"${FUZZ_FLAGS:-}"  # more libFuzzer flags, split at blanks
failed=()
for t in "${targets[@]}"; do
  bin="$fuzz/fuzz_$t"
  [ -x "$bin" ] || { echo "fuzz: $bin missing; build the asan preset first" >&2; exit 2; }
  mkdir -p "$fuzz/work/$t"
  log="$fuzz/work/$t.log"
  echo "fuzz: $t for ${seconds}s"
  seeds=("tests/fuzz/corpus/$t")  # and real inputs kept elsewhere (as tests/fuzz/CMakeLists.txt)
  [ "$t" = config ] && seeds+=(platform/configs)
  [ "$t" = model_config ] && seeds+=(workloads/zoo)
  [ "$t" = csv ] && seeds+=(scripts/examples)
  if "$bin" "$fuzz/work/$t" "${seeds[@]}" -dict="$fuzz/aimcsim.dict" \
      -max_total_time="$seconds" -timeout=30 -rss_limit_mb=3072 -print_final_stats=1 \
      -artifact_prefix="$fuzz/findings/$t-" "${extra[@]}" </dev/null >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    echo "fuzz: $t: no finding in $runs inputs ($cov)"
  else
    echo "fuzz: $t: FINDING; the end of $log:"
    tail -n 40 "$log" | sed 's/^/  /'
    failed+=("$t")
  fi
done
if ((${#failed[@]})); then
  echo "fuzz: findings in ${failed[*]}; inputs in $fuzz/findings/ (replay one with $fuzz/fuzz_<target> FILE)" >&2
  exit 1
fi
