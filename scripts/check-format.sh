#!/usr/bin/env bash
# Fails, listing the files, when a C++ source is not laid out as .clang-format says.
set -uo pipefail
cd "$(dirname "$0")/.."
bad=$(git ls-files '*.cc' '*.h' | while read -r f; do
  clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || echo "$f"; done)
if [ -n "$bad" ]; then echo "not formatted (run clang-format -i):"; echo "$bad"; exit 1; fi
echo "all C++ sources formatted"
