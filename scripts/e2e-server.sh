#!/usr/bin/env bash
# One API (+ its own build of the web app) for the Playwright suite: a fresh SQLite
# database, mail sent to the suite's SMTP sink, and a known CLI-created user.
# Started by apps/web/playwright.config.ts; the flags (JOURNAL_AUTH_COOKIE_REFRESH,
# VITE_AUTH_COOKIE_REFRESH, ...) come from its environment.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${E2E_API_PORT:-8765}"
DATA="var/e2e-${PORT}"
DIST="apps/web/dist-e2e-${PORT}"
rm -rf "$DATA" && mkdir -p "$DATA"
export JOURNAL_DATABASE_URL="sqlite:///${DATA}/journal.db"
export JOURNAL_SECRET_KEY_FILE="${DATA}/secret_key"
# E2E_PUBLIC_HOST=localhost for the passkey project: browsers refuse an IP address as RP ID.
export JOURNAL_PUBLIC_URL="http://${E2E_PUBLIC_HOST:-127.0.0.1}:${PORT}"
export JOURNAL_WEB_DIST="$DIST"
export JOURNAL_SMTP_HOST=127.0.0.1
export JOURNAL_SMTP_PORT="${E2E_SMTP_PORT:-8725}"
# Every spec signs up its own users, all from 127.0.0.1: the per-client registration and mail
# quotas (10 and 30 an hour by default, proven by the API tests) would end the suite early.
export JOURNAL_RATE_REGISTER_IP="${JOURNAL_RATE_REGISTER_IP:-500/hour}"
export JOURNAL_RATE_MAIL_IP="${JOURNAL_RATE_MAIL_IP:-1000/hour}"
pnpm -C apps/web exec vite build --logLevel error --outDir "dist-e2e-${PORT}" --emptyOutDir
python3 -m uv run --frozen journal db upgrade >/dev/null
printf '%s\n' "${E2E_PASSWORD:-e2e-password-123}" | \
  python3 -m uv run --frozen journal users create "${E2E_EMAIL:-e2e@example.com}" --password-stdin --name "E2E" >/dev/null
exec python3 -m uv run --frozen uvicorn apps.api.app.main:app --host 127.0.0.1 --port "$PORT" \
  --no-server-header --no-proxy-headers --log-level warning
