#!/usr/bin/env bash
# `make smoke`: start the API with the seed's staging flags (two workers, Secure cookies,
# mail to the smoke script's own SMTP sink), run scripts/smoke.py against it, stop it.
set -euo pipefail
cd "$(dirname "$0")/.."
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
API_PORT="$(free_port)"
SINK_PORT="$(free_port)"
DATA="var/smoke"
rm -rf "$DATA" && mkdir -p "$DATA"

export JOURNAL_DATABASE_URL="sqlite:///${DATA}/journal.db"
export JOURNAL_SECRET_KEY_FILE="${DATA}/secret_key"
export JOURNAL_PUBLIC_URL="http://127.0.0.1:${API_PORT}"
export JOURNAL_SMTP_HOST=127.0.0.1 JOURNAL_SMTP_PORT="$SINK_PORT"
# The seed's staging rollout flags (§3).
export JOURNAL_USER_MGMT_ENABLED=true JOURNAL_AUTH_COOKIE_REFRESH=true
export COOKIE_SAMESITE=lax COOKIE_SECURE_DEFAULT=true
# Two workers share their rate limits through Redis (they refuse to start without it).
export JOURNAL_REDIS_URL="${JOURNAL_SMOKE_REDIS:-redis://127.0.0.1:6379/0}"
export JOURNAL_RATE_LIMIT_PREFIX="smoke-$$-$(date +%s)"

python3 -m uv run --frozen journal serve --port "$API_PORT" --workers 2 \
  --metrics-dir "${DATA}/prometheus" > "${DATA}/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT

for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:${API_PORT}/api/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$SERVER" 2>/dev/null; then cat "${DATA}/server.log" >&2; exit 1; fi
  sleep 0.5
done

python3 -m uv run --frozen python scripts/smoke.py "http://127.0.0.1:${API_PORT}" \
  --smtp-sink-port "$SINK_PORT" --expect-secure
