"""The scenarios, one function each: (settings, database kind) -> result rows + raw numbers.

Every comparison is measured side by side in the same run (targets loaded in alternating
rounds, warm-up excluded), and the targets are ratios where the machine's speed cancels out.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy import create_engine, text

from bench.common import (
    EMAIL,
    PASSWORD,
    REDIS_URL,
    ROOT,
    VAR,
    Server,
    Side,
    journal_env,
    log,
    median,
    percentile,
    rss_mb,
    script_get,
    script_post,
    script_rotation,
    serve,
    server_cpus,
    sign_in,
    throwaway_database,
    wrk,
)
from bench.seed import cached_seed, sa_url, vocabulary

READ_PATH = "/api/entries?limit=20"


@dataclass
class Settings:
    quick: bool
    rounds: int
    duration: float
    connections: int = 16

    @property
    def warm_up(self) -> bool:
        """Warm-up runs (not recorded) before measuring; a quick run, which only shows that
        every scenario still runs, skips them."""
        return not self.quick

    @classmethod
    def make(cls, quick: bool) -> Settings:
        return cls(quick=quick, rounds=1 if quick else 3, duration=1 if quick else 4)


@dataclass
class Outcome:
    rows: list[dict[str, Any]] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    def row(self, label: str, measured: str, target: str, met: bool | None) -> None:
        self.rows.append({"check": label, "measured": measured, "target": target, "met": met})


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


@contextmanager
def journal(
    db: str,
    tmp: Path,
    *,
    users: int = 1,
    per_user: int = 1000,
    workers: int = 1,
    cpu_list: str | None = None,
    **env_extra: str,
) -> Iterator[tuple[Server, dict[str, str], str]]:
    """Journal on a fresh copy of a seeded database: (server, its env, database URL)."""
    template = cached_seed(db, tmp, users=users, per_user=per_user)
    with throwaway_database(db, tmp, template) as url:
        env = journal_env(url, tmp, JOURNAL_ACCESS_TTL_SECONDS="3600", **env_extra)
        with serve(
            "apps.api.app.main:app",
            env,
            workers=workers,
            cpu_list=cpu_list,
            ready_path="/api/health",
        ) as server:
            yield server, env, url


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _read_script(base: str) -> str:
    return script_get(bearer(sign_in(base)["access_token"]))


# ---- A. authenticated read --------------------------------------------------------------------

FU_VENV = VAR / "fastapi-users-venv"


def fastapi_users_python() -> str:
    python = FU_VENV / "bin" / "python"
    if not python.exists():
        log("    creating the fastapi-users virtualenv under var/bench/ (once)")
        # The standard library's venv and pip: uv is not importable from the project's
        # virtualenv, where this script runs.
        subprocess.run([sys.executable, "-m", "venv", str(FU_VENV)], check=True, cwd=ROOT)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                "fastapi-users[sqlalchemy]",
                "aiosqlite",
                "uvicorn",
            ],
            check=True,
            cwd=ROOT,
        )
    return str(python)


def _fastapi_users_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def fastapi_users_data() -> Path:
    """The fastapi-users app's data, seeded once (like Journal's, see seed.py) and copied
    for each run."""
    source = ROOT / "bench" / "fastapi_users_app.py"
    key = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
    cached = VAR / f"fastapi-users-{key}.db"
    if not cached.exists():
        partial = cached.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        subprocess.run(
            [fastapi_users_python(), "bench/fastapi_users_app.py", "seed"],
            env=_fastapi_users_env() | {"BENCH_FU_DB": str(partial)},
            cwd=ROOT,
            check=True,
        )
        partial.rename(cached)
    return cached


def prepare(quick: bool) -> None:
    """What the suite needs besides its measurements: the fastapi-users virtualenv and data,
    and (for ``quick``, which runs on SQLite) every seeded database it copies from."""
    fastapi_users_data()
    if quick:
        with tempfile.TemporaryDirectory() as tmp_name:
            for users, per_user in ((1, 1000), (1, 10_000), (100, 100)):
                cached_seed("sqlite", Path(tmp_name), users=users, per_user=per_user)


@contextmanager
def fastapi_users_server(tmp: Path) -> Iterator[tuple[Server, str]]:
    python = fastapi_users_python()
    env = _fastapi_users_env() | {"BENCH_FU_DB": str(tmp / "fastapi-users.db")}
    shutil.copyfile(fastapi_users_data(), env["BENCH_FU_DB"])
    with serve("bench.fastapi_users_app:app", env, python=python, cpu_list=server_cpus()) as fu:
        answer = httpx.post(
            fu.base + "/auth/jwt/login", data={"username": EMAIL, "password": PASSWORD}, timeout=30
        )
        answer.raise_for_status()
        token = answer.json()["access_token"]
        page = httpx.get(fu.base + READ_PATH, headers=bearer(token), timeout=30).json()
        assert len(page["items"]) == 20, page
        yield fu, token


def scenario_a(cfg: Settings, db: str) -> Outcome:
    out = Outcome()
    with tempfile.TemporaryDirectory() as tmp_name, ExitStack() as stack:
        tmp = Path(tmp_name)
        server, env, _ = stack.enter_context(journal(db, tmp, cpu_list=server_cpus()))
        token = sign_in(server.base)["access_token"]
        page = httpx.get(server.base + READ_PATH, headers=bearer(token), timeout=30)
        page.raise_for_status()
        assert len(page.json()["items"]) == 20
        payload = tmp / "payload.json"
        payload.write_bytes(page.content)
        base_env = env | {"BENCH_PAYLOAD": str(payload)}
        raw = stack.enter_context(
            serve("bench.baselines:raw_app", base_env, cpu_list=server_cpus())
        )
        typed = stack.enter_context(
            serve("bench.baselines:typed_app", base_env, cpu_list=server_cpus())
        )
        assert httpx.get(raw.base + READ_PATH).content == page.content
        assert httpx.get(typed.base + READ_PATH).json() == page.json()
        urls = {"journal": server.base + READ_PATH, "typed": typed.base + READ_PATH}
        urls["raw_asgi"] = raw.base + READ_PATH
        scripts = {name: script_get(bearer(token)) for name in urls}
        if db == "sqlite":
            fu, fu_token = stack.enter_context(fastapi_users_server(tmp))
            urls["fastapi_users"] = fu.base + READ_PATH
            scripts["fastapi_users"] = script_get(bearer(fu_token))
        side = Side(urls, scripts)
        side.run(
            rounds=cfg.rounds,
            duration=cfg.duration,
            connections=cfg.connections,
            label=f"A {db}",
            warm_up=cfg.warm_up,
        )
    rps = {name: side.median_of(name, "rps") for name in urls}
    p99 = {name: side.median_of(name, "p99_ms") for name in urls}
    ceiling = _ratio(rps["journal"], rps["typed"])
    floor = 0.25 if db == "sqlite" else 0.15
    out.row(
        f"A {db}: read vs typed FastAPI (ceiling)",
        f"{ceiling:.2f} ({rps['journal']:.0f} vs {rps['typed']:.0f} req/s)",
        f">= {floor}",
        ceiling >= floor,
    )
    out.row(
        f"A {db}: read vs raw ASGI (server limit)",
        f"{_ratio(rps['journal'], rps['raw_asgi']):.2f} (raw {rps['raw_asgi']:.0f} req/s)",
        "(reference)",
        None,
    )
    if "fastapi_users" in rps:
        times = _ratio(rps["journal"], rps["fastapi_users"])
        out.row(
            f"A {db}: read vs fastapi-users",
            f"{times:.2f}x ({rps['fastapi_users']:.0f} req/s)",
            ">= 8x",
            times >= 8,
        )
    out.raw = {"rps_median": rps, "p99_ms_median": p99, "rounds": side.rounds}
    return out


# ---- B. login under load ------------------------------------------------------------------------


def argon2_seconds(cpu_list: str | None, samples: int) -> float:
    """One hash's time, on the server's core, with Journal's own parameters: the fastest of
    ``samples`` (the uncontended cost; a busy machine only adds to it)."""
    code = (
        "import time\n"
        "from apps.api.app.auth.passwords import HASHER\n"
        "h = HASHER.hash('x' * 20)\n"
        "t = []\n"
        f"for _ in range({samples}):\n"
        "    s = time.perf_counter()\n"
        "    HASHER.verify(h, 'x' * 20)\n"
        "    t.append(time.perf_counter() - s)\n"
        "print(min(t))\n"
    )
    from bench.common import pinned

    result = subprocess.run(
        [*pinned(cpu_list), sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(result.stdout.strip())


def _concurrently(background: Callable[[], dict[str, float]], delay: float) -> Callable[[], Any]:
    box: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: box.update(result=background()))
    thread.start()
    time.sleep(delay)

    def join() -> Any:
        thread.join()
        return box["result"]

    return join


def _read_p99_idle_and_loaded(
    url: str, read_script: str, load: Callable[[float], dict[str, float]], cfg: Settings
) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """The read route's latency alone, then while ``load`` runs (started 1 s before)."""
    connections = 2
    if cfg.warm_up:
        wrk(url, duration=1, connections=connections, script=read_script)
    idle = wrk(url, duration=cfg.duration, connections=connections, script=read_script)
    # The load starts first and outlasts the measured reads on both sides.
    lead = 0.5 if cfg.quick else 1.0
    join = _concurrently(lambda: load(cfg.duration + 2 * lead), delay=lead)
    loaded = wrk(url, duration=cfg.duration, connections=connections, script=read_script)
    return idle, loaded, join()


