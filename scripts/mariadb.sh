#!/usr/bin/env bash
# A private MariaDB server under a folder of the repository, without systemd.
#   scripts/mariadb.sh start [DIR] [PORT]   initialise on first use, start, wait until ready
#   scripts/mariadb.sh stop  [DIR]          stop it (by its pid file) and wait
#   scripts/mariadb.sh status [DIR]
# DIR defaults to var/mariadb, PORT to 3307. The socket is DIR/mysqld.sock; the
# server listens on 127.0.0.1 only, root without a password (local development
# and tests only).
set -euo pipefail
cmd=${1:-}
dir=$(realpath -m "${2:-var/mariadb}")
port=${3:-3307}
pidfile="$dir/mysqld.pid"
sock="$dir/mysqld.sock"

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

case "$cmd" in
  start)
    if running; then echo "mariadb: already running in $dir (pid $(cat "$pidfile"))"; exit 0; fi
    mkdir -p "$dir"
    if [ ! -d "$dir/data/mysql" ]; then
      mariadb-install-db --no-defaults --datadir="$dir/data" --auth-root-authentication-method=normal \
        --skip-test-db --user="$(id -un)" >"$dir/install.log" 2>&1 \
        || { cat "$dir/install.log"; exit 1; }
    fi
    user_args=()
    [ "$(id -u)" = 0 ] && user_args=(--user=root)
    setsid mariadbd --no-defaults "${user_args[@]}" --datadir="$dir/data" --socket="$sock" \
      --port="$port" --bind-address=127.0.0.1 --pid-file="$pidfile" \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
      --skip-name-resolve --innodb-buffer-pool-size=128M --max-connections=500 \
      --log-error="$dir/error.log" </dev/null >/dev/null 2>&1 &
    for _ in $(seq 1 200); do
      if mariadb-admin --no-defaults --socket="$sock" -uroot ping >/dev/null 2>&1; then
        echo "mariadb: ready on 127.0.0.1:$port (socket $sock)"; exit 0
      fi
      sleep 0.05
    done
    echo "mariadb: did not become ready; see $dir/error.log" >&2; exit 1 ;;
  stop)
    if ! running; then echo "mariadb: not running in $dir"; exit 0; fi
    pid=$(cat "$pidfile"); kill "$pid"
    for _ in $(seq 1 400); do kill -0 "$pid" 2>/dev/null || { echo "mariadb: stopped"; exit 0; }; sleep 0.05; done
    echo "mariadb: still running after 20 s (pid $pid)" >&2; exit 1 ;;
  status)
    if running; then echo "running (pid $(cat "$pidfile"))"; else echo "stopped"; exit 3; fi ;;
  *) echo "usage: $0 start|stop|status [DIR] [PORT]" >&2; exit 2 ;;
esac
