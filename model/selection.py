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

__all__ = ["RULES", "play_probabilities"]

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


def _flat_solution(solution: Solution, shape: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    """Solution arrays reshaped to (n, 4) pure and (n,) isolated / p / q."""
    pure = np.asarray(solution.pure, dtype=np.bool_)
    if pure.shape[:-2] != shape:
        raise ValueError(
            f"solution has leading shape {pure.shape[:-2]} but the payoffs have {shape}"
        )
    n = int(np.prod(shape, dtype=np.int64))
    isolated = np.asarray(solution.mixed & ~solution.degenerate, dtype=np.bool_).reshape(n)
    p = np.where(isolated, np.asarray(solution.japan_b).reshape(n), 0.0)
    q = np.where(isolated, np.asarray(solution.korea_b).reshape(n), 0.0)
    return pure.reshape(n, 4), isolated, p, q


def _product_distribution(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Profile probabilities (n, 4) when Japan plays B w.p. p and Korea B w.p. q."""
    out = np.empty(p.shape + (4,))
    np.multiply(p, q, out=out[:, 0])
    np.multiply(p, 1.0 - q, out=out[:, 1])
    np.multiply(1.0 - p, q, out=out[:, 2])
    np.multiply(1.0 - p, 1.0 - q, out=out[:, 3])
    return out


def _uniform_over_best(score: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Weights (n, k): uniform over the allowed entries with the maximal score.

    Every row of ``allowed`` must have at least one True entry.
    """
    masked = np.where(allowed, score, -np.inf)
    best = allowed & (masked == masked.max(axis=1, keepdims=True))
    return best / best.sum(axis=1, keepdims=True)


def _nash_products(japan: np.ndarray, korea: np.ndarray) -> np.ndarray:
    """Harsanyi-Selten Nash product of deviation losses for each profile, (n, 4).

    Non-negative at every pure equilibrium; meaningless (and unused) elsewhere.
    """
    a = japan[:, 0, 0] - japan[:, 1, 0]
    b = japan[:, 0, 1] - japan[:, 1, 1]
    c = korea[:, 0, 0] - korea[:, 0, 1]
    d = korea[:, 1, 0] - korea[:, 1, 1]
    return np.stack([a * c, -b * c, -a * d, b * d], axis=1)


def _risk_dominance(
    japan: np.ndarray, korea: np.ndarray, pure: np.ndarray, isolated: np.ndarray
) -> np.ndarray:
    """Weights (n, 5) of the risk-dominance rule (mixed only if no pure equilibrium)."""
    score = np.zeros((pure.shape[0], _N_CANDIDATES))
    score[:, :4] = _nash_products(japan, korea)
    has_pure = pure.any(axis=1)
    allowed = np.concatenate([pure, (isolated & ~has_pure)[:, None]], axis=1)
    return _uniform_over_best(score, allowed)


def _payoff_dominant(japan: np.ndarray, korea: np.ndarray, pure: np.ndarray) -> np.ndarray:
    """bool (n, 4): the pure equilibrium that Pareto-dominates all other pure ones."""
    uj = japan.reshape(-1, 1, 4)
    uk = korea.reshape(-1, 1, 4)
    ej, fj = uj.transpose(0, 2, 1), uj  # [e, f] compares equilibrium e with f
    ek, fk = uk.transpose(0, 2, 1), uk
    dominates = (ej >= fj) & (ek >= fk) & ((ej > fj) | (ek > fk))  # (n, 4, 4)
    eye = np.eye(4, dtype=np.bool_)
    # e qualifies if, for every other pure equilibrium f, e dominates f.
    ok = dominates | eye | ~pure[:, None, :]
    return pure & ok.all(axis=2)


def _japan_expected(japan: np.ndarray, mixed_play: np.ndarray) -> np.ndarray:
    """Japan's expected payoff (n, 5) in each candidate (BB, BP, PB, PP, mixed)."""
    flat = japan.reshape(-1, 4)
    return np.concatenate([flat, np.einsum("nf,nf->n", mixed_play, flat)[:, None]], axis=1)


def _rule_weights(
    rule: str,
    japan: np.ndarray,
    korea: np.ndarray,
    pure: np.ndarray,
    isolated: np.ndarray,
    mixed_play: np.ndarray,
) -> np.ndarray:
    """Weights (n, 5) over the candidates (BB, BP, PB, PP, isolated mixed)."""
    n = pure.shape[0]
    allowed = np.concatenate([pure, isolated[:, None]], axis=1)
    if rule == "risk_dominance":
        return _risk_dominance(japan, korea, pure, isolated)
    if rule == "payoff_dominance":
        dominant = _payoff_dominant(japan, korea, pure)
        weights = _risk_dominance(japan, korea, pure, isolated)
        found = dominant.any(axis=1)
        weights[found, :4] = dominant[found]
        weights[found, 4] = 0.0
        return weights
    if rule == "mixed":
        # The isolated mixed equilibrium alone if it exists, else all pure equilibria.
        preferred = allowed.copy()
        preferred[isolated, :4] = False
        return _uniform_over_best(np.zeros((n, _N_CANDIDATES)), preferred)
    if rule == "uniform":
        return _uniform_over_best(np.zeros((n, _N_CANDIDATES)), allowed)
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
    mixed_play = _product_distribution(p, q)
    weights = _rule_weights(rule, japan, korea, pure, isolated, mixed_play)

    out = weights[:, :4] + weights[:, 4:] * mixed_play
    return out.reshape(shape + (2, 2))
