"""The analyses of one config: each chosen method run on the per-world model, timed; nothing written."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import xarray as xr

from model.config import LoadedConfig
from model.execution import Execution
from model.outputs import output
from model.prim import prim
from model.sensitivity.options import SensitivityOptions
from model.sensitivity.ranks import rank_correlations
from model.sensitivity.regime import regime_map
from model.sensitivity.sobol import sobol
from model.sensitivity.tornado import tornado
from model.sensitivity.worlds import WorldModel

PRIM_TARGETS = {name: output(name).label["en"] for name in ("p_collapse", "japan_alone", "korea_alone")}
"""Registered outputs (model.outputs) whose worlds PRIM explains, with their labels."""
PRIM_QUESTIONS = {
    "p_collapse": "when does the regional balance collapse?",
    "japan_alone": "when does Japan balance alone?",
    "korea_alone": "when does Korea balance alone?",
}


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


def analyse(loaded: LoadedConfig, options: SensitivityOptions, execution: Execution) -> SensitivityResults:
    """Run the chosen methods on ``loaded`` (no files written)."""
    model = WorldModel(loaded)
    results = SensitivityResults(model, options)
    seed = loaded.config.sampling.seed

    def timed(name, fn):
        start = time.perf_counter()
        results.parts[name] = fn()
        results.seconds[name] = round(time.perf_counter() - start, 3)

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
        timed(
            "prim",
            lambda: {
                t: prim(sample.x, sample.y[t], sample.inputs, target=t, threshold=options.prim_threshold)
                for t in PRIM_TARGETS
            },
        )
    if "regime" in options.methods:
        timed(
            "regime",
            lambda: regime_map(
                loaded,
                options.regime_x,
                options.regime_y,
                n=options.regime_samples,
                execution=execution,
            ),
        )
    return results
