"""Scaling: parallel efficiency, peak memory against the number of worlds, wall time.

* efficiency = T(1 job) / (2 x T(2 jobs)) for the structural baseline (target >= 0.85
  on 2 cores), end to end through the CLI (worker start-up and checkpoints included)
  and in steady state (warm workers, the engine alone);
* peak resident memory of a complete `offshore run` (process tree: the CLI and its
  workers) at 1e6, 1e7 and 1e8 worlds, without --keep-samples (targets: 1e8 within
  1.5x of 1e6, and under 1 GiB);
* wall time to 1e7 worlds on the structural example.

Run on demand (the 1e8 run takes several minutes):
    python benchmarks/bench_scale.py [--sizes 1e6,1e7,1e8] [--jobs 2]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.toml"


def run_measured(args: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes, summed over the process tree) of a CLI run."""
    with tempfile.TemporaryDirectory() as runs:
        command = [
            sys.executable,
            "-m",
            "model.cli",
            "run",
            str(BASELINE),
            "--quiet",
            "--no-report",
            "--runs-dir",
            runs,
            *args,
        ]
        start = time.perf_counter()
        proc = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        peak = 0
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                try:
                    tree = [proc, *proc.children(recursive=True)]
                    peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
                except psutil.Error:
                    pass
                time.sleep(0.05)

        watcher = threading.Thread(target=sample, daemon=True)
        watcher.start()
        _, err = proc.communicate()
        stop.set()
        watcher.join()
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"run failed: {err.decode()}")
        return wall, peak


def steady_state_efficiency(worlds: int, jobs: int) -> tuple[float, float, float]:
    """Efficiency of ``model.simulate`` once the loky workers are running: the
    parallel engine itself, without process start-up and run-directory I/O."""
    import model
    from model.execution import Execution

    model.simulate(BASELINE, n_samples=2**18, execution=Execution(backend="loky", jobs=jobs))  # start workers
    start = time.perf_counter()
    model.simulate(BASELINE, n_samples=worlds, execution=Execution(backend="loky", jobs=jobs))
    parallel = time.perf_counter() - start
    start = time.perf_counter()
    model.simulate(BASELINE, n_samples=worlds, execution=Execution(backend="sequential"))
    single = time.perf_counter() - start
    return single, parallel, single / (jobs * parallel)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1e6,1e7,1e8")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--efficiency-worlds", type=float, default=2e7)
    args = parser.parse_args()

    n = str(int(args.efficiency_worlds))
    t1, _ = run_measured(["--samples", n, "--jobs", "1", "--backend", "loky"])
    t2, _ = run_measured(["--samples", n, "--jobs", str(args.jobs), "--backend", "loky"])
    print(
        f"parallel efficiency at {int(args.efficiency_worlds):,} worlds: "
        f"1 job {t1:.1f} s, {args.jobs} jobs {t2:.1f} s, efficiency {t1 / (args.jobs * t2):.2f} (target >= 0.85)"
    )
    single, parallel, efficiency = steady_state_efficiency(int(args.efficiency_worlds) // 2, args.jobs)
    print(
        f"steady state (warm workers, no run directory) at {int(args.efficiency_worlds) // 2:,} worlds: "
        f"1 process {single:.1f} s, {args.jobs} jobs {parallel:.1f} s, efficiency {efficiency:.2f}"
    )

    peaks = {}
    for size in (int(float(s)) for s in args.sizes.split(",")):
        wall, peak = run_measured(["--samples", str(size), "--jobs", str(args.jobs)])
        peaks[size] = peak
        print(
            f"{size:>13,} worlds: wall {wall:8.1f} s, {size / wall:>12,.0f} worlds/s, peak RSS {peak / 2**20:8.1f} MiB"
        )
    if len(peaks) > 1:
        smallest, largest = min(peaks), max(peaks)
        ratio = peaks[largest] / peaks[smallest]
        print(f"peak memory {largest:,} / {smallest:,} worlds: {ratio:.2f}x (target <= 1.5x, and < 1024 MiB)")


if __name__ == "__main__":
    main()
