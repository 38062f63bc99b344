#!/usr/bin/env bash
# Stops the services and the private MariaDB started by scripts/demo.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/services.sh stop
scripts/mariadb.sh stop var/mariadb
