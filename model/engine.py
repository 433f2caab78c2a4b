"""One chunk of worlds: draw, build payoffs, solve, select, and summarise.

This is the sampling path: everything is vectorised over the worlds of a chunk
(arrays of length n); the only loops are over profiles, countries and rules.

Discrete results (equilibrium sets, pure equilibria, game types, commitment) are
functions of each world's signature (:mod:`model.signature`), so a chunk keeps one
histogram of signatures and the results are read off it exactly. The selected
profile follows from the signature too, except in worlds with several equilibria, a
mixed one only, or best-response ties: those, and only those, go through the
reference solver and selection functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from model.config.schema import Config
from model.equilibria import solve_2x2
from model.payoffs import StructuralWorlds, ordinal_payoffs, structural_worlds
from model.sampling import Correlation, draw_chunk
from model.selection import play_probabilities
from model.signature import CODES, as_games, comparisons, signature_codes, tables
from model.stats import ChunkStats, Counts, Histogram, Moments

BOUND_RULES = ("japan_best", "japan_worst")


@dataclass(frozen=True)
class ChunkPlan:
    """How the worlds of a run are split: chunk k holds worlds [k*size, k*size + n_k)."""

    samples: int
    chunk_size: int

    @property
    def chunks(self) -> int:
        return -(-self.samples // self.chunk_size)

    def size(self, k: int) -> int:
        return min(self.chunk_size, self.samples - k * self.chunk_size)


def correlation_of(config: Config) -> Correlation | None:
    spec = config.sampling.correlation
    if spec is None:
        return None
    return Correlation(tuple(spec.parameters), np.asarray(spec.matrix, dtype=float))


def draw_worlds(config: Config, priors: dict[str, Any], k: int, n: int) -> dict[str, np.ndarray]:
    """The sampled parameters of chunk ``k`` (n worlds): key -> float64 (n,)."""
    sampling = config.sampling
    return draw_chunk(
        priors,
        sampler=sampling.sampler,
        seed=sampling.seed,
        chunk_index=k,
        chunk_size=sampling.chunk_size,
        n=n,
        correlation=correlation_of(config),
    )


def evaluate_chunk(config: Config, priors: dict[str, Any], k: int, n: int) -> ChunkStats:
    """Draw chunk ``k`` of ``n`` worlds and return its mergeable statistics."""
    draws = draw_worlds(config, priors, k, n)
    worlds, japan, korea = payoffs_of(config, draws, n)
    return summarise(config, japan, korea, worlds)


def payoffs_of(
    config: Config, draws: dict[str, np.ndarray], n: int
) -> tuple[StructuralWorlds | None, np.ndarray, np.ndarray]:
    if config.game.mode == "ordinal":
        japan, korea = ordinal_payoffs(config, draws, n)
        return None, japan, korea
    worlds = structural_worlds(config, draws, n)
    return worlds, worlds.japan, worlds.korea


@dataclass(frozen=True)
class Selection:
    """Profile probabilities (4, n) under the run's rule, and where they came from."""

    played: np.ndarray
    signature: np.ndarray  # uint16 (n,)
    undetermined: np.ndarray  # int64 indices of worlds solved by the reference path


def select(japan: np.ndarray, korea: np.ndarray, values: np.ndarray, rule: str) -> Selection:
    """How each world's game is played under ``rule``.

    ``japan`` and ``korea`` are profile-major payoffs (4, n); ``values`` comes from
    :func:`model.signature.comparisons`.
    """
    table = tables()
    code = signature_codes(values)
    played = table.played[rule].take(code, axis=1)
    undetermined = np.flatnonzero(~table.determined[rule].take(code))
    if undetermined.size:
        played[:, undetermined] = rule_weights(japan[:, undetermined], korea[:, undetermined], rule)
    return Selection(played, code, undetermined)


def rule_weights(japan: np.ndarray, korea: np.ndarray, rule: str) -> np.ndarray:
    """Reference path: profile probabilities (4, m) of m games (rows (4, m)) under ``rule``."""
    if japan.shape[1] == 0:
        return np.zeros((4, 0))
    japan, korea = as_games(japan), as_games(korea)
    solution = solve_2x2(japan, korea)
    return play_probabilities(japan, korea, solution, rule).reshape(-1, 4).T


