"""Beliefs (docs/MODEL.md §3.5): known answers, independent references, the complete-information
limit bit for bit, the prior-only limit, and the monotonicity properties that do hold."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

import model
from model.beliefs import LogPrior, reach_probability
from model.config import load_config
from model.config.parameters import complete_information
from model.payoffs import structural_worlds
from model.signature import best_response_gains

try:
    from tests.known_worlds import fixed_config
except ModuleNotFoundError:  # pytest's default rootdir-relative import of tests/
    from known_worlds import fixed_config

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "configs" / "baseline.toml"
CHECKSUMS = json.loads((ROOT / "tests" / "data" / "complete_information_checksums.json").read_text())
COMPLETE = [
    "game.structural.beliefs.japan.resolve_spread=0",
    "game.structural.beliefs.korea.resolve_spread=0",
    "game.structural.us.offshore_balancing.ambiguity=0",
]


def digest(values: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(values).tobytes()).hexdigest()


def assert_matches_checksums(ds, expected: dict[str, str]) -> None:
    for name, want in expected.items():
        var = ds[name]
        if "country" in var.dims:  # the US ledger is new: the partners' rows are what existed
            var = var.sel(country=["japan", "korea"])
        assert digest(var.values) == want, name


# --------------------------------------------------- complete information, bit for bit


@pytest.mark.parametrize("source", sorted(CHECKSUMS), ids=lambda s: Path(s).stem)
def test_spread_zero_reproduces_complete_information_bit_for_bit(source: str) -> None:
    """Checksums of every estimate, taken on the code before beliefs existed (same seed and
    worlds), are reproduced when the partners' spreads and the US ambiguity are 0."""
    structural = load_config(ROOT / source).config.game.mode == "structural"
    loaded = load_config(ROOT / source, COMPLETE if structural else [])
    assert complete_information(loaded.config)
    assert_matches_checksums(model.simulate(loaded, n_samples=131072), CHECKSUMS[source])


@pytest.mark.parametrize(
    "source",
    [
        "configs/baseline.toml",
        "configs/scenarios/integrated_drawdown.toml",
        "configs/scenarios/grand_bargain_ptrl_japan.toml",
    ],
)
def test_belief_path_with_zero_spread_is_complete_information(source: str) -> None:
    """The belief computation itself, fed spreads that are 0 in every world (a categorical
    prior on {0, 0}, so the fast path is not taken), gives the same numbers bit for bit."""
    zero = '{dist="categorical", values=[0.0, 0.0], probabilities=[0.5, 0.5], unit="log-sd", source="test"}'
    loaded = load_config(
        ROOT / source,
        [
            *COMPLETE[2:],
            f"game.structural.beliefs.japan.resolve_spread={zero}",
            f"game.structural.beliefs.korea.resolve_spread={zero}",
        ],
    )
    assert not complete_information(loaded.config)
    ds = model.simulate(loaded, n_samples=131072)
    assert_matches_checksums(ds, CHECKSUMS[source])
    np.testing.assert_array_equal(ds.miscalculation, 0.0)


def test_shipped_complete_information_scenario_is_the_old_baseline() -> None:
    loaded = load_config(ROOT / "configs/scenarios/offshore_complete_information.toml")
    assert complete_information(loaded.config)
    assert_matches_checksums(model.simulate(loaded, n_samples=131072), CHECKSUMS["configs/baseline.toml"])


# ------------------------------------------------------------- independent references


def test_log_prior_of_a_pert_matches_quadrature_of_its_density() -> None:
    prior = load_config(BASE).config.game.structural.china_resolve  # PERT 40 / 90 / 200
    lo, hi, mode, lamb = 40.0, 200.0, 90.0, 4.0
    beta = stats.beta(1 + lamb * (mode - lo) / (hi - lo), 1 + lamb * (hi - mode) / (hi - lo), loc=lo, scale=hi - lo)
    mean = integrate.quad(lambda x: math.log(x) * beta.pdf(x), lo, hi)[0]
    var = integrate.quad(lambda x: (math.log(x) - mean) ** 2 * beta.pdf(x), lo, hi)[0]
    got = LogPrior.of(prior)
    assert got.mean == pytest.approx(mean, abs=1e-5)
    assert got.sd == pytest.approx(math.sqrt(var), rel=1e-3)


