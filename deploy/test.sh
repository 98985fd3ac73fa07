#!/usr/bin/env bash
# The whole test suite: once on SQLite (the embedded default), then the tests
# that touch a database again on PostgreSQL when it is reachable.
set -eu
cd "$(dirname "$0")/.."
BIN=.venv/bin
echo "== tests on SQLite"
"$BIN/python" -m pytest -q "$@"
if (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  echo "== database tests on PostgreSQL"
  SKILLCERT_TEST_DB="${SKILLCERT_TEST_PG:-postgresql+psycopg2://postgres@127.0.0.1:5432/postgres}" \
    "$BIN/python" -m pytest -q -m db "$@"
else
  echo "== PostgreSQL not reachable on 127.0.0.1:5432: database tests ran on SQLite only"
fi
