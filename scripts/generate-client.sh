#!/usr/bin/env bash
# Regenerate the typed TypeScript API client from the FastAPI schema.
# With --check: fail if the checked-in client is not what the schema generates.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m uv run --frozen python -m apps.api.app.openapi > apps/web/openapi.json
pnpm -C apps/web exec openapi-ts >/dev/null
pnpm -C apps/web exec prettier --log-level warn --write openapi.json >/dev/null 2>&1 || true
if [[ "${1:-}" == "--check" ]]; then
  if ! git diff --quiet -- apps/web/openapi.json apps/web/src/lib/api/gen \
     || [[ -n "$(git ls-files --others --exclude-standard -- apps/web/src/lib/api/gen)" ]]; then
    echo "The generated API client is out of date: run scripts/generate-client.sh and commit." >&2
    git --no-pager diff --stat -- apps/web/openapi.json apps/web/src/lib/api/gen >&2
    exit 1
  fi
  echo "generated API client is current"
fi
