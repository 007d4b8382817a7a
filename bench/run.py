#!/usr/bin/env python3
"""Journal's benchmark suite: scenarios A-G (see bench/README.md).

    uv run python bench/run.py [--quick] [--only A,D] [--db sqlite|pg|both]

Prints a markdown table (measured, target, met) and writes bench/results/<scenario>.json
(bench/results/quick/ with --quick) with the raw numbers, the machine, the git sha and the
time. Exits non-zero only when a scenario crashes, never because a target is missed: the
numbers of a shared machine vary, the ratios measured side by side much less.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
import traceback
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import RESULTS, ROOT, git_sha, log, machine, now_iso
from bench.scenarios import SCENARIOS, Settings, prepare


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| check | measured | target | met |", "| --- | --- | --- | --- |"]
    for row in rows:
        met = {True: "yes", False: "no", None: "-"}[row["met"]]
        lines.append(f"| {row['check']} | {row['measured']} | {row['target']} | {met} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="same scenarios, shorter (CI)")
    parser.add_argument("--only", default="ABCDEFG", help="scenario letters, e.g. A,D")
    parser.add_argument(
        "--db",
        choices=("sqlite", "pg", "both"),
        help="databases for A, C and D (default: both; with --quick, sqlite)",
    )
    parser.add_argument(
        "--prepare",
        action="store_true",
        help="only install what the suite runs (the fastapi-users virtualenv and data; with "
        "--quick, the seeded SQLite databases too), then exit",
    )
    args = parser.parse_args(argv)
    if args.prepare:
        prepare(args.quick)
        return 0
    if args.db is None:
        args.db = "sqlite" if args.quick else "both"
    letters = [c for c in args.only.upper() if c in SCENARIOS]
    unknown = {c for c in args.only.upper() if c.isalpha()} - set(SCENARIOS)
    if unknown or not letters:
        parser.error(f"--only takes letters among {''.join(SCENARIOS)}")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install -y wrk (make bench installs it)")
    databases = {"sqlite": ["sqlite"], "pg": ["postgresql"], "both": ["sqlite", "postgresql"]}[
        args.db
    ]
    cfg = Settings.make(args.quick)
    out_dir = RESULTS / "quick" if args.quick else RESULTS
    out_dir.mkdir(parents=True, exist_ok=True)
    context = {"git_sha": git_sha(), "machine": machine()}
    started = time.monotonic()
    rows: list[dict[str, Any]] = []
    crashed: list[str] = []
    for letter in letters:
        name, function, per_database = SCENARIOS[letter]
        report: dict[str, Any] = {
            "scenario": letter,
            "name": name,
            "measured_at": now_iso(),
            **context,
            "settings": {**vars(cfg), "databases": databases if per_database else None},
            "checks": [],
            "raw": {},
        }
        for db in databases if per_database else databases[:1]:
            log(f"==> {letter} ({name}) on {db}")
            t0 = time.monotonic()
            try:
                outcome = function(cfg, db)
            except (Exception, SystemExit) as exc:
                traceback.print_exc()
                crashed.append(f"{letter} {db}: {exc}")
                rows.append(
                    {"check": f"{letter} {db}", "measured": "crashed", "target": "", "met": None}
                )
                continue
            log(f"    ({time.monotonic() - t0:.0f} s)")
            rows.extend(outcome.rows)
            report["checks"].extend(outcome.rows)
            report["raw"][db if per_database else "run"] = outcome.raw
        if report["checks"]:
            path = out_dir / f"{name}.json"
            path.write_text(json.dumps(report, indent=2, default=str) + "\n")
    footer = (
        f"{'quick run, ' if args.quick else ''}{time.monotonic() - started:.0f} s, "
        f"git {context['git_sha'][:12]}, {context['machine']['cores']} cores "
        f"({context['machine']['cpu_model']}), load average at start "
        f"{context['machine']['load_average_at_start']}; {now_iso()}"
    )
    print()
    print(table(rows))
    print()
    print(f"{footer}; results in {out_dir.relative_to(ROOT)}/")
    # The table of this run too (scenarios not run keep their own JSON from earlier runs).
    command = " ".join(argv if argv is not None else sys.argv[1:]) or "(every scenario, both dbs)"
    (out_dir / "last-run.md").write_text(f"`bench/run.py {command}`\n\n{table(rows)}\n\n{footer}\n")
    if crashed:
        print("crashed: " + "; ".join(crashed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
