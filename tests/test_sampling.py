"""Tests of model/sampling.py: reproducibility, chunk contracts and the Gaussian copula."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import qmc

from model.distributions import (
    Beta,
    Categorical,
    Fixed,
    Gamma,
    LogNormal,
    Normal,
    Pert,
    Triangular,
    TruncNormal,
    Uniform,
)
from model.sampling import (
    SAMPLERS,
    U_EPSILON,
    Correlation,
    chunk_generator,
    draw_chunk,
    name_key,
    parameter_generator,
    validate_correlation,
)

SEED = 20250101


def mixed_params() -> dict:
    """Several families, with fixed parameters interleaved."""
    return {
        "cost": Pert(min=1, mode=2, max=6),
        "share": Fixed(value=0.4),
        "loss": LogNormal(median=3, sigma=0.8),
        "years": Categorical(values=[3, 5, 10], probabilities=[0.3, 0.5, 0.2]),
        "shock": Normal(mean=0, sd=2),
        "horizon": Fixed(value=5),
        "rate": Gamma(shape=2, scale=0.5),
        "tilt": TruncNormal(mean=0.2, sd=0.5, min=0, max=1),
    }


def uniform_params(d: int) -> dict:
    """``d`` standard uniforms, whose ppf is the identity (bit-exact)."""
    return {f"u{j}": Uniform(min=0, max=1) for j in range(d)}


def as_matrix(draws: dict) -> np.ndarray:
    return np.column_stack(list(draws.values()))


# ---------------------------------------------------------------------------------------
# Basic contract
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_output_shapes_order_and_fixed_values(sampler: str) -> None:
    params = mixed_params()
    draws = draw_chunk(params, sampler=sampler, seed=SEED, chunk_index=2, chunk_size=1024, n=1000)
    assert list(draws) == list(params)
    for values in draws.values():
        assert values.shape == (1000,) and values.dtype == np.float64
        assert np.all(np.isfinite(values))
    assert np.all(draws["share"] == 0.4) and np.all(draws["horizon"] == 5.0)
    assert np.all((draws["cost"] >= 1) & (draws["cost"] <= 6))
    assert set(np.unique(draws["years"])) <= {3.0, 5.0, 10.0}


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_same_seed_and_chunk_are_bit_identical_and_chunks_differ(sampler: str) -> None:
    params = mixed_params()
    kwargs = dict(sampler=sampler, seed=SEED, chunk_size=512, n=512)
    a = draw_chunk(params, chunk_index=3, **kwargs)
    b = draw_chunk(params, chunk_index=3, **kwargs)
    c = draw_chunk(params, chunk_index=4, **kwargs)
    d = draw_chunk(params, chunk_index=3, **{**kwargs, "seed": SEED + 1})
    for name, dist in params.items():
        assert np.array_equal(a[name], b[name])
        if not dist.is_fixed and name != "years":
            assert not np.array_equal(a[name], c[name])
            assert not np.array_equal(a[name], d[name])


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_fixed_parameters_consume_no_randomness(sampler: str) -> None:
    params = mixed_params()
    uncertain = {k: v for k, v in params.items() if not v.is_fixed}
    kwargs = dict(sampler=sampler, seed=SEED, chunk_index=1, chunk_size=256, n=256)
    with_fixed = draw_chunk(params, **kwargs)
    without = draw_chunk(uncertain, **kwargs)
    for name in uncertain:
        assert np.array_equal(with_fixed[name], without[name])


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_empty_and_all_fixed_chunks(sampler: str) -> None:
    empty = draw_chunk(mixed_params(), sampler=sampler, seed=1, chunk_index=0, chunk_size=8, n=0)
    assert all(v.shape == (0,) for v in empty.values())
    fixed = draw_chunk({"a": Fixed(value=1.5)}, sampler=sampler, seed=1, chunk_index=5, chunk_size=8, n=8)
    np.testing.assert_array_equal(fixed["a"], np.full(8, 1.5))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sampler": "halton"}, "unknown sampler"),
        ({"n": 17}, "n must lie in"),
        ({"n": -1}, "n must lie in"),
        ({"seed": -1}, "seed must be"),
        ({"chunk_index": -1}, "chunk_index"),
        ({"chunk_size": 0, "n": 0}, "chunk_size must be positive"),
        ({"sampler": "sobol", "chunk_size": 24, "n": 16}, "power-of-two"),
        ({"sampler": "sobol", "chunk_index": 2**27}, "at most 2**30"),
    ],
)
def test_bad_arguments_raise_value_error(kwargs: dict, message: str) -> None:
    arguments = dict(sampler="mc", seed=1, chunk_index=0, chunk_size=16, n=16) | kwargs
    with pytest.raises(ValueError, match=re.escape(message)):
        draw_chunk(uniform_params(2), **arguments)


# ---------------------------------------------------------------------------------------
# mc: per-chunk SeedSequence children
# ---------------------------------------------------------------------------------------


def test_chunk_generator_is_the_spawned_child() -> None:
    children = np.random.SeedSequence(SEED).spawn(6)
    for k in (0, 3, 5):
        expected = np.random.Generator(np.random.PCG64(children[k]))
        assert np.array_equal(chunk_generator(SEED, k).random(32), expected.random(32))


def test_mc_parameter_draws_from_its_own_named_stream() -> None:
    params = mixed_params()
    k, n = 4, 300
    draws = draw_chunk(params, sampler="mc", seed=SEED, chunk_index=k, chunk_size=512, n=n)
    for name, dist in params.items():
        if not dist.is_fixed:
            key = (k, name_key(name))
            rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(SEED, spawn_key=key)))
            assert np.array_equal(draws[name], dist.sample(rng, n)), name


def test_mc_draws_are_common_random_numbers_across_scenarios() -> None:
    """Dropping or fixing one parameter leaves every other parameter's draws unchanged."""
    params = mixed_params()
    full = draw_chunk(params, sampler="mc", seed=SEED, chunk_index=2, chunk_size=256, n=256)
    dropped = dict(params)
    removed = next(name for name, dist in params.items() if not dist.is_fixed)
    del dropped[removed]
    fewer = draw_chunk(dropped, sampler="mc", seed=SEED, chunk_index=2, chunk_size=256, n=256)
    for name in dropped:
        assert np.array_equal(full[name], fewer[name]), name


