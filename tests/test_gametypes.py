"""Tests for model.gametypes: the per-player partition of 2x2 preference orderings."""

from __future__ import annotations

from itertools import permutations

import numpy as np
import pytest
from hypothesis import given, settings

from model.gametypes import STRUCTURES, TIE, TYPE_LABELS, classify_own_payoffs, player_types

try:
    from tests.property import PAPER_JAPAN, PAPER_KOREA, games
except ModuleNotFoundError:  # pytest's default rootdir-relative import of tests/
    from property import PAPER_JAPAN, PAPER_KOREA, games

# Definitions written directly on the player's own payoffs R = u(B,B), S = u(B,P),
# T = u(P,B), P = u(P,P) (own strategy first).
DEFINITIONS = {
    "Prisoner's Dilemma": lambda R, S, T, P: T > R and P > S and R > P,
    "Deadlock": lambda R, S, T, P: T > R and P > S and P > R,
    "Harmony": lambda R, S, T, P: R > T and S > P and R > P,
    "B dominant, PP preferred": lambda R, S, T, P: R > T and S > P and P > R,
    "Stag Hunt": lambda R, S, T, P: R > T and P > S and R > P,
    "coordination, PP preferred": lambda R, S, T, P: R > T and P > S and P > R,
    "Chicken": lambda R, S, T, P: T > R and S > P and R > P,
    "anti-coordination, PP preferred": lambda R, S, T, P: T > R and S > P and P > R,
}


def own_table(R: float, S: float, T: float, P: float) -> np.ndarray:
    """A player's payoffs indexed (own strategy, other's strategy)."""
    return np.array([[R, S], [T, P]], dtype=float)


ORDERINGS = list(permutations((1.0, 2.0, 3.0, 4.0)))  # (R, S, T, P), 24 strict orderings


def test_labels_are_the_public_fixed_tuple():
    assert TYPE_LABELS == (
        "Prisoner's Dilemma",
        "Deadlock",
        "Harmony",
        "B dominant, PP preferred",
        "Stag Hunt",
        "coordination, PP preferred",
        "Chicken",
        "anti-coordination, PP preferred",
        "tie",
    )
    assert TYPE_LABELS[TIE] == "tie" and len(set(TYPE_LABELS)) == 9
    assert set(DEFINITIONS) == set(TYPE_LABELS) - {"tie"}
    assert len(STRUCTURES) == 4


def test_every_strict_ordering_is_in_exactly_one_class_matching_its_definition():
    tables = np.array([own_table(*o) for o in ORDERINGS])
    types = classify_own_payoffs(tables)
    assert types.dtype == np.int8 and types.shape == (24,)
    counts = dict.fromkeys(TYPE_LABELS[:TIE], 0)
    for ordering, index in zip(ORDERINGS, types.tolist(), strict=True):
        satisfied = [label for label, rule in DEFINITIONS.items() if rule(*ordering)]
        assert len(satisfied) == 1, ordering  # the definitions partition the orderings
        assert TYPE_LABELS[index] == satisfied[0], ordering
        counts[TYPE_LABELS[index]] += 1
    assert all(count > 0 for count in counts.values())  # all eight classes occur
    assert sum(counts.values()) == 24


def test_prisoners_dilemma_is_exactly_t_r_p_s():
    pd = TYPE_LABELS.index("Prisoner's Dilemma")
    members = [o for o in ORDERINGS if classify_own_payoffs(own_table(*o)) == pd]
    assert members == [(3.0, 1.0, 4.0, 2.0)]  # R=3, S=1, T=4, P=2: T > R > P > S


@pytest.mark.parametrize(
    ("label", "ordering"),
    [
        # Standard orderings from the literature, best first.
        ("Stag Hunt", "RTPS"),
        ("Chicken", "TRSP"),
        ("Deadlock", "TPRS"),
        ("Harmony", "RTSP"),
        ("Prisoner's Dilemma", "TRPS"),
    ],
)
def test_standard_orderings_get_their_usual_names(label, ordering):
    values = {letter: 4.0 - rank for rank, letter in enumerate(ordering)}
    table = own_table(values["R"], values["S"], values["T"], values["P"])
    assert TYPE_LABELS[classify_own_payoffs(table)] == label


