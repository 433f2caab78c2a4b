"""Sequential play: Japan commits first and Korea best-responds.

The paper's claim to test: Japan's public commitment to B (balancing) makes Korea's
buck-passing more likely. Two sequential variants of the 2x2 game are computed per
world, both with complete information and a credible (observable, irreversible) move:

* **Commit to B.** Japan is bound to B; Korea plays its best response to B, comparing
  ``korea[..., 0, 0]`` (B) with ``korea[..., 0, 1]`` (P), and mixes 50/50 on an exact
  tie.
* **Stackelberg leader.** Japan chooses which pure strategy to commit to, anticipating
  Korea's best response (same tie rule) to each; it picks the commitment with the
  higher expected payoff and mixes 50/50 on an exact tie.

Both are subgame-perfect outcomes of the two-stage game with the stated tie-breaking.
Ties are exact float comparisons (see :mod:`model.equilibria`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from model.equilibria import as_payoff_pair

__all__ = ["Commitment", "analyse_commitment"]


@dataclass(frozen=True)
class Commitment:
    """Outcomes of Japan moving first.

    Attributes
    ----------
    korea_b_given_japan_b : ndarray of float64, shape (...)
        P(Korea plays B | Japan committed to B): 1, 0, or 0.5 on a tie.
    commit_b_played : ndarray of float64, shape (..., 2, 2)
        Profile probabilities when Japan commits to B (only the B row is non-zero).
    leader_played : ndarray of float64, shape (..., 2, 2)
        Profile probabilities when Japan is a Stackelberg leader.
    leader_chooses_b : ndarray of float64, shape (...)
        P(Japan as leader commits to B): 1, 0, or 0.5 on a tie.
    """

    korea_b_given_japan_b: np.ndarray
    commit_b_played: np.ndarray
    leader_played: np.ndarray
    leader_chooses_b: np.ndarray


def _prefer_first(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """1.0 where first > second, 0.0 where first < second, 0.5 on an exact tie."""
    with np.errstate(over="ignore", invalid="ignore"):
        return 0.5 * (1.0 + np.sign(first - second))


def analyse_commitment(japan: ArrayLike, korea: ArrayLike) -> Commitment:
    """Japan commits to B, or chooses its commitment as a Stackelberg leader.

    Parameters
    ----------
    japan, korea : array_like, shape (..., 2, 2)
        Payoffs, ``x[..., r, c]`` for Japan playing r and Korea playing c (index
        0 = B, 1 = P). Leading shapes broadcast. Any payoff unit.

    Returns
    -------
    Commitment
        Korea's response to Japan's B, the resulting profile probabilities, and the
        Stackelberg leader's choice and profile probabilities, all over the leading
        shape (...). Korea breaks ties 50/50; so does the leader.

    Raises
    ------
    ValueError
        On bad shapes or non-finite payoffs.

    Examples
    --------
    In the paper's Prisoner's Dilemma Korea answers a commitment to B by passing the
    buck, so Japan as a leader commits to P:

    >>> c = analyse_commitment([[3, 1], [4, 2]], [[3, 4], [1, 2]])
    >>> float(c.korea_b_given_japan_b), float(c.leader_chooses_b)
    (0.0, 0.0)
    """
    japan, korea = as_payoff_pair(japan, korea)
    if not (np.isfinite(japan).all() and np.isfinite(korea).all()):
        raise ValueError("payoffs must be finite (found NaN or inf)")

    # Korea's best response to each Japanese commitment: P(Korea plays B).
    korea_b_after_b = _prefer_first(korea[..., 0, 0], korea[..., 0, 1])
    korea_b_after_p = _prefer_first(korea[..., 1, 0], korea[..., 1, 1])

    commit_b = np.zeros(japan.shape)
    commit_b[..., 0, 0] = korea_b_after_b
    commit_b[..., 0, 1] = 1.0 - korea_b_after_b
    commit_p = np.zeros(japan.shape)
    commit_p[..., 1, 0] = korea_b_after_p
    commit_p[..., 1, 1] = 1.0 - korea_b_after_p

    value_b = (commit_b * japan).sum(axis=(-2, -1))
    value_p = (commit_p * japan).sum(axis=(-2, -1))
    leader_b = _prefer_first(value_b, value_p)
    leader = leader_b[..., None, None] * commit_b + (1.0 - leader_b)[..., None, None] * commit_p

    return Commitment(
        korea_b_given_japan_b=korea_b_after_b,
        commit_b_played=commit_b,
        leader_played=leader,
        leader_chooses_b=leader_b,
    )
