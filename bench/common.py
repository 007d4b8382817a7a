"""The suite's machinery: ports, servers, wrk with Lua scripts, databases, the machine.

Every server is started here with the same uvicorn settings as ``journal serve`` (h11,
concurrency cap, no server header, no access log), so scenarios compare applications, not
server configurations. Load comes from wrk; each run prints one JSON line from a Lua
``done()`` hook, read back here.
"""

from __future__ import annotations

import json
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import make_url

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
VAR = ROOT / "var" / "bench"
PORTS = range(9100, 9200)
EMAIL = "bench@example.com"
PASSWORD = "benchmark passphrase 42"
SECRET = "benchmark-secret-key-0123456789abcdef"
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/13"

# The uvicorn settings of `journal serve` (apps/api/app/cli.py), for every server here.
UVICORN_FLAGS = [
    "--no-access-log",
    "--log-level",
    "warning",
    "--host",
    "127.0.0.1",
    "--no-server-header",
    "--no-proxy-headers",
    "--http",
    "h11",
    "--h11-max-incomplete-event-size",
    str(32 * 1024),
    "--limit-concurrency",
    "1024",
]


_STARTED = time.monotonic()


def log(message: str) -> None:
    """A progress line, stamped with the seconds since the suite started."""
    print(f"[{time.monotonic() - _STARTED:5.0f} s] {message}", flush=True)


def free_port() -> int:
    """A free port in 9100-9199 (the range this suite may use)."""
    for port in secrets.SystemRandom().sample(list(PORTS), len(PORTS)):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port in 9100-9199")


def cpus() -> list[int]:
    return sorted(os.sched_getaffinity(0))


def server_cpus() -> str | None:
    """Server on the first core, wrk on the others, when the machine has two or more."""
    return str(cpus()[0]) if len(cpus()) > 1 else None


def load_cpus() -> str | None:
    return ",".join(str(c) for c in cpus()[1:]) if len(cpus()) > 1 else None


def pinned(cpu_list: str | None) -> list[str]:
    return ["taskset", "-c", cpu_list] if cpu_list and shutil.which("taskset") else []


