"""The analyses of one config: each chosen method run on the per-world model, timed; nothing written."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import xarray as xr

from model.config import LoadedConfig
from model.execution import Execution
from model.outputs import output
from model.parallel import parallel_map, started_map
from model.prim import prim
from model.sensitivity.options import SensitivityOptions
from model.sensitivity.ranks import rank_correlations
from model.sensitivity.regime import assemble, regime_row, regime_tasks
from model.sensitivity.sobol import sobol
from model.sensitivity.tornado import tornado
from model.sensitivity.worlds import WorldModel

PRIM_TARGETS = {name: output(name).label["en"] for name in ("p_collapse", "japan_alone", "korea_alone")}
"""Registered outputs (model.outputs) whose worlds PRIM explains, with their labels."""


@dataclass
class SensitivityResults:
    """The analyses of one config, before they are written anywhere."""

    model: WorldModel
    options: SensitivityOptions
    parts: dict[str, Any] = field(default_factory=dict)  # method -> result (prim: target -> PrimResult)
    seconds: dict[str, float] = field(default_factory=dict)

    def dataset(self) -> xr.Dataset:
        pieces = []
        for method, result in self.parts.items():
            if method == "prim":
                pieces.extend(r.to_dataset() for r in result.values())
            else:
                pieces.append(result.to_dataset())
        ds = xr.merge(pieces, combine_attrs="no_conflicts", compat="no_conflicts") if pieces else xr.Dataset()
        return ds

    def summary(self) -> str:
        lines = []
        for method, result in self.parts.items():
            if method == "prim":
                for target, r in result.items():
                    lines.append(f"[prim] {r.describe(PRIM_TARGETS[target])}")
            else:
                lines.append(f"[{method}] {result.describe()}")
        return "\n".join(lines)


def _prim_task(task: tuple) -> Any:
    x, y, inputs, target, threshold = task
    return prim(x, y, inputs, target=target, threshold=threshold)


def _timed_task(task: tuple[Callable[[Any], Any], Any]) -> tuple[Any, float]:
    """``func(argument)`` and the seconds it took (in whichever process ran it)."""
    func, argument = task
    start = time.perf_counter()
    result = func(argument)
    return result, time.perf_counter() - start


def analyse(loaded: LoadedConfig, options: SensitivityOptions, execution: Execution) -> SensitivityResults:
    """Run the chosen methods on ``loaded`` (no files written).

    The regime map's rows (one task each, the longest part) start on the workers first;
    while they run, this process goes through the other methods, whose own parallel
    parts (Sobol' worlds, the sample, PRIM's targets) share the workers with the rows,
    so both cores stay busy until the last task. Every task is a pure function of its
    arguments, so the results do not depend on the number of jobs or the interleaving.
    ``seconds`` holds each method's wall time, or, for PRIM and the regime map, the
    seconds their tasks worked.
    """
    model = WorldModel(loaded)
    results = SensitivityResults(model, options)
    seed = loaded.config.sampling.seed

    def timed(name, fn):
        start = time.perf_counter()
        results.parts[name] = fn()
        results.seconds[name] = round(time.perf_counter() - start, 3)

    rows = []
    if "regime" in options.methods:
        rows = regime_tasks(loaded, options.regime_x, options.regime_y, options.regime_samples)
    regime_work = [(regime_row, row) for row in rows]
    with started_map(_timed_task, regime_work, execution, desc="regime map", unit="row") as regime_done:
        if "tornado" in options.methods:
            timed("tornado", lambda: tornado(model, *options.tornado_levels))
        if "sobol" in options.methods:
            timed(
                "sobol",
                lambda: sobol(
                    model,
                    options.sobol_samples,
                    seed=seed,
                    execution=execution,
                    resamples=options.bootstrap,
                ),
            )
        sample = None
        if "rank" in options.methods or "prim" in options.methods:
            start = time.perf_counter()
            sample = model.sample(options.samples, execution)
            results.seconds["sample"] = round(time.perf_counter() - start, 3)
        if "rank" in options.methods:
            timed("rank", lambda: rank_correlations(sample))
        if "prim" in options.methods:
            work = [
                (_prim_task, (sample.x, sample.y[t], sample.inputs, t, options.prim_threshold)) for t in PRIM_TARGETS
            ]
            done = parallel_map(_timed_task, work, execution, desc="PRIM", unit="target")
            results.parts["prim"] = dict(zip(PRIM_TARGETS, [result for result, _ in done], strict=True))
            results.seconds["prim"] = round(sum(seconds for _, seconds in done), 3)
        if rows:
            done = regime_done()
            results.parts["regime"] = assemble(
                options.regime_x, options.regime_y, options.regime_samples, [result for result, _ in done]
            )
            results.seconds["regime"] = round(sum(seconds for _, seconds in done), 3)
    return results
