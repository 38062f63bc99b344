#!/usr/bin/env bash
# Starts or stops the six services on this machine, against the private MariaDB.
#   scripts/services.sh start [--test-clock FILE] [--run NAME] [--port-base P] [--metrics-base M]
#   scripts/services.sh stop
#   scripts/services.sh status
# --test-clock FILE  share the test clock held in FILE (created at 2026-09-28 09:00
#                    Asia/Shanghai when missing); without it the real clock runs.
# --run NAME         use databases duban_NAME_<service> (a fresh run leaves the
#                    earlier runs' databases untouched); default: duban_<service>.
# --port-base P      gRPC ports P..P+5 in the order registry, minutes, tasks,
#                    reporting, scheduler, supervision (default 50051).
# --metrics-base M   metrics ports M..M+5 in the same order (default 9101).
# Logs: var/log/<service>.log; pids: var/run/<service>.pid. Other settings come
# from DUBAN_* variables (see the README), which this script passes through.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
services=(registry minutes tasks reporting scheduler supervision)
cmd=${1:-}; shift || true
clock=""; run=""; port_base=50051; metrics_base=9101
while [ $# -gt 0 ]; do
  case "$1" in
    --test-clock) clock=$(realpath -m "$2"); mkdir -p "$(dirname "$clock")"; shift 2 ;;
    --run) run=$2; shift 2 ;;
    --port-base) port_base=$2; shift 2 ;;
    --metrics-base) metrics_base=$2; shift 2 ;;
    *) echo "services: unknown option $1" >&2; exit 2 ;;
  esac
done

mkdir -p var/log var/run var/secrets
secret() {  # A random development secret, made once.
  [ -s "var/secrets/$1" ] || head -c 32 /dev/urandom | base64 > "var/secrets/$1"
  echo "$root/var/secrets/$1"
}

running() { [ -f "var/run/$1.pid" ] && kill -0 "$(cat "var/run/$1.pid")" 2>/dev/null; }

start() {
  export DUBAN_DB_SOCKET=${DUBAN_DB_SOCKET:-$root/var/mariadb/mysqld.sock}
  export DUBAN_JWT_SECRET_FILE=${DUBAN_JWT_SECRET_FILE:-$(secret jwt.secret)}
  export DUBAN_SERVICE_SECRET_FILE=${DUBAN_SERVICE_SECRET_FILE:-$(secret service.secret)}
  export DUBAN_BOOTSTRAP_ADMINS=${DUBAN_BOOTSTRAP_ADMINS:-admin}
  local args=() i=0
  for s in "${services[@]}"; do args+=(--"${s}"_addr=127.0.0.1:$((port_base + i))); i=$((i + 1)); done
  [ -n "$clock" ] && args+=(--test_clock_file="$clock" --test_clock_start=2026-09-28T09:00:00+08:00)
  i=0
  for s in "${services[@]}"; do
    local port=$((port_base + i)) metrics=$((metrics_base + i))
    i=$((i + 1))
    if running "$s"; then echo "services: $s already running"; continue; fi
    local db="duban_$s"
    [ -n "$run" ] && db="duban_${run}_$s"
    setsid "build/services/$s/duban-$s" "${args[@]}" --db_name="$db" --port="$port" \
      --metrics_port="$metrics" </dev/null >>"var/log/$s.log" 2>&1 &
    echo $! > "var/run/$s.pid"
  done
  for s in "${services[@]}"; do
    for _ in $(seq 1 300); do
      running "$s" || { echo "services: $s exited; see var/log/$s.log" >&2; tail -5 "var/log/$s.log" >&2; exit 1; }
      build/cli/dubanctl/dubanctl health --service="$s" "${args[@]:0:6}" >/dev/null 2>&1 && break
      sleep 0.1
    done
  done
  build/cli/dubanctl/dubanctl health "${args[@]:0:6}"
}

stop() {
  for s in "${services[@]}"; do
    running "$s" && kill -TERM "$(cat "var/run/$s.pid")"
  done
  for s in "${services[@]}"; do
    for _ in $(seq 1 300); do running "$s" || break; sleep 0.05; done
    rm -f "var/run/$s.pid"
  done
  echo "services: stopped"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) for s in "${services[@]}"; do
            if running "$s"; then echo "$s: running (pid $(cat var/run/$s.pid))"; else echo "$s: stopped"; fi
          done ;;
  *) echo "usage: $0 start|stop|status [--test-clock FILE] [--run NAME]" >&2; exit 2 ;;
esac
