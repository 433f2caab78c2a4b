"""PRIM scenario discovery: boxes of inputs where an outcome is concentrated.

The Patient Rule Induction Method (Friedman & Fisher 1999), as used for scenario
discovery (Bryant & Lempert 2010), on per-world samples: inputs ``x`` (d, n) and a
target ``y`` (n,) in [0, 1] (an indicator, or the per-world probability of an
outcome under the selection rule).

*Peeling.* Start from the box holding every world. At each step, for every input
and both of its ends, consider removing the ``peel_alpha`` share of the box's worlds
with the lowest (or highest) values of that input; take the removal that leaves the
highest mean of ``y`` in the box (ties: the one removing fewest worlds). Repeat while
the box keeps at least ``mass_min`` of all worlds. Each step's box, with its
**coverage** (share of all the target's mass that falls in the box), **density**
(mean of ``y`` in the box) and **mass** (share of worlds in the box), is the
*trajectory*.

*Choosing a box.* The box with the highest coverage among those whose density
reaches ``threshold``; if none does, the knee of the trajectory (the box farthest
from the chord joining its first and last points in normalised coverage-density
space).

*Pasting.* The chosen box is then widened again, one end of one input at a time by
``paste_alpha`` of its worlds, while that raises its density (Friedman & Fisher 1999,
§5).

*Covering.* Further boxes are found the same way on the worlds outside the boxes
found so far, as long as they reach the density threshold (the first box is always
reported, if it is denser than all worlds together).

Everything is vectorised over worlds; the loops run over peeling steps, inputs and
box ends only. Inputs with ties (discrete priors) are handled by moving a bound to
the next distinct value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from model.labels import format_value, short


@dataclass(frozen=True)
class Box:
    """Closed bounds per input; ``-inf`` / ``+inf`` where unrestricted."""

    lower: np.ndarray
    upper: np.ndarray

    @classmethod
    def everything(cls, d: int) -> Box:
        return cls(np.full(d, -np.inf), np.full(d, np.inf))

    def contains(self, x: np.ndarray) -> np.ndarray:
        return np.all((x >= self.lower[:, None]) & (x <= self.upper[:, None]), axis=0)

    @property
    def restricted(self) -> np.ndarray:
        return np.isfinite(self.lower) | np.isfinite(self.upper)

    def with_bound(self, j: int, side: int, value: float) -> Box:
        lower, upper = self.lower.copy(), self.upper.copy()
        (lower if side == 0 else upper)[j] = value
        return Box(lower, upper)


@dataclass(frozen=True)
class BoxStats:
    box: Box
    coverage: float
    density: float
    mass: float
    worlds: int


@dataclass(frozen=True)
class FoundBox:
    """One box of the covering sequence, with its trajectory and what each bound does."""

    stats: BoxStats
    trajectory: tuple[BoxStats, ...]
    chosen: int  # index in the trajectory before pasting
    rule: str  # "threshold" or "knee"
    base_density: float  # mean of y over the worlds this box was searched in
    # Per restricted input: density and coverage of the box without that restriction.
    drop_density: dict[int, float] = field(default_factory=dict)
    drop_coverage: dict[int, float] = field(default_factory=dict)


@dataclass(frozen=True)
class PrimResult:
    target: str
    inputs: tuple[str, ...]
    boxes: tuple[FoundBox, ...]
    n: int
    total_density: float
    threshold: float
    data_min: np.ndarray
    data_max: np.ndarray

    def describe(self, label: str) -> str:
        lines = [f"{label}: mean over all {self.n:,} worlds {self.total_density:.3f}."]
        for b, found in enumerate(self.boxes):
            s = found.stats
            lines.append(
                f"Box {b + 1} ({found.rule}): coverage {s.coverage:.2f}, density {s.density:.2f}, "
                f"mass {s.mass:.3f} - " + "; ".join(self.bounds_text(found.stats.box))
            )
        return "\n".join(lines)

    def bounds_text(self, box: Box, name_of: Callable[[str], str] = short) -> list[str]:
        """Each restricted input's bounds, as ``lo ≤ name ≤ hi`` (or one side), the
        input named by ``name_of`` (default: its short English label)."""
        out = []
        for j in np.flatnonzero(box.restricted):
            lo, hi = box.lower[j], box.upper[j]
            name = name_of(self.inputs[j])
            if np.isfinite(lo) and np.isfinite(hi):
                out.append(f"{format_value(float(lo))} ≤ {name} ≤ {format_value(float(hi))}")
            elif np.isfinite(lo):
                out.append(f"{name} ≥ {format_value(float(lo))}")
            else:
                out.append(f"{name} ≤ {format_value(float(hi))}")
        return out

    def trajectory_frame(self) -> pd.DataFrame:
        rows = []
        for b, found in enumerate(self.boxes):
            for step, s in enumerate(found.trajectory):
                rows.append(
                    {
                        "target": self.target,
                        "box": b + 1,
                        "step": step,
                        "coverage": s.coverage,
                        "density": s.density,
                        "mass": s.mass,
                        "worlds": s.worlds,
                        "restricted_inputs": int(s.box.restricted.sum()),
                        "chosen": step == found.chosen,
                    }
                )
        return pd.DataFrame(rows)

    def boxes_frame(self) -> pd.DataFrame:
        rows = []
        for b, found in enumerate(self.boxes):
            s = found.stats
            for j in np.flatnonzero(s.box.restricted):
                rows.append(
                    {
                        "target": self.target,
                        "box": b + 1,
                        "rule": found.rule,
                        "coverage": s.coverage,
                        "density": s.density,
                        "mass": s.mass,
                        "input": self.inputs[j],
                        "lower": s.box.lower[j] if np.isfinite(s.box.lower[j]) else np.nan,
                        "upper": s.box.upper[j] if np.isfinite(s.box.upper[j]) else np.nan,
                        "input_min": self.data_min[j],
                        "input_max": self.data_max[j],
                        "density_without_this_bound": found.drop_density.get(int(j), np.nan),
                        "coverage_without_this_bound": found.drop_coverage.get(int(j), np.nan),
                    }
                )
        return pd.DataFrame(rows)

    def to_dataset(self) -> xr.Dataset:
        t = self.target
        steps = max(len(f.trajectory) for f in self.boxes) if self.boxes else 0
        nb, d = len(self.boxes), len(self.inputs)
        cov = np.full((nb, steps), np.nan)
        dens, mass = cov.copy(), cov.copy()
        lower = np.full((nb, d), np.nan)
        upper = lower.copy()
        for b, found in enumerate(self.boxes):
            for k, s in enumerate(found.trajectory):
                cov[b, k], dens[b, k], mass[b, k] = s.coverage, s.density, s.mass
            lower[b], upper[b] = found.stats.box.lower, found.stats.box.upper
        box_dim, step_dim = f"prim_{t}_box", f"prim_{t}_step"
        ds = xr.Dataset(
            coords={
                box_dim: np.arange(1, nb + 1),
                step_dim: np.arange(steps),
                "input": list(self.inputs),
            }
        )
        ds[f"prim_{t}_trajectory_coverage"] = (
            (box_dim, step_dim),
            cov,
            {"units": "1", "long_name": "share of the target's mass inside the peeled box"},
        )
        ds[f"prim_{t}_trajectory_density"] = (
            (box_dim, step_dim),
            dens,
            {"units": "1", "long_name": "mean of the target inside the peeled box"},
        )
        ds[f"prim_{t}_trajectory_mass"] = (
            (box_dim, step_dim),
            mass,
            {"units": "1", "long_name": "share of worlds inside the peeled box"},
        )
        ds[f"prim_{t}_lower"] = (
            (box_dim, "input"),
            lower,
            {"units": "the input's unit", "long_name": "box lower bound (-inf: unrestricted)"},
        )
        ds[f"prim_{t}_upper"] = (
            (box_dim, "input"),
            upper,
            {"units": "the input's unit", "long_name": "box upper bound (+inf: unrestricted)"},
        )
        for name in ("coverage", "density", "mass"):
            ds[f"prim_{t}_{name}"] = (
                box_dim,
                [getattr(f.stats, name) for f in self.boxes],
                {"units": "1"},
            )
        ds[f"prim_{t}_chosen_step"] = (box_dim, [f.chosen for f in self.boxes])
        ds.attrs[f"prim_{t}_threshold"] = self.threshold
        ds.attrs[f"prim_{t}_worlds"] = self.n
        return ds


def _stats(box: Box, inside: np.ndarray, y: np.ndarray, n: int, y_total: float) -> BoxStats:
    m = int(inside.sum())
    mass_y = float(y[inside].sum())
    return BoxStats(box, mass_y / y_total if y_total > 0 else 0.0, mass_y / m if m else 0.0, m / n, m)


@dataclass(frozen=True)
class Ranked:
    """The inputs ``x`` (d, n) as ranks, which order the worlds exactly as the values do.

    Peeling compares and selects ranks instead of values (equal values share a rank),
    so every cut, and so every box, is the same, while 4-byte integers move half the
    memory of 8-byte floats.

    Attributes
    ----------
    ranks : int32 (d, n)
        Each input's dense rank in each world.
    values : list of float arrays
        Each input's sorted distinct values (rank -> value).
    order : int32 (d, n)
        Each input's worlds by ascending rank.
    """

    ranks: np.ndarray
    values: list[np.ndarray]
    order: np.ndarray

    @classmethod
    def of(cls, x: np.ndarray) -> Ranked:
        d, n = x.shape
        ranks = np.empty((d, n), dtype=np.int32)
        order = np.empty((d, n), dtype=np.int32)
        values = []
        for j in range(d):  # one sort per input
            order[j] = np.argsort(x[j])
            ascending = x[j][order[j]]
            new = np.empty(n, dtype=bool)
            new[:1] = True
            np.not_equal(ascending[1:], ascending[:-1], out=new[1:])  # a new distinct value starts here
            ranks[j][order[j]] = np.cumsum(new) - 1
            values.append(ascending[new])
        return cls(ranks, values, order)


CLOSE = 1e-9
"""Peels whose means, summed in another order, lie this close to the best are compared
on their means summed as ``numpy.mean`` sums them (see :func:`_peel_step`)."""


def _peel_step(
    sorted_ranks: np.ndarray,
    sorted_y: np.ndarray,
    ranks: np.ndarray,
    idx: np.ndarray,
    yi: np.ndarray,
    alpha: float,
    min_worlds: float,
    binary: bool,
) -> tuple[int, int, int] | None:
    """The best peel of the box holding worlds ``idx`` (m,) whose targets are ``yi`` (m,):
    (input, side, new bound), or None.

    ``ranks`` (d, n) are every world's inputs as ranks (:class:`Ranked`);
    ``sorted_ranks`` (d, m) holds each input's ranks of the box's worlds in ascending
    order, and ``sorted_y`` (d, m) their targets in that order. Each input may lose
    ~alpha of the box from its low end (side 0) or its high end (side 1); the new bound
    is a rank, the k-th from that end. Where it would remove nothing (ties at that end)
    it moves to the next distinct value. The peel leaving the highest mean of ``yi``
    wins, ties to the one removing fewest worlds, then to the first input and side;
    peels keeping fewer than ``min_worlds`` worlds are not taken.

    Read off the sorted ranks, each cut and count is a lookup, and each mean is the
    box's total less the few percent of targets peeled off. For a 0/1 target
    (``binary``) those are sums of whole numbers: exact, the same floats as the mean of
    the kept values. Otherwise the peels within :data:`CLOSE` of the best are compared
    again on the mean of their kept values in world order, which is what decides.
    """
    d, m = sorted_ranks.shape
    k = max(1, int(np.floor(alpha * m)))
    if k >= m:
        return None
    total = float(yi.sum())
    candidates = []  # (mean, count - m, input, side, cut), in input and side order
    for j in range(d):
        row = sorted_ranks[j]
        for side in (0, 1):
            if side == 0:
                cut = row[k]
                if cut == row[0]:  # ties at the low end: the next distinct value up
                    above = int(np.searchsorted(row, cut, side="right"))
                    if above == m:
                        continue
                    cut = row[above]
                lost = slice(0, int(np.searchsorted(row, cut, side="left")))  # the worlds below the cut
                count = m - lost.stop
            else:
                cut = row[m - 1 - k]
                if cut == row[-1]:  # ties at the high end: the next distinct value down
                    below = int(np.searchsorted(row, cut, side="left"))
                    if below == 0:
                        continue
                    cut = row[below - 1]
                count = int(np.searchsorted(row, cut, side="right"))  # the worlds up to the cut
                lost = slice(count, m)
            if count >= min_worlds:
                mean = (total - float(sorted_y[j, lost].sum())) / count
                candidates.append((mean, count - m, j, side, int(cut)))
    if not candidates:
        return None
    if not binary:
        top = max(c[0] for c in candidates)
        exact = []
        for mean, fewer, j, side, cut in candidates:
            if mean >= top - CLOSE:
                inside = ranks[j, idx] >= cut if side == 0 else ranks[j, idx] <= cut
                exact.append((float(yi[inside].mean()), fewer, j, side, cut))
        candidates = exact
    best = max(candidates, key=lambda c: c[:2])  # the first of equals: input and side order
    return best[2], best[3], best[4]


def peel(
    x: np.ndarray,
    y: np.ndarray,
    active: np.ndarray,
    *,
    alpha: float,
    mass_min: float,
    n: int,
    y_total: float,
    ranked: Ranked | None = None,
) -> list[BoxStats]:
    """The peeling trajectory over the ``active`` worlds (bool (n,)); ``ranked`` is
    :meth:`Ranked.of` ``x``, when the caller has it already."""
    d = x.shape[0]
    ranked = ranked if ranked is not None else Ranked.of(x)
    ranks, values = ranked.ranks, ranked.values
    binary = bool(np.all((y == 0.0) | (y == 1.0)))
    box = Box.everything(d)
    idx = np.flatnonzero(active)
    # The box's worlds sorted by each input, with their ranks and targets in that
    # order; each peel drops the same worlds from every row.
    orders = ranked.order[active[ranked.order]].reshape(d, idx.size)
    sorted_ranks = np.take_along_axis(ranks, orders, axis=1)
    sorted_y = y[orders]
    trajectory = [_stats(box, active, y, n, y_total)]
    min_worlds = mass_min * n
    while True:
        yi = y[idx]
        if yi.size == 0 or yi.mean() >= 1.0 - 1e-12:
            break
        step = _peel_step(sorted_ranks, sorted_y, ranks, idx, yi, alpha, min_worlds, binary)
        if step is None:
            break
        j, side, cut = step
        box = box.with_bound(j, side, float(values[j][cut]))
        inside = np.zeros(n, dtype=bool)
        inside[idx] = ranks[j, idx] >= cut if side == 0 else ranks[j, idx] <= cut
        idx = np.flatnonzero(inside)
        kept = inside[orders]
        orders = orders[kept].reshape(d, idx.size)
        sorted_ranks = sorted_ranks[kept].reshape(d, idx.size)
        sorted_y = sorted_y[kept].reshape(d, idx.size)
        trajectory.append(_stats(box, inside, y, n, y_total))
    return trajectory


def paste(x: np.ndarray, y: np.ndarray, active: np.ndarray, box: Box, *, alpha: float) -> Box:
    """Widen ``box`` one bound at a time while its density rises."""
    d = x.shape[0]
    while True:
        inside = box.contains(x) & active
        m = int(inside.sum())
        if m == 0:
            return box
        density = y[inside].mean()
        step = max(1, int(np.ceil(alpha * m)))
        best: tuple[float, Box] | None = None
        for j in np.flatnonzero(box.restricted):
            others = Box(
                np.where(np.arange(d) == j, -np.inf, box.lower),
                np.where(np.arange(d) == j, np.inf, box.upper),
            )
            near = others.contains(x) & active & ~inside
            for side in (0, 1):
                bound = (box.lower if side == 0 else box.upper)[j]
                if not np.isfinite(bound):
                    continue
                outside = near & ((x[j] < bound) if side == 0 else (x[j] > bound))
                values = x[j, outside]
                if values.size == 0:
                    continue
                order = np.sort(values)
                new = order[-min(step, order.size)] if side == 0 else order[min(step, order.size) - 1]
                candidate = box.with_bound(j, side, new if order.size > step else (-np.inf if side == 0 else np.inf))
                cand_inside = candidate.contains(x) & active
                cand_density = y[cand_inside].mean()
                if cand_density > density and (best is None or cand_density > best[0]):
                    best = (cand_density, candidate)
        if best is None:
            return box
        box = best[1]


def _choose(trajectory: list[BoxStats], threshold: float) -> tuple[int, str]:
    ok = [k for k, s in enumerate(trajectory) if s.density >= threshold]
    if ok:
        return max(ok, key=lambda k: (trajectory[k].coverage, -k)), "threshold"
    cov = np.array([s.coverage for s in trajectory])
    den = np.array([s.density for s in trajectory])
    if len(trajectory) < 3 or np.ptp(cov) == 0 or np.ptp(den) == 0:
        return len(trajectory) - 1, "knee"
    u = (cov - cov.min()) / np.ptp(cov)
    v = (den - den.min()) / np.ptp(den)
    p0, p1 = np.array([u[0], v[0]]), np.array([u[-1], v[-1]])
    chord = (p1 - p0) / np.linalg.norm(p1 - p0)
    rel = np.stack([u, v], axis=1) - p0
    distance = np.abs(rel[:, 0] * chord[1] - rel[:, 1] * chord[0])
    return int(np.argmax(distance)), "knee"


def prim(
    x: np.ndarray,
    y: np.ndarray,
    inputs: tuple[str, ...],
    *,
    target: str = "target",
    peel_alpha: float = 0.05,
    paste_alpha: float = 0.05,
    mass_min: float = 0.05,
    threshold: float = 0.8,
    max_boxes: int = 2,
) -> PrimResult:
    """Scenario discovery on ``x`` (d, n) with target ``y`` (n,) in [0, 1].

    Parameters
    ----------
    peel_alpha, paste_alpha : float
        Share of the box's worlds removed per peel / added per paste.
    mass_min : float
        Smallest box, as a share of all worlds.
    threshold : float
        Density a box must reach to be chosen by the threshold rule.
    max_boxes : int
        Most boxes in the covering sequence.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    d, n = x.shape
    if y.shape != (n,):
        raise ValueError("y must have one value per world")
    if not np.isfinite(x).all():
        raise ValueError("x must be finite: PRIM cannot place a box bound on NaN or infinity")
    if not 0 < peel_alpha < 0.5 or not 0 < paste_alpha < 0.5 or not 0 < mass_min < 1:
        raise ValueError("peel_alpha and paste_alpha must lie in (0, 0.5), mass_min in (0, 1)")
    y_total = float(y.sum())
    ranked = Ranked.of(x)
    active = np.ones(n, dtype=bool)
    found: list[FoundBox] = []
    while len(found) < max_boxes and active.any() and y[active].sum() > 0:
        base = float(y[active].mean())
        trajectory = peel(x, y, active, alpha=peel_alpha, mass_min=mass_min, n=n, y_total=y_total, ranked=ranked)
        chosen, rule = _choose(trajectory, threshold)
        box = paste(x, y, active, trajectory[chosen].box, alpha=paste_alpha)
        inside = box.contains(x) & active
        stats = _stats(box, inside, y, n, y_total)
        if not box.restricted.any() or stats.density <= base or (found and rule != "threshold"):
            break  # nothing denser than the worlds searched; later boxes must reach the threshold
        drop_density, drop_coverage = {}, {}
        for j in np.flatnonzero(box.restricted):
            wider = Box(
                np.where(np.arange(d) == j, -np.inf, box.lower),
                np.where(np.arange(d) == j, np.inf, box.upper),
            )
            w = _stats(wider, wider.contains(x) & active, y, n, y_total)
            drop_density[int(j)], drop_coverage[int(j)] = w.density, w.coverage
        found.append(FoundBox(stats, tuple(trajectory), chosen, rule, base, drop_density, drop_coverage))
        active = active & ~inside
    return PrimResult(
        target=target,
        inputs=tuple(inputs),
        boxes=tuple(found),
        n=n,
        total_density=float(y.mean()) if n else 0.0,
        threshold=threshold,
        data_min=x.min(axis=1) if n else np.zeros(d),
        data_max=x.max(axis=1) if n else np.zeros(d),
    )
