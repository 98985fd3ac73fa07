#!/usr/bin/env bash
# Make sure RabbitMQ (required) and PostgreSQL (optional: SQLite is the default)
# are running on this machine: start them when installed but stopped, or say in
# one line how to install them.
#   --test-tools  also make sure the tools of the operations tests are there
#                 (promtool and prometheus: Debian's `prometheus` package),
#                 installing them when missing and running as root, and
#                 the browser of the portal's tests (Debian's chromium and
#                 chromium-driver, with CJK fonts so pages render Chinese).
set -u
up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { for _ in $(seq 1 60); do up "$1" && return 0; sleep 1; done; return 1; }

if ! up 5672; then
  if command -v rabbitmq-server >/dev/null 2>&1; then
    echo "infra: starting RabbitMQ"
    rabbitmq-server -detached >/dev/null 2>&1 || service rabbitmq-server start >/dev/null 2>&1 || true
    wait_for 5672 || { echo "infra: RabbitMQ did not come up on 127.0.0.1:5672"; exit 1; }
  else
    echo "infra: RabbitMQ is required and not installed: sudo apt-get install -y rabbitmq-server"
    exit 1
  fi
fi

if ! up 5432; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "infra: starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start >/dev/null 2>&1 \
      || service postgresql start >/dev/null 2>&1 || true
    wait_for 5432 || echo "infra: PostgreSQL did not come up; the suite runs on SQLite"
  else
    echo "infra: PostgreSQL not installed (optional; SQLite is used): sudo apt-get install -y postgresql"
  fi
fi
if [ "${1:-}" = "--test-tools" ]; then
  if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      echo "infra: installing Prometheus (promtool and prometheus, for tests/ops)"
      export DEBIAN_FRONTEND=noninteractive
      apt-get install -y -q --no-install-recommends prometheus >/dev/null 2>&1 \
        || { apt-get update -q >/dev/null 2>&1 \
             && apt-get install -y -q --no-install-recommends prometheus >/dev/null 2>&1; } \
        || echo "infra: could not install prometheus; the tests that need it are skipped"
    else
      echo "infra: promtool/prometheus missing (tests/ops skips them): sudo apt-get install -y prometheus"
    fi
  fi
  if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk"; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      echo "infra: installing Chromium and CJK fonts (for the portal's browser tests)"
      export DEBIAN_FRONTEND=noninteractive
      pkgs="chromium chromium-driver fonts-wqy-microhei fontconfig"
      apt-get install -y -q --no-install-recommends $pkgs >/dev/null 2>&1 \
        || { apt-get update -q >/dev/null 2>&1 \
             && apt-get install -y -q --no-install-recommends $pkgs >/dev/null 2>&1; } \
        || echo "infra: could not install chromium; the browser tests fail without it"
    else
      echo "infra: /usr/bin/chromium missing (the portal's browser tests need it): sudo apt-get install -y chromium chromium-driver fonts-wqy-microhei"
    fi
  fi
fi
exit 0
