#!/usr/bin/env bash
# Command 1: installs what is missing, builds, starts a private MariaDB and the
# six services on a fresh shared test clock, imports the sample registry and
# runs a dispatch cycle on it, printing each step. The services stay up; stop
# everything with scripts/stop.sh. Each run uses its own databases
# (duban_runN_<service>), so earlier runs' records stay as they were.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
mkdir -p var; scripts/build.sh >var/build.log 2>&1 || { tail -40 var/build.log; exit 1; }
scripts/mariadb.sh start var/mariadb 3307
scripts/services.sh stop >/dev/null

mkdir -p var/runs
n=1; while [ -e "var/runs/run$n" ]; do n=$((n + 1)); done
run="run$n"; mkdir -p "var/runs/$run"
scripts/services.sh start --test-clock "var/runs/$run/clock" --run "$run"

cat > var/env <<ENV
# Settings for dubanctl against the services started by scripts/demo.sh ($run).
export DUBAN_JWT_SECRET_FILE=$(pwd)/var/secrets/jwt.secret
export DUBAN_TEST_CLOCK_FILE=$(pwd)/var/runs/$run/clock
export PATH=$(pwd)/build/cli/dubanctl:\$PATH
ENV
. var/env
dubanctl cycle --matters=examples/dispatch_matters.csv --liaisons=examples/unit_liaisons.csv
echo
echo "The six services are still running ($run; logs in var/log/). Try:"
echo "  . var/env && dubanctl health && dubanctl circular --month=2026-10"
echo "Stop everything with: scripts/stop.sh"
