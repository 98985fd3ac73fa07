#!/usr/bin/env bash
# The whole test suite: once on SQLite (the embedded default), then the tests
# that touch a database again on PostgreSQL when it is reachable.
#
# Most of a service test's time is spent waiting (on the broker, on timers),
# not computing, so each pass runs its test folders as three pytest processes
# at once; every test module has its own RabbitMQ vhost and every test its own
# database, so they do not meet. Each group's output is printed when it ends,
# with every failed test named; then one total line. The full log of every
# group is kept in var/test-logs/ (the last run's). Arguments go to every
# pytest (e.g. -x, -k name).
#
# Between the two passes, the web portal's checks (web/): the type check
# (vue-tsc), the unit tests (Vitest) and the browser tests (Playwright Test
# driving Debian's Chromium against a suite it launches; their screenshots
# stay in var/web-e2e/screenshots/). SKILLCERT_SKIP_WEB=1 leaves them out.
#
# tests/vc runs web/verifier (an independent Node verifier of the certificates'
# verifiable credentials, #19) on credentials the suite issued: its packages are
# installed first (npm ci, when its package-lock.json changed).
#
# Last, alone, the fault tests (run_faults below; SKILLCERT_SKIP_FAULTS=1 leaves
# them out): the suite under SIGKILL, a broker restart and a database outage.
set -u
cd "$(dirname "$0")/.."
BIN=.venv/bin
# (unquoted when run: tests/test_*.py takes every test module at the top of tests/)
GROUPS_=(
  "shared/tests services/registration services/review"
  "services/payment services/exam services/assessor-training tests/ops tests/test_*.py"
  "services/certificate services/gateway tests/e2e tests/vc"
)
LOGS=var/test-logs
rm -rf "$LOGS"; mkdir -p "$LOGS"
TOTAL_PASSED=0
TOTAL_FAILED=0
STATUS=0

run_pass() {   # $1: label, then pytest options
  local label=$1; shift
  local tag; tag=$(tr -c 'a-zA-Z0-9\n' '-' <<<"$label")
  echo "== $label"
  local pids=() i=0
  for group in "${GROUPS_[@]}"; do
    # shellcheck disable=SC2086
    "$BIN/python" -m pytest -q -rfE "$@" $group > "$LOGS/$tag-$i.log" 2>&1 &
    pids+=($!)
    i=$((i + 1))
  done
  i=0
  for pid in "${pids[@]}"; do
    wait "$pid"; local rc=$?
    report "${GROUPS_[$i]}" "$LOGS/$tag-$i.log" "$rc"
    i=$((i + 1))
  done
}

report() {   # $1: what ran, $2: its log, $3: pytest's exit code[, $4: lines of its end
  local name=$1 log=$2 rc=$3 lines=${4:-12}   #  to show]; adds to the totals
  echo "-- $name"
  tail -n 40 "$log" | grep -v '^$' | grep -v 'EventletDeprecationWarning\|eventlet' \
    | grep -v '^FAILED \|^ERROR ' | tail -n "$lines"
  # every failed test by name, however many (the full log is $log)
  grep -E '^(FAILED|ERROR) [^ ]+::' "$log" | sed 's/^/  /'
  local line; line=$(grep -E '^[0-9]+ (passed|failed)|^[0-9]+ failed|no tests ran' "$log" | tail -n 1)
  local p f e
  p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+'); f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+')
  e=$(grep -oE '[0-9]+ errors?' <<<"$line" | grep -oE '[0-9]+')
  TOTAL_PASSED=$((TOTAL_PASSED + ${p:-0})); TOTAL_FAILED=$((TOTAL_FAILED + ${f:-0} + ${e:-0}))
  # 5 = nothing collected (e.g. a group without database tests): not a failure
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 5 ]; then
    STATUS=1
    [ -z "${f}${e}" ] && { TOTAL_FAILED=$((TOTAL_FAILED + 1)); grep -E 'Error|error' "$log" | head -n 20; }
  fi
}

