"""Structural payoffs: the equations of docs/MODEL.md checked on hand-computed worlds."""

from __future__ import annotations

import numpy as np
import pytest

from model.config import load_config
from model.constants import COMPONENTS
from model.payoffs import financing_shares, structural_worlds

BASE = "configs/baseline.toml"

try:
    from tests.known_worlds import fixed_config
except ModuleNotFoundError:  # pytest's default rootdir-relative import of tests/
    from known_worlds import fixed_config


def test_offshore_balancing_world_by_hand() -> None:
    config, draws = fixed_config()
    w = structural_worlds(config, draws, 1)
    t = config.game.structural.horizon_years.value
    # Deterrent per profile: 30 + (40 if J balances) + (20 if K balances) vs resolve 80.
    np.testing.assert_array_equal(w.holds[:, 0], [True, False, False, False])  # 90, 70, 50, 30
    # Contribution 60, 40, 20, 0 vs threshold 50: only BB qualifies, and there deterrence holds.
    np.testing.assert_array_equal(w.intervenes[:, 0], [False, False, False, False])
    np.testing.assert_array_equal(w.collapses[:, 0], [False, True, True, True])
    japan = w.burden[0, :, :, 0]  # (profile, component)
    assert japan[0, COMPONENTS.index("defence")] == pytest.approx(t * 40)
    assert japan[0, COMPONENTS.index("retaliation")] == pytest.approx(t * 30 * 0.5)  # diluted
    assert japan[1, COMPONENTS.index("retaliation")] == pytest.approx(t * 30)  # alone
    assert japan[2, COMPONENTS.index("retaliation")] == 0.0
    assert japan[3, COMPONENTS.index("collapse")] == 800
    assert w.japan[0, 0] == pytest.approx(-(t * 40 + t * 15))
    assert w.japan[3, 0] == pytest.approx(-800)
    assert w.korea[1, 0] == pytest.approx(-450)  # Korea passes, Japan balances alone: collapse


def test_threshold_met_means_us_intervenes() -> None:
    config, draws = fixed_config(**{"game.structural.us.offshore_balancing.threshold": 35})
    w = structural_worlds(config, draws, 1)
    np.testing.assert_array_equal(w.intervenes[:, 0], [False, True, False, False])  # only BP: 40 >= 35
    assert w.burden[0, 1, COMPONENTS.index("war"), 0] == 500
    assert w.burden[1, 1, COMPONENTS.index("war"), 0] == 400


def test_grand_bargain_never_intervenes() -> None:
    config, draws = fixed_config(**{"policy.us_regime": "grand_bargain"})
    w = structural_worlds(config, draws, 1)
    assert not w.intervenes.any()


def test_ptrl_money_counts_for_deterrence_and_contribution() -> None:
    config, draws = fixed_config(
        **{"policy.financing": "ptrl_japan", "policy.ptrl_share_japan": 1.0, "game.structural.china_resolve": 75}
    )
    w = structural_worlds(config, draws, 1)
    t = config.game.structural.horizon_years.value
    # F = 10, kappa*F = 5: deterrent 95, 75, 55, 35 vs 75 -> BB and BP hold.
    np.testing.assert_array_equal(w.holds[:, 0], [True, True, False, False])
    # Contribution c + lambda*F = 60+20, 40+20, 20+20, 0+20 vs 50: PB fails (40), PP fails.
    np.testing.assert_array_equal(w.intervenes[:, 0], [False, False, False, False])
    np.testing.assert_allclose(w.burden[0, :, COMPONENTS.index("ptrl"), 0], t * 10)
    np.testing.assert_allclose(w.burden[1, :, COMPONENTS.index("ptrl"), 0], 0.0)