def machine() -> dict[str, Any]:
    model = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = [round(x, 1) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None
    return {
        "cores": os.cpu_count(),
        "cpu_model": model,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average_at_start": load,
    }


def git_sha() -> str:
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return sha + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# ---- servers --------------------------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log_file: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid


@contextmanager
def serve(
    app: str,
    env: dict[str, str],
    *,
    workers: int = 1,
    python: str = sys.executable,
    cpu_list: str | None = None,
    ready_path: str = "/",
) -> Iterator[Server]:
    """Run ``app`` under uvicorn on a free port until the block ends (then stop it)."""
    port = free_port()
    VAR.mkdir(parents=True, exist_ok=True)
    log_file = VAR / f"server-{port}.log"
    cmd = [*pinned(cpu_list), python, "-m", "uvicorn", *UVICORN_FLAGS, "--port", str(port)]
    if workers > 1:
        cmd += ["--workers", str(workers)]
    cmd.append(app)
    with log_file.open("wb") as out:
        process = subprocess.Popen(
            cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(process, port, log_file)
    t0 = time.monotonic()
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                httpx.get(server.base + ready_path, timeout=2)
                break
            except httpx.HTTPError:
                if process.poll() is not None:
                    raise SystemExit(
                        f"{app} failed to start:\n{log_file.read_text()[-3000:]}"
                    ) from None
                if time.monotonic() > deadline:
                    raise SystemExit(f"{app} did not start in 90 s") from None
                time.sleep(0.2)
        log(f"    {app} ready in {time.monotonic() - t0:.1f} s")
        yield server
    finally:
        # Our own process group (start_new_session): uvicorn's workers go with it.
        try:
            os.killpg(process.pid, 15)
            process.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with suppress(ProcessLookupError):
                os.killpg(process.pid, 9)
            process.wait()


def journal_env(database_url: str, tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JOURNAL_", "PROMETHEUS_"))}
    env |= {
        "JOURNAL_DATABASE_URL": database_url,
        "JOURNAL_SECRET_KEY": SECRET,
        "JOURNAL_WEB_DIST": str(tmp / "no-web"),
        "JOURNAL_AUTH_COOKIE_REFRESH": "false",
        "JOURNAL_RATE_LOGIN_ACCOUNT_IP": "100000/minute",
        "JOURNAL_RATE_LOGIN_IP": "100000/minute",
        "JOURNAL_RATE_LOGIN_ACCOUNT": "100000/minute",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return env | extra


def journal_cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    return subprocess.run(
        [sys.executable, "-m", "apps.api.app.cli", *args],
        input=stdin,
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def sign_in(base: str, email: str = EMAIL, password: str = PASSWORD) -> dict[str, Any]:
    """Body mode answer: access_token and refresh_token."""
    answer = httpx.post(
        base + "/api/auth/login", json={"email": email, "password": password}, timeout=30
    )
    answer.raise_for_status()
    return dict(answer.json())


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


# ---- databases ------------------------------------------------------------------------------


def pg_server_url() -> str:
    return os.environ.get("JOURNAL_BENCH_PG", os.environ.get("JOURNAL_TEST_PG", PG_DEFAULT))


def pg_database_url(server_url: str, name: str) -> str:
    return str(make_url(server_url).set(database=name).render_as_string(False))


def pg_admin(server_url: str, *statements: Any) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as admin:
        for statement in statements:
            admin.execute(statement)


def pg_database_exists(server_url: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as admin:
        row = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return row is not None


@contextmanager
def throwaway_database(kind: str, tmp: Path, template: str | None = None) -> Iterator[str]:
    """A fresh database for one scenario: a file under ``tmp`` (copied from ``template``, a
    path) or a PostgreSQL database (cloned from ``template``, a database name), dropped
    afterwards."""
    if kind == "sqlite":
        path = tmp / f"journal-{secrets.token_hex(3)}.db"
        if template:
            shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    from psycopg import sql

    server = pg_server_url()
    name = f"journal_bench_{secrets.token_hex(4)}"
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        create = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(template)
        )
    pg_admin(server, create)
    try:
        yield pg_database_url(server, name)
    finally:
        pg_admin(
            server, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


# ---- wrk --------------------------------------------------------------------------------------

# Appended to every script: one machine-readable line with the run's numbers.
_DONE = r"""
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_s": %.6f, "errors_status": %d, ' ..
    '"errors_socket": %d, "p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f}\n',
    summary.requests, summary.duration / 1e6, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid Lua string literal for our ASCII data


def lua_headers(headers: dict[str, str]) -> str:
    return "{" + ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items()) + "}"


def script_get(headers: dict[str, str], paths: Sequence[str] | None = None) -> str:
    """GET with fixed headers; with ``paths``, cycle through them (one per request)."""
    if not paths:
        return f"wrk.headers = {lua_headers(headers)}\n"
    listed = ", ".join(lua_string(p) for p in paths)
    return (
        f"local paths = {{{listed}}}\nlocal headers = {lua_headers(headers)}\nlocal i = 0\n"
        "function request()\n  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i], headers)\nend\n'
    )


def script_post(path: str, headers: dict[str, str], body: str) -> str:
    return (
        f'wrk.method = "POST"\nwrk.path = {lua_string(path)}\n'
        f"wrk.headers = {lua_headers(headers)}\nwrk.body = {lua_string(body)}\n"
    )


def script_rotation(path: str, tokens: Sequence[str], mode: str) -> str:
    """Each wrk thread (one connection each) follows its own refresh-token chain: every answer
    carries the next token, which the thread's next request presents."""
    listed = ", ".join(lua_string(t) for t in tokens)
    if mode == "cookie":
        send = (
            '  return wrk.format("POST", PATH, {["Cookie"] = "refresh_token=" .. token '
            '.. "; csrftoken=" .. csrf})\n'
        )
        take = (
            "  local c = headers['set-cookie'] or headers['Set-Cookie'] or ''\n"
            '  local t = c:match("refresh_token=([^;]+)")\n'
        )
    else:
        send = (
            '  return wrk.format("POST", PATH, {["Content-Type"] = "application/json"}, '
            "'{\"refresh_token\": \"' .. token .. '\"}')\n"
        )
        take = '  local t = body:match(\'"refresh_token":%s*"([^"]+)"\')\n'
    return (
        f"PATH = {lua_string(path)}\nlocal tokens = {{{listed}}}\nlocal n = 0\n"
        "function setup(thread)\n  n = n + 1\n"
        '  local t, c = tokens[n]:match("^(.-)|(.*)$")\n'
        '  thread:set("token", t)\n  thread:set("csrf", c)\nend\n'
        f"function request()\n{send}end\n"
        f"function response(status, headers, body)\n  if status ~= 200 then return end\n{take}"
        "  if t then token = t end\nend\n"
    )


def wrk(
    url: str,
    *,
    duration: float,
    connections: int,
    script: str = "",
    threads: int = 1,
    timeout_s: int = 10,
    cpu_list: str | None = None,
    allow_errors: bool = False,
) -> dict[str, float]:
    """One wrk run; returns requests/s (of 2xx/3xx answers) and latency percentiles (ms)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script + _DONE)
    try:
        out = subprocess.run(
            [
                *pinned(cpu_list if cpu_list is not None else load_cpus()),
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{max(1, round(duration))}s",
                f"--timeout={timeout_s}s",
                "-s",
                lua.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(lua.name)
    match = re.search(r"^BENCHJSON (.*)$", out, re.MULTILINE)
    if not match:
        raise SystemExit(f"wrk gave no summary for {url}:\n{out}")
    result: dict[str, float] = json.loads(match.group(1))
    ok = result["requests"] - result["errors_status"]
    result["rps"] = round(ok / result["duration_s"], 1)
    if result["errors_status"] and not allow_errors:
        raise SystemExit(f"{url}: {int(result['errors_status'])} error answers during the run")
    return result


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def percentile(values: Sequence[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return float(ordered[k])


@dataclass
class Side:
    """Targets loaded in alternating rounds (so drift in the machine's load hits all alike)."""

    url_by_name: dict[str, str]
    script_by_name: dict[str, str]
    rounds: list[dict[str, Any]] = field(default_factory=list)

    def run(
        self, *, rounds: int, duration: float, connections: int, label: str, warm_up: bool = True
    ) -> None:
        for name, url in self.url_by_name.items() if warm_up else ():  # not recorded
            wrk(url, duration=1, connections=connections, script=self.script_by_name[name])
        for round_no in range(1, rounds + 1):
            for name, url in self.url_by_name.items():
                result = wrk(
                    url,
                    duration=duration,
                    connections=connections,
                    script=self.script_by_name[name],
                )
                self.rounds.append({"target": name, "round": round_no, **result})
                log(
                    f"    {label} {name:<16} round {round_no}: {result['rps']:>9.0f} req/s, "
                    f"p99 {result['p99_ms']:.1f} ms"
                )

    def median_of(self, name: str, key: str) -> float:
        return median([r[key] for r in self.rounds if r["target"] == name])
