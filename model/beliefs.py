"""What the partners believe: their perceived chances that deterrence holds, that the
US intervenes and that the regional balance collapses (docs/MODEL.md §3.5).

Each partner i reads two uncertain thresholds through noisy intelligence: China's
resolve ``a`` and the US intervention threshold ``theta``. Its belief about a
threshold ``v`` whose prior (the analyst's, shared by the players) has log-mean
``mu0`` and log-sd ``tau0`` is the lognormal posterior after a signal with log-noise
``sigma`` that reads the world's true value, scaled by the partner's bias ``beta``::

    w     = tau0**2 / (tau0**2 + sigma**2)                  weight on the world's truth
    m     = ln(beta) + w * ln(v) + (1 - w) * mu0            log-median of the belief
    tau   = tau0 * sigma / sqrt(tau0**2 + sigma**2)          log-sd of the belief
    P(belief <= x) = Phi((ln(x) - m) / tau)

``sigma = 0`` is complete information (the belief is the point ``beta * v``), and as
``sigma`` grows the belief becomes the (lognormal fit of the) prior: the partner
knows only what the analyst knows. A point belief is evaluated with exactly the
comparison the true outcome uses, so ``sigma = 0`` and ``beta = 1`` reproduce the
complete-information game bit for bit.

For a profile s with local deterrent D(s) and counted contribution E(s), and the
two beliefs independent::

    h_i(s) = P_i(a <= D(s))          deterrence holds
    g_i(s) = P_i(theta <= E(s))      the US's condition is met
    P_i(US intervenes | s) = (1 - h_i(s)) * g_i(s)
    P_i(collapse | s)      = (1 - h_i(s)) * (1 - g_i(s))

Arrays are worlds-last: (4, n) per profile, (2, ...) per partner (japan, korea).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.special import ndtr

QUADRATURE_POINTS = 4096


@dataclass(frozen=True)
class LogPrior:
    """Log-mean and log-sd of a threshold's prior: the partners' shared background knowledge.

    ``sd == 0`` marks a fixed prior: the value is known, whatever the spread.
    """

    mean: float
    sd: float

    @classmethod
    def of(cls, dist) -> LogPrior:
        """Moments of ln(X) for a prior X (a :mod:`model.distributions` family), by
        midpoint quadrature over its quantile function. Values at or below zero are
        raised to the smallest positive quantile, so a prior that touches zero keeps a
        finite log-mean."""
        if dist.is_fixed:
            value = float(dist.value)
            return cls(float(np.log(value)) if value > 0 else -np.inf, 0.0)
        u = (np.arange(QUADRATURE_POINTS) + 0.5) / QUADRATURE_POINTS
        values = np.asarray(dist.ppf(u), dtype=float)
        positive = values[values > 0]
        floor = positive.min() if positive.size else 1.0
        logs = np.log(np.maximum(values, floor))
        return cls(float(logs.mean()), float(logs.std()))


def log_prior(dist) -> LogPrior:
    """:meth:`LogPrior.of`, remembered per prior (workers evaluate many chunks of one config)."""
    try:
        return _cached_log_prior(dist)
    except TypeError:  # an unhashable prior
        return LogPrior.of(dist)


@lru_cache(maxsize=64)
def _cached_log_prior(dist) -> LogPrior:
    return LogPrior.of(dist)


@dataclass(frozen=True)
class Perception:
    """Each partner's perceived outcome probabilities per profile: float (2, 4, n) each.

    Axis 0 is the partner (japan, korea), axis 1 the profile (BB, BP, PB, PP).
    """

    holds: np.ndarray
    intervenes: np.ndarray
    collapses: np.ndarray


def reach_probability(
    outlay: np.ndarray,
    base: np.ndarray,
    value: np.ndarray,
    bias: np.ndarray,
    spread: np.ndarray,
    prior: LogPrior,
    log_capability: np.ndarray | None = None,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """A partner's probability that capability ``outlay + base`` reaches a threshold.

    Parameters
    ----------
    outlay : float (4, n)
        The per-profile part of the capability (the balancing outlays), USD bn per year.
    base : float (n,)
        The rest of the capability, the same in every profile.
    value : float (n,)
        The threshold's true value in each world (China's resolve, or the US threshold).
    bias, spread : float (n,)
        The partner's bias (beta, a ratio) and signal log-noise (sigma).
    prior : LogPrior
        Log-moments of the threshold's background prior.
    log_capability : float (4, n), optional
        ``ln(outlay + base)``, when the caller shares it between partners.
    out : float (4, n), optional
        Where to write the result (a new array when omitted).

    Returns
    -------
    float (4, n)
        P(belief <= outlay + base). Where the belief is a point (no spread, or a fixed
        prior) this is ``outlay >= beta * value - base``, the comparison of §3.2.
    """
    if out is None:
        out = np.empty(outlay.shape)
    noisy = spread > 0
    if prior.sd == 0 or not noisy.any():
        np.copyto(out, np.greater_equal(outlay, bias * value - base))
        return out
    tau0_sq = prior.sd**2
    spread_sq = spread * spread
    weight = tau0_sq / (tau0_sq + spread_sq)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_median = np.log(bias) + weight * np.log(value) + (1.0 - weight) * prior.mean
        inverse_tau = np.sqrt(tau0_sq + spread_sq) / (prior.sd * spread)
        if log_capability is None:
            np.log(outlay + base, out=out)
            out -= log_median
        else:
            np.subtract(log_capability, log_median, out=out)
        out *= inverse_tau
    ndtr(out, out=out)
    # A point belief (spread 0, or too small to divide by) and the undefined 0/0 (zero
    # capability against a zero threshold, which is reached) take the exact comparison. Both are rare, so the
    # masks are built only when they can occur.
    point = ~noisy | ~np.isfinite(inverse_tau)  # a spread so small that tau underflows is a point too
    exact = point if point.any() else None
    if not (np.all(value > 0) and np.isfinite(prior.mean)):
        undefined = np.isnan(out)
        exact = undefined if exact is None else exact | undefined
    if exact is not None:
        np.copyto(out, np.greater_equal(outlay, bias * value - base), where=exact)
    return out


def perceive(
    outlay: np.ndarray,
    deterrent: np.ndarray,
    resolve: np.ndarray,
    counted: np.ndarray,
    threshold: np.ndarray | None,
    *,
    resolve_bias: np.ndarray,
    resolve_spread: np.ndarray,
    threshold_bias: np.ndarray,
    ambiguity: np.ndarray | None,
    resolve_prior: LogPrior,
    threshold_prior: LogPrior | None,
) -> Perception:
    """Both partners' perceived outcome probabilities per profile.

    ``outlay`` (4, n) is the balancing outlay per profile; ``deterrent`` (n,) the rest of
    the local deterrent; ``resolve`` (n,) China's resolve; ``counted`` (n,) the PTRL money
    the US counts; ``threshold`` (n,) the US threshold, or ``None`` when the US never
    intervenes (grand bargain). Beliefs are (2, n) per partner; ``ambiguity`` (n,) is
    the log-noise of both partners' reading of the threshold.
    """
    holds = np.empty((2, *outlay.shape))
    met = np.empty(outlay.shape) if threshold is not None else None
    intervenes = np.zeros_like(holds) if met is None else np.empty_like(holds)  # else every row is written below
    with np.errstate(divide="ignore"):
        log_deterrent = np.log(outlay + deterrent)
        log_contribution = None if threshold is None else np.log(outlay + counted)
    for i in range(2):
        reach_probability(
            outlay, deterrent, resolve, resolve_bias[i], resolve_spread[i], resolve_prior, log_deterrent, holds[i]
        )
        if met is not None:
            # Both partners hear the same US ambiguity, so with equal biases (the baseline)
            # they read the threshold alike: one evaluation serves both.
            if i == 0 or not np.array_equal(threshold_bias[i], threshold_bias[i - 1]):
                reach_probability(
                    outlay, counted, threshold, threshold_bias[i], ambiguity, threshold_prior, log_contribution, met
                )
            np.subtract(1.0, holds[i], out=intervenes[i])
            intervenes[i] *= met
    fails = 1.0 - holds
    return Perception(holds=holds, intervenes=intervenes, collapses=np.subtract(fails, intervenes, out=fails))


def expected_outcomes(perception: Perception, weights: np.ndarray) -> np.ndarray:
    """Each partner's perceived outcome probabilities of the play ``weights`` (4, n):
    float (2, 3, n), outcomes in :data:`OUTCOMES` order."""
    parts = (perception.holds, perception.intervenes, perception.collapses)
    return np.stack([np.einsum("ipn,pn->in", part, weights) for part in parts], axis=1)


def true_outcome(holds: np.ndarray, intervenes: np.ndarray) -> np.ndarray:
    """Index into :data:`OUTCOMES` of what happens in each profile: int8 (4, n).

    The outcomes are exclusive, so the index is 2 - intervenes - 2 * holds.
    """
    out = np.full(holds.shape, 2, dtype=np.int8)
    out -= intervenes.view(np.int8)
    out -= 2 * holds.view(np.int8)
    return out


def miscalculation(perception: Perception, truth: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Probability, per partner, that the outcome that happens under the play ``weights``
    (4, n) is not the one the partner thought most likely: float (2, n).

    ``truth`` is :func:`true_outcome` (4, n). The most likely outcome is the first of
    :data:`OUTCOMES` with the largest perceived probability.
    """
    h, u, c = perception.holds, perception.intervenes, perception.collapses
    holds_first = (h >= u) & (h >= c)  # ties go to the earlier outcome, as argmax would
    us_next = ~holds_first & (u >= c)
    likely = np.full(h.shape, 2, dtype=np.int8)  # (2, 4, n): collapse unless ...
    likely -= us_next
    likely -= 2 * holds_first.view(np.int8)
    wrong = np.not_equal(likely, truth).astype(np.float64)
    return np.einsum("ipn,pn->in", wrong, weights)
