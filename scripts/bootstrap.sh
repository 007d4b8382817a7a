#!/usr/bin/env bash
# Install what is missing (uv, pnpm), then sync Python and web dependencies.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if ! command -v uv >/dev/null 2>&1 && ! python3 -m uv --version >/dev/null 2>&1; then
  step "installing uv (pip install uv)"
  python3 -m pip install --quiet uv
  command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
fi
if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version 2>/dev/null)" != 10.* ]]; then
  step "installing pnpm 10 (npm install -g pnpm@10)"
  npm install -g pnpm@10 >/dev/null
fi

step "syncing Python dependencies (uv sync)"
# Bytecode compiled once here: where PYTHONDONTWRITEBYTECODE is set (as on the CI machines)
# Python never caches it, and every process (each server a test or benchmark starts)
# would compile every module again, about 3 s each.
python3 -m uv sync --frozen --quiet --compile-bytecode
.venv/bin/python -m compileall -q -j 0 apps/api/app >/dev/null
step "installing web dependencies (pnpm install)"
pnpm -C apps/web install --frozen-lockfile --reporter=silent
