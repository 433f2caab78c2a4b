"""Rank correlations between inputs and per-world outputs over Monte Carlo worlds.

Two measures on the first ``n`` worlds of the config (the same draws as a run, with
any ``sampling.correlation`` in force):

* Spearman's rank correlation of each input with each output. Its 95 % interval uses
  Fisher's z with standard error ``sqrt(1.06 / (n - 3))`` (Fieller, Hartley & Pearson
  1957).
* The partial rank correlation coefficient (PRCC): the correlation of the ranks of an
  input and an output once the ranks of every other input are regressed out, read off
  the inverse of the rank correlation matrix. Its interval uses Fisher's z with
  standard error ``1 / sqrt(n - 3 - (d - 1))``.

Ties (outputs that are 0 or 1 in most worlds) get average ranks. An output that is
constant over the worlds gets NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from model.labels import short
from model.outputs import output as registered
from model.sensitivity.worlds import OUTPUTS, Sample


@dataclass(frozen=True)
class RankCorrelations:
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    n: int
    spearman: np.ndarray  # (s, d)
    spearman_ci: np.ndarray  # (2, s, d)
    prcc: np.ndarray  # (s, d)
    prcc_ci: np.ndarray  # (2, s, d)
    confidence: float

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for o, output in enumerate(self.outputs):
            order = np.argsort(-np.nan_to_num(np.abs(self.spearman[o]), nan=-1.0), kind="stable")
            for i in order:
                rows.append(
                    {
                        "output": output,
                        "input": self.inputs[i],
                        "spearman": self.spearman[o, i],
                        "spearman_low": self.spearman_ci[0, o, i],
                        "spearman_high": self.spearman_ci[1, o, i],
                        "prcc": self.prcc[o, i],
                        "prcc_low": self.prcc_ci[0, o, i],
                        "prcc_high": self.prcc_ci[1, o, i],
                    }
                )
        return pd.DataFrame(rows)

    def to_dataset(self) -> xr.Dataset:
        ds = xr.Dataset(
            coords={
                "output": ("output", list(self.outputs)),
                "input": ("input", list(self.inputs)),
                "ci": ("ci", ["low", "high"]),
            }
        )
        for name, value, ci, text in (
            (
                "rank_spearman",
                self.spearman,
                self.spearman_ci,
                "Spearman rank correlation of input and output",
            ),
            (
                "rank_prcc",
                self.prcc,
                self.prcc_ci,
                "partial rank correlation (other inputs' ranks removed)",
            ),
        ):
            ds[name] = (("output", "input"), value, {"long_name": text, "units": "1"})
            ds[f"{name}_ci"] = (
                ("ci", "output", "input"),
                ci,
                {"long_name": f"{text}, {self.confidence:.0%} Fisher-z interval", "units": "1"},
            )
        ds.attrs["rank_worlds"] = self.n
        return ds

    def describe(self, top: int = 4) -> str:
        lines = []
        for o, name in enumerate(self.outputs):
            label = registered(name).label["en"]
            if not np.any(np.isfinite(self.spearman[o])):
                lines.append(f"{label}: constant over the worlds.")
                continue
            order = np.argsort(-np.nan_to_num(np.abs(self.spearman[o]), nan=-1.0), kind="stable")[:top]
            parts = [f"{short(self.inputs[i])} {self.spearman[o, i]:+.2f} (PRCC {self.prcc[o, i]:+.2f})" for i in order]
            lines.append(f"{label}: strongest rank correlations {'; '.join(parts)}.")
        return "\n".join(lines)


def _fisher(r: np.ndarray, se: float, z: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = np.arctanh(np.clip(r, -1 + 1e-15, 1 - 1e-15))
    return np.stack([np.tanh(centre - z * se), np.tanh(centre + z * se)])


def rank_correlations(
    sample: Sample, outputs: tuple[str, ...] | None = None, confidence: float = 0.95
) -> RankCorrelations:
    """Spearman correlations and PRCC of every input with every output (default: the
    analysed outputs the sample holds)."""
    from scipy.stats import norm, rankdata  # imported on use: scipy.stats is slow to import

    if outputs is None:
        outputs = tuple(name for name in OUTPUTS if name in sample.y)
    x = sample.x
    d, n = x.shape
    if n < d + 5:
        raise ValueError(f"rank correlations need more worlds than inputs (got {n} worlds, {d} inputs)")
    ranks_x = np.stack([rankdata(row) for row in x])  # (d, n)
    s = len(outputs)
    spearman = np.full((s, d), np.nan)
    prcc = np.full((s, d), np.nan)
    for o, name in enumerate(outputs):
        y = np.asarray(sample.y[name], dtype=float)
        if np.ptp(y) == 0:
            continue
        ranks = np.vstack([ranks_x, rankdata(y)])
        varying = np.ptp(ranks, axis=1) > 0
        corr = np.full((d + 1, d + 1), np.nan)
        corr[np.ix_(varying, varying)] = np.corrcoef(ranks[varying])
        spearman[o] = corr[-1, :d]
        sub = corr[np.ix_(varying, varying)]
        try:
            precision = np.linalg.inv(sub)
        except np.linalg.LinAlgError:
            continue
        partial = -precision[-1, :-1] / np.sqrt(precision[-1, -1] * np.diag(precision)[:-1])
        prcc[o, varying[:d]] = partial
    z = float(norm.ppf(0.5 + confidence / 2))
    spearman_ci = _fisher(spearman, np.sqrt(1.06 / (n - 3)), z)
    prcc_ci = _fisher(prcc, 1.0 / np.sqrt(max(n - 3 - (d - 1), 1)), z)
    return RankCorrelations(sample.inputs, tuple(outputs), n, spearman, spearman_ci, prcc, prcc_ci, confidence)