@pytest.mark.parametrize("tie", ["R=T", "S=P", "R=P"])
def test_ties_in_defining_comparisons_give_tie(tie):
    R, S, T, P = 3.0, 1.0, 4.0, 2.0  # a Prisoner's Dilemma, then one tie imposed
    if tie == "R=T":
        T = R
    elif tie == "S=P":
        S = P
    else:
        P = R
    assert classify_own_payoffs(own_table(R, S, T, P)) == TIE


def test_ties_outside_the_defining_comparisons_do_not_give_tie():
    # T = S, S = R (with T > R) and T = P leave R-T, S-P and R-P strict.
    assert TYPE_LABELS[classify_own_payoffs(own_table(3, 1, 1, 0))] == "Harmony"  # T = S
    assert TYPE_LABELS[classify_own_payoffs(own_table(2, 2, 3, 1))] == "Chicken"  # S = R
    assert TYPE_LABELS[classify_own_payoffs(own_table(2, 0, 1, 1))] == "Stag Hunt"  # T = P


def test_paper_table_is_a_prisoners_dilemma_for_both():
    japan, korea = player_types(PAPER_JAPAN, PAPER_KOREA)
    assert TYPE_LABELS[japan] == "Prisoner's Dilemma"
    assert TYPE_LABELS[korea] == "Prisoner's Dilemma"


def test_korea_is_classified_as_the_column_player():
    # Japan: a Chicken (R=3, S=2, T=4, P=1 as row player).
    japan = np.array([[3.0, 2.0], [4.0, 1.0]])
    # Korea: a Stag Hunt in its own terms R=4, S=1, T=3, P=2. As column player its
    # payoff when Japan plays r and Korea plays c is korea[r, c] = own[c, r].
    korea = own_table(4.0, 1.0, 3.0, 2.0).T
    j, k = player_types(japan, korea)
    assert TYPE_LABELS[j] == "Chicken"
    assert TYPE_LABELS[k] == "Stag Hunt"
    # Reading Korea's matrix as if Korea were the row player would give another class.
    assert TYPE_LABELS[classify_own_payoffs(korea)] != "Stag Hunt"


@settings(max_examples=100, deadline=None)
@given(games(max_worlds=10))
def test_types_agree_with_best_responses_and_definitions(game):
    japan, korea = game
    japan_type, korea_type = player_types(japan, korea)
    assert japan_type.shape == korea_type.shape == (len(japan),)
    for own, types in ((japan, japan_type), (np.swapaxes(korea, -1, -2), korea_type)):
        for table, index in zip(own, types.tolist(), strict=True):
            R, S, T, P = table[0, 0], table[0, 1], table[1, 0], table[1, 1]
            if R == T or S == P or R == P:
                assert index == TIE
            else:
                satisfied = [label for label, rule in DEFINITIONS.items() if rule(R, S, T, P)]
                assert [TYPE_LABELS[index]] == satisfied


def test_swapping_players_swaps_types():
    rng = np.random.default_rng(11)
    japan, korea = rng.integers(0, 4, size=(2, 500, 2, 2)).astype(float)
    j, k = player_types(japan, korea)
    k2, j2 = player_types(np.swapaxes(korea, -1, -2), np.swapaxes(japan, -1, -2))
    np.testing.assert_array_equal(j, j2)
    np.testing.assert_array_equal(k, k2)


def test_shapes_and_validation():
    rng = np.random.default_rng(1)
    j, k = player_types(rng.normal(size=(2, 3, 2, 2)), PAPER_KOREA)
    assert j.shape == k.shape == (2, 3) and j.dtype == k.dtype == np.int8
    assert (k == TYPE_LABELS.index("Prisoner's Dilemma")).all()
    with pytest.raises(ValueError):
        player_types(np.zeros((3, 2)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match="finite"):
        player_types(np.full((2, 2), np.nan), np.zeros((2, 2)))
