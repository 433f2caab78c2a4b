"""The model as a vectorised function of its uncertain inputs, one world per column.

For Sobol' indices, tornado diagrams, rank correlations, PRIM and regime maps the
model is treated as ``f(X)``: ``X`` holds one value of every uncertain prior of the
config per world (shape ``(d, n)``, rows in the config's parameter order), the fixed
priors keep their values, and each world is solved exactly as in a run
(:mod:`model.engine`): payoffs, signature, the selection rule's profile
probabilities, then outcome probabilities and expected burdens given the world.
Inside a world nothing is random, so ``f`` is deterministic.

Outputs: every registered output with a per-world form (:mod:`model.outputs`), each
float64 ``(n,)``, keyed by its registry name; the methods analyse
:data:`model.outputs.ANALYSED` by default. For regime maps and tables also ``eq_set``
(the world's equilibrium-set bit code, docs/MODEL.md §4) and ``played`` (the selection
rule's profile probabilities, float64 ``(4, n)``, BB, BP, PB, PP).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from model.config import ConfigError, LoadedConfig
from model.engine import ChunkPlan, draw_worlds, solve_worlds
from model.execution import Execution
from model.outputs import ANALYSED
from model.outputs import OUTPUTS as REGISTRY
from model.parallel import parallel_map
from model.sampling import U_EPSILON
from model.signature import tables

OUTPUTS = ANALYSED
"""Outputs analysed by Sobol', rank correlation and PRIM by default (registry names)."""
PER_WORLD = tuple(o for o in REGISTRY.values() if o.per_world is not None)
BLOCK = 65_536  # worlds per evaluation block (bounds memory; blocks run in parallel)
PARALLEL_MIN_WORLDS = 2**20  # below this, worker start-up costs more than it saves


@dataclass(frozen=True)
class Sample:
    """Per-world inputs and outputs of a Monte Carlo sample."""

    inputs: tuple[str, ...]
    x: np.ndarray  # float64 (d, n)
    y: dict[str, np.ndarray]  # output -> (n,)


class WorldModel:
    """``f(X)`` for the uncertain priors of a structural config.

    Parameters
    ----------
    loaded : LoadedConfig
        A structural-mode config. Correlations in ``sampling.correlation`` are *not*
        part of ``f``: callers that sample independent inputs (Sobol', tornado)
        ignore them, callers that use :meth:`sample` get them.
    """

    def __init__(self, loaded: LoadedConfig) -> None:
        if loaded.config.game.mode != "structural":
            raise ConfigError(loaded.source, "game.mode", 'sensitivity analysis needs game.mode = "structural"')
        self.loaded = loaded
        self.config = loaded.config
        self.priors = loaded.priors()
        self.inputs = tuple(k for k, p in self.priors.items() if not p.is_fixed)
        if not self.inputs:
            raise ConfigError(loaded.source, None, "every prior is fixed: nothing is uncertain to analyse")
        self.fixed = {k: float(p.expected_value()) for k, p in self.priors.items() if p.is_fixed}

    @property
    def dimension(self) -> int:
        return len(self.inputs)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Map uniforms ``u`` (d, n) to input values through each prior's inverse CDF."""
        u = np.clip(np.asarray(u, dtype=float), U_EPSILON, 1.0 - U_EPSILON)
        return np.stack([self.priors[k].ppf(u[i]) for i, k in enumerate(self.inputs)])

    def draws(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Every prior key -> values (n,): rows of ``x`` for uncertain, constants for fixed."""
        x = np.asarray(x, dtype=float)
        row = {key: i for i, key in enumerate(self.inputs)}
        return {
            key: np.ascontiguousarray(x[row[key]]) if key in row else np.full(x.shape[1], self.fixed[key])
            for key in self.priors
        }

    def evaluate_draws(self, draws: Mapping[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
        """All per-world outputs of worlds given as a full set of draws."""
        values = solve_worlds(self.config, dict(draws), n)
        out = {o.name: o.of_worlds(values) for o in PER_WORLD}
        out["eq_set"] = tables().eq_set.take(values.signature).astype(np.int16)
        out["played"] = values.played  # (4, n): BB, BP, PB, PP
        return out

    def evaluate(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """All outputs of the worlds ``x`` (d, n), in blocks of :data:`BLOCK` worlds."""
        x = np.asarray(x, dtype=float)
        n = x.shape[1]
        parts = [
            self.evaluate_draws(self.draws(x[:, s : s + BLOCK]), min(BLOCK, n - s)) for s in range(0, max(n, 1), BLOCK)
        ]
        return {k: np.concatenate([p[k] for p in parts], axis=-1) for k in parts[0]}

    def __call__(self, x: np.ndarray, outputs: tuple[str, ...] = OUTPUTS) -> np.ndarray:
        """``f(X)``: the analysed outputs, float64 (len(outputs), n)."""
        y = self.evaluate(x)
        return np.stack([y[name].astype(float) for name in outputs])

    def evaluate_parallel(self, x: np.ndarray, execution: Execution, desc: str = "worlds") -> dict[str, np.ndarray]:
        """:meth:`evaluate` with blocks spread over ``execution``'s workers (same result)."""
        n = x.shape[1]
        if n < PARALLEL_MIN_WORLDS:
            execution = Execution(progress=execution.progress)
        starts = list(range(0, n, BLOCK))
        blocks = [np.ascontiguousarray(x[:, s : s + BLOCK]) for s in starts]
        parts = parallel_map(
            self.evaluate,
            blocks,
            execution,
            desc=desc,
            unit="world",
            weights=[b.shape[1] for b in blocks],
        )
        return {k: np.concatenate([p[k] for p in parts], axis=-1) for k in parts[0]}

    def sample(self, n: int, execution: Execution, desc: str = "sampling worlds") -> Sample:
        """The worlds of a run of this config with ``n`` samples (the same draws, chunk by chunk)."""
        plan = ChunkPlan(n, self.config.sampling.chunk_size)
        chunks = list(range(plan.chunks))
        if n < PARALLEL_MIN_WORLDS:
            execution = Execution(progress=execution.progress)
        parts = parallel_map(
            _sample_chunk,
            [(self, k, plan.size(k)) for k in chunks],
            execution,
            desc=desc,
            unit="world",
            weights=[plan.size(k) for k in chunks],
        )
        x = np.concatenate([p[0] for p in parts], axis=1)
        y = {k: np.concatenate([p[1][k] for p in parts], axis=-1) for k in parts[0][1]}
        return Sample(self.inputs, x, y)


def _sample_chunk(task: tuple[WorldModel, int, int]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    model, k, n = task
    draws = draw_worlds(model.config, model.priors, k, n)
    x = np.stack([draws[key] for key in model.inputs])
    return x, model.evaluate_draws(draws, n)