def scenario_b(cfg: Settings, db: str) -> Outcome:
    out = Outcome()
    cpu = server_cpus()
    server_cores = 1 if cpu else (os.cpu_count() or 1)
    with (
        tempfile.TemporaryDirectory() as tmp_name,
        journal(db, Path(tmp_name), cpu_list=cpu) as (server, _, _),
    ):
        read_script = _read_script(server.base)
        login_script = script_post(
            "/api/auth/login",
            {"Content-Type": "application/json", "User-Agent": "bench"},
            json.dumps({"email": EMAIL, "password": PASSWORD}),
        )
        login_url = server.base + "/api/auth/login"

        def logins(duration: float, in_flight: int = server_cores) -> dict[str, float]:
            # One sign-in in flight per server core saturates the hashing; 503s (hashing
            # busy) are counted, not hidden.
            return wrk(
                login_url,
                duration=duration,
                connections=in_flight,
                script=login_script,
                allow_errors=True,
            )

        if cfg.warm_up:
            logins(1)
        # Rounds of (the limit, measured; sign-ins, loaded): each share compares numbers
        # taken seconds apart, so a shared machine's drift mostly cancels; median of rounds.
        pairs = []
        for _ in range(cfg.rounds):
            hash_round = argon2_seconds(cpu, 5 if cfg.quick else 10)
            pairs.append((hash_round, logins(cfg.duration)))
        hash_s = median([h for h, _ in pairs])
        limit = server_cores / hash_s
        shares = [r["rps"] * h / server_cores for h, r in pairs]
        alone = {"rps": median([r["rps"] for _, r in pairs]), "rounds": [r for _, r in pairs]}
        # As many as Journal hashes at once (passwords.SLOTS = 4), whatever the cores: shows
        # what oversubscribing argon2 (19 MiB each) on these cores costs.
        at_slots = logins(cfg.duration, in_flight=4)
        slot_hash_s = hash_s if cfg.quick else argon2_seconds(cpu, 5)
        at_slots_share = at_slots["rps"] * slot_hash_s / server_cores
        idle, loaded, during = _read_p99_idle_and_loaded(
            server.base + READ_PATH, read_script, logins, cfg
        )
    share = median(shares)
    slowdown = _ratio(loaded["p99_ms"], idle["p99_ms"])
    out.row(
        f"B {db}: logins/s vs argon2 limit",
        f"{share:.2f} (median of rounds; {alone['rps']:.1f}/s vs {limit:.1f}/s = "
        f"{server_cores} core / {hash_s * 1000:.0f} ms)",
        ">= 0.85",
        share >= 0.85,
    )
    out.row(
        f"B {db}: logins/s with 4 in flight (Journal's hashing slots) vs the limit",
        f"{at_slots_share:.2f} ({at_slots['rps']:.1f}/s)",
        "(reported)",
        None,
    )
    out.row(
        f"B {db}: read p99 under logins vs idle",
        f"{slowdown:.1f}x ({loaded['p99_ms']:.1f} vs {idle['p99_ms']:.1f} ms)",
        "<= 5x",
        slowdown <= 5,
    )
    out.raw = {
        "argon2_seconds": hash_s,
        "shares_by_round": shares,
        "server_cores": server_cores,
        "limit_per_s": limit,
        "logins_alone": alone,
        "logins_at_4_in_flight": at_slots,
        "logins_during_reads": during,
        "read_idle": idle,
        "read_loaded": loaded,
    }
    return out


