#!/usr/bin/env bash
# Installs what building, running and testing Duban needs on Debian 12, and
# nothing that is already there. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ccache pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  libmysqlcppconn-dev prometheus-cpp-dev libgtest-dev libgmock-dev
  mariadb-server mariadb-client tzdata libjwt-dev libxlsxwriter-dev libssl-dev
  prometheus docker-compose python3-openpyxl unzip curl
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from elsewhere than Debian; only install Debian's when absent.
command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# buf (lint, and an independent gRPC client), pinned, under var/.
buf_version=1.75.0
if [ "$(var/node/node_modules/.bin/buf --version 2>/dev/null)" != "$buf_version" ]; then
  echo "install-deps: installing buf $buf_version"
  mkdir -p var/node
  npm install --silent --no-audit --no-fund --prefix var/node "@bufbuild/buf@$buf_version" >/dev/null
fi
