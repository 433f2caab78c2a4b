"""Equilibrium selection: from a world's equilibrium set to how each profile is played.

A selection rule turns the equilibrium set computed by :func:`model.equilibria.solve_2x2`
into probabilities over the four profiles (BB, BP, PB, PP). The *candidates* of a game
are its pure equilibria (weak ones included) plus its isolated completely mixed
equilibrium when it exists; the mixed candidate is played as the product of the two
players' mixing probabilities. Where the equilibrium is unique (one pure and no mixed,
or only the isolated mixed one) every rule returns it.

Rules (:data:`RULES`):

``risk_dominance`` (default)
    Harsanyi & Selten (1988): among the pure equilibria, the one(s) with the largest
    Nash product of deviation losses
    ``(u_J(r, c) - u_J(r', c)) * (u_K(r, c) - u_K(r, c'))``; ties split uniformly. In a
    game without a pure equilibrium the (then unique, isolated) mixed one is played.
``payoff_dominance``
    Harsanyi & Selten (1988), whose theory gives payoff dominance precedence: the pure
    equilibrium that Pareto-dominates every other pure equilibrium (weakly better for
    both players, strictly for at least one), if there is one; otherwise risk dominance.
``mixed``
    The isolated completely mixed equilibrium when it exists, otherwise the uniform
    distribution over the pure equilibria.
``uniform``
    Equal weight on every candidate.
``japan_best`` / ``japan_worst``
    The candidate(s) with the highest / lowest expected payoff for Japan, ties split
    uniformly: bounds on what the selection assumption can do to Japan.

Degenerate games (a continuum of equilibria, see ``Solution.degenerate``) are
represented by their pure equilibria: a degenerate 2x2 game always has at least one
pure equilibrium and never an isolated mixed one (proved in :mod:`model.equilibria`),
so the rules choose among those pure equilibria only. The non-isolated equilibria of
the continuum are not candidates.

Ties (equal Nash products, equal payoffs, Pareto comparisons) are exact float
comparisons, like everywhere in :mod:`model.equilibria`.

References
----------
Harsanyi, J. C. and Selten, R. (1988). *A General Theory of Equilibrium Selection in
Games*. MIT Press.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from model.equilibria import Solution, as_payoff_pair

__all__ = ["RULES", "play_probabilities", "product_distribution"]

RULES: tuple[str, ...] = (
    "risk_dominance",
    "payoff_dominance",
    "mixed",
    "uniform",
    "japan_best",
    "japan_worst",
)
"""Names of the selection rules accepted by :func:`play_probabilities`."""

_N_CANDIDATES = 5  # BB, BP, PB, PP, isolated mixed
_BLOCK = 1 << 14  # games per block in play_probabilities

# Internally every per-candidate quantity is laid out candidate-major, shape (5, n) or
# (4, n): reductions over candidates then run as element-wise operations between
# contiguous rows, which is much faster in numpy than reducing a short last axis.


def _flat_solution(solution: Solution, shape: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    """Pure equilibria (n, 2, 2), isolated-mixed flag (n,) and its p, q (n,), 0 if none."""
    pure = np.asarray(solution.pure, dtype=np.bool_)
    if pure.shape[:-2] != shape:
        raise ValueError(f"solution has leading shape {pure.shape[:-2]} but the payoffs have {shape}")
    n = int(np.prod(shape, dtype=np.int64))
    isolated = np.asarray(solution.mixed & ~solution.degenerate, dtype=np.bool_).reshape(n)
    p = np.where(isolated, np.asarray(solution.japan_b).reshape(n), 0.0)
    q = np.where(isolated, np.asarray(solution.korea_b).reshape(n), 0.0)
    return pure.reshape(n, 2, 2), isolated, p, q


def _profile_rows(x: np.ndarray) -> np.ndarray:
    """(n, 2, 2) -> C-contiguous (4, n), rows BB, BP, PB, PP."""
    return np.ascontiguousarray(x.reshape(-1, 4).T)


def product_distribution(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Profile probabilities (4, n) when Japan plays B w.p. p and Korea B w.p. q."""
    out = np.empty((4,) + p.shape)
    p_not, q_not = 1.0 - p, 1.0 - q
    np.multiply(p, q, out=out[0])
    np.multiply(p, q_not, out=out[1])
    np.multiply(p_not, q, out=out[2])
    np.multiply(p_not, q_not, out=out[3])
    return out


