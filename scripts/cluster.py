"""`make cluster` / `make cluster-stop`: nginx + two API replicas on PostgreSQL and Redis.

    python scripts/cluster.py start    # returns once /api/health answers through nginx
    python scripts/cluster.py stop     # stops exactly the process groups `start` recorded
    python scripts/cluster.py status

The same topology as deploy/compose.yaml, on one machine: our own nginx process (its own
config, pid file, temp paths and logs; never the system service) serves the built web app and
proxies /api and /metrics to the replicas, each `journal serve --workers 2`. Everything the
cluster writes lives under JOURNAL_CLUSTER_DIR (default var/cluster/).

Environment (defaults in brackets), so a test can run a second cluster beside yours:
  JOURNAL_CLUSTER_DIR [var/cluster]          JOURNAL_CLUSTER_PORT [8080]
  JOURNAL_CLUSTER_REPLICA_PORTS [8101,8102]  JOURNAL_CLUSTER_WORKERS [2]
  JOURNAL_CLUSTER_PG [postgresql://postgres@127.0.0.1:5432/postgres] (the server; the database
  is JOURNAL_CLUSTER_DB [journal_cluster], created if missing)
  JOURNAL_CLUSTER_REDIS [redis://127.0.0.1:6379/0]  JOURNAL_CLUSTER_REDIS_PREFIX [journal-cluster]
  JOURNAL_CLUSTER_TIMEOUT [180] seconds for everything to answer.
Other JOURNAL_* settings in the environment (SMTP, rate limits, flags…) reach the replicas;
the ones the topology decides (database, Redis, key file, public URL, proxies) are set here.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WEB = REPO / "apps" / "web"
DIST = WEB / "dist"
# What the web build reads: a dist older than any of these is rebuilt.
WEB_SOURCES = (
    "src",
    "public",
    "index.html",
    "package.json",
    "pnpm-lock.yaml",
    "vite.config.ts",
    "tsconfig.json",
    "tsconfig.app.json",
    "tsconfig.node.json",
)

# The web app's own security headers (the API's are set by the API): the same as
# apps/api/app/web.py sends when the API serves the app itself.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'; object-src 'none'"
)


@dataclass(frozen=True)
class Cluster:
    root: Path
    port: int
    replica_ports: tuple[int, ...]
    workers: int
    pg_server: str
    database: str
    redis_url: str
    redis_prefix: str
    timeout: float

    @classmethod
    def from_env(cls) -> Cluster:
        env = os.environ
        root = Path(env.get("JOURNAL_CLUSTER_DIR", "var/cluster"))
        database = env.get("JOURNAL_CLUSTER_DB", "journal_cluster")
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", database):
            sys.exit(f"cluster: JOURNAL_CLUSTER_DB={database!r}: use lower-case letters, digits, _")
        ports = tuple(
            int(p) for p in env.get("JOURNAL_CLUSTER_REPLICA_PORTS", "8101,8102").split(",") if p
        )
        return cls(
            root=(root if root.is_absolute() else REPO / root).resolve(),
            port=int(env.get("JOURNAL_CLUSTER_PORT", "8080")),
            replica_ports=ports,
            workers=int(env.get("JOURNAL_CLUSTER_WORKERS", "2")),
            pg_server=env.get(
                "JOURNAL_CLUSTER_PG", "postgresql://postgres@127.0.0.1:5432/postgres"
            ),
            database=database,
            redis_url=env.get("JOURNAL_CLUSTER_REDIS", "redis://127.0.0.1:6379/0"),
            redis_prefix=env.get("JOURNAL_CLUSTER_REDIS_PREFIX", "journal-cluster"),
            timeout=float(env.get("JOURNAL_CLUSTER_TIMEOUT", "180")),
        )

    # ---- paths ---------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database_url(self) -> str:
        from sqlalchemy.engine import make_url

        url = make_url(self.pg_server).set(database=self.database)
        return url.render_as_string(hide_password=False)

    @property
    def run_dir(self) -> Path:
        return self.root / "run"

    @property
    def log_dir(self) -> Path:
        return self.root / "logs"

    @property
    def nginx_conf(self) -> Path:
        return self.root / "nginx.conf"

    def names(self) -> list[str]:
        return ["nginx", *(f"replica-{i}" for i in range(1, len(self.replica_ports) + 1))]

    def pid_file(self, name: str) -> Path:
        return self.run_dir / f"{name}.pid"


# ---- processes: pid files name process groups we started, with their start time ----------


def _start_time(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (field 22 of /proc/pid/stat): with the pid it names
    one process for good, so a recycled pid is never mistaken for ours."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes in process group ``pgid``."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def _record(cluster: Cluster, name: str, process: subprocess.Popen[bytes]) -> None:
    cluster.pid_file(name).write_text(f"{process.pid} {_start_time(process.pid)}\n")


def _recorded_group(cluster: Cluster, name: str) -> int | None:
    """The process group ``start`` recorded for ``name``, if its leader is still that process
    (or, leader gone, members of its group are left)."""
    try:
        pid_text, started = cluster.pid_file(name).read_text().split()
    except (OSError, ValueError):
        return None
    pid = int(pid_text)
    if _start_time(pid) == started:
        return pid
    # The leader died (kill -9 of the leader alone); its group id is not reused while members
    # live, so any member left is still ours.
    return pid if _group_members(pid) else None


def _stop_group(pgid: int, grace: float = 20.0) -> None:
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 10.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not _group_members(pgid):
                return
            time.sleep(0.1)


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# ---- preparation -----------------------------------------------------------------------------


def _nginx_binary() -> str:
    subprocess.run(["bash", str(REPO / "scripts" / "ensure-nginx.sh")], check=True)
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    return found


def _web_is_current() -> bool:
    index = DIST / "index.html"
    if not index.is_file():
        return False
    built = index.stat().st_mtime
    for name in WEB_SOURCES:
        source = WEB / name
        paths = source.rglob("*") if source.is_dir() else [source]
        if any(p.is_file() and p.stat().st_mtime > built for p in paths):
            return False
    return True


def _build_web() -> None:
    if _web_is_current():
        print(f"==> web app: {DIST.relative_to(REPO)} is current")
        return
    print("==> building the web app")
    subprocess.run(["pnpm", "-C", str(WEB), "build", "--logLevel", "warn"], check=True)


def _create_database(cluster: Cluster) -> None:
    import psycopg
    from psycopg import sql

    try:
        with psycopg.connect(cluster.pg_server, autocommit=True, connect_timeout=5) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (cluster.database,)
            ).fetchone()
            if exists is None:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cluster.database)))
                print(f"==> created database {cluster.database}")
    except psycopg.Error as exc:
        sys.exit(f"cluster: PostgreSQL at {cluster.pg_server} is not usable: {exc}")


def _check_redis(cluster: Cluster) -> None:
    import redis

    try:
        redis.Redis.from_url(cluster.redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        sys.exit(f"cluster: Redis at {cluster.redis_url} is not reachable: {exc}")


def _ensure_secret_key(path: Path) -> None:
    """One key for every replica (tokens signed by one are checked by the other), 0600."""
    if path.exists():
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48) + "\n")


def replica_env(cluster: Cluster) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JOURNAL_CLUSTER_", "PROMETHEUS_")) and k != "JOURNAL_SECRET_KEY"
    }
    return env | {
        "JOURNAL_DATABASE_URL": cluster.database_url,
        "JOURNAL_SECRET_KEY_FILE": str(cluster.root / "secret_key"),
        "JOURNAL_PUBLIC_URL": cluster.url,
        "JOURNAL_REDIS_URL": cluster.redis_url,
        "JOURNAL_RATE_LIMIT_PREFIX": cluster.redis_prefix,
        # nginx is the only proxy. The replicas listen on 127.0.0.1, so every peer is a local
        # process; nginx replaces (never appends to) X-Forwarded-For with the client's address.
        "JOURNAL_TRUSTED_PROXIES": "127.0.0.1/32",
        "JOURNAL_WEB_DIST": str(DIST),
    }


@dataclass(frozen=True)
class NginxSite:
    """What differs between this machine's cluster and the containers of deploy/."""

    header: str  # top-level directives: user, daemon, pid, error_log
    listen: str
    upstreams: tuple[str, ...]
    root: Path
    access_log: str
    temp_dir: str
    mime_types: str = "/etc/nginx/mime.types"


