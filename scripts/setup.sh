#!/usr/bin/env bash
# Installs aimcsim's build, Python and plotting dependencies from Debian packages (when missing),
# builds the release tree in ./build and makes the Python package in build/python importable by
# Debian's python3 from any directory (a .pth file in its site folder). Usage:
# scripts/setup.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake ninja-build g++ pkg-config libsystemc-dev libspdlog-dev libfmt-dev
          libyaml-cpp-dev libgtest-dev libbenchmark-dev nlohmann-json3-dev libcli11-dev libeigen3-dev
          libpagmo-dev
          clang-format python3 python3-matplotlib python3-yaml
          pybind11-dev python3-dev python3-pandas python3-pytest)

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update
  "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

if [ "${1:-}" != "--no-build" ]; then
  cmake --preset release
  cmake --build --preset release
  # `import aimcsim` from any directory: Debian's python3 reads aimcsim.pth in its site folder,
  # which names build/python (one checkout at a time: the last setup.sh run wins).
  if [ -d build/python/aimcsim ]; then
    python=/usr/bin/python3
    [ -x "$python" ] || python=python3
    site=$("$python" -c 'import site; print(site.getsitepackages()[0])')
    if [ "$(cat "$site/aimcsim.pth" 2>/dev/null)" != "$PWD/build/python" ]; then
      echo "setup: $site/aimcsim.pth -> $PWD/build/python"
      "${sudo_cmd[@]}" mkdir -p "$site"
      echo "$PWD/build/python" | "${sudo_cmd[@]}" tee "$site/aimcsim.pth" >/dev/null
    fi
  fi
fi
