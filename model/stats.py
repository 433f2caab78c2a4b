"""Mergeable sufficient statistics, so memory does not grow with the number of worlds.

Each chunk of worlds is summarised by accumulators that merge associatively: counts
(exact integers), moments (count, mean, sum of squared deviations; Chan, Golub &
LeVeque 1979) and fixed-edge histograms (for quantiles, VaR and CVaR). Merging chunks
in chunk order makes the floating-point result independent of how many workers ran.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Union

import numpy as np


@dataclass(frozen=True)
class Counts:
    """Integer event counts over ``worlds`` worlds; ``counts`` has any shape."""

    worlds: int
    counts: np.ndarray

    @classmethod
    def of(cls, events: np.ndarray) -> Counts:
        """Count True values over axis 0 of a boolean array (worlds first)."""
        return cls(int(events.shape[0]), np.count_nonzero(events, axis=0).astype(np.int64))

    def merge(self, other: Counts) -> Counts:
        return Counts(self.worlds + other.worlds, self.counts + other.counts)

    @property
    def fraction(self) -> np.ndarray:
        return self.counts / max(self.worlds, 1)

    @property
    def se(self) -> np.ndarray:
        """Binomial standard error sqrt(p(1-p)/n) of :attr:`fraction`."""
        p = self.fraction
        return np.sqrt(p * (1.0 - p) / max(self.worlds, 1))


@dataclass(frozen=True)
class Moments:
    """Count, mean and sum of squared deviations (M2) of per-world values."""

    count: int
    mean: np.ndarray
    m2: np.ndarray

    @classmethod
    def of(cls, values: np.ndarray) -> Moments:
        """Summarise ``values`` over axis 0 (worlds first)."""
        n = int(values.shape[0])
        mean = values.mean(axis=0)
        centred = values - mean
        return cls(n, mean, np.einsum("i...,i...->...", centred, centred))

    def merge(self, other: Moments) -> Moments:
        if other.count == 0:
            return self
        if self.count == 0:
            return other
        n = self.count + other.count
        delta = other.mean - self.mean
        mean = self.mean + delta * (other.count / n)
        m2 = self.m2 + other.m2 + delta * delta * (self.count * other.count / n)
        return Moments(n, mean, m2)

    @property
    def variance(self) -> np.ndarray:
        return self.m2 / max(self.count - 1, 1)

    @property
    def se(self) -> np.ndarray:
        """Monte Carlo standard error of :attr:`mean`."""
        return np.sqrt(self.variance / max(self.count, 1))


@dataclass(frozen=True)
class Histogram:
    """Weighted counts of values in fixed log-spaced bins, per series.

    Bin 0 holds values <= ``floor``; bins 1..B split [floor, ceiling] evenly in log
    space; the last bin holds values above ``ceiling``. With the default 20,000 bins
    over 1e-3..1e6 a bin spans 0.1 % of its value, the resolution of every quantile
    read from it.

    ``weights`` has shape (..., bins): one histogram per leading index.
    """

    weights: np.ndarray
    floor: float = 1e-3
    ceiling: float = 1e6

    @staticmethod
    def bin_count(floor: float = 1e-3, ceiling: float = 1e6, bins: int = 20_000) -> int:
        return bins + 2

    @classmethod
    def of(cls, values: np.ndarray, weights: np.ndarray | None = None, bins: int = 20_000,
           floor: float = 1e-3, ceiling: float = 1e6) -> Histogram:
        """Histogram over axis 0 of ``values`` (worlds, ...series); optional weights."""
        index = cls._index(values, bins, floor, ceiling)
        series = int(np.prod(values.shape[1:], dtype=np.int64))
        flat = index.reshape(values.shape[0], series) + np.arange(series) * (bins + 2)
        w = None if weights is None else weights.reshape(values.shape[0], series).ravel()
        counts = np.bincount(flat.ravel(), weights=w, minlength=series * (bins + 2))
        return cls(counts.reshape(*values.shape[1:], bins + 2).astype(np.float64), floor, ceiling)

    @staticmethod
    def _index(values: np.ndarray, bins: int, floor: float, ceiling: float) -> np.ndarray:
        scale = bins / np.log(ceiling / floor)
        with np.errstate(divide="ignore", invalid="ignore"):
            position = np.log(np.maximum(values, floor) / floor) * scale
        index = np.floor(position).astype(np.int64) + 1
        index[values <= floor] = 0
        return np.minimum(index, bins + 1)

    def merge(self, other: Histogram) -> Histogram:
        return Histogram(self.weights + other.weights, self.floor, self.ceiling)

    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper value of each bin (bin 0: [0, floor]; last: [ceiling, inf])."""
        bins = self.weights.shape[-1] - 2
        inner = self.floor * np.exp(np.arange(bins + 1) * np.log(self.ceiling / self.floor) / bins)
        lower = np.concatenate([[0.0], inner[:-1], [self.ceiling]])
        upper = np.concatenate([[self.floor], inner[1:], [np.inf]])
        return lower, upper

    def quantile(self, q: np.ndarray | float) -> np.ndarray:
        """Quantiles (..., len(q)) by linear interpolation inside the bin."""
        q = np.atleast_1d(np.asarray(q, dtype=float))
        lower, upper = self.edges()
        upper = np.where(np.isinf(upper), lower, upper)
        cdf = np.cumsum(self.weights, axis=-1)
        total = cdf[..., -1:]
        out = np.empty((*self.weights.shape[:-1], q.size))
        for j, level in enumerate(q):  # loop over a handful of quantile levels
            target = level * total
            idx = np.minimum((cdf < target).sum(axis=-1, keepdims=True), cdf.shape[-1] - 1)
            before = np.take_along_axis(cdf, idx, axis=-1) - np.take_along_axis(self.weights, idx, axis=-1)
            inside = np.take_along_axis(self.weights, idx, axis=-1)
            frac = np.where(inside > 0, (target - before) / np.where(inside > 0, inside, 1.0), 0.0)
            lo, hi = lower[idx], upper[idx]
            out[..., j] = (lo + np.clip(frac, 0.0, 1.0) * (hi - lo))[..., 0]
        return out

    def tail_mean(self, threshold: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """E[X | X >= threshold] and E[(X - threshold)_+^2] from bin midpoints.

        ``threshold`` has the histogram's leading shape.
        """
        lower, upper = self.edges()
        mid = np.where(np.isinf(upper), lower, 0.5 * (lower + upper))
        t = np.asarray(threshold)[..., None]
        above = mid >= t
        w = self.weights * above
        mass = w.sum(axis=-1)
        total = self.weights.sum(axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            tail = (w * mid).sum(axis=-1) / mass
        excess_sq = (self.weights * np.maximum(mid - t, 0.0) ** 2).sum(axis=-1) / np.maximum(total, 1)
        return tail, excess_sq


Accumulator = Union[Counts, Moments, Histogram]
ChunkStats = dict[str, Accumulator]


def merge_stats(left: Mapping[str, Accumulator], right: Mapping[str, Accumulator]) -> ChunkStats:
    """Merge two chunk summaries key by key (the keys must match)."""
    if left.keys() != right.keys():
        raise ValueError("cannot merge statistics with different keys")
    return {key: left[key].merge(right[key]) for key in left}  # type: ignore[arg-type]