def summarise(
    config: Config, japan: np.ndarray, korea: np.ndarray, worlds: StructuralWorlds | None
) -> ChunkStats:
    """Sufficient statistics of one chunk; :mod:`model.results` explains each.

    ``japan`` and ``korea`` are profile-major payoffs (4, n).
    """
    n = japan.shape[1]
    values = comparisons(japan, korea)
    chosen = select(japan, korea, values, config.game.selection)
    simultaneous = np.einsum("pn,pn->n", chosen.played, japan)
    commit_b, commit_p = values[9], values[10]
    stats: ChunkStats = {
        "signature": Counts(n, np.bincount(chosen.signature, minlength=CODES)),
        "played": Moments.of_last(chosen.played),
        "payoff_japan": Moments.of_last(japan),
        "payoff_korea": Moments.of_last(korea),
        "commit_gain": Moments.of_last(commit_b - simultaneous),
        "commit_is_best": Counts(n, np.array(np.count_nonzero((commit_b >= simultaneous) & (commit_b >= commit_p)))),
    }
    if worlds is not None:
        stats.update(_structural_stats(japan, korea, chosen, worlds))
    return stats


def _structural_stats(japan, korea, chosen: Selection, worlds: StructuralWorlds) -> ChunkStats:
    table = tables()
    played = chosen.played
    commit = table.commit_played.take(chosen.signature, axis=1)
    leader = table.leader_played.take(chosen.signature, axis=1)
    burden = worlds.expected_burden(played)  # (2, 6, n)
    burden_moments = Moments.of_last(burden)

    # The bound rules agree with the run's rule wherever the signature determines the
    # profile, so only the undetermined worlds are re-selected and their sums swapped.
    idx = chosen.undetermined
    bounds = []
    if idx.size:
        sub = subset(worlds, idx)
        total, squares = burden_moments.sums()
        here = sub.expected_burden(played[:, idx])
        total = total - here.sum(axis=-1)
        squares = squares - (here * here).sum(axis=-1)
    for rule in BOUND_RULES:
        if idx.size:
            other = sub.expected_burden(rule_weights(japan[:, idx], korea[:, idx], rule))
            bounds.append(Moments.from_sums(
                burden_moments.count, total + other.sum(axis=-1), squares + (other * other).sum(axis=-1)
            ))
        else:
            bounds.append(burden_moments)
    return {
        "outcome": Moments.of_last(worlds.outcome_probabilities(played)),
        "outcome_commit": Moments.of_last(worlds.outcome_probabilities(commit)),
        "burden": burden_moments,
        "burden_bounds": Moments(
            burden_moments.count, np.stack([b.mean for b in bounds]), np.stack([b.m2 for b in bounds])
        ),
        "burden_commit": Moments.of_last(worlds.expected_burden(commit)),
        "burden_leader": Moments.of_last(worlds.expected_burden(leader)),
        "burden_hist": _realised_burden_histogram(played, burden, worlds),
    }


def _realised_burden_histogram(played: np.ndarray, burden: np.ndarray, worlds: StructuralWorlds) -> Histogram:
    """Histogram of the burden actually borne (country, component + total).

    Where one profile is played the realised burden is the expected one; where play
    is mixed, each profile's burden enters with its probability as weight.
    """
    mixed = np.flatnonzero(np.maximum.reduce(played) < 1.0)
    if mixed.size == 0:
        return Histogram.of(burden)
    hist = Histogram.of(burden, exclude=mixed)
    sub = subset(worlds, mixed)
    for p in range(4):
        one_hot = np.zeros((4, mixed.size))
        one_hot[p] = 1.0
        hist = hist.merge(Histogram.of(sub.expected_burden(one_hot), played[p, mixed]))
    return hist


def subset(worlds: StructuralWorlds, idx: np.ndarray) -> StructuralWorlds:
    """The worlds at ``idx``."""
    return StructuralWorlds(
        japan=worlds.japan[:, idx],
        korea=worlds.korea[:, idx],
        holds=worlds.holds[:, idx],
        intervenes=worlds.intervenes[:, idx],
        collapses=worlds.collapses[:, idx],
        horizon=worlds.horizon,
        cost=worlds.cost[:, idx],
        retaliation=worlds.retaliation[:, idx],
        ptrl_paid=worlds.ptrl_paid[:, idx],
        war_loss=worlds.war_loss[:, idx],
        collapse_loss=worlds.collapse_loss[:, idx],
        dilution=worlds.dilution[idx],
        ptrl_retaliation=worlds.ptrl_retaliation[idx],
    )
