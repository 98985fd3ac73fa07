#!/usr/bin/env bash
# The whole test suite: once on SQLite (the embedded default), then the tests
# that touch a database again on PostgreSQL when it is reachable.
#
# Most of a service test's time is spent waiting (on the broker, on timers),
# not computing, so each pass runs its test folders as three pytest processes
# at once; every test module has its own RabbitMQ vhost and every test its own
# database, so they do not meet. Each group's output is printed when it ends,
# then one total line. Arguments go to every pytest (e.g. -x, -k name).
set -u
cd "$(dirname "$0")/.."
BIN=.venv/bin
GROUPS_=(
  "shared/tests services/registration services/review tests/test_launcher.py tests/test_plain_amqp.py tests/test_migrations.py"
  "services/payment services/exam services/assessor-training tests/ops"
  "services/certificate services/gateway tests/e2e"
)
LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT
TOTAL_PASSED=0
TOTAL_FAILED=0
STATUS=0

run_pass() {   # $1: label, then pytest options
  local label=$1; shift
  echo "== $label"
  local pids=() i=0
  for group in "${GROUPS_[@]}"; do
    # shellcheck disable=SC2086
    "$BIN/python" -m pytest -q "$@" $group > "$LOGS/$i.log" 2>&1 &
    pids+=($!)
    i=$((i + 1))
  done
  i=0
  for pid in "${pids[@]}"; do
    wait "$pid"; local rc=$?
    echo "-- ${GROUPS_[$i]}"
    tail -n 40 "$LOGS/$i.log" | grep -v '^$' | grep -v 'EventletDeprecationWarning\|eventlet' | tail -n 25
    local line; line=$(grep -E '^[0-9]+ (passed|failed)|^[0-9]+ failed|no tests ran' "$LOGS/$i.log" | tail -n 1)
    local p f e
    p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+'); f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+')
    e=$(grep -oE '[0-9]+ errors?' <<<"$line" | grep -oE '[0-9]+')
    TOTAL_PASSED=$((TOTAL_PASSED + ${p:-0})); TOTAL_FAILED=$((TOTAL_FAILED + ${f:-0} + ${e:-0}))
    # 5 = nothing collected (e.g. a group without database tests): not a failure
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 5 ]; then
      STATUS=1
      [ -z "${f}${e}" ] && { TOTAL_FAILED=$((TOTAL_FAILED + 1)); grep -E 'Error|error' "$LOGS/$i.log" | head -n 20; }
    fi
    i=$((i + 1))
  done
}

run_pass "tests on SQLite" "$@"
if (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  SKILLCERT_TEST_DB="${SKILLCERT_TEST_PG:-postgresql+psycopg2://postgres@127.0.0.1:5432/postgres}" \
    run_pass "database tests on PostgreSQL" -m db "$@"
else
  echo "== PostgreSQL not reachable on 127.0.0.1:5432: database tests ran on SQLite only"
fi
echo
echo "total: $TOTAL_PASSED passed, $TOTAL_FAILED failed"
exit $STATUS
