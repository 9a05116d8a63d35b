#!/usr/bin/env bash
# Installs aimcsim's build and plotting dependencies from Debian packages (when missing) and
# builds the release tree in ./build. Usage: scripts/setup.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake ninja-build g++ pkg-config libsystemc-dev libspdlog-dev libfmt-dev
          libyaml-cpp-dev libgtest-dev libbenchmark-dev nlohmann-json3-dev libcli11-dev libeigen3-dev
          libpagmo-dev
          clang-format python3 python3-matplotlib python3-yaml)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update
  "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

if [ "${1:-}" != "--no-build" ]; then
  cmake --preset release
  cmake --build --preset release
fi
