#!/usr/bin/env bash
# Regenerate the typed TypeScript API client from the FastAPI schema.
# With --check: fail if the client in the tree is not what the schema generates
# (the tree is left as it was).
set -euo pipefail
cd "$(dirname "$0")/.."
WEB=apps/web
GEN="$WEB/src/lib/api/gen"

generate() {
  python3 -m uv run --frozen python -m apps.api.app.openapi > "$WEB/openapi.json"
  pnpm -C "$WEB" exec openapi-ts >/dev/null
}

if [[ "${1:-}" != "--check" ]]; then
  generate
  echo "generated $GEN from $WEB/openapi.json"
  exit 0
fi

backup="$(mktemp -d)"
trap 'rm -rf "$backup"' EXIT
cp "$WEB/openapi.json" "$backup/openapi.json" 2>/dev/null || true
cp -r "$GEN" "$backup/gen" 2>/dev/null || mkdir -p "$backup/gen"
generate
if diff -qr "$backup/gen" "$GEN" >/dev/null && diff -q "$backup/openapi.json" "$WEB/openapi.json" >/dev/null; then
  echo "generated API client is current"
  exit 0
fi
echo "The generated API client is out of date: run 'make client' and commit the result." >&2
diff -r "$backup/gen" "$GEN" | head -40 >&2 || true
rm -rf "$GEN" && cp -r "$backup/gen" "$GEN" && cp "$backup/openapi.json" "$WEB/openapi.json"
exit 1
