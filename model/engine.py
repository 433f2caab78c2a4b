"""One chunk of worlds: draw, build payoffs, solve, select, and summarise.

This is the sampling path: everything is vectorised over the worlds of a chunk
(arrays of length n); the only loops are over profiles, countries and rules.

Discrete results (equilibrium sets, pure equilibria, game types, commitment) are
functions of each world's signature (:mod:`model.signature`), so a chunk keeps one
histogram of signatures and the results are read off it exactly. The selected
profile follows from the signature too, except in worlds with several equilibria, a
mixed one only, or best-response ties: those, and only those, go through the
reference solver and selection functions.

Besides its statistics a chunk returns what the run keeps of it (:class:`Keep`): the
convergence trace's points inside the first chunk (:mod:`model.trace`) and, for the
run's first :data:`BURDEN_SAMPLE_WORLDS` worlds, each world's expected total burden.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from model.allocator import keep_freed_memory
from model.beliefs import expected_outcomes, miscalculation, true_outcome
from model.config.schema import Config
from model.equilibria import Solution, solve_2x2
from model.outputs import WorldValues
from model.payoffs import BurdenModel, StructuralWorlds, ordinal_payoffs, structural_worlds
from model.sampling import Correlation, draw_chunk
from model.selection import play_probabilities, product_distribution
from model.signature import (
    CODES,
    as_games,
    best_response_gains,
    commit_values,
    fixed_profile_codes,
    mixed_only_codes,
    selected_profile,
    signatures,
    tables,
    two_pure_codes,
)
from model.stats import ChunkStats, Counts, Histogram, Moments, Sample, Trace
from model.trace import columns, prefix_points, prefix_trace

BOUND_RULES = ("japan_best", "japan_worst")
KOREA_PASSES = np.array([0.0, 1.0, 0.0, 1.0])  # the profiles BP and PP
BURDEN_SAMPLE_WORLDS = 131_072  # the run's first worlds whose total burdens results.nc keeps


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


@dataclass(frozen=True)
class Keep:
    """What a chunk keeps besides its statistics.

    Attributes
    ----------
    prefixes : tuple of int
        World counts inside the chunk after which the traced estimates are recorded
        (the first chunk only: :func:`model.trace.prefix_points`).
    burdens : int
        How many of the chunk's first worlds join the run's burden sample.
    """

    prefixes: tuple[int, ...] = ()
    burdens: int = 0

    @classmethod
    def of_chunk(cls, chunk_size: int, k: int, n: int) -> Keep:
        """What chunk ``k`` (``n`` worlds, chunks of ``chunk_size``) keeps."""
        return cls(
            prefixes=prefix_points(n) if k == 0 else (),
            burdens=max(0, min(n, BURDEN_SAMPLE_WORLDS - k * chunk_size)),
        )


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
    keep_freed_memory()
    draws = draw_worlds(config, priors, k, n)
    worlds, japan, korea = payoffs_of(config, draws, n)
    return summarise(config, japan, korea, worlds, Keep.of_chunk(config.sampling.chunk_size, k, n))


def payoffs_of(
    config: Config, draws: dict[str, np.ndarray], n: int
) -> tuple[StructuralWorlds | None, np.ndarray, np.ndarray]:
    if config.game.mode == "ordinal":
        japan, korea = ordinal_payoffs(config, draws, n)
        return None, japan, korea
    worlds = structural_worlds(config, draws, n)
    return worlds, worlds.japan, worlds.korea


def solve_worlds(config: Config, draws: dict[str, np.ndarray], n: int) -> WorldValues:
    """Per-world results of n drawn worlds: the selection rule's profile probabilities,
    outcome probabilities, expected burdens and signatures (:class:`WorldValues`).

    The per-world view behind paired comparisons and sensitivity methods; a run folds
    the same quantities into statistics instead. Ordinal worlds have no outcomes or
    burdens (zeros).
    """
    worlds, japan, korea = payoffs_of(config, draws, n)
    code, _ = signatures(japan, korea)
    played = select(japan, korea, code, config.game.selection).dense()
    if worlds is None:
        return WorldValues(played, np.zeros((3, n)), np.zeros((3, 6, n)), code)
    return WorldValues(played, worlds.outcome_probabilities(played), worlds.expected_burden(played), code)


def one_hot(profile: np.ndarray) -> np.ndarray:
    """Profile probabilities (4, m) of worlds playing ``profile`` (int, -1: none yet)."""
    out = np.zeros((4, profile.size))
    fixed = np.flatnonzero(profile >= 0)
    out[profile[fixed], fixed] = 1.0
    return out


@dataclass(frozen=True)
class Selection:
    """How each world's game is played under the run's rule.

    Most worlds play one profile fixed by their signature (``profile``); the others
    (``undetermined``: several equilibria the signature cannot rank, a mixed one only,
    ties) play ``weights``: in closed form for a lone mixed equilibrium and, under risk
    dominance, for two strict pure equilibria; from the reference functions otherwise.
    """

    signature: np.ndarray  # intp (n,)
    profile: np.ndarray  # int8 (n,): the profile played, -1 where undetermined
    undetermined: np.ndarray  # int64 (m,): indices of the other worlds (any order)
    weights: np.ndarray  # float (4, m): their profile probabilities
    rule: str  # the selection rule, one of model.selection.RULES
    japan: np.ndarray  # float (4, m): the undetermined worlds' payoffs, profile-major
    korea: np.ndarray  # float (4, m)

    def dense(self) -> np.ndarray:
        """Profile probabilities of every world, float (4, n)."""
        played = one_hot(self.profile)
        if self.undetermined.size:
            played[:, self.undetermined] = self.weights
        return played

    def moments(self, counts: np.ndarray) -> Moments:
        """Moments of the per-world profile probabilities, from the signature histogram
        ``counts`` (exact: determined worlds play a one-hot vector)."""
        one_hot = self._fixed_counts(counts)
        n = self.profile.size
        total = one_hot + self.weights.sum(axis=1)
        squares = one_hot + np.einsum("pm,pm->p", self.weights, self.weights)
        return Moments.from_sums(n, total, squares)

    def combined_moments(self, counts: np.ndarray, coefficients: np.ndarray) -> Moments:
        """Moments of ``coefficients @ played`` per world, for 0/1 ``coefficients`` (4,):
        the probability of a set of profiles (e.g. BP and PP: Korea passes the buck)."""
        hits = float(coefficients @ self._fixed_counts(counts))  # determined worlds: 0 or 1 each
        # einsum, not BLAS: a multi-threaded BLAS splits long products by thread, so the last
        # bit would depend on the process's BLAS threads (a worker's 1 against the main's all).
        values = np.einsum("p,pm->m", coefficients, self.weights)
        squares = np.einsum("m,m->", values, values)
        return Moments.from_sums(self.profile.size, np.asarray(hits + values.sum()), np.asarray(hits + squares))

    def _fixed_counts(self, counts: np.ndarray) -> np.ndarray:
        """Worlds whose signature fixes each profile: float (4,)."""
        codes, profiles = fixed_profile_codes(self.rule)
        return np.bincount(profiles, weights=counts.take(codes), minlength=4)


def select(japan: np.ndarray, korea: np.ndarray, code: np.ndarray, rule: str) -> Selection:
    """How each world's game is played under ``rule``.

    ``japan`` and ``korea`` are profile-major payoffs (4, n); ``code`` holds the
    worlds' signatures (:func:`model.signature.signatures`).
    """
    profile = selected_profile(rule).take(code)
    undetermined = np.flatnonzero(profile < 0)
    # Two undetermined cases have closed forms (docs/MODEL.md §4, §7): a lone, completely
    # mixed equilibrium, which every rule plays, and, under risk dominance, two strict
    # pure equilibria. The rest go through the reference selection functions.
    codes = code[undetermined]
    lone_mixed = mixed_only_codes().take(codes)
    two_pure = two_pure_codes().take(codes) if rule == "risk_dominance" else np.zeros_like(lone_mixed)
    groups = [undetermined[lone_mixed], undetermined[two_pure], undetermined[~(lone_mixed | two_pure)]]
    undetermined = np.concatenate(groups)
    sub_japan, sub_korea = japan.take(undetermined, axis=1), korea.take(undetermined, axis=1)
    m, closed = groups[0].size, groups[0].size + groups[1].size
    gains = best_response_gains(sub_japan[:, :closed], sub_korea[:, :closed])
    weights = np.concatenate(
        [
            mixed_play(gains[:, :m]),
            risk_dominant_play(gains[:, m:]),
            rule_weights(sub_japan[:, closed:], sub_korea[:, closed:], rule),
        ],
        axis=1,
    )
    return Selection(code, profile, undetermined, weights, rule, sub_japan, sub_korea)


def mixed_play(gains: np.ndarray) -> np.ndarray:
    """Profile probabilities (4, m) of the completely mixed equilibrium of games whose
    best-response gains (a, b, c, d) are ``gains`` (4, m): Japan plays B with
    p = d/(d-c), Korea with q = b/(b-a)."""
    a, b, c, d = gains
    return product_distribution(d / (d - c), b / (b - a))


def risk_dominant_play(gains: np.ndarray) -> np.ndarray:
    """Profile probabilities (4, m) under risk dominance in games with two strict pure
    equilibria, from their best-response gains (a, b, c, d) ``gains`` (4, m).

    The equilibrium with the larger Nash product of deviation losses is played, both
    halves on a tie. BB and PP (a, c > 0 > b, d) have products a*c and b*d; BP and PB
    (b, d > 0 > a, c) have b*(-c) and (-a)*d, so BP wins where a*d > b*c.
    """
    a, b, c, d = gains
    coordination = a > 0
    first = a * np.where(coordination, c, d)  # BB's product, or PB's negated
    second = b * np.where(coordination, d, c)  # PP's product, or BP's negated
    first_wins = (first > second) + 0.5 * (first == second)
    second_wins = 1.0 - first_wins
    anti = ~coordination
    return np.stack([coordination * first_wins, anti * first_wins, anti * second_wins, coordination * second_wins])


def rule_weights(japan: np.ndarray, korea: np.ndarray, rule: str) -> np.ndarray:
    """Reference path: profile probabilities (4, m) of m games (rows (4, m)) under ``rule``."""
    if japan.shape[1] == 0:
        return np.zeros((4, 0))
    japan, korea = as_games(japan), as_games(korea)
    solution = solve_2x2(japan, korea)
    return play_probabilities(japan, korea, solution, rule).reshape(-1, 4).T


def commitment_gain(lead: np.ndarray, chosen: Selection) -> tuple[np.ndarray, np.ndarray]:
    """Japan's gain from committing to B over the simultaneous game, and whether
    committing to B is its best move (weakly better than both alternatives).

    ``lead`` is L, Japan's payoff when it commits to B minus when it commits to P. In
    a world whose selected profile (r, c) the signature fixes, Korea's best reply to r
    is strict and equals c, so the simultaneous payoff is Japan's commitment payoff for
    row r: the gain is 0 when r = B and L when r = P, and committing to B is best
    exactly when L >= 0. Other worlds are computed from their profile probabilities.
    """
    gain = np.multiply(lead, chosen.profile >= 2)
    best = lead >= 0
    idx = chosen.undetermined
    if idx.size:
        commit_b, commit_p = commit_values(chosen.japan, best_response_gains(chosen.japan, chosen.korea)[2:4])
        simultaneous = np.einsum("pm,pm->m", chosen.weights, chosen.japan)
        gain[idx] = commit_b - simultaneous
        best[idx] = (commit_b >= simultaneous) & (commit_b >= commit_p)
    return gain, best


def summarise(
    config: Config,
    japan: np.ndarray,
    korea: np.ndarray,
    worlds: StructuralWorlds | None,
    keep: Keep | None = None,
) -> ChunkStats:
    """Sufficient statistics of one chunk; :mod:`model.results` explains each.

    ``japan`` and ``korea`` are profile-major payoffs (4, n). With ``keep``, the
    statistics also hold the chunk's ``trace`` (:class:`model.stats.Trace`) and, in
    structural mode, its ``burden_sample`` (:class:`model.stats.Sample`, (3, m)),
    after every statistic.
    """
    n = japan.shape[1]
    code, lead = signatures(japan, korea)
    chosen = select(japan, korea, code, config.game.selection)
    counts = np.bincount(code, minlength=CODES)
    gain, best = commitment_gain(lead, chosen)
    stats: ChunkStats = {
        "signature": Counts(n, counts),
        "played": chosen.moments(counts),
        "korea_passes": chosen.combined_moments(counts, KOREA_PASSES),
        "payoff_japan": Moments.of_last(japan),
        "payoff_korea": Moments.of_last(korea),
        "commit_gain": Moments.of_last(gain),
        "commit_is_best": Counts(n, np.array(np.count_nonzero(best))),
    }
    if worlds is not None:
        stats.update(_structural_stats(japan, korea, chosen, worlds, keep))
    elif keep is not None:
        trace = prefix_trace(keep.prefixes, code, chosen.dense()) if keep.prefixes else Trace.empty(columns(False))
        stats["trace"] = trace
    return stats


def _kept(keep: Keep, chosen: Selection, played: np.ndarray, outcome: np.ndarray, burden: np.ndarray) -> ChunkStats:
    """A structural chunk's trace points and burden sample.

    ``played`` (4, n), ``outcome`` (3, n) and ``burden`` (3, 6, n) are the per-world
    values the chunk's statistics were computed from.
    """
    trace = Trace.empty(columns(True))
    if keep.prefixes:
        trace = prefix_trace(keep.prefixes, chosen.signature, played, outcome, burden)
    sample = Sample(np.array(burden[:, -1, : keep.burdens], dtype=np.float64))  # total, (3, m)
    return {"trace": trace, "burden_sample": sample}


def _structural_stats(
    japan, korea, chosen: Selection, worlds: StructuralWorlds, keep: Keep | None = None
) -> ChunkStats:
    table = tables()
    played = chosen.dense()
    commit = table.commit_played.take(chosen.signature, axis=1)
    leader = table.leader_played.take(chosen.signature, axis=1)
    burden = worlds.expected_burden(played)  # (2, 6, n)
    burden_moments = Moments.of_last(burden)

    bounds = _bound_burdens(japan, korea, chosen, played, worlds.model, burden, burden_moments)
    outcome_values = worlds.outcome_probabilities(played)  # (3, n)
    outcome = Moments.of_last(outcome_values)
    kept = {} if keep is None else _kept(keep, chosen, played, outcome_values, burden)
    return {
        "outcome": outcome,
        **_belief_stats(worlds, played, outcome),
        "outcome_commit": Moments.of_last(worlds.outcome_probabilities(commit)),
        "burden": burden_moments,
        "burden_bounds": Moments(
            burden_moments.count, np.stack([b.mean for b in bounds]), np.stack([b.m2 for b in bounds])
        ),
        "burden_commit": Moments.of_last(worlds.expected_burden(commit)),
        "burden_leader": Moments.of_last(worlds.expected_burden(leader)),
        "burden_hist": _realised_burden_histogram(played, burden, worlds),
        **kept,
    }


def _belief_stats(worlds: StructuralWorlds, played: np.ndarray, outcome: Moments) -> ChunkStats:
    """What the partners expected of the play, and how often the outcome surprised them.

    Under complete information expectations are the truth: both partners' expected
    outcome probabilities are the true ones and nobody miscalculates.
    """
    perception = worlds.perception
    if perception is None:
        twice = Moments(outcome.count, np.stack([outcome.mean, outcome.mean]), np.stack([outcome.m2, outcome.m2]))
        return {"perceived_outcome": twice, "miscalculation": Moments(outcome.count, np.zeros(2), np.zeros(2))}
    truth = true_outcome(worlds.holds, worlds.intervenes)
    return {
        "perceived_outcome": Moments.of_last(expected_outcomes(perception, played)),
        "miscalculation": Moments.of_last(miscalculation(perception, truth, played)),
    }


def _bound_burdens(
    japan: np.ndarray,
    korea: np.ndarray,
    chosen: Selection,
    played: np.ndarray,
    model: BurdenModel,
    burden: np.ndarray,
    burden_moments: Moments,
) -> list[Moments]:
    """Burden moments under each of :data:`BOUND_RULES`.

    A bound rule changes the burden only where it may play another profile than the
    run's rule; only those worlds are solved again (once, for both rules) and their
    contributions to the sums swapped. ``burden`` (3, 6, n) is every world's expected
    burden under the run's rule, whose moments are ``burden_moments``.
    """
    profiles = [selected_profile(rule).take(chosen.signature) for rule in BOUND_RULES]
    differs = np.zeros(chosen.profile.size, dtype=bool)
    for profile in profiles:
        differs |= (profile != chosen.profile) | (profile < 0)
    changed = np.flatnonzero(differs)
    if changed.size == 0:
        return [burden_moments for _ in BOUND_RULES]
    sub = model.take(changed)
    before = burden.take(changed, axis=-1)
    total = burden_moments.sums()[0] - before.sum(axis=-1)
    squares = burden_moments.sums()[1] - np.einsum("ijk,ijk->ij", before, before)
    games = as_games(japan.take(changed, axis=1)), as_games(korea.take(changed, axis=1))
    solution = solve_2x2(*games)
    out = []
    for rule, profile in zip(BOUND_RULES, profiles, strict=True):
        fixed = profile[changed]
        rest = np.flatnonzero(fixed < 0)
        if rest.size == changed.size:  # the usual case: the signature fixes none of them
            weights = np.ascontiguousarray(play_probabilities(*games, solution, rule).reshape(-1, 4).T)
        else:
            weights = one_hot(fixed)
            if rest.size:
                sub_solution = Solution(*(np.asarray(getattr(solution, f.name))[rest] for f in fields(Solution)))
                rest_games = games[0][rest], games[1][rest]
                weights[:, rest] = play_probabilities(*rest_games, sub_solution, rule).reshape(-1, 4).T
        after = sub.expected_burden(weights)
        out.append(
            Moments.from_sums(
                burden_moments.count,
                total + after.sum(axis=-1),
                squares + np.einsum("ijk,ijk->ij", after, after),
            )
        )
    return out


def _realised_burden_histogram(played: np.ndarray, burden: np.ndarray, worlds: StructuralWorlds) -> Histogram:
    """Histogram of the burden actually borne (country, component + total).

    Where one profile is played the realised burden is the expected one; where play
    is mixed, each profile's burden enters with its probability as weight.
    """
    mixed = np.flatnonzero(np.maximum.reduce(played) < 1.0)
    if mixed.size == 0:
        return Histogram.of(burden)
    m = mixed.size
    # The four profiles of every mixed world side by side: (2, 6, 4m) values, weights.
    one_hot = np.repeat(np.eye(4), m, axis=1)  # (4, 4m)
    per_profile = worlds.model.take(np.tile(mixed, 4)).expected_burden(one_hot)
    weights = played[:, mixed].reshape(-1)  # profile-major, matching the tiling
    # The mixed worlds enter through their profiles only.
    return Histogram.of(burden, exclude=mixed).merge(Histogram.of(per_profile, weights))
