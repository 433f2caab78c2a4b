"""Tests for model.selection: equilibrium-selection rules."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings

from model import selection
from model.equilibria import solve_2x2
from model.selection import RULES, play_probabilities

try:
    from tests.property import ORDINAL_TABLES, PAPER_JAPAN, PAPER_KOREA, games
except ModuleNotFoundError:  # pytest's default rootdir-relative import of tests/
    from property import ORDINAL_TABLES, PAPER_JAPAN, PAPER_KOREA, games

STAG_HUNT_JAPAN = np.array([[4.0, 0.0], [3.0, 3.0]])
STAG_HUNT_KOREA = np.array([[4.0, 3.0], [0.0, 3.0]])


def profile_vector(profile: str) -> np.ndarray:
    """Point mass (2, 2) on a profile such as "BP"."""
    out = np.zeros((2, 2))
    out["BP".index(profile[0]), "BP".index(profile[1])] = 1.0
    return out


def product_play(p: float, q: float) -> np.ndarray:
    """Profile probabilities (2, 2) when Japan plays B w.p. p and Korea B w.p. q."""
    return np.outer([p, 1.0 - p], [q, 1.0 - q])


@pytest.fixture(scope="module")
def game_pool():
    """Games with many ties (payoffs in {0, 1, 2}), strict ordinal and continuous games."""
    values = np.indices((3,) * 8).reshape(8, -1).T.astype(float)
    tie_japan, tie_korea = values[:, :4].reshape(-1, 2, 2), values[:, 4:].reshape(-1, 2, 2)
    pairs = np.array(list(itertools.product(range(24), repeat=2)))
    rng = np.random.default_rng(99)
    japan = np.concatenate([tie_japan, ORDINAL_TABLES[pairs[:, 0]], rng.normal(size=(3000, 2, 2))])
    korea = np.concatenate([tie_korea, ORDINAL_TABLES[pairs[:, 1]], rng.normal(size=(3000, 2, 2))])
    return japan, korea, solve_2x2(japan, korea)


# --------------------------------------------------------------------------------------
# Invariants of every rule
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", RULES)
def test_probabilities_are_distributions(game_pool, rule):
    japan, korea, solution = game_pool
    play = play_probabilities(japan, korea, solution, rule)
    assert play.shape == japan.shape and play.dtype == np.float64
    assert (play >= 0.0).all()
    np.testing.assert_allclose(play.sum(axis=(1, 2)), 1.0, rtol=0, atol=1e-12)


@pytest.mark.parametrize("rule", RULES)
def test_play_is_a_mixture_of_equilibria(game_pool, rule):
    """play = sum of weights * (point masses on pure equilibria, isolated mixed one)."""
    japan, korea, solution = game_pool
    play = play_probabilities(japan, korea, solution, rule).reshape(-1, 4)
    pure = solution.pure.reshape(-1, 4)
    isolated = solution.isolated_mixed

    # Without an isolated mixed equilibrium only pure equilibria may be played.
    assert (play[~isolated][~pure[~isolated]] == 0.0).all()

    # With one, there are exactly two or zero pure equilibria, so some profile is not
    # an equilibrium; its probability identifies the weight of the mixed equilibrium.
    idx = np.flatnonzero(isolated)
    outer = np.stack(
        [product_play(p, q).ravel() for p, q in zip(solution.japan_b[idx], solution.korea_b[idx], strict=True)]
    )
    non_equilibrium = (~pure[idx]).argmax(axis=1)
    assert (~pure[idx][np.arange(len(idx)), non_equilibrium]).all()
    denominator = outer[np.arange(len(idx)), non_equilibrium]
    ok = denominator > 1e-6  # skip mixtures that round to almost-pure
    weight = play[idx, non_equilibrium][ok] / denominator[ok]
    assert ((weight >= -1e-12) & (weight <= 1.0 + 1e-12)).all()
    residual = play[idx][ok] - weight[:, None] * outer[ok]
    assert (residual >= -1e-12).all()
    np.testing.assert_allclose(residual[~pure[idx][ok]], 0.0, atol=1e-12)


def test_all_rules_agree_where_the_equilibrium_is_unique(game_pool):
    japan, korea, solution = game_pool
    n_candidates = solution.pure.sum(axis=(1, 2)) + solution.isolated_mixed
    unique = (n_candidates == 1) & ~solution.degenerate
    assert unique.sum() > 1000
    # The unique equilibrium as a distribution.
    expected = solution.pure.astype(float)
    only_mixed = unique & solution.isolated_mixed
    for n in np.flatnonzero(only_mixed):
        expected[n] = product_play(solution.japan_b[n], solution.korea_b[n])
    assert only_mixed.any() and (unique & ~only_mixed).any()
    for rule in RULES:
        play = play_probabilities(japan, korea, solution, rule)
        np.testing.assert_allclose(play[unique], expected[unique], rtol=0, atol=1e-12)


@pytest.mark.parametrize("rule", RULES)
def test_paper_table_plays_pp_under_every_rule(rule):
    play = play_probabilities(PAPER_JAPAN, PAPER_KOREA, solve_2x2(PAPER_JAPAN, PAPER_KOREA), rule)
    np.testing.assert_array_equal(play, profile_vector("PP"))


# --------------------------------------------------------------------------------------
# Hand-computed examples
# --------------------------------------------------------------------------------------


def test_risk_dominance_in_a_stag_hunt_where_passing_is_safer():
    # Nash products: BB: (4 - 3) * (4 - 3) = 1; PP: (3 - 0) * (3 - 0) = 9 -> PP.
    s = solve_2x2(STAG_HUNT_JAPAN, STAG_HUNT_KOREA)
    play = play_probabilities(STAG_HUNT_JAPAN, STAG_HUNT_KOREA, s, "risk_dominance")
    np.testing.assert_array_equal(play, profile_vector("PP"))


def test_risk_dominance_in_a_stag_hunt_where_balancing_is_safer():
    # Japan: BB 5, BP 0, PB 1, PP 2; Korea mirrored. BB: (5 - 1)(5 - 1) = 16,
    # PP: (2 - 0)(2 - 0) = 4 -> BB.
    japan = np.array([[5.0, 0.0], [1.0, 2.0]])
    korea = japan.T.copy()
    play = play_probabilities(japan, korea, solve_2x2(japan, korea), "risk_dominance")
    np.testing.assert_array_equal(play, profile_vector("BB"))


def test_risk_dominance_asymmetric_losses():
    # Japan: a = 5 - 1 = 4, b = 0 - 2 = -2; Korea: c = 1 - 0 = 1, d = 0 - 3 = -3.
    # BB: a * c = 4; PP: b * d = 6 -> PP although Japan's own loss favours BB.
    japan = np.array([[5.0, 0.0], [1.0, 2.0]])
    korea = np.array([[1.0, 0.0], [0.0, 3.0]])
    play = play_probabilities(japan, korea, solve_2x2(japan, korea), "risk_dominance")
    np.testing.assert_array_equal(play, profile_vector("PP"))


def test_risk_dominance_ties_split_uniformly():
    # Pure coordination: BB: 1 * 1, PP: (-1) * (-1): equal Nash products.
    japan = np.eye(2)
    korea = np.eye(2)
    play = play_probabilities(japan, korea, solve_2x2(japan, korea), "risk_dominance")
    np.testing.assert_array_equal(play, 0.5 * (profile_vector("BB") + profile_vector("PP")))


def test_payoff_dominance_picks_bb_in_a_stag_hunt():
    s = solve_2x2(STAG_HUNT_JAPAN, STAG_HUNT_KOREA)
    play = play_probabilities(STAG_HUNT_JAPAN, STAG_HUNT_KOREA, s, "payoff_dominance")
    np.testing.assert_array_equal(play, profile_vector("BB"))


def test_payoff_dominance_with_a_weak_pareto_improvement():
    # Chicken-like: Japan a = -1, b = 1; Korea c = -2, d = 1. BP pays (3, 2) and PB
    # (1, 2): BP is weakly better for Korea and strictly for Japan.
    japan = np.array([[0.0, 3.0], [1.0, 2.0]])
    korea = np.array([[0.0, 2.0], [2.0, 1.0]])
    play = play_probabilities(japan, korea, solve_2x2(japan, korea), "payoff_dominance")
    np.testing.assert_array_equal(play, profile_vector("BP"))


def test_payoff_dominance_falls_back_to_risk_dominance_when_not_pareto_ranked():
    # Chicken: Japan a = 0 - 1 = -1, b = 3 - 2 = 1; Korea c = 0 - 1 = -1, d = 4 - 2 = 2.
    # BP pays (3, 1), PB (1, 4): not Pareto-ranked. Nash products: BP -b*c = 1,
    # PB -a*d = 2 -> PB.
    japan = np.array([[0.0, 3.0], [1.0, 2.0]])
    korea = np.array([[0.0, 1.0], [4.0, 2.0]])
    s = solve_2x2(japan, korea)
    for rule in ("payoff_dominance", "risk_dominance"):
        np.testing.assert_array_equal(play_probabilities(japan, korea, s, rule), profile_vector("PB"))
    # Japan's bounds: BP gives it 3, PB 1, the mixed equilibrium q* = 1/2 gives
    # 0.5 * 1 + 0.5 * 2 = 1.5.
    np.testing.assert_array_equal(play_probabilities(japan, korea, s, "japan_best"), profile_vector("BP"))
    np.testing.assert_array_equal(play_probabilities(japan, korea, s, "japan_worst"), profile_vector("PB"))


def test_mixed_and_uniform_rules_in_a_stag_hunt():
    # Mixed equilibrium: q* = b / (b - a) = -3 / (-3 - 1) = 3/4, p* likewise 3/4.
    s = solve_2x2(STAG_HUNT_JAPAN, STAG_HUNT_KOREA)
    mixed = product_play(0.75, 0.75)
    np.testing.assert_allclose(play_probabilities(STAG_HUNT_JAPAN, STAG_HUNT_KOREA, s, "mixed"), mixed, atol=1e-15)
    uniform = (profile_vector("BB") + profile_vector("PP") + mixed) / 3.0
    np.testing.assert_allclose(play_probabilities(STAG_HUNT_JAPAN, STAG_HUNT_KOREA, s, "uniform"), uniform, atol=1e-15)


def test_japan_bounds_split_exact_ties():
    # In the Stag Hunt Japan's P pays 3 whatever Korea does, so PP and the mixed
    # equilibrium both give Japan 3 (its worst); BB gives 4 (its best).
    s = solve_2x2(STAG_HUNT_JAPAN, STAG_HUNT_KOREA)
    best = play_probabilities(STAG_HUNT_JAPAN, STAG_HUNT_KOREA, s, "japan_best")
    worst = play_probabilities(STAG_HUNT_JAPAN, STAG_HUNT_KOREA, s, "japan_worst")
    np.testing.assert_array_equal(best, profile_vector("BB"))
    expected_worst = 0.5 * profile_vector("PP") + 0.5 * product_play(0.75, 0.75)
    np.testing.assert_allclose(worst, expected_worst, atol=1e-15)


def test_degenerate_game_chooses_among_pure_equilibria():
    # Japan indifferent everywhere, Korea coordinates: pure {BB, PP} plus a continuum.
    japan = np.ones((2, 2))
    korea = np.array([[2.0, 0.0], [0.0, 1.0]])
    s = solve_2x2(japan, korea)
    assert s.degenerate
    half = 0.5 * (profile_vector("BB") + profile_vector("PP"))
    for rule in ("mixed", "uniform", "japan_best", "japan_worst", "risk_dominance"):
        # Nash products are 0 * 2 and 0 * 1: a tie, like Japan's payoffs.
        np.testing.assert_array_equal(play_probabilities(japan, korea, s, rule), half)
    # BB pays (1, 2) and PP (1, 1): BB Pareto-dominates.
    np.testing.assert_array_equal(play_probabilities(japan, korea, s, "payoff_dominance"), profile_vector("BB"))


def test_game_without_pure_equilibrium_plays_the_mixed_one():
    japan = np.array([[1.0, -1.0], [-1.0, 1.0]])
    korea = -japan
    s = solve_2x2(japan, korea)
    for rule in RULES:
        np.testing.assert_allclose(play_probabilities(japan, korea, s, rule), np.full((2, 2), 0.25), atol=1e-15)


# --------------------------------------------------------------------------------------
# Properties and validation
# --------------------------------------------------------------------------------------


def japan_value(japan: np.ndarray, play: np.ndarray) -> np.ndarray:
    return (japan * play).sum(axis=(-2, -1))


@settings(max_examples=80, deadline=None)
@given(games(max_worlds=10))
def test_japan_best_is_at_least_japan_worst(game):
    japan, korea = game
    s = solve_2x2(japan, korea)
    best = japan_value(japan, play_probabilities(japan, korea, s, "japan_best"))
    worst = japan_value(japan, play_probabilities(japan, korea, s, "japan_worst"))
    scale = np.abs(japan).max(axis=(-2, -1)) + 1.0
    assert (best >= worst - 1e-12 * scale).all()
    for rule in RULES:
        value = japan_value(japan, play_probabilities(japan, korea, s, rule))
        assert (value <= best + 1e-12 * scale).all()
        assert (value >= worst - 1e-12 * scale).all()


@settings(max_examples=60, deadline=None)
@given(games(max_worlds=10))
def test_rules_are_vectorised_consistently(game):
    japan, korea = game
    s = solve_2x2(japan, korea)
    for rule in RULES:
        batch = play_probabilities(japan, korea, s, rule)
        for n in range(len(japan)):
            single = play_probabilities(japan[n], korea[n], solve_2x2(japan[n], korea[n]), rule)
            np.testing.assert_array_equal(single, batch[n])


def test_leading_shape_is_preserved():
    rng = np.random.default_rng(5)
    japan, korea = rng.normal(size=(2, 3, 4, 2, 2))
    s = solve_2x2(japan, korea)
    play = play_probabilities(japan, korea, s, "uniform")
    assert play.shape == (3, 4, 2, 2)
    flat = play_probabilities(
        japan.reshape(12, 2, 2),
        korea.reshape(12, 2, 2),
        solve_2x2(japan.reshape(12, 2, 2), korea.reshape(12, 2, 2)),
        "uniform",
    )
    np.testing.assert_array_equal(play.reshape(12, 2, 2), flat)


def test_payoff_dominance_matches_the_pairwise_definition(game_pool):
    japan, korea, solution = game_pool
    uj, uk = japan.reshape(-1, 4), korea.reshape(-1, 4)
    pure = solution.pure.reshape(-1, 4)
    # dominates[n, e, f]: e is weakly better for both and strictly for one.
    ej, fj = uj[:, :, None], uj[:, None, :]
    ek, fk = uk[:, :, None], uk[:, None, :]
    dominates = (ej >= fj) & (ek >= fk) & ((ej > fj) | (ek > fk))
    others_pure = pure[:, None, :] & ~np.eye(4, dtype=bool)[None]
    dominant = pure & (dominates | ~others_pure).all(axis=2)
    assert (dominant.sum(axis=1) <= 1).all()
    found = dominant.any(axis=1)
    assert found.sum() > 1000 and (~found).sum() > 100

    play = play_probabilities(japan, korea, solution, "payoff_dominance").reshape(-1, 4)
    risk = play_probabilities(japan, korea, solution, "risk_dominance").reshape(-1, 4)
    np.testing.assert_array_equal(play[found], dominant[found].astype(float))
    np.testing.assert_array_equal(play[~found], risk[~found])


@pytest.mark.parametrize("rule", RULES)
def test_blocking_does_not_change_results(game_pool, rule, monkeypatch):
    japan, korea, solution = game_pool
    whole = play_probabilities(japan, korea, solution, rule)
    monkeypatch.setattr(selection, "_BLOCK", 7)  # many blocks, ragged last one
    np.testing.assert_array_equal(play_probabilities(japan, korea, solution, rule), whole)


def test_default_rule_is_risk_dominance():
    s = solve_2x2(STAG_HUNT_JAPAN, STAG_HUNT_KOREA)
    np.testing.assert_array_equal(
        play_probabilities(STAG_HUNT_JAPAN, STAG_HUNT_KOREA, s),
        play_probabilities(STAG_HUNT_JAPAN, STAG_HUNT_KOREA, s, "risk_dominance"),
    )


@pytest.mark.parametrize("rule", ["risk", "Risk_Dominance", "", "payoff-dominance"])
def test_unknown_rule_raises(rule):
    s = solve_2x2(PAPER_JAPAN, PAPER_KOREA)
    with pytest.raises(ValueError, match="unknown selection rule"):
        play_probabilities(PAPER_JAPAN, PAPER_KOREA, s, rule)


def test_solution_shape_must_match_payoffs():
    s = solve_2x2(np.zeros((3, 2, 2)), np.zeros((3, 2, 2)))
    with pytest.raises(ValueError, match="leading shape"):
        play_probabilities(np.zeros((4, 2, 2)), np.zeros((4, 2, 2)), s)
