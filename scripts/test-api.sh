#!/usr/bin/env bash
# API tests on SQLite, then on PostgreSQL (a throwaway database per run).
set -euo pipefail
cd "$(dirname "$0")/.."
PG_SERVER="${JOURNAL_TEST_PG_SERVER:-postgresql://postgres@127.0.0.1:5432/postgres}"

# Two workers (pytest-xdist): every worker has its own database, ports and Redis prefixes,
# and much of the suite waits on subprocesses and sockets rather than the CPU.
WORKERS="${JOURNAL_TEST_WORKERS:-2}"

run_pytest() {
  # pytest exits 5 when it collected nothing: that is a failure here, never a pass.
  set +e
  # loadgroup: tests marked xdist_group (one live cluster) stay on one worker, in order.
  python3 -m uv run --frozen pytest -n "$WORKERS" --dist loadgroup "$@"
  local code=$?
  set -e
  if [[ $code == 5 ]]; then echo "pytest collected no tests" >&2; exit 1; fi
  return $code
}

printf '\033[1m==> API tests on SQLite\033[0m\n'
# The PostgreSQL-only cluster acceptance test waits for the PostgreSQL pass below.
JOURNAL_TEST_WHICH_PASS=sqlite run_pytest -p no:cacheprovider "$@"

printf '\033[1m==> Auth tests again with the metrics exporter disabled\033[0m\n'
JOURNAL_TEST_WHICH_PASS=sqlite JOURNAL_TEST_METRICS=off run_pytest -p no:cacheprovider apps/api/tests/auth "$@"

printf '\033[1m==> API tests on PostgreSQL (%s)\033[0m\n' "$PG_SERVER"
if ! python3 -m uv run --frozen python - "$PG_SERVER" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1], connect_timeout=5).close()
except Exception as exc:
    sys.exit(f"PostgreSQL is not reachable at {sys.argv[1]}: {exc}\n"
             "Start it (see README, 'Tests') or set JOURNAL_TEST_PG_SERVER.")
PY
then
  exit 1
fi
JOURNAL_TEST_PG="$PG_SERVER" run_pytest -p no:cacheprovider "$@"