@settings(max_examples=60, deadline=None)
@given(
    capability=st.floats(1.0, 500.0),
    value=st.floats(1.0, 500.0),
    bias=st.floats(0.2, 5.0),
    spread=st.floats(0.01, 5.0),
    mu0=st.floats(2.0, 6.0),
    tau0=st.floats(0.01, 2.0),
)
def test_reach_probability_is_a_lognormal_cdf(capability, value, bias, spread, mu0, tau0) -> None:
    """P(belief <= D) equals scipy's lognormal CDF at D, with the posterior's median and log-sd."""
    w = tau0**2 / (tau0**2 + spread**2)
    median = bias * value**w * math.exp((1 - w) * mu0)
    tau = tau0 * spread / math.sqrt(tau0**2 + spread**2)
    expected = stats.lognorm.cdf(capability, s=tau, scale=median)
    got = reach_probability(
        np.array([[capability - 10.0]]),
        np.array([10.0]),
        np.array([value]),
        np.array([bias]),
        np.array([spread]),
        LogPrior(mu0, tau0),
    )
    assert got[0, 0] == pytest.approx(expected, abs=1e-12)


def test_reach_probability_edges() -> None:
    """Point beliefs use the exact comparison (ties reach); zero against zero is reached."""
    prior = LogPrior(math.log(90.0), 0.3)
    outlay = np.array([[20.0, 0.0, 0.0, 5.0]])
    base = np.array([80.0, 0.0, 50.0, 0.0])
    value = np.array([100.0, 0.0, 100.0, 100.0])
    one = np.ones(4)
    np.testing.assert_array_equal(reach_probability(outlay, base, value, one, np.zeros(4), prior), [[1, 1, 0, 0]])
    noisy = reach_probability(outlay, base, value, one, np.full(4, 0.5), prior)
    assert noisy[0, 1] == 1.0  # 0 <= 0
    assert 0.0 < noisy[0, 2] < 0.5 and noisy[0, 3] < noisy[0, 2]
    known = reach_probability(outlay, base, value, one, np.full(4, 0.5), LogPrior(math.log(90.0), 0.0))
    np.testing.assert_array_equal(known, [[1, 1, 0, 0]])  # a fixed prior: the value is known


# --------------------------------------------------------------- a world by hand


def one_world(**overrides):
    """The hand-checked world of tests/known_worlds.py, with Japan reading China's resolve
    through log-noise 0.3 and Korea knowing it."""
    return fixed_config(**{"game.structural.beliefs.japan.resolve_spread": 0.3, **overrides})


def test_a_world_by_hand() -> None:
    """Japan reads China's resolve with log-noise 0.3; Korea knows it. Background prior
    of the resolve: the baseline's PERT 40/90/200, log-mean 4.5608, log-sd 0.3026."""
    config, draws = one_world()
    w = structural_worlds(config, draws, 1)
    t = config.game.structural.horizon_years.value
    mu0, tau0 = 4.560768, 0.302597  # LogPrior.of(PERT 40/90/200), checked against quadrature above
    weight = tau0**2 / (tau0**2 + 0.3**2)  # 0.5043
    m = weight * math.log(80) + (1 - weight) * mu0
    tau = tau0 * 0.3 / math.sqrt(tau0**2 + 0.3**2)
    deterrent = [90.0, 70.0, 50.0, 30.0]  # Taiwan 30 + outlays; no PTRL money under 'none'
    holds = [0.5 * math.erfc(-(math.log(d) - m) / tau / math.sqrt(2)) for d in deterrent]
    # The US threshold (50) is known: the contribution 60, 40, 20, 0 reaches it only in BB.
    met = [1.0, 0.0, 0.0, 0.0]
    war = [(1 - h) * g for h, g in zip(holds, met, strict=True)]
    collapse = [(1 - h) * (1 - g) for h, g in zip(holds, met, strict=True)]
    own = [t * (40 + 30 * 0.5), t * (40 + 30), 0.0, 0.0]
    expected = [-(o + 500 * u + 800 * c) for o, u, c in zip(own, war, collapse, strict=True)]
    np.testing.assert_allclose(w.japan[:, 0], expected, rtol=1e-6)  # mu0, tau0 rounded to 6 digits
    # Korea knows: deterrence holds only in BB (90 >= 80), collapse elsewhere.
    np.testing.assert_allclose(w.korea[:, 0], [-(t * (20 + 10 * 0.5)), -450, -(t * 30 + 450), -450])
    # The truth is untouched: outcomes and burdens are the complete-information ones.
    np.testing.assert_array_equal(w.holds[:, 0], [True, False, False, False])
    assert w.burden[0, 3, 4, 0] == 800.0
    assert w.perception.holds[0, 0, 0] == pytest.approx(holds[0], rel=1e-6)


