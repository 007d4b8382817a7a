#!/usr/bin/env bash
# The API the Playwright suite runs against: a fresh SQLite database, the freshly built
# web app, and a known user. Started by playwright.config.ts; extra env passes through.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${E2E_API_PORT:-8765}"
DATA="var/e2e-${PORT}"
rm -rf "$DATA" && mkdir -p "$DATA"
export JOURNAL_DATABASE_URL="sqlite:///${DATA}/journal.db"
export JOURNAL_SECRET_KEY_FILE="${DATA}/secret_key"
export JOURNAL_PUBLIC_URL="http://127.0.0.1:${PORT}"
pnpm -C apps/web build --logLevel error
python3 -m uv run --frozen journal db upgrade >/dev/null
printf '%s\n' "${E2E_PASSWORD:-e2e-password-123}" | \
  python3 -m uv run --frozen journal users create "${E2E_EMAIL:-e2e@example.com}" --password-stdin --name "E2E"
exec python3 -m uv run --frozen uvicorn apps.api.app.main:app --host 127.0.0.1 --port "$PORT" --no-server-header --no-proxy-headers
