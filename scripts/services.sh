#!/usr/bin/env bash
# Starts or stops the six services on this machine, against the private MariaDB.
#   scripts/services.sh start [--test-clock FILE] [--run NAME] [--port-base P] [--metrics-base M]
#   scripts/services.sh start --same
#   scripts/services.sh stop
#   scripts/services.sh status
# --test-clock FILE  share the test clock held in FILE (created at 2026-09-28 09:00
#                    Asia/Shanghai when missing); without it the real clock runs.
# --run NAME         use databases duban_NAME_<service> (a fresh run leaves the
#                    earlier runs' databases untouched); default: duban_<service>.
# --port-base P      gRPC ports P..P+5 in the order registry, minutes, tasks,
#                    reporting, scheduler, supervision (default 50051).
# --metrics-base M   metrics ports M..M+5 in the same order (default 9101).
# --same             the options of the last start (kept in var/run/start-options):
#                    brings back a service that died with the run, ports and clock
#                    it had; services still running are left alone.
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
    --same)
      [ -s var/run/start-options ] || { echo "services: no earlier start to repeat" >&2; exit 2; }
      # shellcheck source=/dev/null
      . var/run/start-options; shift ;;
    --test-clock) clock=$(realpath -m "$2"); mkdir -p "$(dirname "$clock")"; shift 2 ;;
    --run) run=$2; shift 2 ;;
    --port-base) port_base=$2; shift 2 ;;
    --metrics-base) metrics_base=$2; shift 2 ;;
    *) echo "services: unknown option $1" >&2; exit 2 ;;
  esac
done

mkdir -p var/log var/run var/secrets
if [ "$cmd" = start ]; then
  printf 'clock=%q; run=%q; port_base=%q; metrics_base=%q\n' \
    "$clock" "$run" "$port_base" "$metrics_base" > var/run/start-options
fi
secret() {  # A random development secret, made once.
  [ -s "var/secrets/$1" ] || head -c 32 /dev/urandom | base64 > "var/secrets/$1"
  echo "$root/var/secrets/$1"
}

# Whether service $1 runs: its pid file names a live process that is duban-$1.
# A pid file left by a service that was killed names a dead pid, which the
# system may since have given to an unrelated process: that is not the service.
running() {
  local pid
  pid=$(cat "var/run/$1.pid" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  local exe
  exe=$({ tr '\0' '\n' < "/proc/$pid/cmdline"; } 2>/dev/null | head -1) || return 1
  [ "$(basename -- "$exe")" = "duban-$1" ]
}

# Whether the process just started for service $1 is alive (not yet reaped or
# a zombie); it may still be on its way through setsid to duban-$1.
alive() {
  local state
  state=$(awk '{print $3}' "/proc/$(cat "var/run/$1.pid" 2>/dev/null)/stat" 2>/dev/null) ||
    return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

start() {
  export DUBAN_DB_SOCKET=${DUBAN_DB_SOCKET:-$root/var/mariadb/mysqld.sock}
  export DUBAN_JWT_SECRET_FILE=${DUBAN_JWT_SECRET_FILE:-$(secret jwt.secret)}
  export DUBAN_SERVICE_SECRET_FILE=${DUBAN_SERVICE_SECRET_FILE:-$(secret service.secret)}
  export DUBAN_BOOTSTRAP_ADMINS=${DUBAN_BOOTSTRAP_ADMINS:-admin}
  local args=() i=0
  declare -A log_start=()
  for s in "${services[@]}"; do args+=(--"${s}"_addr=127.0.0.1:$((port_base + i))); i=$((i + 1)); done
  [ -n "$clock" ] && args+=(--test_clock_file="$clock" --test_clock_start=2026-09-28T09:00:00+08:00)
  i=0
  for s in "${services[@]}"; do
    local port=$((port_base + i)) metrics=$((metrics_base + i))
    i=$((i + 1))
    if running "$s"; then echo "services: $s already running"; continue; fi
    rm -f "var/run/$s.pid"  # stale: its process is gone
    local db="duban_$s"
    [ -n "$run" ] && db="duban_${run}_$s"
    log_start[$s]=$(stat -c %s "var/log/$s.log" 2>/dev/null || echo 0)
    setsid "build/services/$s/duban-$s" "${args[@]}" --db_name="$db" --port="$port" \
      --metrics_port="$metrics" </dev/null >>"var/log/$s.log" 2>&1 &
    echo $! > "var/run/$s.pid"
  done
  for s in "${services[@]}"; do
    for _ in $(seq 1 300); do
      if ! alive "$s"; then
        echo "services: $s exited; see var/log/$s.log; what it logged since this start:" >&2
        tail -c +"$(( ${log_start[$s]:-0} + 1 ))" "var/log/$s.log" | tail -5 >&2
        exit 1
      fi
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
            if running "$s"; then echo "$s: running (pid $(cat "var/run/$s.pid"))"; else echo "$s: stopped"; fi
          done ;;
  *) echo "usage: $0 start [--same | --test-clock FILE --run NAME --port-base P --metrics-base M] | stop | status" >&2; exit 2 ;;
esac