# ------------------------------------------------------------ limits and properties


def test_large_spreads_converge_to_prior_only_beliefs() -> None:
    """As Japan's spread grows its payoffs approach those of a partner that knows only the
    background prior of China's resolve (its intelligence tells it nothing)."""
    mu0, tau0 = LogPrior.of(load_config(BASE).config.game.structural.china_resolve).__dict__.values()
    deterrent = np.array([90.0, 70.0, 50.0, 30.0])
    prior_only_holds = stats.norm.cdf((np.log(deterrent) - mu0) / tau0)
    gaps = []
    for spread in (0.3, 1.0, 3.0, 5.0):
        config, draws = one_world(**{"game.structural.beliefs.japan.resolve_spread": spread})
        gaps.append(np.max(np.abs(structural_worlds(config, draws, 1).perception.holds[0, :, 0] - prior_only_holds)))
    assert all(later < earlier for earlier, later in zip(gaps, gaps[1:], strict=False))
    assert gaps[-1] < 0.01 * gaps[0]


worlds = st.fixed_dictionaries(
    {
        "cost": st.floats(5.0, 120.0),
        "retaliation": st.floats(5.0, 120.0),
        "war": st.floats(100.0, 800.0),
        "collapse": st.floats(100.0, 1600.0),
        "resolve": st.floats(40.0, 200.0),
        "threshold": st.floats(20.0, 200.0),
        "spread": st.floats(0.05, 1.5),
        "ambiguity": st.floats(0.0, 1.5),
    }
)


def japan_gains(world: dict, **beliefs) -> np.ndarray:
    config, draws = one_world(
        **{
            "game.structural.japan.balancing_cost": world["cost"],
            "game.structural.japan.retaliation": world["retaliation"],
            "game.structural.japan.war_loss": world["war"],
            "game.structural.japan.collapse_loss": world["collapse"],
            "game.structural.china_resolve": world["resolve"],
            "game.structural.us.offshore_balancing.threshold": world["threshold"],
            "game.structural.beliefs.japan.resolve_spread": world["spread"],
            "game.structural.us.offshore_balancing.ambiguity": world["ambiguity"],
            **{f"game.structural.beliefs.japan.{k}": v for k, v in beliefs.items()},
        }
    )
    w = structural_worlds(config, draws, 1)
    return best_response_gains(w.japan, w.korea)[:2, 0], w


@settings(max_examples=40, deadline=None)
@given(world=worlds, low=st.floats(0.3, 2.0), step=st.floats(0.01, 2.0))
def test_a_larger_perceived_stake_never_lowers_the_gain_from_balancing(world, low, step) -> None:
    """Japan's gains from B (against Korea's B and against its P) never fall when Japan
    perceives a larger loss from a collapse: balancing never raises the perceived chance
    of collapse, since the deterrent and the counted contribution only grow with it."""
    before, _ = japan_gains(world, collapse_loss_bias=low)
    after, _ = japan_gains(world, collapse_loss_bias=low + step)
    assert np.all(after >= before - 1e-9 * np.abs(before).max())


