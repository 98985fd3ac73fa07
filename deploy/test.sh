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
set -u
cd "$(dirname "$0")/.."
BIN=.venv/bin
GROUPS_=(
  "shared/tests services/registration services/review tests/test_launcher.py tests/test_plain_amqp.py tests/test_migrations.py tests/test_supply_chain.py"
  "services/payment services/exam services/assessor-training tests/ops"
  "services/certificate services/gateway tests/e2e"
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
    echo "-- ${GROUPS_[$i]}"
    local log="$LOGS/$tag-$i.log"
    tail -n 40 "$log" | grep -v '^$' | grep -v 'EventletDeprecationWarning\|eventlet' \
      | grep -v '^FAILED \|^ERROR ' | tail -n 12
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
    i=$((i + 1))
  done
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
echo
echo "total: $TOTAL_PASSED passed, $TOTAL_FAILED failed"
exit $STATUS
