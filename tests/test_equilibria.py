"""Tests for model.equilibria: the exact, vectorised 2x2 Nash-equilibrium solver."""

from __future__ import annotations

import itertools
import warnings
from fractions import Fraction

import nashpy
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from model import equilibria
from model.equilibria import (
    PROFILES,
    SET_BITS,
    Solution,
    equilibrium_set_codes,
    equilibrium_set_label,
    solve_2x2,
)

try:
    from tests.property import (
        ORDINAL_TABLES,
        PAPER_JAPAN,
        PAPER_KOREA,
        continuous_values,
        game_pairs,
        games,
        tie_prone_values,
    )
except ModuleNotFoundError:  # pytest's default rootdir-relative import of tests/
    from property import (
        ORDINAL_TABLES,
        PAPER_JAPAN,
        PAPER_KOREA,
        continuous_values,
        game_pairs,
        games,
        tie_prone_values,
    )


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def nashpy_equilibria(japan: np.ndarray, korea: np.ndarray) -> tuple[np.ndarray, list]:
    """Pure equilibria (2, 2) and completely mixed equilibria [(p, q)] found by nashpy."""
    with warnings.catch_warnings():
        # nashpy warns on an even number of equilibria (degenerate games).
        warnings.simplefilter("ignore", RuntimeWarning)
        found = list(nashpy.Game(japan, korea).support_enumeration())
    pure = np.zeros((2, 2), dtype=bool)
    mixed = []
    for row, col in found:
        support_sizes = (int((row > 0).sum()), int((col > 0).sum()))
        if support_sizes == (1, 1):
            pure[int(row.argmax()), int(col.argmax())] = True
        elif support_sizes == (2, 2):
            mixed.append((float(row[0]), float(col[0])))
        else:  # pragma: no cover - nashpy only returns equal-size supports in 2x2 games
            raise AssertionError(f"unexpected support sizes {support_sizes}")
    return pure, mixed


def is_nash(japan: np.ndarray, korea: np.ndarray, p: Fraction, q: Fraction) -> bool:
    """Exact check that (Japan B w.p. p, Korea B w.p. q) is a Nash equilibrium.

    Payoffs are converted to Fractions exactly (every float is a dyadic rational), so
    the expected-payoff comparisons have no rounding.
    """
    j = [[Fraction(float(x)) for x in row] for row in japan]
    k = [[Fraction(float(x)) for x in row] for row in korea]
    p, q = Fraction(p), Fraction(q)
    japan_b = q * j[0][0] + (1 - q) * j[0][1]
    japan_p = q * j[1][0] + (1 - q) * j[1][1]
    korea_b = p * k[0][0] + (1 - p) * k[1][0]
    korea_p = p * k[0][1] + (1 - p) * k[1][1]
    japan_ok = (p == 0 or japan_b >= japan_p) and (p == 1 or japan_p >= japan_b)
    korea_ok = (q == 0 or korea_b >= korea_p) and (q == 1 or korea_p >= korea_b)
    return japan_ok and korea_ok


GRID = 60  # probabilities i / 60; 60 is divisible by 1, 2, 3 and 4


