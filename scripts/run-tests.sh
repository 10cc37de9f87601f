#!/usr/bin/env bash
# Runs the whole suite against the database DATABASE_URL names (SQLite when unset).
# pytest exits 5 when it collected nothing: that is a broken suite here, not a pass.
set -uo pipefail
cd "$(dirname "$0")/.."
echo "database: ${DATABASE_URL:-sqlite (in memory)}"
.venv/bin/python -m pytest "$@"
status=$?
if [[ $status -eq 5 ]]; then
  echo "pytest collected no tests: failing on purpose" >&2
  exit 1
fi
exit $status