# The fault tests, alone (nothing else runs meanwhile): tests/fault (the suite under
# SIGKILL, a broker stop_app/start_app on a RabbitMQ node of its own, and a
# database refusing connections; it prints its counts; and test_cluster.py, the
# suite on a three-node RabbitMQ cluster of its own with quorum queues through a
# node's loss and a restart of a PostgreSQL server of its own) and the kernel's
# broker_restart test, which stops the machine's RabbitMQ application. Both need
# root (rabbitmqctl, a second RabbitMQ node run as the rabbitmq user) and
# PostgreSQL; without them one line says so.
run_faults() {
  local why=""
  if ! command -v rabbitmqctl >/dev/null 2>&1 || ! command -v rabbitmq-server >/dev/null 2>&1; then
    why="rabbitmqctl / rabbitmq-server not installed"
  elif [ "$(id -u)" != 0 ]; then
    why="not root (rabbitmqctl and a RabbitMQ node of their own need it)"
  elif ! rabbitmqctl -q status >/dev/null 2>&1; then
    why="rabbitmqctl cannot reach the local RabbitMQ node"
  elif ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
    why="PostgreSQL not reachable on 127.0.0.1:5432"
  fi
  if [ -n "$why" ]; then
    echo "== fault tests skipped: $why"
    return
  fi
  echo "== fault tests, alone: SIGKILL, broker stop_app/start_app, a database refusing connections"
  local log="$LOGS/faults.log"
  rm -f "$LOGS/fault-report.txt" "$LOGS/cluster-report.txt"
  SKILLCERT_FAULT_TESTS=1 SKILLCERT_BROKER_FAULT_TESTS=1 SKILLCERT_FAULT_REPORT="$LOGS/fault-report.txt" \
    SKILLCERT_TEST_DB="${SKILLCERT_TEST_PG:-postgresql+psycopg2://postgres@127.0.0.1:5432/postgres}" \
    "$BIN/python" -m pytest -q -rfE "$@" tests/fault \
      shared/tests/test_kernel_broker_faults_service.py::test_broker_restart_during_a_stream_of_events_loses_and_duplicates_nothing \
      > "$log" 2>&1
  local rc=$?
  [ -s "$LOGS/fault-report.txt" ] && sed 's/^/  /' "$LOGS/fault-report.txt"
  # tests/fault/test_cluster.py: three RabbitMQ nodes, a node's loss, a database restart
  [ -s "$LOGS/cluster-report.txt" ] && sed 's/^/  /' "$LOGS/cluster-report.txt"
  report "tests/fault + the kernel's broker_restart test" "$log" "$rc" 3
}

run_web() {
  echo "== web portal: type check, unit tests (Vitest), browser tests (Playwright + Chromium)"
  local log="$LOGS/web.log" rc=0
  ( cd web && npx vue-tsc --noEmit -p . ) > "$LOGS/web-typecheck.log" 2>&1 \
    || { echo "  FAILED web type check (vue-tsc):"; head -n 30 "$LOGS/web-typecheck.log" | sed 's/^/  /'; rc=1; }
  ( cd web && npx vitest run --reporter=default --reporter=json \
      --outputFile.json=../var/test-logs/vitest.json ) > "$LOGS/web-unit.log" 2>&1 || rc=1
  ( cd web && PW_OUTPUT=../var/web-e2e/test-results npx playwright test ) > "$log" 2>&1 || rc=1
  local counts; counts=$("$BIN/python" deploy/web_results.py "$LOGS/vitest.json" \
    var/web-e2e/test-results.json)
  echo "$counts" | sed '$d'
  local p f; read -r p f <<<"$(echo "$counts" | tail -n 1)"
  TOTAL_PASSED=$((TOTAL_PASSED + ${p:-0})); TOTAL_FAILED=$((TOTAL_FAILED + ${f:-0}))
  if [ "$rc" -ne 0 ]; then
    STATUS=1
    [ "${f:-0}" = 0 ] && { TOTAL_FAILED=$((TOTAL_FAILED + 1)); tail -n 30 "$log"; tail -n 20 "$LOGS/web-unit.log"; }
  fi
}

# web/verifier's packages (tests/vc): npm ci when its lock file changed
prepare_verifier() {
  local dir=web/verifier lock_hash
  command -v npm >/dev/null 2>&1 || { echo "== web/verifier: npm not found; tests/vc will fail"; return; }
  lock_hash=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$dir/node_modules/.skillcert-lock" ] || [ "$(cat "$dir/node_modules/.skillcert-lock")" != "$lock_hash" ]; then
    echo "== web/verifier: npm ci (package-lock.json changed)"
    ( cd "$dir" && npm ci --no-audit --no-fund --loglevel=error ) > "$LOGS/verifier-npm-ci.log" 2>&1 \
      && echo "$lock_hash" > "$dir/node_modules/.skillcert-lock" \
      || { tail -n 20 "$LOGS/verifier-npm-ci.log"; echo "== web/verifier: npm ci failed; tests/vc will fail"; }
  fi
}

prepare_verifier
run_pass "tests on SQLite" "$@"
if [ "${SKILLCERT_SKIP_WEB:-}" != 1 ] && [ $# -eq 0 ]; then
  run_web
fi
if (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  SKILLCERT_TEST_DB="${SKILLCERT_TEST_PG:-postgresql+psycopg2://postgres@127.0.0.1:5432/postgres}" \
    run_pass "database tests on PostgreSQL" -m db "$@"
else
  echo "== PostgreSQL not reachable on 127.0.0.1:5432: database tests ran on SQLite only"
fi
if [ "${SKILLCERT_SKIP_FAULTS:-}" != 1 ]; then
  run_faults "$@"
fi
echo
echo "total: $TOTAL_PASSED passed, $TOTAL_FAILED failed"
exit $STATUS
