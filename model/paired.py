"""Paired estimates on common random numbers: two arms, the same worlds.

A comparison has a *reference* and a *treatment* arm, each a config and a registered
output (:mod:`model.outputs`). Chunk k of both arms draws the same worlds (random
streams are keyed by seed, chunk and parameter name, docs/MODEL.md §8), so every
world gives one value per arm and their difference. The difference's standard error
comes from the spread of the per-world differences, which is what makes a paired
comparison far more precise than two independent estimates when the arms are
correlated, as policy variants of one world are.

Arms differ either in the config (a policy, a prior) with the same output, or in the
output within one config (Korea's buck-passing with and without Japan's
commitment). Chunks are evaluated through the run's joblib backends and merged in
chunk order, so results do not depend on the number of workers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce

import numpy as np

from model.config import ConfigError, LoadedConfig
from model.engine import ChunkPlan, draw_worlds, solve_worlds
from model.execution import Execution
from model.outputs import Estimate, WorldValues, output
from model.stats import Moments

SAMPLE_CAP = 16_384
"""Worlds whose per-world differences and inputs are kept, for scenario discovery."""


PerWorld = Callable[[WorldValues], np.ndarray]


def per_world(name: str) -> PerWorld:
    """The per-world form of the registered output ``name``."""
    return output(name).of_worlds


@dataclass(frozen=True)
class Comparison:
    """One paired comparison: the treatment arm's value minus the reference arm's,
    world by world.

    Each arm is a config and a per-world value (:func:`per_world` of a registered
    output). With denominators, each arm's estimate is a ratio of means,
    ``E[value] / E[denominator]`` (e.g. P(US intervenes) / P(deterrence fails)), and the
    difference of the two ratios gets a delta-method standard error from the per-world
    covariances of all four quantities.
    """

    name: str
    reference: LoadedConfig
    treatment: LoadedConfig
    reference_value: PerWorld
    treatment_value: PerWorld
    reference_denominator: PerWorld | None = None
    treatment_denominator: PerWorld | None = None

    @property
    def is_ratio(self) -> bool:
        return self.reference_denominator is not None


@dataclass(frozen=True)
class Paired:
    """Both arms' estimates and their paired difference, each with its standard error.

    ``inputs`` (d, m) and ``sample`` (m,) are the first ``m`` worlds (at most
    :data:`SAMPLE_CAP`): the treatment arm's uncertain inputs and the per-world
    difference (for a ratio, each world's contribution to the linearised difference).
    """

    name: str
    reference: Estimate
    treatment: Estimate
    difference: Estimate
    worlds: int
    input_names: tuple[str, ...]
    inputs: np.ndarray
    sample: np.ndarray


def world_values(loaded: LoadedConfig, k: int, n: int) -> tuple[WorldValues, dict[str, np.ndarray]]:
    """Chunk ``k``'s n worlds of ``loaded``, solved: per-world results and the draws."""
    draws = draw_worlds(loaded.config, loaded.priors(), k, n)
    return solve_worlds(loaded.config, draws, n), draws


def check_paired(reference: LoadedConfig, treatment: LoadedConfig) -> None:
    """Both arms must draw the same worlds: same seed, sampler, chunk size and sample count."""
    a, b = reference.config.sampling, treatment.config.sampling
    for key in ("seed", "sampler", "chunk_size", "samples"):
        if getattr(a, key) != getattr(b, key):
            raise ConfigError(
                treatment.source, f"sampling.{key}", "a paired comparison needs both arms to draw the same worlds"
            )


def _rows(comparison: Comparison, ref: WorldValues, treat: WorldValues) -> np.ndarray:
    """The per-world rows whose moments a comparison accumulates: (3, n) for a plain
    difference (reference, treatment, difference); for a ratio the four quantities
    (a_r, b_r, a_t, b_t) and their six cross products, (10, n)."""
    a_r, a_t = comparison.reference_value(ref), comparison.treatment_value(treat)
    if not comparison.is_ratio:
        return np.stack([a_r, a_t, a_t - a_r])
    b_r, b_t = comparison.reference_denominator(ref), comparison.treatment_denominator(treat)
    four = [a_r, b_r, a_t, b_t]
    cross = [four[i] * four[j] for i in range(4) for j in range(i + 1, 4)]
    return np.stack([*four, *cross])


def _chunk(task: tuple[tuple[Comparison, ...], int, int, bool]) -> list[dict]:
    comparisons, k, n, keep = task
    cache: dict[int, tuple[WorldValues, dict[str, np.ndarray]]] = {}

    def solved(loaded: LoadedConfig) -> tuple[WorldValues, dict[str, np.ndarray]]:
        if id(loaded) not in cache:
            cache[id(loaded)] = world_values(loaded, k, n)
        return cache[id(loaded)]

    out = []
    for comparison in comparisons:
        (ref, _), (treat, draws) = solved(comparison.reference), solved(comparison.treatment)
        rows = _rows(comparison, ref, treat)
        part: dict = {"moments": Moments.of_last(rows)}
        if keep:
            names = _uncertain(comparison.treatment)
            part["inputs"] = np.stack([draws[key] for key in names]) if names else np.zeros((0, n))
            part["rows"] = rows[:4] if comparison.is_ratio else rows[2:3]
        out.append(part)
    return out


def _uncertain(loaded: LoadedConfig) -> tuple[str, ...]:
    return tuple(key for key, prior in loaded.priors().items() if not prior.is_fixed)


def _ratio_difference(m: Moments) -> tuple[Estimate, Estimate, Estimate, np.ndarray]:
    """Ratios of means of both arms, their difference, and the difference's gradient."""
    mean = np.asarray(m.mean, dtype=float)
    n = m.count
    mu = mean[:4]
    cov = np.diag(np.asarray(m.m2, dtype=float)[:4] / max(n - 1, 1))
    pairs = [(i, j) for i in range(4) for j in range(i + 1, 4)]
    for row, (i, j) in enumerate(pairs, start=4):
        cov[i, j] = cov[j, i] = (mean[row] - mu[i] * mu[j]) * n / max(n - 1, 1)
    a_r, b_r, a_t, b_t = mu
    r_ref, r_treat = a_r / b_r, a_t / b_t
    gradient = np.array([-1 / b_r, a_r / b_r**2, 1 / b_t, -a_t / b_t**2])

    def se(g: np.ndarray) -> float:
        return float(np.sqrt(max(g @ cov @ g, 0.0) / n))

    return (
        Estimate.of(r_ref, se(np.array([1 / b_r, -a_r / b_r**2, 0, 0]))),
        Estimate.of(r_treat, se(np.array([0, 0, 1 / b_t, -a_t / b_t**2]))),
        Estimate.of(r_treat - r_ref, se(gradient)),
        gradient,
    )


def paired(comparisons: tuple[Comparison, ...], execution: Execution | None = None) -> tuple[Paired, ...]:
    """Evaluate every comparison on the same chunks; all must share one chunk plan."""
    if not comparisons:
        return ()
    first = comparisons[0].reference
    for comparison in comparisons:
        check_paired(first, comparison.reference)
        check_paired(first, comparison.treatment)
    sampling = first.config.sampling
    plan = ChunkPlan(sampling.samples, sampling.chunk_size)
    keep_chunks = -(-min(SAMPLE_CAP, sampling.samples) // sampling.chunk_size)
    tasks = [(comparisons, k, plan.size(k), k < keep_chunks) for k in range(plan.chunks)]
    from model.parallel import parallel_map

    results = parallel_map(
        _chunk, tasks, execution or Execution(), desc="paired worlds", unit="world", weights=[t[2] for t in tasks]
    )
    out = []
    for c, comparison in enumerate(comparisons):
        m = reduce(Moments.merge, (chunk[c]["moments"] for chunk in results))  # in chunk order
        kept = [chunk[c] for chunk in results if "rows" in chunk[c]]
        inputs = np.concatenate([part["inputs"] for part in kept], axis=1)[:, :SAMPLE_CAP]
        rows = np.concatenate([part["rows"] for part in kept], axis=1)[:, :SAMPLE_CAP]
        if comparison.is_ratio:
            ref, treat, diff, gradient = _ratio_difference(m)
            sample = gradient @ rows  # each world's linearised contribution (up to a constant)
        else:
            mean, se = np.asarray(m.mean, dtype=float), np.asarray(m.se, dtype=float)
            ref, treat, diff = (Estimate.of(float(mean[i]), float(se[i])) for i in range(3))
            sample = rows[0]
        out.append(Paired(comparison.name, ref, treat, diff, m.count, _uncertain(comparison.treatment), inputs, sample))
    return tuple(out)
