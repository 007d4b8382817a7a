# Journal: the entry points. `make run` and `make test` work on a fresh machine
# (Python 3.11 + pip, Node 20 + npm): they install whatever else is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV := python3 -m uv
HOST ?= 127.0.0.1
PORT ?= 8000
# make fuzz: examples per operation and flag mode (26 operations x 2 modes; the quick run in
# the suite makes 12); FUZZ_DB=pg runs it on PostgreSQL.
FUZZ_EXAMPLES ?= 100
FUZZ_DB ?= sqlite

.PHONY: help setup run dev-api dev-web build check client client-check test test-api test-web e2e smoke bench bench-quick bench-tools soak fuzz cluster cluster-stop

help:
	@echo "make run    - install what is missing, build the web app, migrate, serve http://localhost:$(PORT)"
	@echo "make test   - lint, type checks, API tests (SQLite + PostgreSQL), web unit tests, e2e"
	@echo "make check  - formatting, lint and type checks only"
	@echo "make smoke  - the seed's staging smoke against a local API (2 workers, staging flags)"
	@echo "make client - regenerate the TypeScript API client from the OpenAPI schema"
	@echo "make bench  - the benchmark suite, scenarios A-G (bench/README.md; <= 10 min)"
	@echo "make bench-quick - the same scenarios, shorter (a crash fails it, a missed target does not)"
	@echo "make soak   - 200 concurrent clients for 60 s: errors, p99, RSS and DB connections"
	@echo "make cluster      - nginx on http://127.0.0.1:8080 + 2 API replicas on PostgreSQL and Redis (var/cluster/)"
	@echo "make cluster-stop - stop exactly what make cluster started"
	@echo "make fuzz   - long schemathesis run against the API, both auth modes (FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) per operation and mode; FUZZ_DB=pg for PostgreSQL)"

setup:
	@bash scripts/bootstrap.sh

build: setup
	@echo "==> building the web app"
	@pnpm -C apps/web build --logLevel warn

run: build
	@echo "==> migrating the database"
	@$(UV) run --frozen journal db upgrade
	@echo "==> serving Journal on http://localhost:$(PORT)  (Ctrl+C to stop)"
	@echo "    First user: uv run journal users create you@example.com"
	@# localhost, not 127.0.0.1: browsers refuse an IP address as passkey RP ID (127.0.0.1
	@# stays an allowed origin in development).
	@JOURNAL_PUBLIC_URL="$${JOURNAL_PUBLIC_URL:-http://localhost:$(PORT)}" $(UV) run --frozen journal serve --host $(HOST) --port $(PORT)

dev-api: setup
	JOURNAL_USER_MGMT_ENABLED=true JOURNAL_AUTH_COOKIE_REFRESH=true $(UV) run uvicorn apps.api.app.main:app --reload

dev-web: setup
	VITE_USER_MGMT_ENABLED=true VITE_AUTH_COOKIE_REFRESH=true pnpm -C apps/web dev

check: setup
	@echo "==> Python: ruff format, ruff, mypy, import contracts"
	@$(UV) run --frozen ruff format --check .
	@$(UV) run --frozen ruff check .
	@$(UV) run --frozen mypy
	@$(UV) run --frozen lint-imports --no-cache | sed -n '/^Contracts/,$$p'; exit $${PIPESTATUS[0]}
	@echo "==> Web: prettier, eslint, tsc"
	@pnpm -C apps/web exec prettier --check . --log-level warn
	@pnpm -C apps/web lint
	@pnpm -C apps/web typecheck

client: setup
	@bash scripts/generate-client.sh

client-check:
	@bash scripts/generate-client.sh --check

test-api:
	@bash scripts/ensure-nginx.sh
	@bash scripts/test-api.sh

test-web:
	@echo "==> Web unit tests (vitest)"
	@pnpm -C apps/web test

e2e:
	@bash scripts/ensure-chromium.sh
	@echo "==> End-to-end tests (Playwright, Debian Chromium)"
	@pnpm -C apps/web exec playwright test

soak: setup
	@$(UV) run --frozen python scripts/soak.py

bench-tools: setup
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
	@$(UV) run --frozen python bench/run.py --prepare

# BENCH_ARGS: e.g. --only A,D --db sqlite (see bench/README.md)
bench: setup bench-tools
	@$(UV) run --frozen python bench/run.py $(BENCH_ARGS)

bench-quick: setup bench-tools
	@$(UV) run --frozen python bench/run.py --quick --prepare
	@$(UV) run --frozen python bench/run.py --quick $(BENCH_ARGS)

fuzz: setup
	@echo "==> schemathesis against /api/openapi.json ($(FUZZ_EXAMPLES) examples per operation and mode, $(FUZZ_DB))"
	@JOURNAL_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(if $(filter pg,$(FUZZ_DB)),JOURNAL_TEST_PG=$${JOURNAL_TEST_PG:-postgresql://postgres@127.0.0.1:5432/postgres}) \
		$(UV) run --frozen pytest -p no:cacheprovider -q -s apps/api/tests/test_fuzz.py

cluster: setup
	@$(UV) run --frozen python scripts/cluster.py start

cluster-stop:
	@$(UV) run --frozen python scripts/cluster.py stop

smoke:
	@echo "==> Staging smoke (scripts/smoke.py) against a local API with the staging flags"
	@bash scripts/smoke-local.sh

test: check client-check test-api test-web e2e smoke bench-quick
	@echo "==> all checks and tests passed"
