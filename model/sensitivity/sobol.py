"""Variance-based (Sobol') first- and total-order indices with bootstrap intervals.

Design (Saltelli et al. 2010): two independent input matrices ``A`` and ``B`` of ``n``
worlds each come from one scrambled Sobol' sequence in ``2d`` dimensions mapped
through the priors' inverse CDFs; ``AB_i`` is ``A`` with row ``i`` taken from ``B``.
The model is evaluated on ``n (d + 2)`` worlds, and the indices are those of
:func:`scipy.stats.sobol_indices` (``saltelli_2010``: first order
``S_i = mean(f_B (f_AB_i - f_A)) / V``, total order
``S_Ti = mean((f_A - f_AB_i)^2) / (2 V)``, outputs centred by their mean, Sobol' &
Levitan 1999).

Confidence intervals are percentile bootstrap intervals over the ``n`` rows, drawn
from a seeded generator so that a study is reproducible. (scipy's own
``SobolResult.bootstrap`` uses an unseeded generator and the BCa method, whose
jackknife costs ``O(n^2)`` evaluations of the estimator.)

**Correlated inputs.** Sobol' indices decompose the variance of ``f`` under
*independent* inputs; with dependent inputs the decomposition is not unique. Any
``sampling.correlation`` of the config is therefore ignored here: each input is drawn
from its own marginal. This is reported in the results.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from model.execution import Execution
from model.labels import short
from model.outputs import output as registered
from model.sensitivity.worlds import OUTPUTS, WorldModel

SOBOL_STREAM = 0x50B01  # spawn key separating the Sobol' design from every run stream


@dataclass(frozen=True)
class SobolIndices:
    """First- and total-order indices, (outputs, inputs), with intervals.

    Indices of an output with zero variance are NaN (nothing to apportion).
    """

    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    n: int
    first: np.ndarray
    total: np.ndarray
    first_ci: np.ndarray  # (2, s, d): low, high
    total_ci: np.ndarray
    mean: np.ndarray  # (s,)
    variance: np.ndarray  # (s,)
    confidence: float
    resamples: int
    seed: int
    correlation_ignored: bool

    @property
    def evaluations(self) -> int:
        return self.n * (len(self.inputs) + 2)

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for o, output in enumerate(self.outputs):
            order = np.argsort(-np.nan_to_num(self.total[o], nan=-1.0), kind="stable")
            for i in order:
                rows.append(
                    {
                        "output": output,
                        "input": self.inputs[i],
                        "first_order": self.first[o, i],
                        "first_order_low": self.first_ci[0, o, i],
                        "first_order_high": self.first_ci[1, o, i],
                        "total_order": self.total[o, i],
                        "total_order_low": self.total_ci[0, o, i],
                        "total_order_high": self.total_ci[1, o, i],
                    }
                )
        return pd.DataFrame(rows)

    def to_dataset(self) -> xr.Dataset:
        ds = xr.Dataset(
            coords={
                "output": ("output", list(self.outputs), {"long_name": "model output per world"}),
                "input": (
                    "input",
                    list(self.inputs),
                    {"long_name": "uncertain input (config key)"},
                ),
                "ci": (
                    "ci",
                    ["low", "high"],
                    {"long_name": f"{self.confidence:.0%} bootstrap interval"},
                ),
            }
        )
        ds["output_unit"] = ("output", [registered(o).unit for o in self.outputs])
        for name, value, ci, text in (
            ("sobol_first", self.first, self.first_ci, "first-order Sobol' index"),
            ("sobol_total", self.total, self.total_ci, "total-order Sobol' index"),
        ):
            ds[name] = (
                ("output", "input"),
                value,
                {"long_name": text, "units": "1 (share of variance)"},
            )
            ds[f"{name}_ci"] = (
                ("ci", "output", "input"),
                ci,
                {
                    "long_name": f"{text}, {self.confidence:.0%} percentile bootstrap interval",
                    "units": "1",
                },
            )
        ds["sobol_output_variance"] = (
            "output",
            self.variance,
            {"long_name": "variance of the output over independent inputs"},
        )
        ds.attrs.update(
            sobol_n=self.n,
            sobol_evaluations=self.evaluations,
            sobol_seed=self.seed,
            sobol_bootstrap_resamples=self.resamples,
            sobol_method="saltelli_2010 (scipy.stats.sobol_indices)",
            sobol_correlation="ignored (independent marginals)" if self.correlation_ignored else "none in the config",
        )
        return ds

    def describe(self, top: int = 4) -> str:
        lines = []
        for o, name in enumerate(self.outputs):
            label = registered(name).label["en"]
            if not np.isfinite(self.variance[o]) or self.variance[o] == 0:
                lines.append(f"{label}: constant over the inputs, no indices.")
                continue
            order = np.argsort(-self.total[o], kind="stable")[:top]
            parts = [
                f"{short(self.inputs[i])} {self.total[o, i]:.2f} [{self.total_ci[0, o, i]:.2f}, "
                f"{self.total_ci[1, o, i]:.2f}]"
                for i in order
            ]
            interaction = max(0.0, 1.0 - float(np.nansum(self.first[o])))
            lines.append(
                f"{label}: largest total-order indices {'; '.join(parts)}; "
                f"share of variance from interactions ≈ {interaction:.2f}."
            )
        return "\n".join(lines)


def _sobol_engine(d: int, rng: np.random.Generator):
    """scipy's scrambled Sobol' engine in ``d`` dimensions (scipy.stats imported on use: it is slow to import)."""
    from scipy.stats import qmc

    keyword = "rng" if "rng" in inspect.signature(qmc.Sobol.__init__).parameters else "seed"
    return qmc.Sobol(d, scramble=True, **{keyword: rng})


def design(model: WorldModel, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Input matrices ``A`` and ``B``, (d, n) each, from one scrambled Sobol' sequence."""
    d = model.dimension
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(SOBOL_STREAM,))))
    u = _sobol_engine(2 * d, rng).random(n).T
    return model.ppf(u[:d]), model.ppf(u[d:])


