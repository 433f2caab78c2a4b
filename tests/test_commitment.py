"""Tests for model.commitment: Japan commits to B, or leads as a Stackelberg leader."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from model.commitment import Commitment, analyse_commitment

try:
    from tests.property import PAPER_JAPAN, PAPER_KOREA, games
except ModuleNotFoundError:  # pytest's default rootdir-relative import of tests/
    from property import PAPER_JAPAN, PAPER_KOREA, games


def profile_vector(profile: str) -> np.ndarray:
    out = np.zeros((2, 2))
    out["BP".index(profile[0]), "BP".index(profile[1])] = 1.0
    return out


def japan_value(japan: np.ndarray, play: np.ndarray) -> np.ndarray:
    return (japan * play).sum(axis=(-2, -1))


def test_paper_table():
    # Korea answers B with P (4 > 3): Japan bears the burden alone and gets 1.
    # Committing to P, Korea answers P (2 > 1) and Japan gets 2 > 1: the leader picks P.
    c = analyse_commitment(PAPER_JAPAN, PAPER_KOREA)
    assert isinstance(c, Commitment)
    assert c.korea_b_given_japan_b == 0.0
    np.testing.assert_array_equal(c.commit_b_played, profile_vector("BP"))
    assert c.leader_chooses_b == 0.0
    np.testing.assert_array_equal(c.leader_played, profile_vector("PP"))


def test_stag_hunt_commitment_to_b_pays():
    # Korea answers B with B (4 > 3) and P with P (3 > 0). Japan: BB 4 vs PP 3.
    japan = np.array([[4.0, 0.0], [3.0, 3.0]])
    korea = np.array([[4.0, 3.0], [0.0, 3.0]])
    c = analyse_commitment(japan, korea)
    assert c.korea_b_given_japan_b == 1.0 and c.leader_chooses_b == 1.0
    np.testing.assert_array_equal(c.commit_b_played, profile_vector("BB"))
    np.testing.assert_array_equal(c.leader_played, profile_vector("BB"))


def test_chicken_leader_passes_the_buck():
    # Korea answers B with P (1 > 0) and P with B (3 > 2). Committing to B gives Japan
    # j[B, P] = 2; committing to P gives j[P, B] = 4: the leader picks P.
    japan = np.array([[0.0, 2.0], [4.0, 1.0]])
    korea = np.array([[0.0, 1.0], [3.0, 2.0]])
    c = analyse_commitment(japan, korea)
    assert c.korea_b_given_japan_b == 0.0 and c.leader_chooses_b == 0.0
    np.testing.assert_array_equal(c.commit_b_played, profile_vector("BP"))
    np.testing.assert_array_equal(c.leader_played, profile_vector("PB"))


def test_korea_indifferent_mixes_half_half():
    # Korea gets 2 whatever it does after B; after P it prefers P (1 > 0).
    # Commit to B: Japan 0.5 * 5 + 0.5 * 1 = 3; commit to P: Japan j[P, P] = 2 -> B.
    japan = np.array([[5.0, 1.0], [9.0, 2.0]])
    korea = np.array([[2.0, 2.0], [0.0, 1.0]])
    c = analyse_commitment(japan, korea)
    assert c.korea_b_given_japan_b == 0.5
    np.testing.assert_array_equal(c.commit_b_played, [[0.5, 0.5], [0.0, 0.0]])
    assert c.leader_chooses_b == 1.0
    np.testing.assert_array_equal(c.leader_played, [[0.5, 0.5], [0.0, 0.0]])


def test_leader_indifferent_mixes_half_half():
    # Commit to B: Korea plays B (1 > 0), Japan gets 2. Commit to P: Korea plays P
    # (1 > 0), Japan gets 2. Exact tie -> 50/50.
    japan = np.array([[2.0, 0.0], [0.0, 2.0]])
    korea = np.array([[1.0, 0.0], [0.0, 1.0]])
    c = analyse_commitment(japan, korea)
    assert c.leader_chooses_b == 0.5
    np.testing.assert_array_equal(c.leader_played, [[0.5, 0.0], [0.0, 0.5]])


def test_vectorised_over_worlds_and_broadcasting():
    japan = np.stack([PAPER_JAPAN, np.array([[4.0, 0.0], [3.0, 3.0]])])
    korea = np.stack([PAPER_KOREA, np.array([[4.0, 3.0], [0.0, 3.0]])])
    c = analyse_commitment(japan, korea)
    np.testing.assert_array_equal(c.korea_b_given_japan_b, [0.0, 1.0])
    np.testing.assert_array_equal(c.leader_chooses_b, [0.0, 1.0])
    assert c.commit_b_played.shape == c.leader_played.shape == (2, 2, 2)
    broadcast = analyse_commitment(np.broadcast_to(PAPER_JAPAN, (3, 5, 2, 2)), PAPER_KOREA)
    assert broadcast.leader_chooses_b.shape == (3, 5)
    assert (broadcast.leader_chooses_b == 0.0).all()


@settings(max_examples=100, deadline=None)
@given(games(max_worlds=10))
def test_leader_never_does_worse_than_committing_to_b(game):
    japan, korea = game
    c = analyse_commitment(japan, korea)
    scale = np.abs(japan).max(axis=(-2, -1)) + 1.0
    leader = japan_value(japan, c.leader_played)
    committed_b = japan_value(japan, c.commit_b_played)
    assert (leader >= committed_b - 1e-12 * scale).all()


@settings(max_examples=100, deadline=None)
@given(games(max_worlds=10))
def test_outputs_are_consistent_distributions(game):
    japan, korea = game
    c = analyse_commitment(japan, korea)
    for play in (c.commit_b_played, c.leader_played):
        assert (play >= 0).all()
        np.testing.assert_allclose(play.sum(axis=(-2, -1)), 1.0, atol=1e-15)
    # Only the B row is played after a commitment to B, with Korea's best response.
    np.testing.assert_array_equal(c.commit_b_played[:, 0, 0], c.korea_b_given_japan_b)
    np.testing.assert_array_equal(c.commit_b_played[:, 1, :], 0.0)
    np.testing.assert_array_equal(c.leader_played[:, 0, :].sum(axis=-1), c.leader_chooses_b)
    for n in range(len(japan)):
        k = korea[n]
        expected = 1.0 if k[0, 0] > k[0, 1] else (0.0 if k[0, 0] < k[0, 1] else 0.5)
        assert c.korea_b_given_japan_b[n] == expected
        # Korea best-responds to whichever commitment the leader makes.
        expected_after_p = 1.0 if k[1, 0] > k[1, 1] else (0.0 if k[1, 0] < k[1, 1] else 0.5)
        if c.leader_chooses_b[n] == 0.0:
            assert c.leader_played[n, 1, 0] == expected_after_p
        if c.leader_chooses_b[n] == 1.0:
            np.testing.assert_array_equal(c.leader_played[n], c.commit_b_played[n])


def test_non_finite_payoffs_raise():
    with pytest.raises(ValueError, match="finite"):
        analyse_commitment(np.full((2, 2), np.inf), np.zeros((2, 2)))
    with pytest.raises(ValueError):
        analyse_commitment(np.zeros((2, 3)), np.zeros((2, 3)))