@settings(max_examples=40, deadline=None)
@given(world=worlds, low=st.floats(0.3, 2.0), step=st.floats(0.01, 1.0))
def test_perceived_chances_fall_as_china_looks_more_resolute(world, low, step) -> None:
    _, before = japan_gains(world, resolve_bias=low)
    _, after = japan_gains(world, resolve_bias=low + step)
    assert np.all(after.perception.holds[0] <= before.perception.holds[0])
    # More capability never lowers the perceived chance that deterrence holds.
    holds = before.perception.holds[0, :, 0]
    assert holds[0] >= holds[1] >= holds[3] and holds[0] >= holds[2] >= holds[3]


@settings(max_examples=40, deadline=None)
@given(world=worlds, low=st.floats(0.3, 1.5), step=st.floats(0.01, 1.0))
def test_a_more_resolute_china_raises_the_gain_when_balancing_can_matter(world, low, step) -> None:
    """The property that holds: if Japan still thinks deterrence more likely than not when
    it balances alone or with Korea's help missing (h >= 1/2 in BP against PP, in BB against
    PB, at the higher bias) and a war with the US in costs it no more than a collapse, then
    a more resolute China never lowers its gain from balancing. Without these conditions it
    can: see the next test."""
    before, _ = japan_gains(world, resolve_bias=low)
    after, w = japan_gains(world, resolve_bias=low + step)
    holds = w.perception.holds[0, :, 0]
    stake_ok = world["war"] <= world["collapse"]
    for gain, passing in ((0, 2), (1, 3)):  # a: BB vs PB; b: BP vs PP
        if stake_ok and holds[passing] >= 0.5:
            assert after[gain] >= before[gain] - 1e-9 * max(abs(before[gain]), 1.0)


def test_a_more_resolute_china_can_make_balancing_pointless() -> None:
    """Unconditional monotonicity fails, and the model says so: once China looks so resolute
    that Japan's outlay barely moves the odds, balancing stops paying."""
    world = {
        "cost": 60.0,
        "retaliation": 5.0,
        "war": 500.0,
        "collapse": 800.0,
        "resolve": 80.0,
        "threshold": 500.0,
        "spread": 0.3,
        "ambiguity": 0.0,
    }
    gains = [japan_gains(world, resolve_bias=b)[0][1] for b in (1.0, 3.0)]  # against Korea's P
    assert gains[0] > 0 > gains[1]


def test_miscalculation_is_the_argmax_rule() -> None:
    """The branch-free most-likely outcome equals numpy's argmax (first maximum on ties)."""
    from model.beliefs import Perception, miscalculation

    rng = np.random.default_rng(5)
    n = 4000
    raw = rng.integers(0, 3, size=(2, 3, 4, n)).astype(float)  # many exact ties
    raw /= np.maximum(raw.sum(axis=1, keepdims=True), 1.0)
    perception = Perception(holds=raw[:, 0], intervenes=raw[:, 1], collapses=raw[:, 2])
    truth = rng.integers(0, 3, size=(4, n)).astype(np.int8)
    weights = rng.dirichlet(np.ones(4), size=n).T
    expected = np.einsum("ipn,pn->in", (np.argmax(raw, axis=1) != truth).astype(float), weights)
    np.testing.assert_array_equal(miscalculation(perception, truth, weights), expected)


def test_true_outcome_indexes_the_exclusive_outcomes() -> None:
    from model.beliefs import true_outcome

    rng = np.random.default_rng(9)
    holds = rng.random((4, 5000)) < 0.3
    intervenes = ~holds & (rng.random((4, 5000)) < 0.5)
    expected = np.where(holds, 0, np.where(intervenes, 1, 2))
    np.testing.assert_array_equal(true_outcome(holds, intervenes), expected)


def test_a_vanishing_spread_is_a_point_belief() -> None:
    """A spread so small that the belief's log-sd underflows behaves as no spread at all,
    including on the exact tie, instead of producing NaN."""
    prior = LogPrior(math.log(90.0), 0.3)
    outlay = np.array([[20.0, 10.0, 0.0]])
    base = np.array([80.0, 80.0, 80.0])
    value = np.array([100.0, 100.0, 100.0])  # the first world sits exactly on the threshold
    tiny = np.full(3, 1e-310)
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # no warning escapes
        got = reach_probability(outlay, base, value, np.ones(3), tiny, prior)
    np.testing.assert_array_equal(got, [[1.0, 0.0, 0.0]])