def indices(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Saltelli (2010) first- and total-order estimators on centred outputs.

    ``f_a``, ``f_b``: (s, ..., n); ``f_ab``: (d, s, ..., n). Returns (s, ..., d) twice.
    The same formulas as scipy's ``saltelli_2010``; used for the bootstrap.
    """
    var = np.var(np.stack([f_a, f_b]), axis=(0, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        first = np.mean(f_b * (f_ab - f_a), axis=-1) / var
        total = 0.5 * np.mean((f_a - f_ab) ** 2, axis=-1) / var
    return np.moveaxis(first, 0, -1), np.moveaxis(total, 0, -1)


def sobol(
    model: WorldModel,
    n: int = 2**14,
    *,
    seed: int | None = None,
    execution: Execution | None = None,
    outputs: tuple[str, ...] = OUTPUTS,
    confidence: float = 0.95,
    resamples: int = 500,
) -> SobolIndices:
    """Sobol' indices of ``outputs`` over the config's uncertain inputs.

    Parameters
    ----------
    model : WorldModel
        The per-world model.
    n : int
        Base sample size, a power of two; the model runs on ``n (d + 2)`` worlds.
    seed : int, optional
        Seeds the Sobol' scramble and the bootstrap (default: the config's seed).
    execution : Execution, optional
        Where the evaluations run (the numbers do not depend on it).
    confidence, resamples
        Level and number of resamples of the percentile bootstrap intervals.
    """
    if n < 16 or n & (n - 1):
        raise ValueError(f"Sobol' sample size must be a power of two of at least 16, got {n}")
    seed = model.config.sampling.seed if seed is None else seed
    execution = execution or Execution()
    d = model.dimension
    a, b = design(model, n, seed)
    ab = np.repeat(a[None], d, axis=0)  # (d pages, d inputs, n)
    ab[np.arange(d), np.arange(d)] = b
    x = np.concatenate([a, b, np.moveaxis(ab, 0, 1).reshape(d, d * n)], axis=1)
    y = model.evaluate_parallel(x, execution, desc="Sobol' worlds")
    f = np.stack([y[name].astype(float) for name in outputs])  # (s, n (d + 2))
    f_a, f_b = f[:, :n], f[:, n : 2 * n]
    f_ab = np.moveaxis(f[:, 2 * n :].reshape(len(outputs), d, n), 1, 0)  # (d, s, n)

    from scipy.stats import sobol_indices

    result = sobol_indices(func={"f_A": f_a, "f_B": f_b, "f_AB": f_ab}, n=n)
    first = np.asarray(result.first_order, dtype=float).reshape(len(outputs), d)
    total = np.asarray(result.total_order, dtype=float).reshape(len(outputs), d)
    variance = np.var(np.concatenate([f_a, f_b], axis=1), axis=1)
    constant = variance == 0
    first[constant] = np.nan
    total[constant] = np.nan

    mean = np.mean(np.concatenate([f_a, f_b], axis=1), axis=1)
    centred = (f_a - mean[:, None], f_b - mean[:, None], f_ab - mean[None, :, None])
    first_ci, total_ci = _bootstrap(*centred, seed=seed, confidence=confidence, resamples=resamples)
    first_ci[:, constant] = np.nan
    total_ci[:, constant] = np.nan
    correlated = model.config.sampling.correlation is not None
    return SobolIndices(
        inputs=model.inputs,
        outputs=tuple(outputs),
        n=n,
        first=first,
        total=total,
        first_ci=first_ci,
        total_ci=total_ci,
        mean=mean,
        variance=variance,
        confidence=confidence,
        resamples=resamples,
        seed=seed,
        correlation_ignored=correlated,
    )


def _bootstrap(f_a, f_b, f_ab, *, seed: int, confidence: float, resamples: int) -> tuple[np.ndarray, np.ndarray]:
    """Percentile intervals (2, s, d) of both indices over ``resamples`` row resamples.

    A resample of the ``n`` rows is a vector of counts ``c`` (how often each row is
    drawn); every quantity in the estimators is a mean over rows, so the resampled
    estimators are matrix products ``c @ terms / n``: the same numbers as indexing
    the rows, at a fraction of the cost.
    """
    s, n = f_a.shape
    d = f_ab.shape[0]
    first_terms = (f_b[None] * (f_ab - f_a[None])).transpose(2, 1, 0).reshape(n, s * d)
    total_terms = (0.5 * (f_a[None] - f_ab) ** 2).transpose(2, 1, 0).reshape(n, s * d)
    level_terms = np.concatenate([(f_a + f_b).T, (f_a * f_a + f_b * f_b).T], axis=1)  # (n, 2s)
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(SOBOL_STREAM, 1))))
    firsts, totals = [], []
    batch = max(1, min(resamples, 2**22 // n))
    for start in range(0, resamples, batch):
        m = min(batch, resamples - start)
        counts = np.stack([np.bincount(rng.integers(0, n, size=n), minlength=n) for _ in range(m)]).astype(float)
        levels = counts @ level_terms / (2 * n)  # (m, 2s): mean of f and of f^2 over A and B rows
        var = levels[:, s:] - levels[:, :s] ** 2  # (m, s)
        with np.errstate(divide="ignore", invalid="ignore"):
            firsts.append((counts @ first_terms / n).reshape(m, s, d) / var[:, :, None])
            totals.append((counts @ total_terms / n).reshape(m, s, d) / var[:, :, None])
    alpha = (1.0 - confidence) / 2.0
    q = [alpha, 1.0 - alpha]
    return np.quantile(np.concatenate(firsts), q, axis=0), np.quantile(np.concatenate(totals), q, axis=0)
