"""One chunk of worlds: draw, build payoffs, solve, select, and summarise.

This is the sampling path: everything below is vectorised over the worlds of a chunk
(arrays of length n); the only loops are over profiles, countries and quantile levels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from model.commitment import analyse_commitment
from model.config.schema import Config
from model.equilibria import equilibrium_set_codes, solve_2x2
from model.gametypes import TYPE_LABELS, player_types
from model.payoffs import StructuralWorlds, ordinal_payoffs, structural_worlds
from model.sampling import Correlation, draw_chunk
from model.selection import play_probabilities
from model.stats import ChunkStats, Counts, Histogram, Moments

BOUND_RULES = ("japan_best", "japan_worst")
SET_CODES = 64  # all combinations of the six equilibrium-set bits


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


def summarise(
    config: Config, japan: np.ndarray, korea: np.ndarray, worlds: StructuralWorlds | None
) -> ChunkStats:
    """Sufficient statistics of one chunk; see :mod:`model.results` for their meaning."""
    n = japan.shape[0]
    solution = solve_2x2(japan, korea)
    played = play_probabilities(japan, korea, solution, config.game.selection).reshape(n, 4)
    japan_type, korea_type = player_types(japan, korea)
    n_types = len(TYPE_LABELS)
    type_pairs = japan_type.astype(np.int64) * n_types + korea_type
    commitment = analyse_commitment(japan, korea)

    stats: ChunkStats = {
        "pure_ne": Counts.of(solution.pure.reshape(n, 4)),
        "special_ne": Counts.of(np.stack([solution.mixed, solution.degenerate], axis=1)),
        "eq_set": Counts(n, np.bincount(equilibrium_set_codes(solution).ravel(), minlength=SET_CODES)),
        "played": Moments.of(played),
        "game_type": Counts(n, np.bincount(type_pairs, minlength=n_types**2).reshape(n_types, n_types)),
        "payoff": Moments.of(np.stack([japan.reshape(n, 4), korea.reshape(n, 4)], axis=1)),
        "korea_b_given_japan_b": Moments.of(commitment.korea_b_given_japan_b),
        "commit_played": Moments.of(commitment.commit_b_played.reshape(n, 4)),
        "leader_played": Moments.of(commitment.leader_played.reshape(n, 4)),
        "leader_chooses_b": Moments.of(commitment.leader_chooses_b),
        **_commitment_value(japan, korea, played, commitment.commit_b_played.reshape(n, 4)),
    }
    if worlds is not None:
        stats.update(_structural_stats(config, japan, korea, solution, played, commitment, worlds))
    return stats


def _commitment_value(japan, korea, played, commit_probs) -> ChunkStats:
    """Japan's payoff gain from committing to B, and whether that commitment is its best move.

    Best move: committing to B is weakly better than both the simultaneous game (under
    the run's selection rule) and committing to P (Korea best-responds; ties 50/50).
    """
    j = japan.reshape(-1, 4)
    simultaneous = np.einsum("np,np->n", played, j)
    commit_b = np.einsum("np,np->n", commit_probs, j)
    korea_b_after_p = (korea[:, 1, 0] > korea[:, 1, 1]) + 0.5 * (korea[:, 1, 0] == korea[:, 1, 1])
    commit_p = korea_b_after_p * j[:, 2] + (1.0 - korea_b_after_p) * j[:, 3]
    best = (commit_b >= simultaneous) & (commit_b >= commit_p)
    return {
        "commit_gain": Moments.of(commit_b - simultaneous),
        "commit_is_best": Counts.of(best),
    }


def _structural_stats(config, japan, korea, solution, played, commitment, worlds) -> ChunkStats:
    n = played.shape[0]
    outcomes = np.stack([worlds.holds, worlds.intervenes, worlds.collapses], axis=1)  # (n, 3, 4)
    burden = np.concatenate([worlds.burden, worlds.burden.sum(axis=-1, keepdims=True)], axis=-1)
    # burden: (n, country, profile, component + total)

    def expected(weights: np.ndarray) -> np.ndarray:
        return np.einsum("np,ncpk->nck", weights, burden)

    bound_burdens = []
    for rule in BOUND_RULES:
        probs = play_probabilities(japan, korea, solution, rule).reshape(n, 4)
        bound_burdens.append(expected(probs))
    commit_probs = commitment.commit_b_played.reshape(n, 4)
    leader_probs = commitment.leader_played.reshape(n, 4)
    # Realised burden is a mixture over profiles: histogram each profile's value with
    # its play probability as weight.
    hist_values = np.moveaxis(burden, 2, 1).reshape(n * 4, 2, -1)
    hist_weights = np.broadcast_to(played.reshape(n * 4, 1, 1), hist_values.shape)
    return {
        "outcome": Moments.of(np.einsum("np,nop->no", played, outcomes)),
        "outcome_commit": Moments.of(np.einsum("np,nop->no", commit_probs, outcomes)),
        "burden": Moments.of(expected(played)),
        "burden_bounds": Moments.of(np.stack(bound_burdens, axis=1)),
        "burden_commit": Moments.of(expected(commit_probs)),
        "burden_leader": Moments.of(expected(leader_probs)),
        "burden_hist": Histogram.of(hist_values, hist_weights),
    }
