#!/usr/bin/env bash
# Installs the built tree into a temporary prefix, builds tests/install/consumer against it with
# find_package(aimcsim), runs the consumer and checks what it prints. Run by ctest:
#   install_test.sh CMAKE BUILD_DIR CONSUMER_DIR GENERATOR MAKE_PROGRAM CXX BUILD_TYPE [PYTHON PYDIR]
# With PYTHON and PYDIR (where the Python package goes, relative to the prefix), it also imports
# the installed package aimcsim from there and runs the default job through it.
set -euo pipefail
cmake_bin=$1 build=$2 consumer=$3 generator=$4 make_program=$5 cxx=$6 build_type=$7
python=${8:-} pydir=${9:-}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aimcsim-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$cmake_bin" --install "$build" --config "$build_type" --prefix "$tmp/prefix" >"$tmp/install.log" ||
  { cat "$tmp/install.log"; exit 1; }
"$cmake_bin" -S "$consumer" -B "$tmp/build" -G "$generator" -DCMAKE_MAKE_PROGRAM="$make_program" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE="$build_type" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
"$cmake_bin" --build "$tmp/build" --config "$build_type"

"$tmp/build/consumer" | tee "$tmp/out.txt"
grep -q '^aimcsim .*, strategies: .*token-pipelined' "$tmp/out.txt"
grep -Eq '^analog-only [0-9.e+]+ ns$' "$tmp/out.txt"
grep -Eq '^hybrid [0-9.e+]+ ns$' "$tmp/out.txt"
grep -Eq '^overhead [0-9.e+]+$' "$tmp/out.txt"
echo "install_test: consumer built against the installed package and ran"

if [ -n "$python" ]; then
  (cd / && PYTHONPATH="$tmp/prefix/$pydir" "$python" -c '
import sys, aimcsim
assert aimcsim.__file__.startswith(sys.argv[1]), aimcsim.__file__
r = aimcsim.run(overrides={"workload.seq_len": 32})
assert r.summary["status"] == "ok" and r.layers.overhead.max() > 1, r
print("install_test: the installed Python package ran", r)
' "$tmp/prefix/$pydir")
fi
