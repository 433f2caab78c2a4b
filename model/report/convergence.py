"""Convergence of the headline estimates, recomputed on the run's own first worlds.

Chunk k of a run is a pure function of the seed and k, so re-evaluating the run's
first chunks and merging their statistics in chunk order reproduces exactly the
estimates the run had after those chunks. Inside the first chunk the prefixes of its
worlds give the early points of the curve (the first n worlds of a chunk are the
chunk's draws cut at n, whatever the sampler). With at most :data:`MAX_CHUNKS`
chunks, the last point equals the run's own result whenever the run is no longer.

The estimates are read off the merged statistics with the same accumulators that
:func:`model.results.build_dataset` uses (building a whole Dataset per point would
spend most of its time on burden quantiles the chart does not show); the tests check
that the last point equals results.nc exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.engine import ChunkPlan, draw_worlds, evaluate_chunk, payoffs_of, summarise
from model.equilibria import PROFILES
from model.report.rundata import RunData
from model.results import discrete_statistics
from model.stats import ChunkStats, merge_stats

MAX_CHUNKS = 32
FIRST_POINTS = 10
SMALLEST = 500


@dataclass(frozen=True)
class Headline:
    key: str  # text key of its label
    variable: str
    index: dict
    kind: str  # "probability" or "money"


STRUCTURAL = (
    Headline("conv_p_collapse", "p_collapse", {}, "probability"),
    Headline("conv_played_PP", "played", {"profile": "PP"}, "probability"),
    Headline("conv_burden_japan", "burden", {"country": "japan", "component": "total"}, "money"),
)
ORDINAL = (
    Headline("conv_played_PP", "played", {"profile": "PP"}, "probability"),
    Headline("conv_pure_PP", "pure_ne", {"profile": "PP"}, "probability"),
    Headline("conv_korea_passes", "korea_passes_after_commit", {}, "probability"),
)


def headlines(run: RunData) -> tuple[Headline, ...]:
    return STRUCTURAL if run.structural else ORDINAL


def run_chunk_count(plan: ChunkPlan, worlds: int) -> int:
    """How many chunks of ``plan`` make up ``worlds`` worlds."""
    total, k = 0, 0
    while total < worlds and k < plan.chunks:
        total += plan.size(k)
        k += 1
    return k


def prefix_points(size: int, points: int = FIRST_POINTS) -> list[int]:
    """Geometric world counts inside the first chunk, ending just before ``size``."""
    if size <= SMALLEST:
        return []
    grid = np.unique(np.round(np.geomspace(SMALLEST, size, points + 1)).astype(int))
    return [int(n) for n in grid if n < size]


def convergence(run: RunData, max_chunks: int = MAX_CHUNKS) -> pd.DataFrame:
    """Headline estimates after each prefix of the run's worlds.

    Returns a long table with columns ``key``, ``variable``, ``kind``, ``worlds``,
    ``chunks``, ``estimate`` and ``se`` (probabilities in 0..1, money in US$ bn).
    """
    loaded = run.loaded_config()
    config = loaded.config
    priors = loaded.priors()
    plan = ChunkPlan(config.sampling.samples, config.sampling.chunk_size)
    use = max(min(run_chunk_count(plan, run.worlds), max_chunks), 1)
    wanted = headlines(run)
    rows: list[dict] = []

    def record(stats: ChunkStats, chunks: int) -> None:
        worlds = int(stats["played"].count)
        values = estimates(stats)
        for h in wanted:
            estimate, se = values[h.key]
            rows.append(
                {
                    "key": h.key,
                    "variable": h.variable,
                    "kind": h.kind,
                    "worlds": worlds,
                    "chunks": chunks,
                    "estimate": estimate,
                    "se": se,
                }
            )

    first = plan.size(0)
    draws = draw_worlds(config, priors, 0, first)
    for n in prefix_points(first):
        worlds, japan, korea = payoffs_of(config, {key: value[:n] for key, value in draws.items()}, n)
        record(summarise(config, japan, korea, worlds), 1)
    worlds, japan, korea = payoffs_of(config, draws, first)
    merged = summarise(config, japan, korea, worlds)
    record(merged, 1)
    for k in range(1, use):
        merged = merge_stats(merged, evaluate_chunk(config, priors, k, plan.size(k)))
        record(merged, k + 1)
    return pd.DataFrame(rows)


def estimates(stats: ChunkStats) -> dict[str, tuple[float, float]]:
    """Headline estimates and standard errors of merged chunk statistics."""
    pp = PROFILES.index("PP")
    played = stats["played"]
    out = {"conv_played_PP": (float(played.mean[pp]), float(played.se[pp]))}
    if "outcome" in stats:
        outcome, burden = stats["outcome"], stats["burden"]
        out["conv_p_collapse"] = (
            float(outcome.mean[2]),
            float(outcome.se[2]),
        )  # holds, US, collapse
        out["conv_burden_japan"] = (
            float(burden.mean[0, -1]),
            float(burden.se[0, -1]),
        )  # japan, total
    else:
        discrete = discrete_statistics(stats["signature"])
        pure, korea_b = discrete["pure_ne"], discrete["korea_b_given_japan_b"]
        out["conv_pure_PP"] = (float(pure.fraction[pp]), float(pure.se[pp]))
        out["conv_korea_passes"] = (1.0 - float(korea_b.mean), float(korea_b.se))
    return out
