#!/usr/bin/env bash
# Checks that every C++ file of the repository is formatted with its .clang-format (exit 1 and
# the diagnostics when one is not). Usage: scripts/check_format.sh [--fix]
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
else
  clang-format --dry-run --Werror "${files[@]}"
  echo "format: ${#files[@]} C++ files follow .clang-format"
fi
