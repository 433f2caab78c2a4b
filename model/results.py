"""Turn merged chunk statistics into a labelled :class:`xarray.Dataset`.

Every estimated quantity ``x`` is accompanied by ``x_se``, its Monte Carlo standard
error. Units and descriptions live in each variable's attrs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import xarray as xr

from model.engine import BOUND_RULES
from model.equilibria import PROFILES, equilibrium_set_label
from model.gametypes import TYPE_LABELS
from model.payoffs import COMPONENTS
from model.stats import Counts, Histogram, Moments

COUNTRIES = ("japan", "korea")
BURDEN_COMPONENTS = (*COMPONENTS, "total")
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95, 0.99)
TAIL_LEVEL = 0.95
# Equilibrium sets of generic (tie-free) 2x2 games, always listed even when not seen.
GENERIC_SETS = (1, 2, 4, 8, 1 | 8 | 16, 2 | 4 | 16, 16)
PROBABILITY = "1"
USD = "USD bn (2025 prices, summed over the horizon)"


def _add(ds: xr.Dataset, name: str, dims: tuple[str, ...], value: Any, se: Any, units: str, long_name: str) -> None:
    ds[name] = (dims, np.asarray(value, dtype=float), {"units": units, "long_name": long_name})
    ds[f"{name}_se"] = (
        dims,
        np.asarray(se, dtype=float),
        {"units": units, "long_name": f"Monte Carlo standard error of {name}"},
    )


def _fraction(ds, name, dims, counts: Counts, long_name: str) -> None:
    _add(ds, name, dims, counts.fraction, counts.se, PROBABILITY, long_name)


def _mean(ds, name, dims, moments: Moments, units: str, long_name: str) -> None:
    _add(ds, name, dims, moments.mean, moments.se, units, long_name)


def build_dataset(stats: Mapping[str, Any], attrs: Mapping[str, Any], payoff_units: str) -> xr.Dataset:
    """Assemble the results Dataset from merged statistics and run attributes."""
    codes = [c for c in range(stats["eq_set"].counts.size) if stats["eq_set"].counts[c] > 0 or c in GENERIC_SETS]
    ds = xr.Dataset(
        coords={
            "profile": ("profile", list(PROFILES), {"long_name": "strategy profile, Japan's move first (B balance, P buck-pass)"}),
            "eq_set": ("eq_set", [equilibrium_set_label(c) for c in codes], {"long_name": "equilibrium set of a world"}),
            "eq_set_code": ("eq_set", np.asarray(codes, dtype=np.int16), {"long_name": "bit code: BB=1 BP=2 PB=4 PP=8 mixed=16 continuum=32"}),
            "japan_type": ("japan_type", list(TYPE_LABELS)),
            "korea_type": ("korea_type", list(TYPE_LABELS)),
            "country": ("country", list(COUNTRIES)),
        },
        attrs=dict(attrs),
    )
    _mean(ds, "played", ("profile",), stats["played"], PROBABILITY,
          "probability the profile is played under the selection rule")
    _fraction(ds, "pure_ne", ("profile",), stats["pure_ne"], "share of worlds in which the profile is a pure Nash equilibrium")
    eq = stats["eq_set"]
    _fraction(ds, "eq_set_freq", ("eq_set",), Counts(eq.worlds, eq.counts[codes]), "share of worlds with this equilibrium set")
    special = stats["special_ne"]
    _fraction(ds, "mixed_ne", (), Counts(special.worlds, special.counts[0]), "share of worlds with a completely mixed equilibrium")
    _fraction(ds, "degenerate", (), Counts(special.worlds, special.counts[1]), "share of worlds with a continuum of equilibria")
    _fraction(ds, "game_type_freq", ("japan_type", "korea_type"), stats["game_type"], "share of worlds by each player's game type")
    _mean(ds, "mean_payoff", ("country", "profile"), stats["payoff"], payoff_units, "mean payoff in each cell of the 2x2 game")

    korea_b = stats["korea_b_given_japan_b"]
    _add(ds, "korea_passes_after_commit", (), 1.0 - korea_b.mean, korea_b.se, PROBABILITY,
         "probability Korea buck-passes once Japan has committed to B")
    _mean(ds, "commit_played", ("profile",), stats["commit_played"], PROBABILITY, "profile probabilities when Japan commits to B")
    _mean(ds, "leader_played", ("profile",), stats["leader_played"], PROBABILITY, "profile probabilities with Japan as Stackelberg leader")
    _mean(ds, "leader_chooses_b", (), stats["leader_chooses_b"], PROBABILITY, "probability Japan, leading, commits to B")
    _mean(ds, "commit_gain", (), stats["commit_gain"], payoff_units, "Japan's payoff from committing to B minus the simultaneous game")
    _fraction(ds, "commit_is_best", (), stats["commit_is_best"], "share of worlds in which committing to B is Japan's best move")

    if "outcome" in stats:
        _structural_variables(ds, stats)
    return ds


def _structural_variables(ds: xr.Dataset, stats: Mapping[str, Any]) -> None:
    ds.coords["component"] = ("component", list(BURDEN_COMPONENTS))
    ds.coords["quantile"] = ("quantile", list(QUANTILES))
    ds.coords["bound"] = ("bound", list(BOUND_RULES))
    outcome = stats["outcome"]
    names = ("p_deterrence_holds", "p_us_intervenes", "p_collapse")
    descriptions = ("deterrence holds", "the US intervenes", "the regional balance collapses")
    for i, (name, text) in enumerate(zip(names, descriptions, strict=True)):
        _add(ds, name, (), outcome.mean[i], outcome.se[i], PROBABILITY, f"probability {text}")
    commit = stats["outcome_commit"]
    for i, (name, text) in enumerate(zip(names, descriptions, strict=True)):
        _add(ds, f"{name}_commit", (), commit.mean[i], commit.se[i], PROBABILITY, f"probability {text} when Japan commits to B")
    dims = ("country", "component")
    _mean(ds, "burden", dims, stats["burden"], USD, "expected burden under the selection rule")
    _mean(ds, "burden_bound", ("bound", *dims), stats["burden_bounds"], USD,
          "expected burden when the equilibrium best / worst for Japan is played")
    _mean(ds, "burden_commit", dims, stats["burden_commit"], USD, "expected burden when Japan commits to B")
    _mean(ds, "burden_leader", dims, stats["burden_leader"], USD, "expected burden with Japan as Stackelberg leader")
    _tail_variables(ds, stats["burden_hist"], stats["burden"].count)


def _tail_variables(ds: xr.Dataset, hist: Histogram, n: int) -> None:
    """Quantiles, VaR and CVaR from the histogram, with distribution-free intervals."""
    dims = ("country", "component")
    quantiles = hist.quantile(QUANTILES)
    ds["burden_quantile"] = (
        (*dims, "quantile"),
        quantiles,
        {"units": USD, "long_name": "quantiles of the realised burden (bin resolution 0.1 %)"},
    )
    # Order-statistic interval: the q-quantile lies between the quantiles at
    # q -/+ 1.96 sqrt(q(1-q)/n) with 95 % probability; half its width / 1.96 is the se.
    half = 1.96 * np.sqrt(TAIL_LEVEL * (1 - TAIL_LEVEL) / max(n, 1))
    lo, var, hi = np.moveaxis(hist.quantile([max(TAIL_LEVEL - half, 0.0), TAIL_LEVEL, min(TAIL_LEVEL + half, 1.0)]), -1, 0)
    _add(ds, "var95", dims, var, (hi - lo) / (2 * 1.96), USD, "value at risk: 95th percentile of the realised burden")
    tail, excess_sq = hist.tail_mean(var)
    tail = np.where(np.isfinite(tail), tail, var)
    # CVaR estimator variance (Hong & Liu 2009): Var((X - VaR)_+) / (n (1 - level)^2).
    excess = (tail - var) * (1 - TAIL_LEVEL)
    cvar_se = np.sqrt(np.maximum(excess_sq - excess**2, 0.0) / max(n, 1)) / (1 - TAIL_LEVEL)
    _add(ds, "cvar95", dims, tail, cvar_se, USD, "conditional value at risk: mean burden in the worst 5 % of worlds")
