"""End-to-end properties of ``model.simulate`` checked against closed forms."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import norm

import model
from model.gametypes import TYPE_LABELS

ROOT = Path(__file__).resolve().parents[1]
PAPER = ROOT / "configs" / "paper_table.toml"
BASELINE = ROOT / "configs" / "baseline.toml"


def test_paper_table_is_reproduced_exactly() -> None:
    ds = model.simulate(PAPER, n_samples=5_000)
    np.testing.assert_array_equal(ds.played.values, [0, 0, 0, 1])
    np.testing.assert_array_equal(ds.pure_ne.values, [0, 0, 0, 1])
    pd = "Prisoner's Dilemma"
    assert pd in TYPE_LABELS
    assert float(ds.game_type_freq.sel(japan_type=pd, korea_type=pd)) == 1.0
    assert float(ds.eq_set_freq.sel(eq_set="{PP}")) == 1.0
    assert float(ds.korea_passes_after_commit) == 1.0


def closed_form_pure(sigma: float) -> np.ndarray:
    """P(profile is a pure NE) for the paper's table plus iid N(0, sigma) noise.

    Each best-response comparison differs by 1 in the table, and the difference of two
    independent noises is N(0, 2 sigma^2): P(the table's preference survives) = Phi(x),
    x = 1 / (sigma sqrt 2). Japan's and Korea's conditions use disjoint noise terms.
    """
    x = 1.0 / (sigma * np.sqrt(2.0))
    keep, flip = norm.cdf(x), norm.cdf(-x)
    # BB: both must flip; BP: Japan flips, Korea keeps; PB: mirror; PP: both keep.
    return np.array([flip * flip, flip * keep, keep * flip, keep * keep])


@pytest.mark.parametrize("sampler", ["mc", "lhs", "sobol"])
@pytest.mark.parametrize("sigma", [0.5, 1.5])
def test_noisy_table_matches_closed_form(sampler: str, sigma: float) -> None:
    ds = model.simulate(
        PAPER,
        n_samples=2**17,
        overrides=[f"game.ordinal.noise_sd={sigma}", f'sampling.sampler="{sampler}"'],
    )
    expected = closed_form_pure(sigma)
    z = np.abs(ds.pure_ne.values - expected) / np.maximum(ds.pure_ne_se.values, 1e-12)
    assert np.all(z < 4), (ds.pure_ne.values, expected, z)
    # played is a probability distribution over the four profiles in every world.
    assert abs(float(ds.played.sum()) - 1.0) < 1e-9


def test_every_estimate_has_a_standard_error() -> None:
    ds = model.simulate(BASELINE, n_samples=20_000)
    samples = [name for name in ds.data_vars if ds[name].attrs.get("role") == "sample"]  # per-world, not estimates
    assert samples == ["burden_sample"]
    estimates = [name for name in ds.data_vars if not name.endswith("_se") and name not in samples]
    missing = [name for name in estimates if f"{name}_se" not in ds]
    assert not missing
    for name in ds.data_vars:
        assert "units" in ds[name].attrs and "long_name" in ds[name].attrs, name


def test_same_seed_same_result_other_seed_differs() -> None:
    a = model.simulate(BASELINE, n_samples=30_000, seed=5)
    b = model.simulate(BASELINE, n_samples=30_000, seed=5)
    c = model.simulate(BASELINE, n_samples=30_000, seed=6)
    a.attrs.pop("created_utc"), b.attrs.pop("created_utc")
    assert a.identical(b)
    assert not np.array_equal(a.played.values, c.played.values)


def _traced_lines(n: int, config: Path, overrides: list[str]) -> int:
    """Lines of model/ code executed for a one-chunk run of n worlds."""
    package = str(ROOT / "model")
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if not frame.f_code.co_filename.startswith(package):
            return None
        if event == "line":
            count += 1
        return tracer

    loaded = model.load_config(config, ["sampling.chunk_size=8192", *overrides])
    from model.engine import evaluate_chunk

    priors = loaded.priors()
    sys.settrace(tracer)
    try:
        evaluate_chunk(loaded.config, priors, 0, n)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize(
    "config,overrides",
    [
        # The uniform rule and a noisy table send many worlds down every branch
        # (reference solver, mixed play), so both sizes execute the same code paths.
        (BASELINE, ['game.selection="uniform"']),
        (PAPER, ["game.ordinal.noise_sd=1.0"]),
    ],
)
def test_no_python_loop_over_worlds(config: Path, overrides: list[str]) -> None:
    """Python work per chunk must not grow with the number of worlds in it.

    A loop over worlds would add thousands of executed lines when the chunk doubles
    from 4,000 to 8,000 worlds; vectorised code executes the same lines.
    """
    small, large = _traced_lines(4000, config, overrides), _traced_lines(8000, config, overrides)
    assert abs(large - small) < 1000, (small, large)  # a per-world loop adds >= 4000
