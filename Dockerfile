# syntax=docker/dockerfile:1
# Journal images (deploy/compose.yaml builds both):
#   docker build -t journal-api .                      (the default, last stage: the API)
#   docker build --target edge -t journal-edge .       (nginx + the built web app)
# Not built on the development machine (no Docker engine there); the suite checks this file
# against deploy/compose.yaml offline (apps/api/tests/ops/test_deploy.py).

# ---- the web app: pnpm, from the lockfile --------------------------------------------------
FROM node:20-bookworm-slim AS web
RUN npm install -g pnpm@10
WORKDIR /src/apps/web
COPY apps/web/package.json apps/web/pnpm-lock.yaml ./
RUN pnpm install --frozen-lockfile
COPY apps/web/ ./
RUN pnpm build

# ---- Python dependencies and the app: uv, from uv.lock ------------------------------------
FROM python:3.11-slim-bookworm AS python
RUN pip install --no-cache-dir uv==0.13.9
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY apps/__init__.py apps/__init__.py
COPY apps/api apps/api
RUN uv sync --frozen --no-dev --no-editable

# ---- nginx in front: the unprivileged image (listens on 8080, runs as user nginx) --------
FROM nginxinc/nginx-unprivileged:1.27-bookworm AS edge
COPY deploy/nginx.conf /etc/nginx/nginx.conf
COPY --from=web /src/apps/web/dist /usr/share/nginx/html
EXPOSE 8080

# ---- the API: non-root, no compilers, no sources beyond the installed package ------------
FROM python:3.11-slim-bookworm AS api
RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin journal
WORKDIR /app
COPY --from=python /app/.venv /app/.venv
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    JOURNAL_WEB_DIST=/app/no-web
USER journal
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/health', timeout=2)"]
CMD ["journal", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2", "--metrics-dir", "/tmp/prometheus"]
