#!/usr/bin/env bash
# Configures and builds everything into build/ (BUILD_DIR to change).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # Paths relative to the checkout, so every clone on this machine shares the cache.
  export CCACHE_BASEDIR=$(pwd) CCACHE_NOHASHDIR=1
fi
[ -f "$build_dir/CMakeCache.txt" ] || cmake -S . -B "$build_dir" "${launcher[@]}" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