def local_site(cluster: Cluster, dist: Path = DIST) -> NginxSite:
    # As root, nginx's workers run as nobody (it chowns the temp directories it makes).
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
    return NginxSite(
        header=(
            f"{user}daemon off;  # scripts/cluster.py runs it in its own process group\n"
            f"pid {cluster.root}/run/nginx.master.pid;\n"
            f"error_log {cluster.root}/logs/nginx-error.log warn;"
        ),
        listen=f"127.0.0.1:{cluster.port}",
        upstreams=tuple(f"127.0.0.1:{port}" for port in cluster.replica_ports),
        root=dist,
        access_log=f"{cluster.root}/logs/nginx-access.log",
        temp_dir=f"{cluster.root}/tmp",
    )


# deploy/nginx.conf is this site, generated (`python scripts/cluster.py deploy-nginx-config`)
# and checked current by apps/api/tests/ops/test_deploy.py.
DEPLOY_SITE = NginxSite(
    header=(
        "# The image's command adds `daemon off`; the unprivileged image runs as user nginx.\n"
        "pid /tmp/nginx.pid;\n"
        "error_log /dev/stderr warn;"
    ),
    listen="8080",
    upstreams=("api-1:8000", "api-2:8000"),
    root=Path("/usr/share/nginx/html"),
    access_log="/dev/stdout",
    temp_dir="/tmp",
)


