"""Cost of the sensitivity methods on the baseline, and of a sweep's grid points.

* world model - worlds/s of the per-world function f(X) used by Sobol', tornado,
  PRIM and regime maps (no statistics), against a full run (model.simulate);
* sweep       - seconds per grid point of a small alpha sweep, one job and N jobs
  (the two results must be identical);
* sobol       - one call at n = 2^14 (15 inputs: 278,528 model worlds, bootstrap);
* rank, prim  - on 131,072 sampled worlds;
* regime map  - 21 x 21 cells of 32,768 worlds.

Run on demand:  python benchmarks/bench_sensitivity.py [--jobs 2]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

import model
from model.execution import Execution, default_jobs
from model.sensitivity import (
    WorldModel,
    load,
    prim,
    rank_correlations,
    regime_map,
    run_sweep,
    sobol,
)
from model.sensitivity.regime import default_axis
from model.sensitivity.study import Axis
from model.simulation import resolve

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.toml"


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    args = parser.parse_args()
    loaded = resolve(BASELINE)
    wm = WorldModel(loaded)
    parallel = Execution(backend="loky", jobs=args.jobs)

    n = 2**20
    x = wm.ppf(np.random.default_rng(0).random((wm.dimension, n)))
    wm.evaluate(x[:, :1000])
    _, t_model = timed(lambda: wm.evaluate(x))
    _, t_run = timed(lambda: model.simulate(loaded, n_samples=n))
    print(f"world model     {n / t_model:12,.0f} worlds/s   (full run {n / t_run:,.0f} worlds/s)")

    study = replace(
        load(BASELINE, ['policy.financing="ptrl_japan"']),
        samples=65_536,
        axes=(Axis("policy.ptrl_share_japan", tuple(np.round(np.linspace(0, 1, 11), 10)), "bench"),),
    )
    one, t1 = timed(lambda: run_sweep(study, Execution()))
    many, tn = timed(lambda: run_sweep(study, parallel))
    diff = max(
        float(np.nanmax(np.abs(one[v].values - many[v].values), initial=0.0))
        for v in one.data_vars
        if one[v].dtype.kind == "f"
    )
    print(
        f"sweep           {t1 / 11:8.3f} s/point on 1 job, {tn / 11:.3f} s/point on {args.jobs} jobs "
        f"(65,536 worlds per point; largest difference between the two: {diff:.3g})"
    )

    result, t = timed(lambda: sobol(wm, 2**14, execution=parallel))
    print(f"sobol           {t:8.2f} s   ({result.evaluations:,} model worlds, {result.resamples} bootstrap resamples)")
    sample, t_sample = timed(lambda: wm.sample(2**17, parallel))
    _, t = timed(lambda: rank_correlations(sample))
    print(f"rank            {t:8.2f} s   (+ {t_sample:.2f} s drawing {2**17:,} worlds)")
    _, t = timed(lambda: prim(sample.x, sample.y["p_collapse"], sample.inputs, target="p_collapse"))
    print(f"prim            {t:8.2f} s   ({2**17:,} worlds, {wm.dimension} inputs)")
    xa = default_axis(loaded, "game.structural.us.offshore_balancing.threshold")
    ya = default_axis(loaded, "game.structural.japan.retaliation")
    _, t = timed(lambda: regime_map(loaded, xa, ya, n=2**15, execution=parallel))
    print(f"regime map      {t:8.2f} s   (21 x 21 cells x 32,768 worlds on {args.jobs} jobs)")


if __name__ == "__main__":
    main()