# ---- C. refresh rotation ------------------------------------------------------------------------

ROTATORS = 4  # wrk threads, one connection each, each following its own token chain


def scenario_c(cfg: Settings, db: str) -> Outcome:
    out = Outcome()
    cpu = server_cpus()
    with tempfile.TemporaryDirectory() as tmp_name, ExitStack() as stack:
        tmp = Path(tmp_name)
        body, env, url = stack.enter_context(journal(db, tmp, cpu_list=cpu))
        cookie = stack.enter_context(
            serve(
                "apps.api.app.main:app",
                env | {"JOURNAL_AUTH_COOKIE_REFRESH": "true"},
                cpu_list=cpu,
                ready_path="/api/health",
            )
        )
        bare = stack.enter_context(
            serve("bench.baselines:rotate_app", env | {"BENCH_DATABASE_URL": url}, cpu_list=cpu)
        )
        engine = create_engine(sa_url(url))

        def session_ids() -> set[str]:
            with engine.connect() as conn:
                return {str(r[0]) for r in conn.execute(text("SELECT id FROM user_sessions"))}

        def body_tokens() -> str:
            tokens = [sign_in(body.base)["refresh_token"] + "|" for _ in range(ROTATORS)]
            return script_rotation("/api/auth/refresh", tokens, "body")

        def cookie_tokens() -> str:
            tokens = []
            for _ in range(ROTATORS):
                answer = httpx.post(
                    cookie.base + "/api/auth/login",
                    json={"email": EMAIL, "password": PASSWORD},
                    timeout=30,
                )
                answer.raise_for_status()
                tokens.append(f"{answer.cookies['refresh_token']}|{answer.cookies['csrftoken']}")
            return script_rotation("/api/auth/refresh", tokens, "cookie")

        def bare_tokens() -> str:
            before = session_ids()
            for _ in range(ROTATORS):
                sign_in(body.base)
            with engine.connect() as conn:
                rows = conn.execute(text("SELECT id, rid FROM user_sessions")).all()
            tokens = [f"{r[0]}.{r[1]}|" for r in rows if str(r[0]) not in before]
            return script_rotation("/rotate", tokens, "body")

        def rotations_counted(base: str) -> float:
            # Journal's own counter (grace answers excluded): proves each answer's token was
            # presented next, i.e. that every 200 was a real rotation.
            metrics = httpx.get(base + "/metrics", timeout=30).text
            return sum(
                float(line.rsplit(" ", 1)[1])
                for line in metrics.splitlines()
                if line.startswith("auth_refresh_rotations_total")
            )

        makers = {"body": body_tokens, "cookie": cookie_tokens, "bare": bare_tokens}
        urls = {"body": body.base, "cookie": cookie.base, "bare": bare.base}
        rounds: list[dict[str, Any]] = []
        for round_no in range(0 if cfg.warm_up else 1, cfg.rounds + 1):  # round 0: warm-up
            for name, make in makers.items():
                script = make()
                counted = rotations_counted(urls[name]) if name != "bare" else 0.0
                result = wrk(
                    urls[name],
                    duration=1 if round_no == 0 else cfg.duration,
                    connections=ROTATORS,
                    threads=ROTATORS,
                    script=script,
                )
                if name != "bare":
                    rotated = rotations_counted(urls[name]) - counted
                    if rotated < 0.95 * (result["requests"] - result["errors_status"]):
                        raise SystemExit(f"C {name}: answers were not rotations ({rotated})")
                if round_no:
                    rounds.append({"target": name, "round": round_no, **result})
                    log(f"    C {db} {name:<7} round {round_no}: {result['rps']:>7.0f} rotations/s")
        engine.dispose()
    rps = {n: median([r["rps"] for r in rounds if r["target"] == n]) for n in makers}
    for mode in ("cookie", "body"):
        share = _ratio(rps[mode], rps["bare"])
        out.row(
            f"C {db}: rotations/s, {mode} mode vs bare transaction",
            f"{share:.2f} ({rps[mode]:.0f} vs {rps['bare']:.0f}/s)",
            ">= 0.5",
            share >= 0.5,
        )
    out.raw = {"rps_median": rps, "rounds": rounds}
    return out