def nginx_config(site: NginxSite) -> str:
    servers = "\n".join(
        f"        server {upstream} max_fails=1 fail_timeout=5s;" for upstream in site.upstreams
    )
    web_headers = (
        f'add_header Content-Security-Policy "{CSP}" always;\n'
        '            add_header X-Content-Type-Options "nosniff" always;\n'
        '            add_header X-Frame-Options "DENY" always;'
    )
    proxy = """proxy_pass http://journal_api;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            # Replaced, not appended: nginx is the edge, so a client's own X-Forwarded-For
            # never reaches a replica (the replicas trust these headers from nginx only).
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            # A refused connection or a dying replica: try the other one. nginx never replays
            # a POST/PUT/PATCH/DELETE already sent (no `non_idempotent` here, on purpose).
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;"""
    t = site.temp_dir
    return f"""# Generated by scripts/cluster.py (nginx_config): edit the script, not this file.
{site.header}
worker_processes 2;

events {{
    worker_connections 1024;
}}

http {{
    include {site.mime_types};
    default_type application/octet-stream;
    access_log {site.access_log};
    client_body_temp_path {t}/client_body;
    proxy_temp_path {t}/proxy;
    fastcgi_temp_path {t}/fastcgi;
    uwsgi_temp_path {t}/uwsgi;
    scgi_temp_path {t}/scgi;
    server_tokens off;
    sendfile on;
    # Bounds per request and client (README, "what the reverse proxy must bound"). The API
    # enforces its own body limits (1 MiB, 25 MiB imports); nginx only caps above them.
    client_max_body_size 26m;
    client_header_buffer_size 1k;
    large_client_header_buffers 4 8k;
    client_header_timeout 10s;
    client_body_timeout 30s;
    send_timeout 30s;
    keepalive_timeout 15s;

    upstream journal_api {{
        # Passive health checks: a replica that fails once is skipped for 5 s, then retried.
        # The zone shares that state between nginx's workers (else each learns it alone).
        zone journal_api 64k;
{servers}
        keepalive 32;
    }}

    server {{
        listen {site.listen};
        server_name _;
        root {site.root};

        location /api {{
            {proxy}
        }}

        location = /metrics {{
            {proxy}
        }}

        # Hashed file names: a new build has new names, so these never change.
        location /assets/ {{
            add_header Cache-Control "public, max-age=31536000, immutable" always;
            {web_headers}
            try_files $uri =404;
        }}

        # Pages whose URL carries a token: never leak it through Referer.
        location ~ ^/(verify|reset-password)(/|$) {{
            add_header Cache-Control "no-store" always;
            add_header Referrer-Policy "no-referrer" always;
            {web_headers}
            try_files /index.html =404;
        }}

        location = /index.html {{
            add_header Cache-Control "no-store" always;
            add_header Referrer-Policy "strict-origin-when-cross-origin" always;
            {web_headers}
        }}

        # The single-page app: any other path is a client-side route, answered by index.html.
        location / {{
            add_header Referrer-Policy "strict-origin-when-cross-origin" always;
            {web_headers}
            try_files $uri /index.html;
        }}
    }}
}}
"""


