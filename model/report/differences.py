"""Differences between runs, with paired intervals when the runs share their worlds.

Runs with the same seed, sampler, chunk size and number of worlds draw the same
worlds for every parameter they share (docs/MODEL.md §8, common random numbers), so
their difference is *paired*. A run's results hold its convergence trace: cumulative
estimates at fixed world counts, i.e. the means of contiguous batches of worlds. The
difference of two paired runs is then estimated by weighted batch means: with batch
sizes ``w_j`` and per-batch differences ``d_j``,

    D    = sum_j w_j d_j / N                          (the difference of the final estimates)
    se^2 = sum_j w_j (d_j - D)^2 / ((K - 1) N)

and the 95 % interval uses Student's t with ``K - 1`` degrees of freedom. Runs that do
not share their worlds get an *unpaired* difference, ``se = sqrt(se_a^2 + se_b^2)``,
and are labelled so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from model.constants import Z95
from model.outputs import Output
from model.report.rundata import RunData

PAIRING_ATTRS = ("seed", "sampler", "chunk_size", "samples")


@dataclass(frozen=True)
class Difference:
    """``other - reference`` for one output, with its 95 % interval."""

    value: float
    se: float
    low: float
    high: float
    paired: bool
    batches: int


def shares_worlds(a: RunData, b: RunData) -> bool:
    """Whether two runs drew the same worlds and recorded traces at the same world counts."""
    if any(str(a.ds.attrs.get(k)) != str(b.ds.attrs.get(k)) for k in PAIRING_ATTRS):
        return False
    if not (a.has_trace and b.has_trace):
        return False
    return np.array_equal(a.ds["trace_worlds"].values, b.ds["trace_worlds"].values)


def batch_means(run: RunData, out: Output) -> tuple[np.ndarray, np.ndarray]:
    """Sizes (K,) and means (K,) of the contiguous batches of worlds between trace points."""
    worlds = run.ds["trace_worlds"].values.astype(float)
    cumulative = run.ds[f"trace_{out.variable}"].sel(dict(out.index)).values.astype(float)
    sums = cumulative * worlds
    sizes = np.diff(worlds, prepend=0.0)
    return sizes, np.diff(sums, prepend=0.0) / sizes


def difference(reference: RunData, other: RunData, out: Output) -> Difference:
    """``out`` in ``other`` minus in ``reference``: paired when the runs share their worlds."""
    a, b = reference.ds.offshore.of(out), other.ds.offshore.of(out)
    value = b.value - a.value
    if shares_worlds(reference, other) and f"trace_{out.variable}" in reference.ds:
        sizes, ref_means = batch_means(reference, out)
        _, other_means = batch_means(other, out)
        d = other_means - ref_means
        n, k = sizes.sum(), sizes.size
        if k > 1:
            centre = float(np.sum(sizes * d) / n)
            se = float(np.sqrt(np.sum(sizes * (d - centre) ** 2) / ((k - 1) * n)))
            half = float(stats.t.ppf(0.975, k - 1)) * se
            return Difference(value, se, value - half, value + half, True, k)
    se = float(np.hypot(a.se, b.se))
    return Difference(value, se, value - Z95 * se, value + Z95 * se, False, 0)
