#!/usr/bin/env bash
# pip-audit over the pinned requirements (runtime and test), in a tools
# virtualenv of its own (var/tools-venv: pip-audit is not a dependency of the
# suite). Fails on a known vulnerability; when the advisory database cannot
# be reached (no network, a registry mirror without the JSON API) it says so
# in one line and does not fail.
set -u
cd "$(dirname "$0")/.."
PIP_AUDIT_VERSION=2.10.1
VENV=var/tools-venv
PY=${PYTHON:-python3}
if [ ! -x "$VENV/bin/pip-audit" ] || ! "$VENV/bin/pip-audit" --version 2>/dev/null | grep -q "$PIP_AUDIT_VERSION"; then
  "$PY" -m venv "$VENV" >/dev/null 2>&1 && "$VENV/bin/pip" install -q --disable-pip-version-check "pip-audit==$PIP_AUDIT_VERSION" >/dev/null 2>&1 \
    || { echo "audit: could not install pip-audit $PIP_AUDIT_VERSION; requirements not audited"; exit 0; }
fi
reqs=$(mktemp); trap 'rm -f "$reqs"' EXIT
grep -hv '^\s*#\|^\s*-r' requirements.txt requirements-test.txt | grep . > "$reqs"
out=$("$VENV/bin/pip-audit" -r "$reqs" --no-deps --disable-pip --progress-spinner off 2>&1); rc=$?
total=$(wc -l < "$reqs")
skipped=$(grep -c "could not be audited" <<<"$out")
if grep -qi "connection\|Max retries\|NameResolution\|timed out" <<<"$out" && [ $rc -ne 0 ] && ! grep -q "^Name .*Version .*ID" <<<"$out"; then
  echo "audit: the advisory database could not be reached; $total pinned packages not audited"
  exit 0
fi
if [ "$skipped" -ge "$total" ]; then
  echo "audit: the advisory database could not be reached (no package found on its JSON API); $total pinned packages not audited"
  exit 0
fi
if [ $rc -ne 0 ]; then
  echo "audit: pip-audit found known vulnerabilities in the pinned requirements:"
  grep -v "could not be audited\|^WARNING" <<<"$out"
  exit 1
fi
echo "audit: no known vulnerabilities in $((total - skipped)) of $total pinned packages${skipped:+ ($skipped not found on the advisory API)}"