def test_drawdown_counts_for_deterrence_not_contribution() -> None:
    config, draws = fixed_config(
        **{"policy.financing": "drawdown", "game.structural.us.offshore_balancing.threshold": 45}
    )
    w = structural_worlds(config, draws, 1)
    # Deterrent +5 from the US-paid list, but E is unchanged: BP contribution 40 < 45.
    np.testing.assert_array_equal(w.intervenes[:, 0], [False, False, False, False])
    assert w.burden[:2, :, COMPONENTS.index("ptrl"), 0].sum() == 0.0  # the partners pay nothing
    t = config.game.structural.horizon_years.value
    np.testing.assert_allclose(w.burden[2, :, COMPONENTS.index("ptrl"), 0], t * 10)  # the US pays the list


def test_us_ledger_world_by_hand() -> None:
    """The US bears its deterrent and drawdown flows over the horizon, its war cost when it
    intervenes and its loss when the balance collapses (docs/MODEL.md §3.6)."""
    config, draws = fixed_config(
        **{"policy.us_regime": "integrated_deterrence", "game.structural.us.integrated_deterrence.deterrent": 20}
    )
    w = structural_worlds(config, draws, 1)
    t = config.game.structural.horizon_years.value
    # Deterrent 30 + 20 + outlay: 110, 90, 70, 50 vs 80 -> BB, BP hold; threshold 0: the US comes in PB, PP.
    np.testing.assert_array_equal(w.holds[:, 0], [True, True, False, False])
    us = w.burden[2, :, :, 0]  # (profile, component)
    np.testing.assert_allclose(us[:, COMPONENTS.index("defence")], t * 20)
    np.testing.assert_allclose(us[:, COMPONENTS.index("retaliation")], 0.0)
    np.testing.assert_allclose(us[:, COMPONENTS.index("war")], [0, 0, 2000, 2000])
    np.testing.assert_allclose(us[:, COMPONENTS.index("collapse")], 0.0)
    gb, gb_draws = fixed_config(**{"policy.us_regime": "grand_bargain"})
    collapse = structural_worlds(gb, gb_draws, 1).burden[2, :, COMPONENTS.index("collapse"), 0]
    np.testing.assert_allclose(collapse, [0, 1500, 1500, 1500])  # only BB deters (90 >= 80)


@pytest.mark.parametrize("financing", ["none", "drawdown", "purl_pooled", "ptrl_japan", "full_pass_through"])
def test_financing_shares_are_shares(financing: str) -> None:
    config = load_config(BASE, [f'policy.financing="{financing}"', "policy.ptrl_share_japan=0.3"]).config
    shares = financing_shares(config.policy)
    assert all(0.0 <= v <= 1.0 for v in shares.values())
    assert sum(shares.values()) <= 1.0 + 1e-12


def test_an_uncertain_horizon_scales_each_world_by_its_own_t() -> None:
    """T may carry a prior: each world's annual flows are summed over its own horizon, and
    the horizon is an input the sensitivity methods see."""
    prior = '{dist="uniform", min=2.0, max=10.0, unit="years", source="test"}'
    loaded = load_config(BASE, [f"game.structural.horizon_years={prior}", "sampling.samples=4096"])
    assert "game.structural.horizon_years" in [k for k, p in loaded.priors().items() if not p.is_fixed]
    from model.engine import draw_worlds

    draws = draw_worlds(loaded.config, loaded.priors(), 0, 4096)
    w = structural_worlds(loaded.config, draws, 4096)
    t = draws["game.structural.horizon_years"]
    assert t.min() >= 2.0 and t.max() <= 10.0 and np.ptp(t) > 1.0
    defence = w.burden[0, 1, COMPONENTS.index("defence")]  # Japan, profile BP (Japan balances)
    np.testing.assert_allclose(defence, t * draws["game.structural.japan.balancing_cost"], rtol=1e-12)


def test_a_horizon_outside_a_century_is_refused() -> None:
    from model.config import ConfigError

    with pytest.raises(ConfigError, match="horizon_years: must lie in"):
        load_config(BASE, ['game.structural.horizon_years={dist="uniform", min=1.0, max=200.0}'])
