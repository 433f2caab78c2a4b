"""Tests of model/distributions.py.

Statistical bounds come from Monte Carlo error (standard errors of the mean computed
from the reference distribution's analytic standard deviation), and goodness of fit is
checked with Kolmogorov-Smirnov / chi-square tests at p > 1e-4 with fixed seeds.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from model.distributions import (
    FAMILIES,
    Categorical,
    Empirical,
    Fixed,
    Normal,
    Pert,
    Triangular,
    TruncNormal,
    Uniform,
    parse_distribution,
)

N_DRAWS = 200_000
MEAN_Z = 5.0
P_MIN = 1e-4

# A fixed, irregular sample for the empirical family (ties included on purpose).
EMPIRICAL_DATA = np.array([3.5, -1.25, 0.0, 7.0, 2.0, 2.0, 11.5, -4.0, 5.25, 1.0, 9.0, 6.5])


@pytest.fixture()
def empirical_dir(tmp_path: Path) -> Path:
    """A directory holding ``data/sample.csv`` with columns ``year`` and ``loss``."""
    (tmp_path / "data").mkdir()
    lines = ["year,loss"] + [f"{2000 + i},{float(v)!r}" for i, v in enumerate(EMPIRICAL_DATA)]
    (tmp_path / "data" / "sample.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


@dataclass(frozen=True)
class Case:
    """A family instance with an independent scipy.stats reference."""

    name: str
    config: dict[str, Any]
    reference: Callable[[], Any]  # frozen scipy distribution, or None for fixed/empirical
    continuous: bool

    @property
    def dist(self) -> str:
        return self.config["dist"]


CASES = [
    Case("fixed", {"dist": "fixed", "value": 2.5}, lambda: None, False),
    Case("uniform", {"dist": "uniform", "min": -1, "max": 3.0}, lambda: scipy.stats.uniform(loc=-1, scale=4), True),
    Case("normal", {"dist": "normal", "mean": 5, "sd": 2}, lambda: scipy.stats.norm(5, 2), True),
    Case(
        "truncnormal",
        {"dist": "truncnormal", "mean": 1, "sd": 2, "min": 0, "max": 3},
        lambda: scipy.stats.truncnorm(-0.5, 1.0, loc=1, scale=2),
        True,
    ),
    Case(
        "truncnormal_tail",
        {"dist": "truncnormal", "mean": 0, "sd": 1, "min": 2, "max": 6},
        lambda: scipy.stats.truncnorm(2, 6),
        True,
    ),
    Case(
        "lognormal", {"dist": "lognormal", "median": 2, "sigma": 0.5}, lambda: scipy.stats.lognorm(s=0.5, scale=2), True
    ),
    Case(
        "beta_scaled",
        {"dist": "beta", "alpha": 2, "beta": 5, "min": 10, "max": 20},
        lambda: scipy.stats.beta(2, 5, loc=10, scale=10),
        True,
    ),
    Case("beta_unit", {"dist": "beta", "alpha": 0.5, "beta": 0.8}, lambda: scipy.stats.beta(0.5, 0.8), True),
    Case(
        "pert",
        {"dist": "pert", "min": 1, "mode": 2, "max": 6},
        lambda: scipy.stats.beta(1 + 4 * 1 / 5, 1 + 4 * 4 / 5, loc=1, scale=5),
        True,
    ),
    Case(
        "pert_lamb",
        {"dist": "pert", "min": 0, "mode": 0, "max": 2, "lamb": 2.5},
        lambda: scipy.stats.beta(1.0, 1 + 2.5, loc=0, scale=2),
        True,
    ),
    Case(
        "triangular",
        {"dist": "triangular", "min": 0, "mode": 1, "max": 4},
        lambda: scipy.stats.triang(0.25, loc=0, scale=4),
        True,
    ),
    Case(
        "triangular_right",
        {"dist": "triangular", "min": -2, "mode": 3, "max": 3},
        lambda: scipy.stats.triang(1.0, loc=-2, scale=5),
        True,
    ),
    Case("gamma", {"dist": "gamma", "shape": 2.5, "scale": 3}, lambda: scipy.stats.gamma(2.5, scale=3), True),
    Case(
        "categorical",
        {"dist": "categorical", "values": [7, 1, 3, 5], "probabilities": [0.2, 0.5, 0.3, 0.0]},
        lambda: scipy.stats.rv_discrete(values=([1, 3, 5, 7], [0.5, 0.3, 0.0, 0.2])),
        False,
    ),
    Case("empirical", {"dist": "empirical", "file": "data/sample.csv", "column": "loss"}, lambda: None, False),
]
CASE_IDS = [case.name for case in CASES]


def build(case: Case, base_dir: Path) -> Any:
    return parse_distribution(case.config, base_dir=base_dir)


def reference_mean_sd(case: Case) -> tuple[float, float]:
    if case.dist == "fixed":
        return case.config["value"], 0.0
    if case.dist == "empirical":
        return float(EMPIRICAL_DATA.mean()), float(EMPIRICAL_DATA.std())
    ref = case.reference()
    return float(ref.mean()), float(ref.std())


def reference_ppf(case: Case, u: np.ndarray) -> np.ndarray:
    if case.dist == "fixed":
        return np.full(u.shape, case.config["value"])
    if case.dist == "empirical":
        return np.quantile(EMPIRICAL_DATA, u, method="inverted_cdf")
    return case.reference().ppf(u)


def test_cases_cover_every_family() -> None:
    assert {case.dist for case in CASES} == set(FAMILIES)
    assert len(FAMILIES) == len(set(FAMILIES)) == 11


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_sample_shape_dtype_and_reproducibility(case: Case, empirical_dir: Path) -> None:
    dist = build(case, empirical_dir)
    a = dist.sample(np.random.default_rng(7), 1000)
    b = dist.sample(np.random.default_rng(7), 1000)
    assert a.shape == (1000,) and a.dtype == np.float64
    assert np.array_equal(a, b)
    assert np.all(np.isfinite(a))
    assert dist.is_fixed == (case.dist == "fixed")
    assert dist.sample(np.random.default_rng(7), 0).shape == (0,)


def reference_support(case: Case) -> tuple[float, float]:
    if case.dist == "fixed":
        return case.config["value"], case.config["value"]
    if case.dist == "empirical":
        return float(EMPIRICAL_DATA.min()), float(EMPIRICAL_DATA.max())
    low, high = case.reference().support()
    return float(low), float(high)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_each_family_owns_its_support_and_reach(case: Case, empirical_dir: Path) -> None:
    """support() is scipy's support of the same distribution (the data range for an
    empirical one); reach() lies inside it, equals it when bounded, and holds every
    draw and every quantile the samplers can ask for."""
    dist = build(case, empirical_dir)
    low, high = dist.support()
    ref_low, ref_high = reference_support(case)
    if case.dist == "categorical":  # scipy's rv_discrete reports its zero-probability values too
        ref_low, ref_high = min(case.config["values"]), max(case.config["values"])
    assert (low, high) == pytest.approx((ref_low, ref_high))
    reach_low, reach_high = dist.reach()
    assert low <= reach_low <= reach_high <= high
    if np.isfinite(low) and np.isfinite(high):
        assert (reach_low, reach_high) == (low, high)
    else:
        assert np.isfinite(reach_low) and np.isfinite(reach_high)
    extremes = dist.ppf(np.array([2.0**-53, 1 - 2.0**-53]))
    values = np.concatenate([dist.sample(np.random.default_rng(3), 20_000), extremes])
    assert reach_low <= values.min() and values.max() <= reach_high


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_sample_mean_matches_analytic_mean(case: Case, empirical_dir: Path) -> None:
    dist = build(case, empirical_dir)
    mean, sd = reference_mean_sd(case)
    assert dist.expected_value() == pytest.approx(mean, rel=1e-10, abs=1e-12)
    x = dist.sample(np.random.default_rng(2024), N_DRAWS)
    if sd == 0.0:
        assert np.all(x == mean)
        return
    standard_error = sd / math.sqrt(N_DRAWS)
    assert abs(x.mean() - mean) < MEAN_Z * standard_error


@pytest.mark.parametrize("case", [c for c in CASES if c.continuous], ids=lambda c: c.name)
def test_direct_samples_pass_ks_against_reference_cdf(case: Case, empirical_dir: Path) -> None:
    dist = build(case, empirical_dir)
    x = dist.sample(np.random.default_rng(99), N_DRAWS)
    assert scipy.stats.kstest(x, case.reference().cdf).pvalue > P_MIN


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_ppf_matches_reference_and_is_monotone(case: Case, empirical_dir: Path) -> None:
    dist = build(case, empirical_dir)
    u = (np.arange(2000) + 0.5) / 2000  # avoids the exact jump points of step CDFs
    got = dist.ppf(u)
    assert got.shape == u.shape and got.dtype == np.float64
    np.testing.assert_allclose(got, reference_ppf(case, u), rtol=1e-9, atol=1e-9)
    assert np.all(np.diff(got) >= 0)
    assert dist.ppf(u.reshape(40, 50)).shape == (40, 50)
    edges = dist.ppf(np.array([0.0, 1.0]))
    assert not np.any(np.isnan(edges))


@pytest.mark.parametrize("case", [c for c in CASES if c.dist in ("categorical", "empirical")], ids=lambda c: c.name)
def test_discrete_samples_pass_chi_square(case: Case, empirical_dir: Path) -> None:
    dist = build(case, empirical_dir)
    x = dist.sample(np.random.default_rng(5), N_DRAWS)
    if case.dist == "categorical":
        support = np.array([1.0, 3.0, 7.0])
        probabilities = np.array([0.5, 0.3, 0.2])
    else:
        support, counts = np.unique(EMPIRICAL_DATA, return_counts=True)
        probabilities = counts / counts.sum()
    assert set(np.unique(x)) <= set(support)
    observed = np.array([(x == v).sum() for v in support])
    assert observed.sum() == N_DRAWS  # zero-probability values are never drawn
    assert scipy.stats.chisquare(observed, probabilities * N_DRAWS).pvalue > P_MIN


def test_empirical_ppf_is_inverse_empirical_cdf(empirical_dir: Path) -> None:
    dist = parse_distribution(CASES[-1].config, base_dir=empirical_dir)
    data = np.sort(EMPIRICAL_DATA)
    m = data.size
    # ppf(k/m) is the k-th order statistic; just above k/m, the next one.
    k = np.arange(1, m + 1)
    np.testing.assert_array_equal(dist.ppf(k / m), data[k - 1])
    np.testing.assert_array_equal(dist.ppf(k[:-1] / m + 1e-9), data[k[:-1]])
    assert dist.ppf(np.array([0.0]))[0] == data[0]
    np.testing.assert_array_equal(dist.data, data)


def test_empirical_path_is_relative_to_base_dir(
    empirical_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    relative = parse_distribution(CASES[-1].config, base_dir=empirical_dir)
    absolute = parse_distribution(
        {"dist": "empirical", "file": str(empirical_dir / "data" / "sample.csv"), "column": "loss"},
        base_dir=Path("/nonexistent"),
    )
    np.testing.assert_array_equal(relative.data, absolute.data)
    assert relative.file == "data/sample.csv"


def test_bare_numbers_are_fixed() -> None:
    assert parse_distribution(3, base_dir=Path(".")) == Fixed(value=3.0)
    assert parse_distribution(-0.5, base_dir=Path(".")) == Fixed(value=-0.5)
    assert parse_distribution(np.float64(1.5), base_dir=Path(".")).value == 1.5
    dist = Uniform(min=0, max=1)
    assert parse_distribution(dist, base_dir=Path(".")) is dist


def test_models_are_frozen_and_round_trip() -> None:
    dist = parse_distribution(
        {"dist": "pert", "min": 1, "mode": 2, "max": 3, "unit": "USD bn", "source": "x"},
        base_dir=Path("."),
    )
    assert isinstance(dist, Pert) and dist.lamb == 4.0 and dist.unit == "USD bn"
    with pytest.raises(ValidationError):
        dist.mode = 2.5  # type: ignore[misc]
    dumped = dist.model_dump()
    assert next(iter(dumped)) == "dist"
    assert parse_distribution(dumped, base_dir=Path(".")) == dist


# ---------------------------------------------------------------------------------------
# Validation errors
# ---------------------------------------------------------------------------------------

NAN = float("nan")
INF = float("inf")

INVALID = [
    ({"dist": "uniform", "min": 1, "max": 1}, "max must exceed min"),
    ({"dist": "uniform", "min": 2, "max": 1}, "max must exceed min"),
    ({"dist": "truncnormal", "mean": 0, "sd": 1, "min": 3, "max": 0}, "max must exceed min"),
    ({"dist": "beta", "alpha": 1, "beta": 1, "min": 1}, "max must exceed min"),
    ({"dist": "pert", "min": 3, "mode": 3, "max": 3}, "max must exceed min"),
    ({"dist": "triangular", "min": 5, "mode": 4, "max": 1}, "max must exceed min"),
    ({"dist": "pert", "min": 0, "mode": 4, "max": 3}, "mode must lie in [min, max]"),
    ({"dist": "pert", "min": 0, "mode": -1, "max": 3}, "mode must lie in [min, max]"),
    ({"dist": "triangular", "min": 0, "mode": 3.5, "max": 3}, "mode must lie in [min, max]"),
    ({"dist": "normal", "mean": 0, "sd": -1}, "sd must be positive"),
    ({"dist": "normal", "mean": 0, "sd": 0}, "sd must be positive"),
    ({"dist": "truncnormal", "mean": 0, "sd": 0, "min": 0, "max": 1}, "sd must be positive"),
    ({"dist": "lognormal", "median": 0, "sigma": 1}, "median must be positive"),
    ({"dist": "lognormal", "median": 1, "sigma": -0.1}, "sigma must be positive"),
    ({"dist": "beta", "alpha": 0, "beta": 1}, "alpha must be positive"),
    ({"dist": "beta", "alpha": 1, "beta": -2}, "beta must be positive"),
    ({"dist": "pert", "min": 0, "mode": 1, "max": 2, "lamb": 0}, "lamb must be positive"),
    ({"dist": "gamma", "shape": 0, "scale": 1}, "shape must be positive"),
    ({"dist": "gamma", "shape": 1, "scale": -1}, "scale must be positive"),
    ({"dist": "normal", "mean": NAN, "sd": 1}, "finite number"),
    ({"dist": "uniform", "min": 0, "max": INF}, "finite number"),
    ({"dist": "fixed", "value": -INF}, "finite number"),
    ({"dist": "categorical", "values": [1, NAN], "probabilities": [0.5, 0.5]}, "finite number"),
    ({"dist": "normal", "mean": "1", "sd": 1}, "valid number"),
    ({"dist": "uniform", "min": 0, "max": "2.0"}, "valid number"),
    ({"dist": "normal", "mean": 0, "sd": True}, "valid number"),
    ({"dist": "fixed", "value": False}, "valid number"),
    ({"dist": "uniform", "min": 0, "max": 1, "maximum": 2}, "Extra inputs are not permitted"),
    ({"dist": "normal", "mean": 0, "sd": 1, "unit": 5}, "valid string"),
    ({"dist": "normal", "mean": 0}, "Field required"),
    ({"dist": "weibull", "shape": 1}, "does not match any of the expected tags"),
    ({"min": 0, "max": 1}, "Unable to extract tag"),
    ({"dist": "categorical", "values": [], "probabilities": []}, "values must not be empty"),
    ({"dist": "categorical", "values": [1, 2], "probabilities": [1.0]}, "probabilities must have one entry per value"),
    ({"dist": "categorical", "values": [1, 2], "probabilities": [1.5, -0.5]}, "probabilities must lie in [0, 1]"),
    ({"dist": "categorical", "values": [1, 2], "probabilities": [0.5, 0.4]}, "probabilities must sum to 1"),
    ({"dist": "categorical", "values": [1, 2], "probabilities": [0.5, 0.5 + 1e-7]}, "probabilities must sum to 1"),
    ({"dist": "categorical", "values": ["a"], "probabilities": [1]}, "valid number"),
    ("3", "valid dictionary"),
    (True, "valid dictionary"),
    (NAN, "finite number"),
]


@pytest.mark.parametrize(("value", "message"), INVALID, ids=[m for _, m in INVALID])
def test_invalid_configs_raise_validation_error(value: Any, message: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        parse_distribution(value, base_dir=Path("."))
    assert message in str(excinfo.value)


@pytest.mark.parametrize(
    ("value", "message"),
    [(v, m) for v, m in INVALID if m.startswith(("max", "mode", "sd", "prob", "values"))],
)
def test_rule_messages_are_short_and_unprefixed(value: Any, message: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        parse_distribution(value, base_dir=Path("."))
    errors = excinfo.value.errors()
    assert len(errors) == 1 and errors[0]["msg"] == message


def test_probabilities_within_tolerance_are_accepted() -> None:
    dist = parse_distribution(
        {"dist": "categorical", "values": [1, 2, 3], "probabilities": [0.1, 0.2, 0.7 + 1e-10]},
        base_dir=Path("."),
    )
    assert isinstance(dist, Categorical)
    assert dist.expected_value() == pytest.approx(0.1 + 0.4 + 2.1)


@pytest.mark.parametrize(
    ("content", "column", "message"),
    [
        (None, "loss", "cannot read missing.csv"),
        ("year,loss\n2000,1\n2001,2\n", "damage", "missing.csv has no column 'damage'"),
        ("year,loss\n2000,1\n2001,abc\n", "loss", "missing.csv line 3: 'abc' is not a finite"),
        ("year,loss\n2000,1\n2001,nan\n", "loss", "'nan' is not a finite number"),
        ("year,loss\n2000,1\n2001,inf\n", "loss", "'inf' is not a finite number"),
        ("year,loss\n2000,1\n2001,\n", "loss", "needs at least 2 numbers"),
        ("", "loss", "missing.csv has no column 'loss'"),
    ],
)
def test_empirical_file_errors_name_the_file(tmp_path: Path, content: str | None, column: str, message: str) -> None:
    if content is not None:
        (tmp_path / "missing.csv").write_text(content, encoding="utf-8")
    with pytest.raises(ValidationError) as excinfo:
        parse_distribution({"dist": "empirical", "file": "missing.csv", "column": column}, base_dir=tmp_path)
    assert message in str(excinfo.value)


def test_empirical_blank_cells_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "ragged.csv").write_text("a,b\n1,4\n2,\n3,6\n", encoding="utf-8")
    dist = parse_distribution({"dist": "empirical", "file": "ragged.csv", "column": "b"}, base_dir=tmp_path)
    assert isinstance(dist, Empirical)
    np.testing.assert_array_equal(dist.data, [4.0, 6.0])


# ---------------------------------------------------------------------------------------
# Properties over random valid parameters
# ---------------------------------------------------------------------------------------

finite = st.floats(-1e3, 1e3, allow_nan=False)
unit_interval = st.floats(0.0, 1.0)


@st.composite
def bounded(draw: st.DrawFn) -> tuple[float, float, float]:
    lo = draw(finite)
    width = draw(st.floats(1e-3, 1e3))
    mode = lo + width * draw(unit_interval)
    return lo, min(max(mode, lo), lo + width), lo + width


@settings(max_examples=60, deadline=None)
@given(bounded(), st.lists(unit_interval, min_size=1, max_size=50))
def test_bounded_ppfs_stay_in_support_and_are_monotone(bounds: tuple[float, float, float], us: list[float]) -> None:
    lo, mode, hi = bounds
    u = np.sort(np.asarray(us))
    for dist in (
        Uniform(min=lo, max=hi),
        Pert(min=lo, mode=mode, max=hi),
        Triangular(min=lo, mode=mode, max=hi),
        TruncNormal(mean=mode, sd=(hi - lo) / 3, min=lo, max=hi),
    ):
        x = dist.ppf(u)
        tolerance = 1e-9 * max(1.0, abs(lo), abs(hi))
        assert np.all(x >= lo - tolerance) and np.all(x <= hi + tolerance)
        assert np.all(np.diff(x) >= -tolerance)


@settings(max_examples=40, deadline=None)
@given(finite, st.floats(1e-3, 1e3), st.integers(0, 2**32 - 1))
def test_normal_sample_is_finite_and_seeded(mean: float, sd: float, seed: int) -> None:
    dist = Normal(mean=mean, sd=sd)
    a = dist.sample(np.random.default_rng(seed), 16)
    assert np.all(np.isfinite(a))
    assert np.array_equal(a, dist.sample(np.random.default_rng(seed), 16))
