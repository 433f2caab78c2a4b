"""Policy-layer sanity checks, each with a bound derived from Monte Carlo error or exact."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import model
from model.config import load_config
from model.constants import COMPONENTS
from model.engine import draw_worlds, payoffs_of
from model.signature import best_response_gains

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.toml"
SCENARIOS = ROOT / "configs" / "scenarios"
N = 100_000


def run(*overrides: str, n: int = N, seed: int = 11):
    return model.simulate(BASELINE, n_samples=n, seed=seed, overrides=list(overrides))


def test_grand_bargain_means_the_us_never_intervenes() -> None:
    ds = run('policy.us_regime="grand_bargain"')
    assert float(ds.p_us_intervenes) == 0.0
    assert float(ds.burden.sel(component="war").max()) == 0.0
    assert float(ds.p_us_intervenes_commit) == 0.0


def test_integrated_deterrence_collapses_less_than_offshore_balancing() -> None:
    """Same seed, so the shared parameters take the same values (common random numbers)."""
    offshore = run('policy.us_regime="offshore_balancing"')
    integrated = run('policy.us_regime="integrated_deterrence"')
    diff = float(offshore.p_collapse - integrated.p_collapse)
    se = float(np.hypot(offshore.p_collapse_se, integrated.p_collapse_se))
    assert diff > 4 * se


def test_common_random_numbers_across_regimes() -> None:
    """Switching the US regime leaves every shared parameter's draws unchanged."""
    a = load_config(BASELINE, ['policy.us_regime="offshore_balancing"'])
    b = load_config(BASELINE, ['policy.us_regime="integrated_deterrence"'])
    da, db = draw_worlds(a.config, a.priors(), 3, 1000), draw_worlds(b.config, b.priors(), 3, 1000)
    shared = set(da) & set(db)
    assert "game.structural.china_resolve" in shared
    for key in shared:
        np.testing.assert_array_equal(da[key], db[key])


@pytest.mark.parametrize("financing", ["ptrl_japan", "full_pass_through"])
def test_larger_alpha_never_lowers_japans_ptrl_payment(financing: str) -> None:
    alphas = np.linspace(0.0, 1.0, 6)
    paid = []
    for alpha in alphas:
        loaded = load_config(BASELINE, [f'policy.financing="{financing}"', f"policy.ptrl_share_japan={alpha}"])
        draws = draw_worlds(loaded.config, loaded.priors(), 0, 5000)
        worlds, _, _ = payoffs_of(loaded.config, draws, 5000)
        paid.append(worlds.ptrl_paid[0])
    paid = np.array(paid)  # (alpha, world)
    assert np.all(np.diff(paid, axis=0) >= 0.0)
    assert np.all(paid[-1] > paid[0])
    # And in the estimates: Japan's mean PTRL burden rises with alpha on common draws.
    means = [
        float(
            run(f'policy.financing="{financing}"', f"policy.ptrl_share_japan={a}", n=20_000).burden.sel(
                country="japan", component="ptrl"
            )
        )
        for a in (0.0, 0.5, 1.0)
    ]
    assert means[0] <= means[1] <= means[2] and means[2] > 0


def test_free_balancing_is_weakly_dominant_for_both() -> None:
    """No balancing cost, no retaliation, no war loss, positive collapse loss: balancing
    can only turn collapse into deterrence or US help, so B weakly dominates P."""
    zero = [
        f"game.structural.{c}.{k}=0" for c in ("japan", "korea") for k in ("balancing_cost", "retaliation", "war_loss")
    ]
    loaded = load_config(BASELINE, [*zero, 'policy.financing="ptrl_japan"'])
    draws = draw_worlds(loaded.config, loaded.priors(), 0, 50_000)
    _, japan, korea = payoffs_of(loaded.config, draws, 50_000)
    a, b, c, d = best_response_gains(japan, korea)
    assert np.all(a >= 0) and np.all(b >= 0) and np.all(c >= 0) and np.all(d >= 0)
    ds = model.simulate(loaded, n_samples=50_000)
    assert float(ds.pure_ne.sel(profile="BB")) == 1.0


def test_burden_components_add_up_and_bounds_bracket_the_rule() -> None:
    ds = run(n=50_000)
    parts = ds.burden.sel(component=list(COMPONENTS)).sum("component")
    np.testing.assert_allclose(parts, ds.burden.sel(component="total"), rtol=1e-12)
    japan_total = ds.burden.sel(country="japan", component="total")
    best = ds.burden_bound.sel(bound="japan_best", country="japan", component="total")
    worst = ds.burden_bound.sel(bound="japan_worst", country="japan", component="total")
    assert float(best) <= float(japan_total) + 1e-9 <= float(worst) + 2e-9
    q = ds.burden_quantile.sel(country="japan", component="total").values
    assert np.all(np.diff(q) >= 0)
    assert float(ds.var95.sel(country="japan", component="total")) <= float(
        ds.cvar95.sel(country="japan", component="total")
    )


def test_collapse_probability_matches_burden_share() -> None:
    """E[collapse burden] = E[L_i * P(collapse)]: with L fixed the two must agree exactly."""
    ds = run("game.structural.japan.collapse_loss=1000", n=50_000)
    collapse = float(ds.burden.sel(country="japan", component="collapse"))
    assert collapse == pytest.approx(1000 * float(ds.p_collapse), rel=1e-12)


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.toml")), ids=lambda p: p.stem)
def test_every_scenario_runs_and_is_consistent(path: Path) -> None:
    ds = model.simulate(path, n_samples=20_000)
    total = float(ds.p_deterrence_holds + ds.p_us_intervenes + ds.p_collapse)
    assert total == pytest.approx(1.0, abs=1e-9)
    if ds.attrs["us_regime"] == "grand_bargain":
        assert float(ds.p_us_intervenes) == 0.0
    partners = ds.burden.sel(country=["japan", "korea"])
    if ds.attrs["financing"] in ("none", "drawdown"):
        assert float(partners.sel(component="ptrl").max()) == 0.0
    if ds.attrs["financing"] != "drawdown":
        assert float(ds.burden.sel(country="us", component="ptrl")) == 0.0  # the US pays only a drawdown
    perceived = ds.perceived_outcome.sum("outcome")
    np.testing.assert_allclose(perceived, 1.0, atol=1e-9)
    assert ((ds.miscalculation >= 0) & (ds.miscalculation <= 1)).all()
