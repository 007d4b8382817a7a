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
