"""Per-world burdens for the distribution chart.

results.nc holds no per-world values. The histogram uses the run's ``samples.nc``
when it was kept (``--keep-samples``); otherwise it re-draws the run's first chunks
with :func:`model.samples.world_records`, which reproduces those worlds exactly.
Either way the values are each world's expected burden (averaged over the selection
rule's play probabilities where play is mixed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.engine import ChunkPlan
from model.payoffs import COMPONENTS
from model.report.rundata import RunData

MAX_WORLDS = 131_072  # two default chunks: a smooth histogram in well under a second
TOTAL = len(COMPONENTS)  # index of "total" along the component axis


@dataclass(frozen=True)
class BurdenSample:
    values: np.ndarray  # US$ bn, one per world
    source: str  # "kept" (samples.nc) or "first" (re-drawn first worlds)


def japan_burden_sample(run: RunData, max_worlds: int = MAX_WORLDS) -> BurdenSample:
    """Japan's total burden in the run's kept or first worlds."""
    kept = _from_samples_file(run)
    if kept is not None and kept.size:
        return BurdenSample(kept, "kept")
    from model.samples import world_records

    loaded = run.loaded_config()
    config = loaded.config
    plan = ChunkPlan(config.sampling.samples, config.sampling.chunk_size)
    target = min(run.worlds, max_worlds)
    parts, done, k = [], 0, 0
    while done < target and k < plan.chunks:
        n = min(plan.size(k), target - done)
        dims, burden, _ = world_records(loaded, k, n)["burden"]
        parts.append(np.asarray(burden)[:, 0, TOTAL])
        done += n
        k += 1
    return BurdenSample(np.concatenate(parts), "first")


def _from_samples_file(run: RunData) -> np.ndarray | None:
    path = run.samples_file
    if path is None:
        return None
    import xarray as xr

    try:
        with xr.open_dataset(path) as handle:
            if "burden" not in handle:
                return None
            burden = handle["burden"]
            if "country" in burden.coords and "component" in burden.coords:
                return np.asarray(burden.sel(country="japan", component="total").values, dtype=float)
            return np.asarray(burden.values[:, 0, TOTAL], dtype=float)
    except (OSError, ValueError, KeyError):
        return None
