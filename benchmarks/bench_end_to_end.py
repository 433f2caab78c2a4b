"""Wall time of the user's commands, run as a user runs them, against their targets.

Each command runs as a fresh ``offshore`` process with ``--jobs 2`` (as many as the
issue's target machine has), its outputs in a temporary directory that is removed
afterwards:

* ``offshore run``                    - baseline, 10^6 worlds, with its full report  (target  8 s)
* ``offshore report RUN``             - the report of that run, in English           (target  5 s)
* ``offshore report RUN --lang zh-TW``- the same in Traditional Chinese               (target  5 s)
* ``offshore sweep``                  - configs/studies/ptrl_share.toml               (target 20 s)
* ``offshore sensitivity``            - configs/studies/baseline_sensitivity.toml     (target 15 s)

Every command is timed ``--repeat`` times (3 by default, 1 with ``--quick``); an
untimed ``offshore run --no-report`` first makes the run the reports read. The
median, min and max wall seconds are printed beside the target, with the CPU model and
the number of cores, since the figures mean nothing without them. On a shared machine
quote the median and the spread, not one number.

Time it in an environment made as the README's first command makes one (the core
install: ``pip install -e .``), with that environment's ``offshore`` first on PATH. The
test extra adds dask (the optional ``cluster`` extra), and where dask is installed
xarray imports ``dask.array`` in every command, a third of a second each.

Never run in CI (minutes of wall time); on demand:

    python benchmarks/bench_end_to_end.py [--quick] [--repeat N] [--only run,sweep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from machine import cpu_model  # benchmarks/machine.py (the script's folder is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
JOBS = "2"


@dataclass(frozen=True)
class Case:
    """One user command: its name, target wall seconds and argument list (without ``offshore``)."""

    name: str
    target: float
    args: tuple[str, ...]


def offshore_command() -> list[str]:
    """The ``offshore`` entry point on PATH, else the module run by this interpreter."""
    found = shutil.which("offshore")
    return [found] if found else [sys.executable, "-m", "model.cli"]


def timed(command: list[str], cwd: Path) -> tuple[float, str]:
    """Wall seconds of one fresh process and its last stdout line; a failure stops the benchmark."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"error: {' '.join(command)}: exit {done.returncode}: {done.stderr.strip()[-400:]}")
    lines = done.stdout.strip().splitlines()
    return seconds, lines[-1] if lines else ""


def cases(run_dir: str) -> list[Case]:
    """The timed commands; the reports read ``run_dir`` (a finished baseline run)."""
    studies = ROOT / "configs" / "studies"
    return [
        Case("run (with report)", 8.0, ("run", "--jobs", JOBS, "--reports-dir", "reports")),
        Case("report en", 5.0, ("report", run_dir, "--reports-dir", "reports")),
        Case("report zh-TW", 5.0, ("report", run_dir, "--lang", "zh-TW", "--reports-dir", "reports")),
        Case("sweep ptrl_share", 20.0, ("sweep", str(studies / "ptrl_share.toml"), "--jobs", JOBS)),
        Case(
            "sensitivity baseline",
            15.0,
            ("sensitivity", str(studies / "baseline_sensitivity.toml"), "--jobs", JOBS),
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each command (default 3)")
    parser.add_argument("--quick", action="store_true", help="one timed run of each command")
    parser.add_argument("--only", default="", help="comma-separated name prefixes: run,report,sweep,sensitivity")
    args = parser.parse_args(argv)
    repeat = 1 if args.quick else max(1, args.repeat)
    only = [p.strip() for p in args.only.split(",") if p.strip()]
    offshore = offshore_command()
    print(f"CPU: {cpu_model()}, {os.cpu_count()} cores; --jobs {JOBS}; {repeat} run(s) each; wall seconds")
    with tempfile.TemporaryDirectory(prefix="offshore-bench-") as tmp:
        work = Path(tmp)
        chosen = [c for c in cases("RUN") if not only or any(c.name.startswith(p) for p in only)]
        run_dir = "RUN"
        if any("RUN" in c.args for c in chosen):  # the reports read a finished run (not timed)
            run_dir = str(work / timed([*offshore, "run", "--jobs", JOBS, "--quiet", "--no-report"], work)[1])
        failures = 0
        for case in cases(run_dir):
            if only and not any(case.name.startswith(p) for p in only):
                continue
            times = [timed([*offshore, *case.args], work)[0] for _ in range(repeat)]
            median = statistics.median(times)
            verdict = "ok" if median <= case.target else "OVER"
            failures += verdict != "ok"
            print(
                f"{case.name:<22} median {median:6.2f}  min {min(times):6.2f}  max {max(times):6.2f}"
                f"  target {case.target:4.0f}  {verdict}",
                flush=True,
            )
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