def brute_force_reference(japan: np.ndarray, korea: np.ndarray) -> dict[str, np.ndarray]:
    """Exact equilibrium sets of integer games with payoffs in {0, 1, 2}, on a grid.

    Every profile (p, q) = (i / 60, k / 60) is checked against the definition of a Nash
    equilibrium with integer arithmetic (expected payoffs multiplied by 60).

    Why this is exact for payoffs in {0, 1, 2}: every payoff difference lies in
    {-2, ..., 2}, so every point where a player's best response changes (q = b / (b - a)
    for Japan, p = d / (d - c) for Korea) has a denominator in {1, 2, 3, 4}, which
    divides 60: all breakpoints are grid values. Each player's best-response graph is
    then a finite union of axis-parallel rectangles (possibly segments or points) with
    grid corners, and so is the equilibrium set, their intersection. Hence
    * every pure profile is a grid corner, and an isolated mixed equilibrium, being a
      breakpoint in both coordinates, is a grid point;
    * if two axis-adjacent grid points (p1, q), (p2, q) are both equilibria, Japan uses
      two different p against q, so it is indifferent at q and any p is a best
      response; and q is Korea's best response at p1 and at p2, hence at every p in
      between (Korea's gain from B is affine in p). The whole segment is an
      equilibrium: the set is infinite. Symmetrically for vertical neighbours;
    * conversely, an infinite equilibrium set contains a rectangle of positive size
      with grid corners, hence two axis-adjacent grid points.
    So "continuum iff two axis-adjacent grid equilibria" is exact, and an interior grid
    equilibrium of a finite equilibrium set is the isolated mixed equilibrium.

    Parameters
    ----------
    japan, korea : ndarray of int64, shape (n, 2, 2)

    Returns
    -------
    dict with ``pure`` bool (n, 2, 2), ``mixed`` bool (n,), ``continuum`` bool (n,),
    ``p_index``, ``q_index`` int (n,) (grid index of the isolated mixed equilibrium,
    -1 if none) and ``count`` int (n,) (number of equilibrium grid points).
    """
    t = np.arange(GRID + 1)
    # 60 x expected payoff of each pure strategy against the opponent's grid mixture.
    # Japan against Korea playing B with probability k / 60 (axis: k).
    japan_b = japan[:, 0, 0, None] * t + japan[:, 0, 1, None] * (GRID - t)
    japan_p = japan[:, 1, 0, None] * t + japan[:, 1, 1, None] * (GRID - t)
    # Korea against Japan playing B with probability i / 60 (axis: i).
    korea_b = korea[:, 0, 0, None] * t + korea[:, 1, 0, None] * (GRID - t)
    korea_p = korea[:, 0, 1, None] * t + korea[:, 1, 1, None] * (GRID - t)

    i = t[None, :, None]  # Japan's probability index, axis 1
    k = t[None, None, :]  # Korea's probability index, axis 2
    japan_ok = ((i == 0) | (japan_b >= japan_p)[:, None, :]) & ((i == GRID) | (japan_p >= japan_b)[:, None, :])
    korea_ok = ((k == 0) | (korea_b >= korea_p)[:, :, None]) & ((k == GRID) | (korea_p >= korea_b)[:, :, None])
    ne = japan_ok & korea_ok  # (n, 61, 61), axes (i, k)

    # Pure profile (r, c): Japan plays B iff r == 0, i.e. i = GRID * (1 - r).
    pure = np.empty((len(japan), 2, 2), dtype=bool)
    for r, c in itertools.product(range(2), repeat=2):
        pure[:, r, c] = ne[:, GRID * (1 - r), GRID * (1 - c)]
    continuum = (ne[:, 1:, :] & ne[:, :-1, :]).any(axis=(1, 2)) | (ne[:, :, 1:] & ne[:, :, :-1]).any(axis=(1, 2))
    interior = ne[:, 1:-1, 1:-1]
    mixed = interior.any(axis=(1, 2))
    isolated = mixed & ~continuum
    flat = interior.reshape(len(japan), -1).argmax(axis=1)
    p_index = np.where(isolated, flat // (GRID - 1) + 1, -1)
    q_index = np.where(isolated, flat % (GRID - 1) + 1, -1)
    return {
        "pure": pure,
        "mixed": mixed,
        "continuum": continuum,
        "isolated_count": np.where(isolated, interior.sum(axis=(1, 2)), 0),
        "p_index": p_index,
        "q_index": q_index,
        "count": ne.sum(axis=(1, 2)),
    }


def all_small_integer_games() -> tuple[np.ndarray, np.ndarray]:
    """All 3**8 = 6561 games with payoffs in {0, 1, 2}, as int64 (n, 2, 2) pairs."""
    values = np.indices((3,) * 8).reshape(8, -1).T
    return values[:, :4].reshape(-1, 2, 2), values[:, 4:].reshape(-1, 2, 2)


def element(solution: Solution, index) -> Solution:
    """The solution of one game (or sub-array) of a vectorised solution."""
    return Solution(
        pure=solution.pure[index],
        mixed=solution.mixed[index],
        japan_b=solution.japan_b[index],
        korea_b=solution.korea_b[index],
        degenerate=solution.degenerate[index],
    )


# --------------------------------------------------------------------------------------
# The paper's table and textbook games
# --------------------------------------------------------------------------------------


def test_paper_table_is_a_prisoners_dilemma_with_equilibrium_pp():
    s = solve_2x2(PAPER_JAPAN, PAPER_KOREA)
    assert s.pure.shape == (2, 2)
    assert s.pure.tolist() == [[False, False], [False, True]]
    assert not s.mixed
    assert not s.degenerate
    assert np.isnan(s.japan_b) and np.isnan(s.korea_b)
    assert equilibrium_set_label(int(equilibrium_set_codes(s))) == "{PP}"


@pytest.mark.parametrize(
    ("japan", "korea", "label", "p", "q"),
    [
        # Stag Hunt: a = 4 - 3 = 1, b = 0 - 3 = -3 -> q* = -3 / (-3 - 1) = 3/4; same for p.
        ([[4, 0], [3, 3]], [[4, 3], [0, 3]], "{BB, PP, mixed}", 0.75, 0.75),
        # Chicken: a = 0 - 1 = -1, b = 3 - 2 = 1 -> q* = 1 / (1 + 1) = 1/2.
        ([[0, 3], [1, 2]], [[0, 1], [3, 2]], "{BP, PB, mixed}", 0.5, 0.5),
        # Matching pennies, Japan matches: a = 2, b = -2 -> q* = 1/2; Korea:
        # c = -1 - 1 = -2, d = 1 - (-1) = 2 -> p* = 2 / (2 + 2) = 1/2.
        ([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], "{mixed}", 0.5, 0.5),
        # Asymmetric mixed equilibrium: a = 3, b = -1 -> q* = -1 / (-1 - 3) = 1/4;
        # c = -1, d = 2 -> p* = 2 / (2 + 1) = 2/3.
        ([[3, 0], [0, 1]], [[0, 1], [2, 0]], "{mixed}", 2 / 3, 0.25),
        # Harmony for both: B strictly dominant.
        ([[4, 3], [2, 1]], [[4, 2], [3, 1]], "{BB}", np.nan, np.nan),
    ],
)
def test_textbook_games(japan, korea, label, p, q):
    s = solve_2x2(np.array(japan, float), np.array(korea, float))
    assert equilibrium_set_label(int(equilibrium_set_codes(s))) == label
    assert not s.degenerate
    np.testing.assert_allclose(s.japan_b, p, rtol=1e-15, atol=0)
    np.testing.assert_allclose(s.korea_b, q, rtol=1e-15, atol=0)
    if np.isfinite(p):  # the floats round the rationals p*, q*: check those exactly
        p_exact = Fraction(float(s.japan_b)).limit_denominator(100)
        q_exact = Fraction(float(s.korea_b)).limit_denominator(100)
        assert is_nash(np.array(japan, float), np.array(korea, float), p_exact, q_exact)
        assert not is_nash(np.array(japan, float), np.array(korea, float), p_exact + Fraction(1, 100), q_exact)


def test_weak_equilibria_are_reported_and_flagged():
    # Japan indifferent everywhere (a = b = 0); Korea coordinates (c = 2, d = -1).
    japan = np.ones((2, 2))
    korea = np.array([[2.0, 0.0], [0.0, 1.0]])
    s = solve_2x2(japan, korea)
    assert s.pure.tolist() == [[True, False], [False, True]]
    assert s.mixed and s.degenerate
    assert np.isnan(s.japan_b) and np.isnan(s.korea_b)
    code = int(equilibrium_set_codes(s))
    assert equilibrium_set_label(code) == "{BB, PP, mixed, continuum}"


def test_all_zero_game_is_everything():
    s = solve_2x2(np.zeros((2, 2)), np.zeros((2, 2)))
    assert s.pure.all() and s.mixed and s.degenerate


# --------------------------------------------------------------------------------------
# Agreement with nashpy on non-degenerate games
# --------------------------------------------------------------------------------------


def assert_matches_nashpy(japan: np.ndarray, korea: np.ndarray, solution: Solution) -> None:
    for n in range(len(japan)):
        pure, mixed = nashpy_equilibria(japan[n], korea[n])
        np.testing.assert_array_equal(solution.pure[n], pure, err_msg=f"game {n}")
        assert bool(solution.mixed[n]) == bool(mixed), f"game {n}"
        assert not solution.degenerate[n], f"game {n}"
        if mixed:
            assert len(mixed) == 1
            np.testing.assert_allclose((solution.japan_b[n], solution.korea_b[n]), mixed[0], rtol=1e-9, atol=1e-12)
        else:
            assert np.isnan(solution.japan_b[n]) and np.isnan(solution.korea_b[n])


def test_all_576_strict_ordinal_games_match_nashpy():
    first, second = np.meshgrid(np.arange(24), np.arange(24), indexing="ij")
    japan = ORDINAL_TABLES[first.ravel()]
    korea = ORDINAL_TABLES[second.ravel()]
    assert len(japan) == 576
    solution = solve_2x2(japan, korea)
    assert_matches_nashpy(japan, korea, solution)
    # Sanity on the whole family: strict ordinal games never have a continuum and
    # always have 1 pure, 2 pure + mixed, or only the mixed equilibrium.
    n_pure = solution.pure.sum(axis=(1, 2))
    kinds = set(zip(n_pure.tolist(), solution.mixed.tolist(), strict=True))
    assert kinds == {(1, False), (2, True), (0, True)}


def test_random_continuous_games_match_nashpy():
    rng = np.random.default_rng(20251127)
    japan = rng.normal(size=(2000, 2, 2))
    korea = rng.standard_t(df=3, size=(2000, 2, 2)) * 10.0
    solution = solve_2x2(japan, korea)
    assert solution.mixed.sum() > 100  # the comparison exercises mixed equilibria
    assert_matches_nashpy(japan, korea, solution)


# --------------------------------------------------------------------------------------
# Ties: exact brute-force reference
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_integer_games():
    japan, korea = all_small_integer_games()
    return japan, korea, brute_force_reference(japan, korea)


def test_brute_force_reference_is_sound(small_integer_games):
    japan, korea, ref = small_integer_games
    assert len(japan) == 3**8
    assert (ref["count"] > 0).all()  # Nash: every game has an equilibrium
    # An isolated mixed equilibrium is the single interior equilibrium grid point.
    assert (ref["isolated_count"][ref["mixed"] & ~ref["continuum"]] == 1).all()
    # Finite sets have at most 4 pure + 1 mixed points.
    assert (ref["count"][~ref["continuum"]] <= 5).all()
    # The reference sees both ties and non-trivial structure.
    assert ref["continuum"].any() and (ref["mixed"] & ~ref["continuum"]).any()


def test_solver_matches_exact_reference_on_all_games_with_payoffs_0_1_2(small_integer_games):
    japan, korea, ref = small_integer_games
    s = solve_2x2(japan.astype(float), korea.astype(float))
    np.testing.assert_array_equal(s.pure, ref["pure"])
    np.testing.assert_array_equal(s.degenerate, ref["continuum"])
    np.testing.assert_array_equal(s.mixed, ref["mixed"])
    isolated = ref["p_index"] >= 0
    np.testing.assert_array_equal(s.isolated_mixed, isolated)
    # Both are correctly rounded values of the same rational number: exactly equal.
    np.testing.assert_array_equal(s.japan_b[isolated], ref["p_index"][isolated] / GRID)
    np.testing.assert_array_equal(s.korea_b[isolated], ref["q_index"][isolated] / GRID)
    assert np.isnan(s.japan_b[~isolated]).all() and np.isnan(s.korea_b[~isolated]).all()


def test_degenerate_games_always_have_a_pure_equilibrium(small_integer_games):
    japan, korea, ref = small_integer_games
    s = solve_2x2(japan.astype(float), korea.astype(float))
    has_pure = s.pure.any(axis=(1, 2))
    assert has_pure[s.degenerate].all()
    assert (has_pure | s.mixed).all()
    # An isolated mixed equilibrium comes with 0 or 2 pure ones, never with a continuum.
    n_pure = s.pure.sum(axis=(1, 2))
    assert set(n_pure[s.isolated_mixed].tolist()) == {0, 2}
    assert not (s.isolated_mixed & s.degenerate).any()


def test_nashpy_loses_the_continuum_that_the_solver_reports():
    """Why exact tie handling matters: nashpy's support enumeration drops equilibria.

    Japan is indifferent everywhere; Korea coordinates. Every (p*, q) with
    p* = d / (d - c) = -1 / (-1 - 2) = 1/3 and any q is an equilibrium, but the
    support-enumeration linear system for Japan is singular, so nashpy skips them.
    """
    japan = np.ones((2, 2))
    korea = np.array([[2.0, 0.0], [0.0, 1.0]])
    nash_pure, nash_mixed = nashpy_equilibria(japan, korea)
    s = solve_2x2(japan, korea)

    # Solver: BB, PP and a continuum of completely mixed equilibria.
    assert s.pure.tolist() == [[True, False], [False, True]]
    assert s.mixed and s.degenerate
    # A completely mixed equilibrium exists, checked from the definition.
    assert is_nash(japan, korea, Fraction(1, 3), Fraction(1, 2))
    assert is_nash(japan, korea, Fraction(1, 3), Fraction(1, 4))
    # nashpy's set is strictly smaller: it finds the pure ones and no mixed one.
    assert (nash_pure <= s.pure).all()
    solver_set = {p for p, flag in zip(PROFILES, s.pure.ravel(), strict=True) if flag} | {"mixed"}
    nashpy_set = {p for p, flag in zip(PROFILES, nash_pure.ravel(), strict=True) if flag}
    nashpy_set |= {"mixed"} if nash_mixed else set()
    assert nashpy_set < solver_set


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(games(max_worlds=8))
def test_vectorised_equals_one_game_at_a_time(game):
    japan, korea = game
    batch = solve_2x2(japan, korea)
    for n in range(len(japan)):
        single = solve_2x2(japan[n], korea[n])
        one = element(batch, n)
        np.testing.assert_array_equal(single.pure, one.pure)
        assert single.mixed == one.mixed and single.degenerate == one.degenerate
        np.testing.assert_array_equal(single.japan_b, one.japan_b)
        np.testing.assert_array_equal(single.korea_b, one.korea_b)


@settings(max_examples=80, deadline=None)
@given(games(max_worlds=8))
def test_swapping_the_players_transposes_the_solution(game):
    japan, korea = game
    s = solve_2x2(japan, korea)
    # Korea as the row player: new_row[r, c] = korea[c, r], new_col[r, c] = japan[c, r].
    t = solve_2x2(np.swapaxes(korea, -1, -2), np.swapaxes(japan, -1, -2))
    np.testing.assert_array_equal(t.pure, np.swapaxes(s.pure, -1, -2))
    np.testing.assert_array_equal(t.mixed, s.mixed)
    np.testing.assert_array_equal(t.degenerate, s.degenerate)
    np.testing.assert_array_equal(t.japan_b, s.korea_b)
    np.testing.assert_array_equal(t.korea_b, s.japan_b)


@settings(max_examples=80, deadline=None)
@given(
    game_pairs(elements=tie_prone_values(-3, 3), max_worlds=8),
    st.lists(st.integers(-5, 5), min_size=4, max_size=4),
)
def test_adding_constants_against_fixed_opponent_strategies_changes_nothing(game, shifts):
    japan, korea = game
    s = solve_2x2(japan, korea)
    japan2 = japan + np.array([shifts[0], shifts[1]], float)  # per Korea strategy (column)
    korea2 = korea + np.array([[shifts[2]], [shifts[3]]], float)  # per Japan strategy (row)
    t = solve_2x2(japan2, korea2)
    np.testing.assert_array_equal(t.pure, s.pure)
    np.testing.assert_array_equal(t.mixed, s.mixed)
    np.testing.assert_array_equal(t.degenerate, s.degenerate)
    np.testing.assert_array_equal(t.japan_b, s.japan_b)
    np.testing.assert_array_equal(t.korea_b, s.korea_b)


@settings(max_examples=80, deadline=None)
@given(games(max_worlds=8))
def test_every_game_has_an_equilibrium_and_reported_ones_are_equilibria(game):
    japan, korea = game
    s = solve_2x2(japan, korea)
    assert (s.pure.any(axis=(-2, -1)) | s.mixed).all()
    assert s.pure.any(axis=(-2, -1))[s.degenerate].all()
    for n in range(len(japan)):
        for r, c in itertools.product(range(2), repeat=2):
            # Definition of a pure equilibrium: no profitable unilateral deviation.
            expected = (japan[n, r, c] >= japan[n, 1 - r, c]) and (korea[n, r, c] >= korea[n, r, 1 - c])
            assert s.pure[n, r, c] == expected


@settings(max_examples=80, deadline=None)
@given(game_pairs(elements=continuous_values(100.0), max_worlds=8))
def test_isolated_mixed_equilibrium_makes_the_other_player_indifferent(game):
    japan, korea = game
    s = solve_2x2(japan, korea)
    for n in np.flatnonzero(s.isolated_mixed):
        p, q = s.japan_b[n], s.korea_b[n]
        assert 0.0 <= p <= 1.0 and 0.0 <= q <= 1.0
        j, k = japan[n], korea[n]
        scale = max(np.abs(j).max(), np.abs(k).max(), 1.0)
        japan_gain = q * (j[0, 0] - j[1, 0]) + (1 - q) * (j[0, 1] - j[1, 1])
        korea_gain = p * (k[0, 0] - k[0, 1]) + (1 - p) * (k[1, 0] - k[1, 1])
        assert abs(japan_gain) <= 1e-9 * scale
        assert abs(korea_gain) <= 1e-9 * scale


# --------------------------------------------------------------------------------------
# Closed form under noise
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("sigma", [0.5, 1.0, 2.0])
def test_probability_pp_is_an_equilibrium_matches_closed_form(sigma):
    """P(PP is a pure equilibrium) = Phi(1 / (sigma sqrt 2))**2 for Normal(0, sigma) noise.

    PP is an equilibrium iff b = japan[B,P] - japan[P,P] <= 0 and
    d = korea[P,B] - korea[P,P] <= 0. In the paper's table both differences are
    1 - 2 = -1, and the noise on each is Normal(0, sigma sqrt 2), independent across the
    two players.
    """
    n = 200_000
    rng = np.random.default_rng(np.random.SeedSequence([2025, int(sigma * 100)]))
    japan = PAPER_JAPAN + rng.normal(0.0, sigma, size=(n, 2, 2))
    korea = PAPER_KOREA + rng.normal(0.0, sigma, size=(n, 2, 2))
    estimate = solve_2x2(japan, korea).pure[:, 1, 1].mean()
    expected = norm.cdf(1.0 / (sigma * np.sqrt(2.0))) ** 2
    standard_error = np.sqrt(expected * (1.0 - expected) / n)
    assert abs(estimate - expected) < 4.0 * standard_error


# --------------------------------------------------------------------------------------
# Codes, labels, shapes and validation
# --------------------------------------------------------------------------------------


def test_set_bits_are_distinct_powers_of_two_in_profile_order():
    assert list(SET_BITS)[:4] == list(PROFILES)
    bits = list(SET_BITS.values())
    assert sorted(bits) == [2**k for k in range(6)]


def test_codes_round_trip_through_labels(small_integer_games):
    japan, korea, _ = small_integer_games
    s = solve_2x2(japan.astype(float), korea.astype(float))
    codes = equilibrium_set_codes(s)
    assert codes.dtype == np.uint8 and codes.shape == (len(japan),)
    for code in np.unique(codes).tolist():
        label = equilibrium_set_label(code)
        names = [] if label == "{}" else label.strip("{}").split(", ")
        rebuilt = sum(SET_BITS[name] for name in names)
        assert rebuilt == code
    # Per game, the code agrees with the fields it summarises.
    for bit_name, index in zip(PROFILES, range(4), strict=True):
        r, c = divmod(index, 2)
        np.testing.assert_array_equal((codes & SET_BITS[bit_name]) > 0, s.pure[:, r, c])
    np.testing.assert_array_equal((codes & SET_BITS["mixed"]) > 0, s.mixed)
    np.testing.assert_array_equal((codes & SET_BITS["continuum"]) > 0, s.degenerate)


@pytest.mark.parametrize("bad", [-1, 64, 1.0, "3", True])
def test_label_rejects_invalid_codes(bad):
    with pytest.raises(ValueError):
        equilibrium_set_label(bad)


def test_label_accepts_numpy_integers():
    assert equilibrium_set_label(np.uint8(2 | 4 | 16)) == "{BP, PB, mixed}"
    assert equilibrium_set_label(0) == "{}"


def test_shapes_broadcasting_and_dtypes():
    rng = np.random.default_rng(7)
    japan = rng.normal(size=(3, 4, 2, 2))
    s = solve_2x2(japan, PAPER_KOREA)  # Korea's table broadcast over all worlds
    assert s.pure.shape == (3, 4, 2, 2) and s.pure.dtype == np.bool_
    for field in (s.mixed, s.degenerate):
        assert field.shape == (3, 4) and field.dtype == np.bool_
    for field in (s.japan_b, s.korea_b):
        assert field.shape == (3, 4) and field.dtype == np.float64
    flat = solve_2x2(japan.reshape(12, 2, 2), np.broadcast_to(PAPER_KOREA, (12, 2, 2)))
    np.testing.assert_array_equal(s.pure.reshape(12, 2, 2), flat.pure)
    np.testing.assert_array_equal(s.korea_b.reshape(12), flat.korea_b)
    # Integer input is accepted; empty input gives empty output.
    assert solve_2x2(np.zeros((2, 2), int), np.eye(2, dtype=int)).pure.dtype == np.bool_
    empty = solve_2x2(np.zeros((0, 2, 2)), np.zeros((0, 2, 2)))
    assert empty.pure.shape == (0, 2, 2) and empty.mixed.shape == (0,)


def test_blocking_does_not_change_results(small_integer_games, monkeypatch):
    japan, korea, _ = small_integer_games
    japan, korea = japan.astype(float), korea.astype(float)
    whole = solve_2x2(japan, korea)
    monkeypatch.setattr(equilibria, "_BLOCK", 10)  # many blocks, ragged last one
    blocked = solve_2x2(japan, korea)
    for field in ("pure", "mixed", "japan_b", "korea_b", "degenerate"):
        np.testing.assert_array_equal(getattr(blocked, field), getattr(whole, field))


def test_large_batches_match_pieces():
    rng = np.random.default_rng(17)
    japan = rng.integers(-2, 3, size=(50_000, 2, 2)).astype(float)
    korea = rng.normal(size=(50_000, 2, 2))
    whole = solve_2x2(japan, korea)
    for start in range(0, 50_000, 12_345):
        piece = solve_2x2(japan[start : start + 12_345], korea[start : start + 12_345])
        for field in ("pure", "mixed", "japan_b", "korea_b", "degenerate"):
            np.testing.assert_array_equal(getattr(piece, field), getattr(whole, field)[start : start + 12_345])


def test_inputs_are_not_modified():
    rng = np.random.default_rng(3)
    japan, korea = rng.normal(size=(2, 50, 2, 2))
    japan_copy, korea_copy = japan.copy(), korea.copy()
    solve_2x2(japan, korea)
    np.testing.assert_array_equal(japan, japan_copy)
    np.testing.assert_array_equal(korea, korea_copy)


@pytest.mark.parametrize(
    ("japan", "korea"),
    [
        (np.zeros((3, 2)), np.zeros((3, 2))),
        (np.zeros((2, 2, 2)), np.zeros((3, 2, 2))),
        (np.zeros(4), np.zeros(4)),
    ],
)
def test_bad_shapes_raise(japan, korea):
    with pytest.raises(ValueError):
        solve_2x2(japan, korea)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_payoffs_raise(bad):
    japan = np.zeros((5, 2, 2))
    japan[3, 1, 0] = bad
    with pytest.raises(ValueError, match="finite"):
        solve_2x2(japan, np.zeros((5, 2, 2)))


def test_overflowing_differences_raise():
    japan = np.array([[1.7e308, 0.0], [-1.7e308, 0.0]])
    with pytest.raises(ValueError, match="overflow"):
        solve_2x2(japan, np.zeros((2, 2)))