# ---- D. search at scale -------------------------------------------------------------------------


def search_queries() -> list[str]:
    """Common, middling and rare words, pairs, and a prefix (as typed), by Zipf rank."""
    words = vocabulary()
    singles = [words[r - 1] for r in (1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 4000)]
    pairs = [f"{words[a - 1]} {words[b - 1]}" for a, b in ((1, 2), (3, 50), (10, 300), (7, 1500))]
    prefixes = [words[9][:3], words[99][:4], words[999][:4]]
    return singles + pairs + prefixes


def _like_times(url: str, user_email: str, queries: list[str], passes: int) -> list[float]:
    """The same queries as a LIKE scan over the user's entries (same order and limit)."""
    engine = create_engine(sa_url(url))
    op = "ILIKE" if engine.dialect.name == "postgresql" else "LIKE"
    times = []
    with engine.connect() as conn:
        user_id = conn.execute(
            text("SELECT id FROM users WHERE email = :e"), {"e": user_email}
        ).scalar_one()
        for _ in range(passes):
            for query in queries:
                words = query.split()
                where = " AND ".join(
                    f"(title {op} :w{i} OR body {op} :w{i})" for i in range(len(words))
                )
                params: dict[str, Any] = {f"w{i}": f"%{w}%" for i, w in enumerate(words)}
                params["u"] = user_id
                started = time.perf_counter()
                conn.execute(
                    text(
                        f"SELECT id, title, body, tags, mood, entry_date FROM entries "
                        f"WHERE user_id = :u AND {where} "
                        f"ORDER BY entry_date DESC, created_at DESC, id DESC LIMIT 20"
                    ),
                    params,
                ).all()
                times.append((time.perf_counter() - started) * 1000)
    engine.dispose()
    return times


