"""Per-world burdens for the distribution chart, read from the run's files.

The histogram uses the run's ``samples.nc`` when it was kept (``--keep-samples``);
otherwise the ``burden_sample`` results.nc keeps: Japan's total burden in each of the
run's first worlds (up to 131,072), recorded while the run was computed. Either way
each value is what Japan bears in that world: its burden in the profile played, at
the world's true values (averaged over the selection rule's play probabilities where
play is mixed). Nothing is re-drawn here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from model.report.rundata import RunData

MAX_WORLDS = 131_072  # what results.nc keeps: a smooth histogram in well under a second
NOTHING = 1e-9  # US$ bn: a world where Japan pays at most this pays nothing


@dataclass(frozen=True)
class BurdenSample:
    values: np.ndarray  # US$ bn, one per world
    source: str  # "kept" (samples.nc) or "first" (results.nc's sample of the first worlds)

    @property
    def size(self) -> int:
        """Number of worlds in the sample."""
        return int(self.values.size)

    @property
    def zero_share(self) -> float:
        """Share (0..1) of the worlds where Japan pays nothing: it passes the buck and
        deterrence holds without it, with no PTRL bill (docs/MODEL.md §3.2)."""
        return float(np.mean(self.values <= NOTHING)) if self.size else 0.0

    @property
    def maximum(self) -> float:
        """The largest burden in the sample, US$ bn (0 for an empty sample)."""
        return float(self.values.max()) if self.size else 0.0

    def at_least(self, bound: float) -> int:
        """Number of worlds whose burden is at least ``bound`` US$ bn."""
        return int(np.count_nonzero(self.values >= bound))


def japan_burden_sample(run: RunData, max_worlds: int = MAX_WORLDS) -> BurdenSample | None:
    """Japan's total burden in the run's kept or first worlds (at most ``max_worlds`` of
    the first); None when neither samples.nc nor results.nc holds per-world burdens
    (ordinal mode, or a run made before results.nc kept them)."""
    kept = _from_samples_file(run)
    if kept is not None and kept.size:
        return BurdenSample(kept, "kept")
    if not run.has_burden_sample:
        return None
    values = run.ds["burden_sample"].sel(country="japan").values[:max_worlds]
    return BurdenSample(np.asarray(values, dtype=float), "first")


def _from_samples_file(run: RunData) -> np.ndarray | None:
    path = run.samples_file
    if path is None:
        return None
    try:
        with xr.open_dataset(path) as handle:
            if "burden" not in handle:
                return None
            burden = handle["burden"]
            if "country" in burden.coords and "component" in burden.coords:
                return np.asarray(burden.sel(country="japan", component="total").values, dtype=float)
            return np.asarray(burden.values[:, 0, -1], dtype=float)  # Japan first, the total last
    except (OSError, ValueError, KeyError):
        return None