def write_nginx_config(cluster: Cluster, nginx: str) -> None:
    # nginx makes the temp directories itself, owned by its worker user.
    (cluster.root / "tmp").mkdir(parents=True, exist_ok=True)
    cluster.nginx_conf.write_text(nginx_config(local_site(cluster)))
    test = subprocess.run(
        [
            nginx,
            "-t",
            "-q",
            "-p",
            f"{cluster.root}/",
            "-e",
            str(cluster.log_dir / "nginx-error.log"),
            "-c",
            str(cluster.nginx_conf),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if test.returncode != 0:
        sys.exit(f"cluster: nginx rejects {cluster.nginx_conf}:\n{test.stderr}")


def _spawn(cluster: Cluster, name: str, command: list[str], env: dict[str, str]) -> None:
    log = cluster.log_dir / f"{name}.log"
    with log.open("ab") as output:
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: `stop` ends exactly this group
        )
    _record(cluster, name, process)


# ---- commands --------------------------------------------------------------------------------


def _wait_healthy(cluster: Cluster, checks: dict[str, str], deadline: float) -> None:
    """Wait until every named process answers its URL; on failure stop everything started."""
    pending = dict(checks)
    while pending and time.monotonic() < deadline:
        for name, url in list(pending.items()):
            if _recorded_group(cluster, name) is None:
                log = cluster.log_dir / f"{name}.log"
                stop(cluster)
                sys.exit(f"cluster: {name} exited during start-up; {log}:\n{_tail(log)}")
            if _answers(url):
                del pending[name]
        time.sleep(0.3)
    if pending:
        stop(cluster)
        details = "\n".join(
            f"--- {name}:\n{_tail(cluster.log_dir / f'{name}.log')}" for name in pending
        )
        sys.exit(
            f"cluster: no answer within {cluster.timeout:.0f} s from {', '.join(pending)}\n"
            f"{details}"
        )


def start(cluster: Cluster) -> int:
    running = [name for name in cluster.names() if _recorded_group(cluster, name)]
    if running:
        if len(running) == len(cluster.names()) and _answers(f"{cluster.url}/api/health"):
            print(f"cluster already running: {cluster.url}")
            return 0
        print(f"cluster: {', '.join(running)} still running from an earlier start; stopping it")
        stop(cluster)
    busy = [p for p in (cluster.port, *cluster.replica_ports) if not _port_free(p)]
    if busy:
        sys.exit(f"cluster: port(s) {', '.join(map(str, busy))} on 127.0.0.1 already in use")

    nginx = _nginx_binary()
    for directory in (cluster.root, cluster.run_dir, cluster.log_dir):
        directory.mkdir(parents=True, exist_ok=True)
    _check_redis(cluster)
    _create_database(cluster)
    _ensure_secret_key(cluster.root / "secret_key")
    _build_web()
    write_nginx_config(cluster, nginx)

    env = replica_env(cluster)
    # Started together on purpose: the PostgreSQL advisory lock makes one migrate, the other
    # wait and then find the schema current.
    for index, port in enumerate(cluster.replica_ports, start=1):
        name = f"replica-{index}"
        _spawn(
            cluster,
            name,
            [
                sys.executable,
                "-m",
                "apps.api.app.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(cluster.workers),
                "--metrics-dir",
                str(cluster.root / name / "prometheus"),
            ],
            env,
        )
    deadline = time.monotonic() + cluster.timeout
    _wait_healthy(
        cluster,
        {
            f"replica-{i}": f"http://127.0.0.1:{p}/api/health"
            for i, p in enumerate(cluster.replica_ports, start=1)
        },
        deadline,
    )
    # nginx once the replicas answer: it never marks a replica failed for being slow to start.
    _spawn(
        cluster,
        "nginx",
        [
            nginx,
            "-p",
            f"{cluster.root}/",
            "-e",
            str(cluster.log_dir / "nginx-error.log"),
            "-c",
            str(cluster.nginx_conf),
        ],
        env,
    )
    _wait_healthy(cluster, {"nginx": f"{cluster.url}/api/health"}, deadline)

    replicas = ", ".join(f"http://127.0.0.1:{p}" for p in cluster.replica_ports)
    print(f"""==> Journal cluster is up
    web + API (nginx):  {cluster.url}
    API docs:           {cluster.url}/api/docs
    replicas:           {replicas}  (each {cluster.workers} workers; /metrics per replica)
    database:           {cluster.database} (PostgreSQL)
    Redis:              {cluster.redis_url} (key prefix {cluster.redis_prefix})
    config and logs:    {cluster.root}
    stop:               make cluster-stop""")
    return 0


def stop(cluster: Cluster) -> int:
    stopped = []
    # nginx first: no new requests reach replicas that are shutting down.
    for name in cluster.names():
        pgid = _recorded_group(cluster, name)
        if pgid is not None:
            _stop_group(pgid)
            stopped.append(name)
        cluster.pid_file(name).unlink(missing_ok=True)
    ports = (cluster.port, *cluster.replica_ports)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not all(_port_free(p) for p in ports):
        time.sleep(0.2)
    busy = [p for p in ports if not _port_free(p)]
    print(f"==> stopped {', '.join(stopped) if stopped else 'nothing (no cluster was running)'}")
    if busy:
        print(
            f"cluster: port(s) {', '.join(map(str, busy))} still in use (not by the cluster's"
            " recorded processes)",
            file=sys.stderr,
        )
        return 1
    return 0


def status(cluster: Cluster) -> int:
    code = 0
    for name in cluster.names():
        pgid = _recorded_group(cluster, name)
        print(f"{name:<10} {'running, process group ' + str(pgid) if pgid else 'stopped'}")
        code |= pgid is None
    return code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "command", choices=["start", "stop", "status", "nginx-config", "deploy-nginx-config"]
    )
    args = parser.parse_args()
    cluster = Cluster.from_env()
    if args.command in ("nginx-config", "deploy-nginx-config"):
        site = local_site(cluster) if args.command == "nginx-config" else DEPLOY_SITE
        print(nginx_config(site), end="")
        return 0
    return {"start": start, "stop": stop, "status": status}[args.command](cluster)


if __name__ == "__main__":
    sys.exit(main())
