"""The signature-based chunk statistics equal a plain per-world reference computation.

The reference below applies the public functions (solve_2x2, play_probabilities,
player_types, analyse_commitment) to every world and sums the results directly; the
engine reads most of them off signature tables. They must agree exactly (counts) or
to rounding (sums), for every selection rule, on games full of ties.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from model.commitment import analyse_commitment
from model.config import load_config
from model.engine import draw_worlds, payoffs_of, risk_dominant_play, summarise
from model.equilibria import equilibrium_set_codes, solve_2x2
from model.gametypes import TYPE_LABELS, player_types
from model.results import discrete_statistics
from model.selection import RULES, play_probabilities
from model.signature import (
    CACHE_FILE,
    as_games,
    best_response_gains,
    build_tables,
    select_bits,
    signatures,
    source_key,
    tables,
    two_pure_codes,
)

ROOT = Path(__file__).resolve().parents[1]
PAPER = ROOT / "configs" / "paper_table.toml"
BASELINE = ROOT / "configs" / "baseline.toml"


def tie_heavy_games(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Profile-major payoff rows (4, n) with small integer values: ties everywhere."""
    rng = np.random.default_rng(seed)
    japan = rng.integers(0, 3, size=(4, n)).astype(float)
    korea = rng.integers(0, 3, size=(4, n)).astype(float)
    # Half the worlds continuous, so both the table and the reference paths are used.
    half = n // 2
    japan[:, :half] += rng.normal(0, 0.7, size=(4, half))
    korea[:, :half] += rng.normal(0, 0.7, size=(4, half))
    return japan, korea


def reference(japan_rows: np.ndarray, korea_rows: np.ndarray, rule: str) -> dict:
    japan, korea = as_games(japan_rows), as_games(korea_rows)
    n = japan.shape[0]
    solution = solve_2x2(japan, korea)
    played = play_probabilities(japan, korea, solution, rule).reshape(n, 4)
    jt, kt = player_types(japan, korea)
    commitment = analyse_commitment(japan, korea)
    j = japan.reshape(n, 4)
    simultaneous = (played * j).sum(axis=1)
    commit_b = (commitment.commit_b_played.reshape(n, 4) * j).sum(axis=1)
    kb_after_p = (korea[:, 1, 0] > korea[:, 1, 1]) + 0.5 * (korea[:, 1, 0] == korea[:, 1, 1])
    commit_p = kb_after_p * j[:, 2] + (1 - kb_after_p) * j[:, 3]
    types = len(TYPE_LABELS)
    return {
        "pure": solution.pure.reshape(n, 4).sum(axis=0),
        "eq_set": np.bincount(equilibrium_set_codes(solution), minlength=64),
        "types": np.bincount(jt.astype(int) * types + kt, minlength=types**2).reshape(types, types),
        "played": played.sum(axis=0),
        "played_sq": (played**2).sum(axis=0),
        "korea_b": commitment.korea_b_given_japan_b.sum(),
        "leader": commitment.leader_played.reshape(n, 4).sum(axis=0),
        "commit_gain": (commit_b - simultaneous).sum(),
        "commit_best": np.count_nonzero((commit_b >= simultaneous) & (commit_b >= commit_p)),
        "played_matrix": played,
    }


@pytest.mark.parametrize("rule", RULES)
def test_engine_matches_reference_on_tie_heavy_games(rule: str) -> None:
    japan, korea = tie_heavy_games(20_000, seed=RULES.index(rule))
    config = load_config(PAPER, [f'game.selection="{rule}"']).config
    stats = summarise(config, japan, korea, None)
    derived = discrete_statistics(stats["signature"])
    ref = reference(japan, korea, rule)
    n = japan.shape[1]
    np.testing.assert_array_equal(derived["pure_ne"].counts, ref["pure"])
    np.testing.assert_array_equal(derived["eq_set"].counts, ref["eq_set"])
    np.testing.assert_array_equal(derived["game_type"].counts, ref["types"])
    np.testing.assert_allclose(stats["played"].mean * n, ref["played"], rtol=1e-12, atol=1e-9)
    total, squares = stats["played"].sums()
    np.testing.assert_allclose(squares, ref["played_sq"], rtol=1e-9, atol=1e-6)
    assert derived["korea_b_given_japan_b"].mean * n == pytest.approx(ref["korea_b"])
    np.testing.assert_allclose(derived["leader_played"].mean * n, ref["leader"], rtol=1e-12)
    assert stats["commit_gain"].mean * n == pytest.approx(ref["commit_gain"], rel=1e-9, abs=1e-6)
    assert int(stats["commit_is_best"].counts) == ref["commit_best"]