def _api_times(base: str, token: str, paths: list[str], passes: int) -> list[float]:
    """Each query once per pass, one at a time (as a person types), timed at the client; a
    second pass only while the first 20 s are not spent (a slow search must not stall the
    suite). The first three queries once before, as warm-up."""
    times: list[float] = []
    with httpx.Client(base_url=base, headers=bearer(token), timeout=120) as client:
        for path in paths[:3]:
            client.get(path).raise_for_status()
        started = time.monotonic()
        for done in range(passes):
            if done and time.monotonic() - started > 20:
                break
            for path in paths:
                t0 = time.perf_counter()
                client.get(path).raise_for_status()
                times.append((time.perf_counter() - t0) * 1000)
    return times


def scenario_d(cfg: Settings, db: str) -> Outcome:
    out = Outcome()
    total = 10_000 if cfg.quick else 100_000
    layouts = {"1 user": (1, total), f"{total // 100:,} users x 100": (total // 100, 100)}
    queries = search_queries()
    paths = [f"/api/entries?limit=20&q={quote(q)}" for q in queries]
    for layout, (users, per_user) in layouts.items():
        with (
            tempfile.TemporaryDirectory() as tmp_name,
            journal(db, Path(tmp_name), users=users, per_user=per_user, cpu_list=server_cpus()) as (
                server,
                _,
                url,
            ),
        ):
            token = sign_in(server.base)["access_token"]
            api_ms = _api_times(server.base, token, paths, passes=1 if cfg.quick else 2)
            api_p50, api_p95 = percentile(api_ms, 50), percentile(api_ms, 95)
            log(f"    D {db} {layout}: search p50/p95 {api_p50:.1f}/{api_p95:.1f} ms")
            like = _like_times(url, EMAIL, queries, passes=max(1, len(api_ms) // len(queries)))
            like_p50, like_p95 = percentile(like, 50), percentile(like, 95)
            log(f"    D {db} {layout}: LIKE p50/p95 {like_p50:.1f}/{like_p95:.1f} ms")
            search_script = script_get(bearer(token), paths)

            def searches(
                duration: float, base: str = server.base, script: str = search_script
            ) -> dict[str, float]:
                return wrk(base + paths[0], duration=duration, connections=2, script=script)

            idle, loaded, _ = _read_p99_idle_and_loaded(
                server.base + READ_PATH, script_get(bearer(token)), searches, cfg
            )
        speedup = _ratio(like_p95, api_p95)
        out.row(
            f"D {db} {layout}: search p50/p95 through the API",
            f"{api_p50:.1f} / {api_p95:.1f} ms ({len(api_ms)} searches)",
            "p95 <= 15 ms",
            api_p95 <= 15,
        )
        out.row(
            f"D {db} {layout}: LIKE p95 / search p95",
            f"{speedup:.2f}x (LIKE p50/p95 {like_p50:.1f} / {like_p95:.1f} ms)",
            ">= 10x",
            speedup >= 10,
        )
        out.row(
            f"D {db} {layout}: read p99 while searching vs idle",
            f"{_ratio(loaded['p99_ms'], idle['p99_ms']):.1f}x "
            f"({loaded['p99_ms']:.1f} vs {idle['p99_ms']:.1f} ms)"
            if loaded["requests"]
            else f"no read answered in {cfg.duration:.0f} s (idle p99 {idle['p99_ms']:.1f} ms)",
            "(reported)",
            None,
        )
        out.raw[layout] = {
            "entries": users * per_user,
            "queries": queries,
            "api_ms": {"p50": api_p50, "p95": api_p95, "samples": api_ms},
            "like_ms": {"p50": like_p50, "p95": like_p95, "samples": like},
            "read_idle": idle,
            "read_while_searching": loaded,
        }
    return out


# ---- E. workers -------------------------------------------------------------------------------


def scenario_e(cfg: Settings, db: str) -> Outcome:
    out = Outcome()
    shared = {"JOURNAL_REDIS_URL": REDIS_URL, "JOURNAL_RATE_LIMIT_PREFIX": "journal-bench"}
    with tempfile.TemporaryDirectory() as tmp_name, ExitStack() as stack:
        tmp = Path(tmp_name)
        one, env, _ = stack.enter_context(journal(db, tmp, cpu_list="", **shared))
        two = stack.enter_context(
            serve(
                "apps.api.app.main:app",
                env,
                workers=2,
                ready_path="/api/health",
            )
        )
        script = _read_script(one.base)
        rounds: list[dict[str, Any]] = []
        for round_no in range(0 if cfg.warm_up else 1, cfg.rounds + 1):  # round 0: warm-up
            for name, server in (("1 worker", one), ("2 workers", two)):
                result = wrk(
                    server.base + READ_PATH,
                    duration=1 if round_no == 0 else cfg.duration,
                    connections=cfg.connections,
                    threads=2,
                    script=script,
                    cpu_list="",  # the whole machine, like the servers
                )
                if round_no:
                    rounds.append({"target": name, "round": round_no, **result})
                    log(f"    E {name:<9} round {round_no}: {result['rps']:>7.0f} req/s")
    rps = {
        n: median([r["rps"] for r in rounds if r["target"] == n]) for n in ("1 worker", "2 workers")
    }
    gain = _ratio(rps["2 workers"], rps["1 worker"])
    out.row(
        f"E {db}: read, 2 workers vs 1",
        f"{gain:.2f}x ({rps['2 workers']:.0f} vs {rps['1 worker']:.0f} req/s, "
        f"{os.cpu_count()} cores shared with wrk)",
        ">= 1.6x",
        gain >= 1.6,
    )
    out.raw = {"rps_median": rps, "rounds": rounds}
    return out


# ---- F. memory ----------------------------------------------------------------------------------


def scenario_f(cfg: Settings, db: str) -> Outcome:
    out = Outcome()
    with (
        tempfile.TemporaryDirectory() as tmp_name,
        journal(db, Path(tmp_name), cpu_list=server_cpus()) as (server, _, _),
    ):
        time.sleep(1)
        idle = rss_mb(server.pid)
        script = _read_script(server.base)
        for _ in range(cfg.rounds):
            wrk(
                server.base + READ_PATH,
                duration=cfg.duration,
                connections=cfg.connections,
                script=script,
            )
        after = rss_mb(server.pid)
    out.row(f"F {db}: RSS of one worker, idle", f"{idle:.0f} MB", "<= 150 MB", idle <= 150)
    out.row(f"F {db}: RSS after scenario A's load", f"{after:.0f} MB", "<= 150 MB", after <= 150)
    out.raw = {"rss_idle_mb": idle, "rss_after_load_mb": after}
    return out


# ---- G. web -------------------------------------------------------------------------------------


def _gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def scenario_g(cfg: Settings, db: str) -> Outcome:
    out = Outcome()
    dist = VAR / "web"
    log("    building the web app (vite build --manifest)")
    subprocess.run(
        [
            "pnpm",
            "-C",
            "apps/web",
            "exec",
            "vite",
            "build",
            "--manifest",
            "--outDir",
            str(dist),
            "--emptyOutDir",
            "--logLevel",
            "warn",
        ],
        cwd=ROOT,
        check=True,
    )
    manifest: dict[str, dict[str, Any]] = json.loads((dist / ".vite" / "manifest.json").read_text())
    entry_key = next(k for k, v in manifest.items() if v.get("isEntry"))
    initial: set[str] = set()
    lazy_roots: set[str] = set()

    def walk(key: str) -> None:
        chunk = manifest[key]
        initial.add(chunk["file"])
        initial.update(chunk.get("css", []))
        lazy_roots.update(chunk.get("dynamicImports", []))
        for child in chunk.get("imports", []):
            if manifest[child]["file"] not in initial:
                walk(child)

    walk(entry_key)
    assets = [p for p in dist.rglob("*") if p.suffix in (".js", ".css")]
    sizes = {str(p.relative_to(dist)): _gz(p) for p in assets}
    initial_kb = sum(sizes.get(f, 0) for f in initial) / 1024
    rest_kb = sum(v for k, v in sizes.items() if k not in initial) / 1024
    out.row(
        "G: gzipped JS + CSS of the initial route",
        f"{initial_kb:.0f} KB ({len(initial)} files)",
        "<= 150 KB",
        initial_kb <= 150,
    )
    # A route's chunk is a lazily imported page (…Page.tsx, or under pages/ or routes/); other
    # lazy chunks (a heavy component) do not split the app by route.
    routes = sorted(
        k for k in lazy_roots if k.endswith("Page.tsx") or "/pages/" in k or "/routes/" in k
    )
    out.row(
        "G: the rest split by route (lazy route chunks)",
        f"{len(routes)} route chunks, {len(lazy_roots) - len(routes)} other lazy chunks; "
        f"{rest_kb:.0f} KB outside the initial route",
        ">= 1 lazy route chunk",
        len(routes) > 0,
    )
    out.raw = {
        "initial_files": sorted(initial),
        "gzip_bytes": sizes,
        "lazy": sorted(lazy_roots),
        "lazy_routes": routes,
    }
    return out


SCENARIOS: dict[str, tuple[str, Callable[[Settings, str], Outcome], bool]] = {
    # letter: (results name, function, runs on each database)
    "A": ("a-auth-read", scenario_a, True),
    "B": ("b-login-load", scenario_b, False),
    "C": ("c-refresh-rotation", scenario_c, True),
    "D": ("d-search", scenario_d, True),
    "E": ("e-workers", scenario_e, False),
    "F": ("f-memory", scenario_f, False),
    "G": ("g-web", scenario_g, False),
}
