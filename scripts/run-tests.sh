#!/usr/bin/env bash
# Runs the whole suite against the database DATABASE_URL names (SQLite when unset).
# pytest exits 5 when it collected nothing: that is a broken suite here, not a pass. The 30
# slowest tests are listed at the end, to see where the CI budget (30 minutes) goes.
set -uo pipefail
cd "$(dirname "$0")/.."
echo "database: ${DATABASE_URL:-sqlite (in memory)}"
.venv/bin/python -m pytest --durations=30 "$@"
status=$?
if [[ $status -eq 5 ]]; then
  echo "pytest collected no tests: failing on purpose" >&2
  exit 1
fi
exit $status