def test_mc_copula_draws_normals_first_then_uncorrelated_in_order() -> None:
    params = mixed_params()
    matrix = np.array([[1.0, 0.5], [0.5, 1.0]])
    corr = Correlation(("shock", "cost"), matrix)
    n = 200
    draws = draw_chunk(params, sampler="mc", seed=SEED, chunk_index=1, chunk_size=n, n=n, correlation=corr)
    rng = parameter_generator(SEED, 1, "copula:shock|cost")
    z = rng.standard_normal((n, 2))
    u = np.clip(scipy.stats.norm.cdf(z @ np.linalg.cholesky(matrix).T), U_EPSILON, 1 - U_EPSILON)
    np.testing.assert_allclose(draws["shock"], params["shock"].ppf(u[:, 0]), rtol=1e-12)
    np.testing.assert_allclose(draws["cost"], params["cost"].ppf(u[:, 1]), rtol=1e-12)
    for name in ("loss", "years", "rate", "tilt"):
        if not params[name].is_fixed:
            own = parameter_generator(SEED, 1, name)
            assert np.array_equal(draws[name], params[name].sample(own, n)), name


# ---------------------------------------------------------------------------------------
# sobol: one sequence sliced into chunks
# ---------------------------------------------------------------------------------------


def reference_sobol(d: int, n: int, seed: int) -> np.ndarray:
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
    try:
        engine = qmc.Sobol(d, scramble=True, rng=rng)
    except TypeError:  # scipy < 1.15
        engine = qmc.Sobol(d, scramble=True, seed=rng)
    return np.clip(engine.random(n), U_EPSILON, 1 - U_EPSILON)


def test_sobol_chunks_concatenate_to_one_sequence() -> None:
    d, size = 5, 2**10
    params = uniform_params(d)
    chunks = [
        as_matrix(draw_chunk(params, sampler="sobol", seed=SEED, chunk_index=k, chunk_size=size, n=size))
        for k in range(4)
    ]
    assert np.array_equal(np.vstack(chunks), reference_sobol(d, 4 * size, SEED))


def test_sobol_short_last_chunk_is_a_prefix_of_its_slice() -> None:
    d, size = 3, 2**8
    params = uniform_params(d)
    reference = reference_sobol(d, 4 * size, SEED)
    last = as_matrix(draw_chunk(params, sampler="sobol", seed=SEED, chunk_index=3, chunk_size=size, n=100))
    assert np.array_equal(last, reference[3 * size : 3 * size + 100])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no balance warning for a short first chunk
        first = as_matrix(draw_chunk(params, sampler="sobol", seed=SEED, chunk_index=0, chunk_size=size, n=100))
    assert np.array_equal(first, reference[:100])


