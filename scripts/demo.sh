#!/usr/bin/env bash
# Command 1: installs what is missing, builds, starts a private MariaDB and the
# six services on a fresh shared test clock (2026-09-28 09:00 Asia/Shanghai),
# and runs October 2026 over the sample data (form 2, the unit liaisons, the
# 2026 work calendar) through the services' gRPC API, printing each step, the
# circular's figures and the exported files (var/runs/runN/exports/). The
# services stay up; stop everything with scripts/stop.sh. Each run uses its own
# databases (duban_runN_<service>) and folder, so earlier runs' records stay
# as they were.
# DUBAN_DEMO_DB_PORT (default 3307), DUBAN_DEMO_PORT_BASE (50051) and
# DUBAN_DEMO_METRICS_BASE (9101) move it off the default ports.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
mkdir -p var; scripts/build.sh >var/build.log 2>&1 || { tail -40 var/build.log; exit 1; }
db_port=${DUBAN_DEMO_DB_PORT:-3307}
port_base=${DUBAN_DEMO_PORT_BASE:-50051}
metrics_base=${DUBAN_DEMO_METRICS_BASE:-9101}
scripts/mariadb.sh start var/mariadb "$db_port"
scripts/services.sh stop >/dev/null

mkdir -p var/runs
n=1; while [ -e "var/runs/run$n" ]; do n=$((n + 1)); done
run="run$n"; mkdir -p "var/runs/$run"
scripts/services.sh start --test-clock "var/runs/$run/clock" --run "$run" \
  --port-base "$port_base" --metrics-base "$metrics_base"

cat > var/env <<ENV
# Settings for dubanctl against the services started by scripts/demo.sh ($run).
export DUBAN_JWT_SECRET_FILE=$(pwd)/var/secrets/jwt.secret
export DUBAN_TEST_CLOCK_FILE=$(pwd)/var/runs/$run/clock
export PATH=$(pwd)/build/cli/dubanctl:\$PATH
export DUBAN_REGISTRY_ADDR=127.0.0.1:$port_base
export DUBAN_MINUTES_ADDR=127.0.0.1:$((port_base + 1))
export DUBAN_TASKS_ADDR=127.0.0.1:$((port_base + 2))
export DUBAN_REPORTING_ADDR=127.0.0.1:$((port_base + 3))
export DUBAN_SCHEDULER_ADDR=127.0.0.1:$((port_base + 4))
export DUBAN_SUPERVISION_ADDR=127.0.0.1:$((port_base + 5))
ENV
. var/env
dubanctl october --matters=examples/dispatch_matters.csv --liaisons=examples/unit_liaisons.csv \
  --calendar=examples/work_calendar_2026.csv --out_dir="var/runs/$run/exports"
echo
echo "The six services are still running ($run; logs in var/log/). Try:"
echo "  . var/env && dubanctl health && dubanctl circular --month=2026-10"
echo "Stop everything with: scripts/stop.sh"
