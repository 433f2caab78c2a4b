"""Mergeable statistics agree with numpy on the pooled data, whatever the split."""

from __future__ import annotations

from functools import reduce

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.stats import BINS, Counts, Histogram, Moments, merge_stats


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, 400), min_size=1, max_size=6), st.integers(0, 2**32 - 1))
def test_moments_merge_equals_pooled(sizes: list[int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    parts = [rng.normal(1e3, 5.0, size=(n, 3)) for n in sizes]
    merged = reduce(Moments.merge, [Moments.of(p) for p in parts])
    pooled = np.concatenate(parts)
    assert merged.count == pooled.shape[0]
    np.testing.assert_allclose(merged.mean, pooled.mean(axis=0), rtol=1e-12)
    if pooled.shape[0] > 1:
        np.testing.assert_allclose(merged.variance, pooled.var(axis=0, ddof=1), rtol=1e-9)


def test_counts_merge_and_binomial_se() -> None:
    rng = np.random.default_rng(1)
    events = rng.random((1000, 2)) < [0.3, 0.9]
    merged = Counts.of(events[:300]).merge(Counts.of(events[300:]))
    np.testing.assert_array_equal(merged.counts, events.sum(axis=0))
    p = events.mean(axis=0)
    np.testing.assert_allclose(merged.se, np.sqrt(p * (1 - p) / 1000))


def test_merge_stats_checks_keys() -> None:
    a = {"x": Counts.of(np.ones((3, 1), bool))}
    b = {"y": Counts.of(np.ones((3, 1), bool))}
    try:
        merge_stats(a, b)
    except ValueError as exc:
        assert "different keys" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("merging mismatched statistics must fail")


def test_histogram_quantiles_within_bin_resolution() -> None:
    rng = np.random.default_rng(7)
    values = rng.lognormal(np.log(300.0), 0.8, size=(2, 200_000))
    hist = Histogram.of(values[:, :50_000]).merge(Histogram.of(values[:, 50_000:]))
    levels = [0.05, 0.5, 0.95, 0.99]
    estimate = hist.quantile(levels)
    exact = np.quantile(values, levels, axis=1).T
    # A bin spans a factor 1 + 2**-10 at most: the estimate is within one bin.
    np.testing.assert_allclose(estimate, exact, rtol=2**-10)


def test_histogram_weights_and_zeros() -> None:
    values = np.array([[0.0, 0.0, 100.0, 200.0]])
    weights = np.array([[0.5, 0.5, 0.0, 1.0]])
    hist = Histogram.of(values, weights)
    assert np.isclose(hist.weights.sum(), 2.0)
    # Half the weight sits at zero, half at 200: the 0.25-quantile is 0, the 0.9 ~200.
    q = hist.quantile([0.25, 0.9])[0]
    assert q[0] == 0.0
    assert abs(q[1] - 200.0) / 200.0 < 2**-10


def test_bins_are_log_spaced_and_exact() -> None:
    lower, upper = Histogram.edges()
    inner = slice(1, -1)
    ratio = upper[inner] / lower[inner]
    assert np.all(ratio > 1.0) and np.all(ratio <= 1.0 + 2**-10 + 1e-15)
    values = np.array([1e-5, 0.5, 1.0, 3.0, 517.25, 1e7, -2.0, 0.0])
    index = Histogram.bin_index(values)
    for v, i in zip(values[1:6], index[1:6], strict=True):
        assert lower[i] <= v < upper[i] or (i == len(lower) - 1 and v >= lower[i])
    assert index[0] == 0 and index[-1] == 0 and index[-2] == 0


@pytest.mark.parametrize("n", [1, 7, 300, 40_000])
def test_histogram_weights_are_each_bins_sum_in_world_order(n: int) -> None:
    """Few values are counted over the bins they fill, many over every bin: either way
    each bin holds its values' weights summed in world order (the float sum depends on
    the order), and excluded worlds count nowhere."""
    rng = np.random.default_rng(n)
    values = np.exp(rng.normal(3.0, 2.0, (2, 3, n))) * (rng.random((2, 3, n)) < 0.8)
    values[0, 0, : n // 3] = 5.0  # many values in one bin, where the order of the sum shows
    weights = rng.random(n)
    exclude = np.unique(rng.integers(0, n, n // 5))
    for w in (None, weights):
        hist = Histogram.of(values, w, exclude)
        expected = np.zeros((2, 3, BINS))
        kept = np.setdiff1d(np.arange(n), exclude)
        for i, j in np.ndindex(2, 3):
            bins = Histogram.bin_index(values[i, j])
            for world in kept:  # one world at a time, in order: the reference sum
                expected[i, j, bins[world]] += 1.0 if w is None else w[world]
        assert np.array_equal(hist.weights, expected)


def test_excess_moments_give_empirical_cvar() -> None:
    rng = np.random.default_rng(3)
    # Mostly zeros (as for war losses) plus a gamma tail: CVaR must be the mean of the
    # worst 5 %, zeros included where the tail reaches into them.
    values = np.where(rng.random(400_000) < 0.97, 0.0, rng.gamma(2.0, 100.0, 400_000))[None, :]
    hist = Histogram.of(values)
    var = hist.quantile([0.95])[..., 0]
    first, _ = hist.excess_moments(var)
    cvar = var + first / 0.05
    worst = np.sort(values[0])[-20_000:]
    assert abs(cvar[0] - worst.mean()) / worst.mean() < 2e-3
