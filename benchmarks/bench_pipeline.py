"""Worlds per second of the full pipeline, and its cost relative to drawing the inputs.

For the ordinal (paper table + noise) config, the structural game under complete
information (the offshore complete-information scenario) and the structural baseline
with its beliefs (docs/MODEL.md §3.5), on one core:

* draw   - numpy drawing the same random inputs the run uses, nothing else;
* full   - draw + payoffs + solve + selection + game types + commitment + statistics;
* ratio  - best full / best draw;
* median - the median of the ratios of draw and full runs timed back to back. On a
  shared machine whose speed drifts, this is the steadier figure (the best times of
  the two may come from different spells), so the verdict uses it. Targets at 10^6
  worlds: <= 1.5 ordinal, <= 2 structural, <= 2.5 structural with beliefs.

Run on demand:  python benchmarks/bench_pipeline.py [--worlds 1000000] [--repeat 9]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from machine import cpu_model  # benchmarks/machine.py (the script's folder is on sys.path)

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from model.config import load_config  # noqa: E402
from model.engine import ChunkPlan, draw_worlds, evaluate_chunk  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CASES = {
    "ordinal": (ROOT / "configs" / "paper_table.toml", ["game.ordinal.noise_sd=1.0"], 1.5),
    "structural": (ROOT / "configs" / "scenarios" / "offshore_complete_information.toml", [], 2.0),
    "structural with beliefs": (ROOT / "configs" / "baseline.toml", [], 2.5),
}


def measure(config_path: Path, overrides: list[str], worlds: int, repeat: int) -> tuple[float, float, float]:
    """Best draw time, best full time, and the median of the per-repeat ratios.

    Draw and full runs alternate, so a slow spell of a shared machine hits both
    rather than biasing one of them.
    """
    loaded = load_config(config_path, [*overrides, f"sampling.samples={worlds}"])
    config, priors = loaded.config, loaded.priors()
    plan = ChunkPlan(worlds, config.sampling.chunk_size)

    def draw_only() -> None:
        for k in range(plan.chunks):
            draw_worlds(config, priors, k, plan.size(k))

    def full() -> None:
        for k in range(plan.chunks):
            evaluate_chunk(config, priors, k, plan.size(k))

    def timed(fn) -> float:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    full()  # warm caches and imports
    draws, fulls = [], []
    for _ in range(repeat):
        draws.append(timed(draw_only))
        fulls.append(timed(full))
    ratios = sorted(f / d for f, d in zip(fulls, draws, strict=True))
    return min(draws), min(fulls), ratios[len(ratios) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worlds", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    columns = ("worlds", 10), ("draw s", 8), ("full s", 8), ("worlds/s", 12), ("ratio", 6), ("median", 6), ("target", 6)
    print(f"CPU: {cpu_model()}")
    print(f"{'pipeline':<24} " + " ".join(f"{name:>{width}}" for name, width in columns))
    for name, (path, overrides, target) in CASES.items():
        draw, full, median = measure(path, overrides, args.worlds, args.repeat)
        ratio = full / draw
        verdict = "ok" if median <= target else "MISS"
        print(
            f"{name:<24} {args.worlds:>10,} {draw:>8.3f} {full:>8.3f} {args.worlds / full:>12,.0f} "
            f"{ratio:>6.2f} {median:>6.2f} {target:>6.1f} {verdict}"
        )


if __name__ == "__main__":
    main()