def test_sobol_first_chunk_is_balanced() -> None:
    """2^m scrambled Sobol' points put exactly one point in each 1/2^m interval."""
    size = 2**9
    u = as_matrix(draw_chunk(uniform_params(4), sampler="sobol", seed=7, chunk_index=0, chunk_size=size, n=size))
    for column in u.T:
        assert np.array_equal(np.sort(np.floor(column * size)), np.arange(size))


# ---------------------------------------------------------------------------------------
# lhs: one Latin hypercube per chunk
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 7, 1000])
def test_lhs_chunk_is_stratified_per_dimension(n: int) -> None:
    u = as_matrix(draw_chunk(uniform_params(6), sampler="lhs", seed=SEED, chunk_index=9, chunk_size=1024, n=n))
    for column in u.T:
        assert np.array_equal(np.sort(np.floor(column * n)), np.arange(n))


def test_lhs_uses_the_chunk_generator() -> None:
    d, n, k = 4, 64, 2
    u = as_matrix(draw_chunk(uniform_params(d), sampler="lhs", seed=SEED, chunk_index=k, chunk_size=n, n=n))
    try:
        engine = qmc.LatinHypercube(d, rng=chunk_generator(SEED, k))
    except TypeError:  # scipy < 1.15
        engine = qmc.LatinHypercube(d, seed=chunk_generator(SEED, k))
    assert np.array_equal(u, np.clip(engine.random(n), U_EPSILON, 1 - U_EPSILON))


@pytest.mark.parametrize("sampler", ["lhs", "sobol"])
def test_qmc_marginals_follow_the_distributions(sampler: str) -> None:
    params = {"a": Triangular(min=0, mode=1, max=4), "b": Beta(alpha=2, beta=3)}
    draws = draw_chunk(params, sampler=sampler, seed=3, chunk_index=1, chunk_size=2**14, n=2**14)
    reference = {"a": scipy.stats.triang(0.25, loc=0, scale=4), "b": scipy.stats.beta(2, 3)}
    for name, ref in reference.items():
        # Stratified designs fit far better than i.i.d. draws; KS is conservative here.
        assert scipy.stats.kstest(draws[name], ref.cdf).pvalue > 1e-4


# ---------------------------------------------------------------------------------------
# Gaussian copula
# ---------------------------------------------------------------------------------------

TARGET = np.array([[1.0, 0.6, -0.3], [0.6, 1.0, 0.2], [-0.3, 0.2, 1.0]])
N_COPULA = 100_000


def spearman_for_gaussian_copula(r: float) -> float:
    return 6.0 / math.pi * math.asin(r / 2.0)


def spearman_fisher_z_bound(n: int, z: float = 4.0) -> float:
    """Bound on |atanh(r_s_hat) - atanh(r_s)|: var(atanh r_s) ~ 1.06 / (n - 3) (Fieller)."""
    return z * math.sqrt(1.06 / (n - 3))


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_copula_reproduces_spearman_rank_correlation(sampler: str) -> None:
    params = {
        "loss": LogNormal(median=3, sigma=0.8),
        "free": Normal(mean=0, sd=1),
        "cost": Pert(min=1, mode=2, max=6),
        "fixed": Fixed(value=2.0),
        "rate": Gamma(shape=2, scale=0.5),
    }
    corr = Correlation(("loss", "cost", "rate"), TARGET)
    draws = draw_chunk(
        params, sampler=sampler, seed=SEED, chunk_index=1, chunk_size=2**17, n=N_COPULA, correlation=corr
    )
    rho = scipy.stats.spearmanr(np.column_stack([draws[k] for k in corr.names])).statistic
    bound = spearman_fisher_z_bound(N_COPULA)
    for i in range(3):
        for j in range(i + 1, 3):
            target = spearman_for_gaussian_copula(TARGET[i, j])
            assert abs(math.atanh(rho[i, j]) - math.atanh(target)) < bound, (i, j)
    for name in corr.names:
        free_rho = scipy.stats.spearmanr(draws["free"], draws[name]).statistic
        assert abs(math.atanh(free_rho)) < bound
    # The marginals are unchanged by the copula.
    ks = scipy.stats.kstest(draws["loss"], scipy.stats.lognorm(s=0.8, scale=3).cdf)
    assert ks.pvalue > 1e-4
    np.testing.assert_array_equal(draws["fixed"], 2.0)


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_singular_correlation_gives_comonotone_draws(sampler: str) -> None:
    params = {"a": LogNormal(median=1, sigma=1), "b": Uniform(min=-1, max=1)}
    corr = Correlation(("a", "b"), np.ones((2, 2)))
    draws = draw_chunk(params, sampler=sampler, seed=5, chunk_index=0, chunk_size=1024, n=1024, correlation=corr)
    order = np.argsort(draws["a"])
    assert np.all(np.diff(draws["b"][order]) >= -1e-12)


