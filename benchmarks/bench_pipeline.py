"""Worlds per second of the full pipeline, and its cost relative to drawing the inputs.

For the ordinal (paper table + noise) and structural (baseline) configs, on one core:

* draw   - numpy drawing the same random inputs the run uses, nothing else;
* full   - draw + payoffs + solve + selection + game types + commitment + statistics;
* ratio  - full / draw (targets at 10^6 worlds: <= 1.5 ordinal, <= 2 structural).

Run on demand:  python benchmarks/bench_pipeline.py [--worlds 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from model.config import load_config  # noqa: E402
from model.engine import ChunkPlan, draw_worlds, evaluate_chunk  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CASES = {
    "ordinal": (ROOT / "configs" / "paper_table.toml", ["game.ordinal.noise_sd=1.0"], 1.5),
    "structural": (ROOT / "configs" / "baseline.toml", [], 2.0),
}


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(config_path: Path, overrides: list[str], worlds: int, repeat: int) -> tuple[float, float]:
    loaded = load_config(config_path, [*overrides, f"sampling.samples={worlds}"])
    config, priors = loaded.config, loaded.priors()
    plan = ChunkPlan(worlds, config.sampling.chunk_size)

    def draw_only() -> None:
        for k in range(plan.chunks):
            draw_worlds(config, priors, k, plan.size(k))

    def full() -> None:
        for k in range(plan.chunks):
            evaluate_chunk(config, priors, k, plan.size(k))

    full()  # warm caches and imports
    return best_of(repeat, draw_only), best_of(repeat, full)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worlds", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'pipeline':<11} {'worlds':>10} {'draw s':>8} {'full s':>8} {'worlds/s':>12} {'ratio':>6} {'target':>6}")
    for name, (path, overrides, target) in CASES.items():
        draw, full = measure(path, overrides, args.worlds, args.repeat)
        ratio = full / draw
        verdict = "ok" if ratio <= target else "MISS"
        print(
            f"{name:<11} {args.worlds:>10,} {draw:>8.3f} {full:>8.3f} {args.worlds / full:>12,.0f} {ratio:>6.2f} {target:>5.1f} {verdict}"
        )


if __name__ == "__main__":
    main()
