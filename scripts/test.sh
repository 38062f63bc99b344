#!/usr/bin/env bash
# Command 2: installs what is missing, builds, starts a private MariaDB for the
# tests (var/test-mariadb, port 3317), runs every test with CTest, and stops
# the server again. Extra arguments go to ctest (e.g. -L unit, -R Registry).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
db_dir=var/test-mariadb
scripts/mariadb.sh start "$db_dir" 3317
trap 'scripts/mariadb.sh stop "$db_dir" >/dev/null' EXIT
export DUBAN_TEST_DB_SOCKET=$(pwd)/$db_dir/mysqld.sock
export DUBAN_TEST_DB_PORT=3317
ctest --test-dir build --output-on-failure -j2 --timeout 600 "$@"
