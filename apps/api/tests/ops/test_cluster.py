"""`make cluster` acceptance: nginx + two replicas on PostgreSQL and Redis, started and
stopped by scripts/cluster.py exactly as `make cluster` / `make cluster-stop` do.

It runs beside a developer's own cluster: free ports instead of 8080/8101/8102, a throwaway
database instead of journal_cluster, its own Redis key prefix and directory. The cluster is
always on PostgreSQL, so it runs once, in the PostgreSQL pass of `make test` (JOURNAL_TEST_PG
set); otherwise it skips only when PostgreSQL or Redis is unreachable.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest
import redis
from sqlalchemy.engine import make_url

from apps.api.tests.conftest import REPO, run_journal
from apps.api.tests.mailsink import free_port
from apps.api.tests.ops.live import REDIS_URL

pytestmark = pytest.mark.xdist_group("cluster")  # one cluster, its tests in file order

PASSWORD = "cluster acceptance passphrase"
PG_SERVER = os.environ.get("JOURNAL_TEST_PG") or os.environ.get(
    "JOURNAL_TEST_PG_SERVER", "postgresql://postgres@127.0.0.1:5432/postgres"
)
LOGIN_FAILURES_ALLOWED = 6
WRITERS = 4


@dataclass
class RunningCluster:
    url: str
    replicas: list[str]
    root: Path
    env: dict[str, str]
    database_url: str

    def script(self, command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(REPO / "scripts" / "cluster.py"), command],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )

    def pid(self, name: str) -> int:
        return int((self.root / "run" / f"{name}.pid").read_text().split()[0])


def _require_services() -> None:
    if os.environ.get("JOURNAL_TEST_WHICH_PASS") == "sqlite":
        pytest.skip("the cluster runs on PostgreSQL: it runs in the PostgreSQL pass")
    try:
        psycopg.connect(PG_SERVER, connect_timeout=3).close()
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL unreachable at {PG_SERVER}: {exc}")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis unreachable at {REDIS_URL}: {exc}")


def _drop_database(name: str) -> None:
    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def cluster() -> Iterator[RunningCluster]:
    _require_services()
    tag = uuid.uuid4().hex[:10]
    database = f"journal_cluster_test_{tag}"
    # Under the repository's var/ (not pytest's 0700 tmp): nginx's workers run as nobody when
    # the tests run as root, and must reach their temp directories.
    root = REPO / "var" / f"cluster-test-{tag}"
    port, *replica_ports = (free_port() for _ in range(3))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JOURNAL_", "PROMETHEUS_"))}
    env |= {
        "JOURNAL_CLUSTER_DIR": str(root),
        "JOURNAL_CLUSTER_PORT": str(port),
        "JOURNAL_CLUSTER_REPLICA_PORTS": ",".join(map(str, replica_ports)),
        "JOURNAL_CLUSTER_PG": PG_SERVER,
        "JOURNAL_CLUSTER_DB": database,
        "JOURNAL_CLUSTER_REDIS": REDIS_URL,
        "JOURNAL_CLUSTER_REDIS_PREFIX": f"cluster-test-{tag}",
        "JOURNAL_CLUSTER_TIMEOUT": "150",
        # A small failure budget, so the test reaches it quickly.
        "JOURNAL_RATE_LOGIN_ACCOUNT_IP": f"{LOGIN_FAILURES_ALLOWED}/15 minutes",
    }
    database_url = make_url(PG_SERVER).set(database=database).render_as_string(False)
    running = RunningCluster(
        url=f"http://127.0.0.1:{port}",
        replicas=[f"http://127.0.0.1:{p}" for p in replica_ports],
        root=root,
        env=env,
        database_url=database_url,
    )
    try:
        started = running.script("start")
        assert started.returncode == 0, started.stdout + started.stderr
        assert running.url in started.stdout  # it prints where the cluster answers
        yield running
    finally:
        running.script("stop")
        with contextlib.suppress(psycopg.Error):
            _drop_database(database)
        with contextlib.suppress(redis.RedisError):
            store = redis.Redis.from_url(REDIS_URL)
            for key in store.scan_iter(match=f"cluster-test-{tag}*"):
                store.delete(key)
        shutil.rmtree(root, ignore_errors=True)


def _create_user(cluster: RunningCluster, email: str) -> None:
    env = {k: v for k, v in cluster.env.items() if not k.startswith("JOURNAL_CLUSTER_")}
    env["JOURNAL_DATABASE_URL"] = cluster.database_url
    done = run_journal(
        ["users", "create", email, "--password-stdin"], stdin=PASSWORD + "\n", env=env
    )
    assert done.returncode == 0, done.stderr


def _sign_in(client: httpx.Client, url: str, email: str) -> str:
    answer = client.post(f"{url}/api/auth/login", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def test_a_session_revoked_on_one_replica_is_refused_at_once_by_both(
    cluster: RunningCluster,
) -> None:
    _create_user(cluster, "revoke@example.com")
    one, two = cluster.replicas
    origin = {"Origin": cluster.url}
    with httpx.Client(timeout=30) as client:
        # Signed in through nginx, which replaces a client's own X-Forwarded-For.
        client.headers["X-Forwarded-For"] = "203.0.113.9"
        _sign_in(client, cluster.url, "revoke@example.com")
        del client.headers["X-Forwarded-For"]
        refreshed = client.post(f"{one}/api/auth/refresh", headers=origin)
        assert refreshed.status_code == 200, refreshed.text
        bearer = {"Authorization": f"Bearer {refreshed.json()['access_token']}"}
        for base in (cluster.url, one, two):  # one key file: every replica accepts the token
            assert client.get(f"{base}/api/auth/me", headers=bearer).status_code == 200
        [session] = client.get(f"{cluster.url}/api/auth/sessions", headers=bearer).json()
        assert session["ip"] == "127.0.0.1", "the client's forged X-Forwarded-For was believed"

        csrf = {"X-CSRF-Token": client.cookies["csrftoken"], **origin}
        assert client.post(f"{two}/api/auth/logout", headers=csrf).status_code == 204

        for base in (one, two, cluster.url, one, two, cluster.url):
            refused = client.get(f"{base}/api/auth/me", headers=bearer)
            assert refused.status_code == 401, (base, refused.text)


def test_login_failures_are_counted_across_both_replicas(cluster: RunningCluster) -> None:
    _create_user(cluster, "limits@example.com")
    one, two = cluster.replicas
    wrong = {"email": "limits@example.com", "password": "not the passphrase"}
    with httpx.Client(timeout=30) as client:
        codes = [
            client.post(f"{(one, two)[i % 2]}/api/auth/login", json=wrong).status_code
            for i in range(LOGIN_FAILURES_ALLOWED)
        ]
        assert codes == [401] * LOGIN_FAILURES_ALLOWED
        # Each replica saw only half the failures: only a shared count is exhausted now.
        for base in (one, two, cluster.url):
            limited = client.post(f"{base}/api/auth/login", json=wrong)
            assert limited.status_code == 429, (base, limited.text)
            assert limited.json()["code"] == "rate_limited"


def test_web_app_through_nginx_never_caches_index_and_caches_assets_for_good(
    cluster: RunningCluster,
) -> None:
    with httpx.Client(base_url=cluster.url, timeout=30) as client:
        index = client.get("/")
        assert index.status_code == 200
        assert index.headers["cache-control"] == "no-store"
        assert "script-src 'self'" in index.headers["content-security-policy"]
        assert "nginx/" not in index.headers.get("server", "")  # no version
        route = client.get("/settings/sessions")  # a client-side route: the app, not a 404
        assert route.status_code == 200
        assert route.text == index.text
        assert route.headers["cache-control"] == "no-store"
        reset = client.get("/reset-password?token=abc")
        assert reset.headers["referrer-policy"] == "no-referrer"
        asset = re.search(r'/assets/[^"]+\.js', index.text)
        assert asset is not None, index.text
        served = client.get(asset.group(0))
        assert served.status_code == 200
        assert "immutable" in served.headers["cache-control"]
        assert "max-age=31536000" in served.headers["cache-control"]
        assert client.get("/assets/no-such-file.js").status_code == 404


def test_killing_a_replica_mid_stream_loses_no_acknowledged_write(
    cluster: RunningCluster,
) -> None:
    _create_user(cluster, "writer@example.com")
    with httpx.Client(timeout=30) as client:
        token = _sign_in(client, cluster.url, "writer@example.com")
        csrf = client.cookies["csrftoken"]
    headers = {"Authorization": f"Bearer {token}", "X-CSRF-Token": csrf, "Origin": cluster.url}

    acknowledged: list[str] = []
    failed: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def write(writer: int) -> None:
        with httpx.Client(
            base_url=cluster.url, headers=headers, cookies={"csrftoken": csrf}, timeout=30
        ) as client:
            n = 0
            while not stop.is_set():
                n += 1
                try:
                    answer = client.post("/api/entries", json={"title": f"w{writer}-{n}"})
                except httpx.HTTPError as exc:
                    with lock:
                        failed.append(repr(exc))
                    continue
                with lock:
                    if answer.status_code == 201:
                        acknowledged.append(answer.json()["id"])
                    else:
                        failed.append(f"{answer.status_code} {answer.text[:200]}")

    def wait_for(count: int, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while len(acknowledged) < count and time.monotonic() < deadline:
            time.sleep(0.05)

    writers = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
    for thread in writers:
        thread.start()
    try:
        wait_for(30, 60)
        assert len(acknowledged) >= 30, failed
        before_kill = len(acknowledged)
        os.killpg(cluster.pid("replica-2"), signal.SIGKILL)  # no shutdown: a crash
        wait_for(before_kill + 60, 60)
    finally:
        stop.set()
        for thread in writers:
            thread.join(timeout=60)
    assert len(acknowledged) >= before_kill + 60, f"writes stalled after the kill: {failed}"
    # Only requests in flight on the dead replica may fail, as a bad gateway: each writer is
    # sequential, and once one request has failed there every nginx worker skips the replica
    # (shared upstream zone, max_fails=1), so each writer loses at most one request.
    assert len(failed) <= WRITERS, failed
    assert all(f.startswith("502") for f in failed), failed

    with httpx.Client(base_url=cluster.url, headers=headers, timeout=30) as client:
        missing = [i for i in acknowledged if client.get(f"/api/entries/{i}").status_code != 200]
        assert missing == [], f"{len(missing)} acknowledged writes are gone"
        assert client.get("/api/health").status_code == 200  # still served, by replica 1


def test_cluster_stop_leaves_no_process_or_port_behind(cluster: RunningCluster) -> None:
    groups = [
        cluster.pid(name)
        for name in ("nginx", "replica-1", "replica-2")
        if (cluster.root / "run" / f"{name}.pid").exists()
    ]
    assert groups, "start recorded no process groups"
    stopped = cluster.script("stop")
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr

    def members(pgid: int) -> list[str]:
        found = []
        for proc in Path("/proc").iterdir():
            with contextlib.suppress(OSError, IndexError):
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
                if proc.name.isdigit() and int(fields[2]) == pgid and fields[0] != "Z":
                    found.append(proc.name)
        return found

    assert {g: members(g) for g in groups} == {g: [] for g in groups}
    for url in (cluster.url, *cluster.replicas):
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{url}/api/health", timeout=5)
    assert not list((cluster.root / "run").glob("*.pid"))
