"""Multi-process metrics under plain ``uvicorn --workers N``, with nothing to configure.

prometheus_client decides at import time, from ``PROMETHEUS_MULTIPROC_DIR``, whether a
process keeps its samples in memory (each scrape then sees one worker) or in files that the
exporter merges. ``journal serve --workers N`` sets that variable before starting workers;
plain uvicorn does not, so ``metrics`` calls :func:`share_metrics_between_workers` before it
imports prometheus_client. Imports nothing from the app (it runs first).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def _start_ticks(pid: int) -> str | None:
    """The process's start time (Linux clock ticks since boot): with the pid, names one run
    even after the pid is reused. None when the process is gone (or no /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _run_id(pid: int) -> str | None:
    if not Path("/proc").is_dir():
        return str(pid)  # no /proc: the pid alone (a reused pid could sum an old run)
    ticks = _start_ticks(pid)
    return f"{pid}-{ticks}" if ticks is not None else None


def _remove_finished_runs(base: Path, keep: Path) -> None:
    """Directories of supervisors that are gone: their samples would be summed by no one."""
    for entry in base.iterdir():
        pid = entry.name.split("-", 1)[0]
        if entry != keep and pid.isdigit() and _run_id(int(pid)) != entry.name:
            shutil.rmtree(entry, ignore_errors=True)


def share_metrics_between_workers() -> None:
    """In a worker started by a uvicorn supervisor, without PROMETHEUS_MULTIPROC_DIR: use a
    directory named after the supervisor (same for all its workers, new for each run)."""
    if os.environ.get(MULTIPROC_ENV) or "uvicorn" not in sys.modules:
        return
    if multiprocessing.parent_process() is None or "prometheus_client" in sys.modules:
        return  # one process (no sharing needed), or too late to switch modes
    run = _run_id(os.getppid())
    if run is None:
        return
    base = Path(tempfile.gettempdir()) / f"journal-prometheus-{os.getuid()}"
    base.mkdir(mode=0o700, exist_ok=True)
    path = base / run
    path.mkdir(mode=0o700, exist_ok=True)
    _remove_finished_runs(base, keep=path)
    os.environ[MULTIPROC_ENV] = str(path)


def _parent_worker_count() -> int:
    """How many workers the uvicorn supervisor that started this process runs, read from its
    command line (``--workers N``) or environment (``WEB_CONCURRENCY``); 1 if unknown, or if
    this process has no such parent (``--reload`` runs one server under a reloader)."""
    if "uvicorn" not in sys.modules or multiprocessing.parent_process() is None:
        return 1
    proc = Path(f"/proc/{os.getppid()}")
    try:
        argv = (proc / "cmdline").read_bytes().decode(errors="replace").split("\0")
        environ = (proc / "environ").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return 1
    count = next((v.split("=", 1)[1] for v in environ if v.startswith("WEB_CONCURRENCY=")), "1")
    for i, arg in enumerate(argv):
        if arg == "--workers" and i + 1 < len(argv):
            count = argv[i + 1]
        elif arg.startswith("--workers="):
            count = arg.split("=", 1)[1]
    return int(count) if count.isdigit() else 1


def refuse_unshared_limits(redis_url: str | None) -> None:
    """Several workers keep their rate limits in their own memory unless Redis is set, which
    would multiply every budget by the number of workers: stop the whole server instead,
    with one line. (``journal serve`` refuses before starting workers.)"""
    workers = _parent_worker_count()
    if redis_url or workers <= 1:
        return
    sys.stderr.write(f"error: {UNSHARED_LIMITS.format(workers=workers)}\n")
    sys.stderr.flush()
    os.kill(os.getppid(), signal.SIGTERM)  # the supervisor stops every worker, then itself
    raise SystemExit(3)


UNSHARED_LIMITS = (
    "{workers} workers need JOURNAL_REDIS_URL: without it each worker keeps its own rate "
    "limits, which would multiply every sign-in and mail budget by {workers}. Set "
    "JOURNAL_REDIS_URL (e.g. redis://127.0.0.1:6379/0) or run one worker."
)
