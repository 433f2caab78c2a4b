"""Mergeable sufficient statistics, so memory does not grow with the number of worlds.

Each chunk of worlds is summarised by accumulators that merge associatively: counts
(exact integers), moments (count, mean, sum of squared deviations; Chan, Golub &
LeVeque 1979) and fixed-edge histograms (for quantiles, VaR and CVaR). Merging chunks
in chunk order makes the floating-point result independent of how many workers ran.

Two records ride along with the statistics and merge by concatenation, in chunk
order: a :class:`Trace` (estimates recorded as worlds accumulate, for convergence
charts) and a :class:`Sample` (per-world values of the run's first worlds).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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
        """Summarise ``values`` over axis 0 (worlds first).

        Sums and sums of squares go through ``einsum`` (single-threaded, so parallel
        workers do not oversubscribe the cores), much faster than axis-0 reductions.
        Within one chunk (at most 2**24 worlds of moderate magnitude) the textbook
        M2 = sum(x^2) - sum(x)^2 / n is accurate to ~1e-10 relative; chunks are then
        merged with Chan et al.'s stable update.
        """
        n = int(values.shape[0])
        flat = np.ascontiguousarray(values, dtype=np.float64).reshape(n, -1)
        total = np.einsum("ij->j", flat)
        squares = np.einsum("ij,ij->j", flat, flat)
        return cls._from_columns(n, total, squares, flat).reshaped(values.shape[1:])

    @classmethod
    def of_last(cls, values: np.ndarray) -> Moments:
        """Summarise ``values`` (..., n) over its last axis (worlds last)."""
        n = int(values.shape[-1])
        flat = np.ascontiguousarray(values, dtype=np.float64).reshape(-1, n)
        total = np.einsum("ij->i", flat)
        squares = np.einsum("ij,ij->i", flat, flat)
        return cls._from_columns(n, total, squares, flat.T).reshaped(values.shape[:-1])

    @classmethod
    def _from_columns(cls, n: int, total: np.ndarray, squares: np.ndarray, columns: np.ndarray) -> Moments:
        """Moments from one-pass sums, redone by the two-pass formula where needed.

        sum(x^2) - sum(x)^2/n cancels when the spread is tiny next to the mean; then
        (and only then, rarely) the series is centred first. ``columns`` is (n, k).
        """
        moments = cls.from_sums(n, total, squares)
        suspect = moments.m2 < 1e-6 * squares
        if suspect.any():
            idx = np.flatnonzero(suspect)
            centred = columns[:, idx] - moments.mean[idx]
            moments.m2[idx] = np.einsum("ij,ij->j", centred, centred)
        return moments

    @classmethod
    def of_prefixes(cls, values: np.ndarray, points: Sequence[int]) -> list[Moments]:
        """Moments of the first p values along the last axis of ``values`` (..., n), for
        each p in ``points`` (increasing, at most n).

        One pass: sums over the stretches between consecutive points (``einsum``, as
        :meth:`of_last`), accumulated; the two-pass formula where :meth:`of_last` uses it.
        """
        n = int(values.shape[-1])
        flat = np.ascontiguousarray(values, dtype=np.float64).reshape(-1, n)
        total = np.zeros(flat.shape[0])
        squares = np.zeros(flat.shape[0])
        out, start = [], 0
        for stop in points:  # a dozen stretches at most, each vectorised over its worlds
            stretch = flat[:, start:stop]
            total = total + np.einsum("ij->i", stretch)
            squares = squares + np.einsum("ij,ij->i", stretch, stretch)
            out.append(cls._from_columns(stop, total, squares, flat[:, :stop].T).reshaped(values.shape[:-1]))
            start = stop
        return out

    def reshaped(self, shape: tuple[int, ...]) -> Moments:
        return Moments(self.count, np.reshape(self.mean, shape), np.reshape(self.m2, shape))

    @classmethod
    def from_sums(cls, n: int, total: np.ndarray, squares: np.ndarray) -> Moments:
        """Moments from the sum and the sum of squares of n values."""
        mean = total / max(n, 1)
        return cls(n, mean, np.maximum(squares - total * mean, 0.0))

    def sums(self) -> tuple[np.ndarray, np.ndarray]:
        """The sum and the sum of squares of the summarised values."""
        total = self.mean * self.count
        return total, self.m2 + total * self.mean

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

    @classmethod
    def of_histogram(cls, counts: np.ndarray, values: np.ndarray) -> Moments:
        """Moments of a per-world quantity that takes ``values[code]`` in ``counts[code]`` worlds.

        ``counts`` is (codes,); ``values`` is (codes, ...), the result has shape ``values.shape[1:]``.
        """
        n = int(counts.sum())
        weights = counts.reshape(-1, *([1] * (values.ndim - 1))).astype(float)
        mean = (weights * values).sum(axis=0) / max(n, 1)
        m2 = (weights * (values - mean) ** 2).sum(axis=0)
        return cls(n, mean, m2)

    @property
    def variance(self) -> np.ndarray:
        return self.m2 / max(self.count - 1, 1)

    @property
    def se(self) -> np.ndarray:
        """Monte Carlo standard error of :attr:`mean`."""
        return np.sqrt(self.variance / max(self.count, 1))


# Histogram binning on the float64 bit pattern (as in HDR histograms): the exponent
# and the top SUB_BITS mantissa bits of a positive value are its bin, so bins are
# log-spaced with 2**SUB_BITS per power of two (relative width 2**-SUB_BITS, <0.1 %),
# computed exactly with integer shifts, no logarithms.
SUB_BITS = 10
_SHIFT = 52 - SUB_BITS
_FLOOR_EXP, _CEIL_EXP = -10, 20  # 2**-10 ~ 0.001 to 2**20 ~ 1.05e6 (USD bn)
_FIRST = (1023 + _FLOOR_EXP) << SUB_BITS  # bit-pattern bucket of the floor
_INNER = (_CEIL_EXP - _FLOOR_EXP) << SUB_BITS
BINS = _INNER + 2  # bin 0: <= 0 or below the floor; last: at or above the ceiling


@dataclass(frozen=True)
class Histogram:
    """Weighted counts of values in fixed log-spaced bins, one histogram per series.

    Bin 0 holds values below 2**-10 (treated as a point mass at 0); bins 1..B split
    [2**-10, 2**20) into 1024 bins per power of two; the last bin holds larger values.
    ``weights`` has shape (..., BINS).
    """

    weights: np.ndarray

    @classmethod
    def of(cls, values: np.ndarray, weights: np.ndarray | None = None, exclude: np.ndarray | None = None) -> Histogram:
        """Histogram of ``values`` (..., n) along the last axis (worlds last).

        ``weights`` broadcast against ``values``; ``exclude`` lists worlds to leave out.
        """
        series = values.shape[:-1]
        k = int(np.prod(series, dtype=np.int64))
        index = cls.bin_index(values.reshape(k, -1), offsets=np.arange(k) * BINS)
        size = k * BINS
        if exclude is not None and exclude.size:
            index[:, exclude] = size  # one spill-over bin, dropped below
        w = None if weights is None else np.broadcast_to(weights, values.shape).reshape(k, -1).ravel()
        index = index.ravel()
        if 8 * index.size < size:
            # Few values (a chunk's mixed worlds): count them over the bins they fill,
            # in the order bincount would, instead of over every bin.
            filled, which = np.unique(index, return_inverse=True)
            counts = np.zeros(size + 1)
            counts[filled] = np.bincount(which, weights=w, minlength=filled.size)
        else:
            counts = np.bincount(index, weights=w, minlength=size + 1)
        return cls(counts[:size].reshape(*series, BINS).astype(np.float64, copy=False))

    @staticmethod
    def bin_index(values: np.ndarray, offsets: np.ndarray | None = None) -> np.ndarray:
        """Bin of each value (int64, same shape); exact and platform-independent.

        ``offsets`` (one per row of a 2-d ``values``) are added to each row's bins.
        """
        bits = np.ascontiguousarray(values, dtype=np.float64).view(np.int64)
        index = bits >> _SHIFT  # negative values have the sign bit: below the floor
        np.clip(index, _FIRST - 1, _FIRST - 1 + BINS - 1, out=index)
        shift = -(_FIRST - 1) if offsets is None else (offsets - (_FIRST - 1))[:, None]
        index += shift
        return index

    def merge(self, other: Histogram) -> Histogram:
        return Histogram(self.weights + other.weights)

    # A chunk fills only a few thousand of its ~370,000 bins: pickle (to and from
    # worker processes) only the non-empty ones. Rebuilding adds exact zeros, so the
    # weights are bit-identical.
    def __getstate__(self) -> dict:
        flat = self.weights.reshape(-1)
        where = np.flatnonzero(flat)
        return {"shape": self.weights.shape, "index": where, "values": flat[where]}

    def __setstate__(self, state: dict) -> None:
        weights = np.zeros(int(np.prod(state["shape"])))
        weights[state["index"]] = state["values"]
        object.__setattr__(self, "weights", weights.reshape(state["shape"]))

    @staticmethod
    def edges() -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper value of each bin (bin 0 is the point 0; last: [2**20, inf))."""
        buckets = np.arange(_FIRST, _FIRST + _INNER + 1, dtype=np.int64) << _SHIFT
        inner = buckets.view(np.float64)
        lower = np.concatenate([[0.0], inner[:-1], [inner[-1]]])
        upper = np.concatenate([[0.0], inner[1:], [inner[-1]]])
        return lower, upper

    def quantile(self, q: np.ndarray | float) -> np.ndarray:
        """Quantiles (..., len(q)) by linear interpolation inside the bin."""
        q = np.atleast_1d(np.asarray(q, dtype=float))
        lower, upper = self.edges()
        cdf = np.cumsum(self.weights, axis=-1)
        total = cdf[..., -1:]
        out = np.empty((*self.weights.shape[:-1], q.size))
        for j, level in enumerate(q):  # loop over a handful of quantile levels
            target = level * total
            idx = np.minimum((cdf < target).sum(axis=-1, keepdims=True), cdf.shape[-1] - 1)
            inside = np.take_along_axis(self.weights, idx, axis=-1)
            before = np.take_along_axis(cdf, idx, axis=-1) - inside
            frac = np.where(inside > 0, (target - before) / np.where(inside > 0, inside, 1.0), 0.0)
            lo, hi = lower[idx], upper[idx]
            out[..., j] = (lo + np.clip(frac, 0.0, 1.0) * (hi - lo))[..., 0]
        return out

    def excess_moments(self, threshold: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """E[(X - t)_+] and E[(X - t)_+^2] per series, from bin midpoints.

        ``threshold`` has the histogram's leading shape. Used for CVaR
        (Rockafellar & Uryasev 2000) and its standard error (Hong & Liu 2009).
        """
        lower, upper = self.edges()
        mid = 0.5 * (lower + upper)
        excess = np.maximum(mid - np.asarray(threshold)[..., None], 0.0)
        total = np.maximum(self.weights.sum(axis=-1), 1e-300)
        first = (self.weights * excess).sum(axis=-1) / total
        second = (self.weights * excess**2).sum(axis=-1) / total
        return first, second


@dataclass(frozen=True)
class Trace:
    """Estimates recorded at growing numbers of worlds: a convergence trace.

    Row i holds, after the first ``worlds[i]`` worlds (``chunks[i]`` chunks), the value
    and standard error of every traced estimate, flattened to ``h`` columns in a fixed
    layout (:mod:`model.trace`). Merging concatenates rows, so a trace merged in chunk
    order lists its points in the order they were recorded.

    Attributes
    ----------
    worlds : int64 (p,)
        Worlds behind each point.
    chunks : int64 (p,)
        Chunks those worlds come from (1 for points inside the first chunk).
    value : float64 (p, h)
        The estimates.
    se : float64 (p, h)
        Their Monte Carlo standard errors.
    """

    worlds: np.ndarray
    chunks: np.ndarray
    value: np.ndarray
    se: np.ndarray

    @classmethod
    def empty(cls, columns: int) -> Trace:
        """A trace of no points and ``columns`` estimates."""
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, columns)), np.zeros((0, columns)))

    @classmethod
    def point(cls, worlds: int, chunks: int, value: np.ndarray, se: np.ndarray) -> Trace:
        """A trace of one point; ``value`` and ``se`` are (h,)."""
        value = np.array(value, dtype=np.float64).reshape(1, -1)
        se = np.array(se, dtype=np.float64).reshape(1, -1)
        return cls(np.array([worlds], np.int64), np.array([chunks], np.int64), value, se)

    @property
    def points(self) -> int:
        return int(self.worlds.size)

    def merge(self, other: Trace) -> Trace:
        if other.points == 0:
            return self
        if self.points == 0:
            return other
        return Trace(
            np.concatenate([self.worlds, other.worlds]),
            np.concatenate([self.chunks, other.chunks]),
            np.concatenate([self.value, other.value]),
            np.concatenate([self.se, other.se]),
        )


@dataclass(frozen=True)
class Sample:
    """Per-world values of a run's first worlds, kept as they are (not a statistic).

    ``values`` is (..., m), worlds last; merging concatenates along the worlds, so a
    sample merged in chunk order holds the worlds in the run's order.
    """

    values: np.ndarray

    @property
    def worlds(self) -> int:
        return int(self.values.shape[-1])

    def merge(self, other: Sample) -> Sample:
        if other.worlds == 0:
            return self
        if self.worlds == 0:
            return other
        return Sample(np.concatenate([self.values, other.values], axis=-1))


Accumulator = Counts | Moments | Histogram | Trace | Sample
ChunkStats = dict[str, Accumulator]


def merge_stats(left: Mapping[str, Accumulator], right: Mapping[str, Accumulator]) -> ChunkStats:
    """Merge two chunk summaries key by key (the keys must match)."""
    if left.keys() != right.keys():
        raise ValueError("cannot merge statistics with different keys")
    return {key: left[key].merge(right[key]) for key in left}  # type: ignore[arg-type]