def test_correlation_with_fixed_parameter_drops_it() -> None:
    params = {"a": Normal(mean=0, sd=1), "b": Fixed(value=1.0), "c": Normal(mean=0, sd=1)}
    full = Correlation(("a", "b", "c"), np.array([[1, 0.3, 0.8], [0.3, 1, 0.1], [0.8, 0.1, 1.0]]))
    reduced = Correlation(("a", "c"), np.array([[1, 0.8], [0.8, 1.0]]))
    kwargs = dict(sampler="mc", seed=1, chunk_index=0, chunk_size=64, n=64)
    a = draw_chunk(params, correlation=full, **kwargs)
    b = draw_chunk(params, correlation=reduced, **kwargs)
    for name in params:
        assert np.array_equal(a[name], b[name])


def test_correlation_with_unknown_name_is_rejected() -> None:
    corr = Correlation(("a", "zzz"), np.eye(2))
    with pytest.raises(ValueError, match="zzz"):
        draw_chunk(
            {"a": Normal(mean=0, sd=1)}, sampler="mc", seed=1, chunk_index=0, chunk_size=4, n=4, correlation=corr
        )


INVALID_MATRICES = [
    (np.ones((2, 3)), "must be square"),
    (np.ones(3), "must be square"),
    ([[1, 0.5], [0.5]], "square table of numbers"),
    (np.array([[1.0, np.nan], [np.nan, 1.0]]), "finite numbers"),
    (np.array([[1.0, 1.5], [1.5, 1.0]]), "lie in [-1, 1]"),
    (np.array([[2.0, 0.0], [0.0, 1.0]]), "lie in [-1, 1]"),
    (np.array([[0.9, 0.0], [0.0, 1.0]]), "1 on the diagonal"),
    (np.array([[1.0, 0.5], [0.4, 1.0]]), "symmetric"),
    (np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]]), "positive semi-definite"),
]


@pytest.mark.parametrize(("matrix", "message"), INVALID_MATRICES, ids=[m for _, m in INVALID_MATRICES])
def test_invalid_correlation_matrices_are_rejected(matrix: object, message: str) -> None:
    result = validate_correlation(matrix)
    assert result is not None and message in result
    with pytest.raises(ValueError, match=re.escape(message)):
        Correlation(("a", "b"), matrix)


def test_valid_correlation_matrices_are_accepted() -> None:
    assert validate_correlation(np.eye(3)) is None
    assert validate_correlation(TARGET) is None
    assert validate_correlation(np.ones((3, 3))) is None  # singular but PSD
    corr = Correlation(["a", "b", "c"], TARGET.tolist())
    assert corr.names == ("a", "b", "c") and corr.matrix.dtype == np.float64
    assert not corr.matrix.flags.writeable
    assert corr == Correlation(("a", "b", "c"), TARGET) and hash(corr) == hash(Correlation(("a", "b", "c"), TARGET))


def test_correlation_shape_and_names_must_agree() -> None:
    with pytest.raises(ValueError, match="one row per named parameter"):
        Correlation(("a", "b", "c"), np.eye(2))
    with pytest.raises(ValueError, match="unique"):
        Correlation(("a", "a"), np.eye(2))


# ---------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(
    sampler=st.sampled_from(SAMPLERS),
    seed=st.integers(0, 2**63),
    chunk_index=st.integers(0, 1000),
    n=st.integers(1, 64),
)
def test_draws_stay_in_support(sampler: str, seed: int, chunk_index: int, n: int) -> None:
    params = {
        "p": Pert(min=-2, mode=-2, max=3),
        "b": Beta(alpha=0.3, beta=0.3, min=5, max=6),
        "t": TruncNormal(mean=10, sd=1, min=-1, max=0),
    }
    draws = draw_chunk(params, sampler=sampler, seed=seed, chunk_index=chunk_index, chunk_size=64, n=n)
    assert np.all((draws["p"] >= -2) & (draws["p"] <= 3))
    assert np.all((draws["b"] >= 5) & (draws["b"] <= 6))
    assert np.all((draws["t"] >= -1) & (draws["t"] <= 0))