def _candidates(pure: np.ndarray, mixed: np.ndarray) -> np.ndarray:
    """Stack (4, n) pure-equilibrium rows and an (n,) mixed row into (5, n)."""
    out = np.empty((_N_CANDIDATES,) + mixed.shape, dtype=np.result_type(pure, mixed))
    out[:4] = pure
    out[4] = mixed
    return out


def _uniform_over_best(score: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Weights (k, n): uniform over the allowed candidates with the maximal score.

    Every column of ``allowed`` must have at least one True entry.
    """
    masked = np.where(allowed, score, -np.inf)
    best = masked == masked.max(axis=0)
    best &= allowed
    return best / best.sum(axis=0, dtype=np.float64)


def _nash_products(japan: np.ndarray, korea: np.ndarray) -> np.ndarray:
    """Harsanyi-Selten Nash product of deviation losses per profile, (4, n).

    For a pure equilibrium (r, c) it is (u_J(r, c) - u_J(r', c)) * (u_K(r, c) - u_K(r, c'))
    >= 0; the values at other profiles are not used.
    """
    a = japan[:, 0, 0] - japan[:, 1, 0]
    b = japan[:, 0, 1] - japan[:, 1, 1]
    c = korea[:, 0, 0] - korea[:, 0, 1]
    d = korea[:, 1, 0] - korea[:, 1, 1]
    out = np.empty((4,) + a.shape)
    np.multiply(a, c, out=out[0])  # BB: Japan loses a by leaving, Korea c
    np.multiply(b, c, out=out[1])  # BP: Japan loses b, Korea -c
    np.negative(out[1], out=out[1])
    np.multiply(a, d, out=out[2])  # PB: Japan loses -a, Korea d
    np.negative(out[2], out=out[2])
    np.multiply(b, d, out=out[3])  # PP: Japan loses -b, Korea -d
    return out


def _risk_dominance(japan: np.ndarray, korea: np.ndarray, pure: np.ndarray, isolated: np.ndarray) -> np.ndarray:
    """Weights (5, n) of the risk-dominance rule (mixed only if no pure equilibrium)."""
    score = _candidates(_nash_products(japan, korea), np.zeros(isolated.shape))
    allowed = _candidates(pure, isolated & ~pure.any(axis=0))
    return _uniform_over_best(score, allowed)


def _payoff_dominant(japan: np.ndarray, korea: np.ndarray, pure: np.ndarray) -> np.ndarray:
    """bool (4, n): the pure equilibrium that Pareto-dominates all other pure ones.

    e dominates f if both players weakly prefer e and not both are indifferent. So e
    dominates every other pure equilibrium iff it attains both players' maximum over
    the pure equilibria and no other pure equilibrium has the same payoff pair, i.e.
    iff it is the only pure equilibrium attaining both maxima.
    """
    uj, uk = _profile_rows(japan), _profile_rows(korea)
    top = np.where(pure, uj, -np.inf)
    out = top == top.max(axis=0)
    top = np.where(pure, uk, -np.inf)
    out &= top == top.max(axis=0)
    out &= pure
    out &= out.sum(axis=0, dtype=np.uint8) == 1
    return out


def _japan_expected(japan: np.ndarray, mixed_play: np.ndarray) -> np.ndarray:
    """Japan's expected payoff (5, n) in each candidate (BB, BP, PB, PP, mixed)."""
    flat = _profile_rows(japan)
    return _candidates(flat, (mixed_play * flat).sum(axis=0))


def _rule_weights(
    rule: str,
    japan: np.ndarray,
    korea: np.ndarray,
    pure: np.ndarray,
    isolated: np.ndarray,
    mixed_play: np.ndarray,
) -> np.ndarray:
    """Weights (5, n) over the candidates (BB, BP, PB, PP, isolated mixed)."""
    zeros = np.zeros((_N_CANDIDATES,) + isolated.shape)
    if rule == "risk_dominance":
        return _risk_dominance(japan, korea, pure, isolated)
    if rule == "payoff_dominance":
        weights = _risk_dominance(japan, korea, pure, isolated)
        dominant = _payoff_dominant(japan, korea, pure)
        found = dominant.any(axis=0)
        np.copyto(weights[:4], dominant, where=found)
        weights[4] *= ~found
        return weights
    if rule == "mixed":
        # The isolated mixed equilibrium alone if it exists, else all pure equilibria.
        return _uniform_over_best(zeros, _candidates(pure & ~isolated, isolated))
    allowed = _candidates(pure, isolated)
    if rule == "uniform":
        return _uniform_over_best(zeros, allowed)
    if rule == "japan_best":
        return _uniform_over_best(_japan_expected(japan, mixed_play), allowed)
    if rule == "japan_worst":
        return _uniform_over_best(-_japan_expected(japan, mixed_play), allowed)
    raise AssertionError(f"unhandled rule {rule!r}")  # unreachable: validated by caller


def play_probabilities(
    japan: ArrayLike,
    korea: ArrayLike,
    solution: Solution,
    rule: str = "risk_dominance",
) -> np.ndarray:
    """Probability that each profile is played under an equilibrium-selection rule.

    Parameters
    ----------
    japan, korea : array_like, shape (..., 2, 2)
        The payoffs the solution was computed from (index 0 = B, 1 = P; Japan's
        strategy on the first of the two trailing axes).
    solution : Solution
        ``solve_2x2(japan, korea)``; its leading shape must equal the payoffs'.
    rule : str
        One of :data:`RULES` (see the module docstring): ``"risk_dominance"``
        (Harsanyi & Selten 1988, the default), ``"payoff_dominance"`` (Harsanyi &
        Selten 1988), ``"mixed"``, ``"uniform"``, ``"japan_best"``, ``"japan_worst"``.

    Returns
    -------
    ndarray of float64, shape (..., 2, 2)
        ``out[..., r, c]`` = probability that Japan plays r and Korea plays c. Each
        game's four entries are non-negative and sum to 1 (up to rounding).

    Raises
    ------
    ValueError
        On an unknown rule or inconsistent shapes.

    Notes
    -----
    Every rule returns the equilibrium where it is unique. In degenerate games
    (a continuum) only the pure equilibria are candidates; see the module docstring.

    References
    ----------
    Harsanyi, J. C. and Selten, R. (1988). *A General Theory of Equilibrium Selection
    in Games*. MIT Press.
    """
    if rule not in RULES:
        raise ValueError(f"unknown selection rule {rule!r}; expected one of {RULES}")
    japan, korea = as_payoff_pair(japan, korea)
    shape = japan.shape[:-2]
    pure, isolated, p, q = _flat_solution(solution, shape)
    japan = japan.reshape(-1, 2, 2)
    korea = korea.reshape(-1, 2, 2)
    out = np.empty((japan.shape[0], 4))
    # Blocks keep the (5, block) temporaries in cache; the loop is over blocks, not worlds.
    for start in range(0, japan.shape[0], _BLOCK):
        block = slice(start, start + _BLOCK)
        out[block] = _play_block(rule, japan[block], korea[block], pure[block], isolated[block], p[block], q[block]).T
    return out.reshape(shape + (2, 2))


def _play_block(
    rule: str,
    japan: np.ndarray,
    korea: np.ndarray,
    pure: np.ndarray,
    isolated: np.ndarray,
    p: np.ndarray,
    q: np.ndarray,
) -> np.ndarray:
    """Profile probabilities (4, m) for a block of m games (see play_probabilities)."""
    pure = _profile_rows(pure)
    mixed_play = product_distribution(p, q)
    weights = _rule_weights(rule, japan, korea, pure, isolated, mixed_play)
    out = weights[:4]
    out += weights[4] * mixed_play
    return out