@pytest.mark.parametrize("rule", ["risk_dominance", "japan_best", "uniform"])
def test_structural_burdens_match_reference(rule: str) -> None:
    loaded = load_config(BASELINE, [f'game.selection="{rule}"', 'policy.financing="ptrl_japan"'])
    draws = draw_worlds(loaded.config, loaded.priors(), 0, 20_000)
    worlds, japan, korea = payoffs_of(loaded.config, draws, 20_000)
    stats = summarise(loaded.config, japan, korea, worlds)
    ref = reference(japan, korea, rule)
    burden = worlds.burden  # (country, profile, component, world)
    expected = np.einsum("np,cpkn->nck", ref["played_matrix"], burden)
    np.testing.assert_allclose(stats["burden"].mean[:, :5], expected.mean(axis=0), rtol=1e-10)
    np.testing.assert_allclose(stats["burden"].mean[:, 5], expected.sum(axis=2).mean(axis=0), rtol=1e-10)
    outcome = np.stack([worlds.holds, worlds.intervenes, worlds.collapses])  # (3, 4, n)
    p_outcome = np.einsum("np,opn->no", ref["played_matrix"], outcome).mean(axis=0)
    np.testing.assert_allclose(stats["outcome"].mean, p_outcome, rtol=1e-10, atol=1e-12)
    for b, bound in enumerate(("japan_best", "japan_worst")):
        bound_ref = reference(japan, korea, bound)["played_matrix"]
        bound_burden = np.einsum("np,cpkn->nck", bound_ref, burden).mean(axis=0)
        np.testing.assert_allclose(stats["burden_bounds"].mean[b, :, :5], bound_burden, rtol=1e-9)


def test_shipped_tables_are_current() -> None:
    """The cached tables are for this code, so no process rebuilds them, and equal a
    fresh build (regenerate with `python -m model.signature`)."""
    with np.load(CACHE_FILE, allow_pickle=False) as cache:
        assert str(cache["source_key"]) == source_key(), "stale signature tables: run python -m model.signature"
    shipped, fresh = tables(), build_tables()
    for rule in RULES:
        np.testing.assert_array_equal(shipped.determined[rule], fresh.determined[rule])
        np.testing.assert_array_equal(shipped.played[rule], fresh.played[rule])
    for name in ("pure", "eq_set", "japan_type", "korea_type", "commit_played", "leader_played"):
        np.testing.assert_array_equal(getattr(shipped, name), getattr(fresh, name))


def test_risk_dominant_closed_form_matches_reference_selection() -> None:
    """Games with two strict pure equilibria, small integers so that Nash products tie."""
    rng = np.random.default_rng(7)
    japan = rng.integers(-3, 4, size=(4, 200_000)).astype(float)
    korea = rng.integers(-3, 4, size=(4, 200_000)).astype(float)
    gains = best_response_gains(japan, korea)
    a, b, c, d = np.sign(gains)
    two = np.flatnonzero((a == c) & (b == d) & (a == -b) & (a != 0))
    games = as_games(japan[:, two]), as_games(korea[:, two])
    expected = play_probabilities(*games, solve_2x2(*games), "risk_dominance").reshape(-1, 4).T
    np.testing.assert_array_equal(risk_dominant_play(gains[:, two]), expected)
    assert np.any(expected == 0.5) and np.any(expected[1] == 1.0) and np.any(expected[0] == 1.0)


def test_two_pure_codes_mark_exactly_the_games_with_two_strict_equilibria() -> None:
    japan, korea = tie_heavy_games(50_000, seed=11)
    code, _ = signatures(japan, korea)
    solution = solve_2x2(as_games(japan), as_games(korea))
    strict = np.all(best_response_gains(japan, korea) != 0, axis=0)
    expected = strict & (solution.pure.reshape(-1, 4).sum(axis=1) == 2)
    np.testing.assert_array_equal(two_pure_codes().take(code), expected)


def test_select_bits_is_where_bit_for_bit() -> None:
    rng = np.random.default_rng(3)
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -1.5])
    x = np.concatenate([rng.normal(size=1000), specials, specials])
    y = np.concatenate([rng.normal(size=1000), specials[::-1], specials])
    condition = rng.random(x.size) < 0.5
    got = select_bits(condition, x, y)
    assert got.view(np.int64).tolist() == np.where(condition, x, y).view(np.int64).tolist()
