#!/usr/bin/env bash
# Builds, starts a private MariaDB (var/bench-mariadb, port 3327) and runs the
# benchmarks, writing bench/results.md. Takes about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh >/dev/null
dir=var/bench-mariadb
scripts/mariadb.sh start "$dir" 3327
trap 'scripts/mariadb.sh stop "$dir" >/dev/null' EXIT
DUBAN_TEST_DB_SOCKET=$(pwd)/$dir/mysqld.sock build/bench/duban_bench --out=bench/results.md
cat bench/results.md
