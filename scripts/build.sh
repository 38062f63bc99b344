#!/usr/bin/env bash
# Configures and builds everything into build/ (BUILD_DIR to change).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
[ -f "$build_dir/CMakeCache.txt" ] || cmake -S . -B "$build_dir" "${launcher[@]}" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
