"""Turn merged chunk statistics into a labelled :class:`xarray.Dataset`.

Every estimated quantity ``x`` is accompanied by ``x_se``, its Monte Carlo standard
error. Units and descriptions live in each variable's attrs. Beside the estimates the
Dataset keeps what the run recorded on the way (:func:`add_run_records`): the
convergence trace ``trace_<x>`` over ``trace_worlds`` and, in structural mode, the
per-world ``burden_sample`` of the run's first worlds (a sample, not an estimate: its
``role`` attribute says so and it has no ``_se``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import xarray as xr

import model.accessor  # noqa: F401 - registers ds.offshore on every results Dataset
from model.constants import BURDEN_COMPONENTS, COUNTRIES, LEDGER, OUTCOMES, PROFILES, Z95
from model.engine import BOUND_RULES
from model.equilibria import equilibrium_set_label
from model.gametypes import TYPE_LABELS
from model.signature import tables
from model.stats import Counts, Histogram, Moments, Sample, Trace
from model.trace import layout, split

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


def moments_of_histogram(counts: np.ndarray, values: np.ndarray) -> Moments:
    """Moments of a per-world quantity that takes ``values[code]`` in ``counts[code]`` worlds."""
    return Moments.of_histogram(counts, values)


def discrete_statistics(signature: Counts) -> dict[str, Any]:
    """Equilibrium, game-type and commitment statistics read off the signature histogram."""
    table = tables()
    counts, n = signature.counts, signature.worlds
    eq_counts = np.bincount(table.eq_set, weights=counts, minlength=64).astype(np.int64)
    n_types = len(TYPE_LABELS)
    pair = table.japan_type.astype(np.int64) * n_types + table.korea_type
    return {
        "pure_ne": Counts(n, counts @ table.pure),
        "eq_set": Counts(n, eq_counts),
        "special_ne": Counts(
            n, np.array([counts[(table.eq_set & 16) > 0].sum(), counts[(table.eq_set & 32) > 0].sum()])
        ),
        "game_type": Counts(
            n, np.bincount(pair, weights=counts, minlength=n_types**2).astype(np.int64).reshape(n_types, n_types)
        ),
        "korea_b_given_japan_b": moments_of_histogram(counts, table.korea_b_given_japan_b),
        "commit_played": moments_of_histogram(counts, table.commit_played.T),
        "leader_played": moments_of_histogram(counts, table.leader_played.T),
        "leader_chooses_b": moments_of_histogram(counts, table.leader_chooses_b),
    }


def build_dataset(chunk_stats: Mapping[str, Any], attrs: Mapping[str, Any], payoff_units: str) -> xr.Dataset:
    """Assemble the results Dataset from merged statistics and run attributes."""
    stats = {**chunk_stats, **discrete_statistics(chunk_stats["signature"])}
    codes = [c for c in range(stats["eq_set"].counts.size) if stats["eq_set"].counts[c] > 0 or c in GENERIC_SETS]
    ds = xr.Dataset(
        coords={
            "profile": (
                "profile",
                list(PROFILES),
                {"long_name": "strategy profile, Japan's move first (B balance, P buck-pass)"},
            ),
            "eq_set": (
                "eq_set",
                [equilibrium_set_label(c) for c in codes],
                {"long_name": "equilibrium set of a world"},
            ),
            "eq_set_code": (
                "eq_set",
                np.asarray(codes, dtype=np.int16),
                {"long_name": "bit code: BB=1 BP=2 PB=4 PP=8 mixed=16 continuum=32"},
            ),
            "japan_type": ("japan_type", list(TYPE_LABELS)),
            "korea_type": ("korea_type", list(TYPE_LABELS)),
            "player": ("player", list(COUNTRIES), {"long_name": "junior partner (a player of the 2x2 game)"}),
        },
        attrs=dict(attrs),
    )
    _mean(
        ds,
        "played",
        ("profile",),
        stats["played"],
        PROBABILITY,
        "probability the profile is played under the selection rule",
    )
    _fraction(
        ds, "pure_ne", ("profile",), stats["pure_ne"], "share of worlds in which the profile is a pure Nash equilibrium"
    )
    eq = stats["eq_set"]
    _fraction(
        ds, "eq_set_freq", ("eq_set",), Counts(eq.worlds, eq.counts[codes]), "share of worlds with this equilibrium set"
    )
    special = stats["special_ne"]
    _fraction(
        ds,
        "mixed_ne",
        (),
        Counts(special.worlds, special.counts[0]),
        "share of worlds with a completely mixed equilibrium",
    )
    _fraction(
        ds,
        "degenerate",
        (),
        Counts(special.worlds, special.counts[1]),
        "share of worlds with a continuum of equilibria",
    )
    _fraction(
        ds,
        "game_type_freq",
        ("japan_type", "korea_type"),
        stats["game_type"],
        "share of worlds by each player's game type",
    )
    japan, korea = stats["payoff_japan"], stats["payoff_korea"]
    payoff = Moments(japan.count, np.stack([japan.mean, korea.mean]), np.stack([japan.m2, korea.m2]))
    _mean(ds, "mean_payoff", ("player", "profile"), payoff, payoff_units, "mean payoff in each cell of the 2x2 game")

    _mean(
        ds,
        "korea_passes",
        (),
        stats["korea_passes"],
        PROBABILITY,
        "probability Korea buck-passes in the simultaneous game (BP or PP played)",
    )
    korea_b = stats["korea_b_given_japan_b"]
    _add(
        ds,
        "korea_passes_after_commit",
        (),
        1.0 - korea_b.mean,
        korea_b.se,
        PROBABILITY,
        "probability Korea buck-passes once Japan has committed to B",
    )
    _mean(
        ds,
        "commit_played",
        ("profile",),
        stats["commit_played"],
        PROBABILITY,
        "profile probabilities when Japan commits to B",
    )
    _mean(
        ds,
        "leader_played",
        ("profile",),
        stats["leader_played"],
        PROBABILITY,
        "profile probabilities with Japan as Stackelberg leader",
    )
    _mean(
        ds, "leader_chooses_b", (), stats["leader_chooses_b"], PROBABILITY, "probability Japan, leading, commits to B"
    )
    _mean(
        ds,
        "commit_gain",
        (),
        stats["commit_gain"],
        payoff_units,
        "Japan's payoff from committing to B minus the simultaneous game",
    )
    _fraction(
        ds,
        "commit_is_best",
        (),
        stats["commit_is_best"],
        "share of worlds in which committing to B is Japan's best move",
    )

    if "outcome" in stats:
        _structural_variables(ds, stats)
    add_run_records(ds, stats)
    return ds


def add_run_records(ds: xr.Dataset, stats: Mapping[str, Any]) -> None:
    """Add the convergence trace and the burden sample the run recorded, if it did.

    ``trace_<x>`` (``trace_worlds``, *dims of x*) with ``trace_<x>_se`` is estimate ``x``
    after the run's first ``trace_worlds`` worlds (``trace_chunks`` chunks), in the
    units of ``x``; its last point is ``x`` itself. ``burden_sample`` (``world``,
    ``country``) is each of the run's first worlds' expected total burden, USD bn.
    Called after every estimate is in ``ds`` (the trace copies their units).
    """
    trace = stats.get("trace")
    if isinstance(trace, Trace):
        structural = "outcome" in stats
        ds.coords["trace_worlds"] = (
            "trace_worlds",
            np.asarray(trace.worlds, dtype=np.int64),
            {"long_name": "worlds behind each point of the convergence trace (the run's first worlds)"},
        )
        ds.coords["trace_chunks"] = (
            "trace_worlds",
            np.asarray(trace.chunks, dtype=np.int64),
            {"long_name": "chunks those worlds come from (1 for points inside the first chunk)"},
        )
        for traced in layout(structural):
            name = traced.variable
            value, se = split(trace, structural)[name]
            _add(
                ds,
                f"trace_{name}",
                ("trace_worlds", *traced.dims),
                value,
                se,
                ds[name].attrs["units"],
                f"convergence trace of {name}: its estimate after the run's first trace_worlds worlds",
            )
            ds[f"trace_{name}"].attrs["role"] = "trace"
            ds[f"trace_{name}_se"].attrs["role"] = "trace"
    sample = stats.get("burden_sample")
    if isinstance(sample, Sample):
        ds["burden_sample"] = (
            ("world", "country"),
            np.ascontiguousarray(sample.values.T, dtype=np.float64),
            {
                "units": USD,
                "long_name": "expected total burden in each of the run's first worlds, in run order",
                "role": "sample",
                "comment": "a per-world sample for distribution charts, not an estimate: it has no standard error",
            },
        )
        ds["burden_sample"].encoding.update(zlib=True, complevel=1, shuffle=True)


def _structural_variables(ds: xr.Dataset, stats: Mapping[str, Any]) -> None:
    ds.coords["country"] = ("country", list(LEDGER), {"long_name": "whose burden: the two partners and the US"})
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
        _add(
            ds,
            f"{name}_commit",
            (),
            commit.mean[i],
            commit.se[i],
            PROBABILITY,
            f"probability {text} when Japan commits to B",
        )
    ds.coords["outcome"] = ("outcome", list(OUTCOMES), {"long_name": "deterrence holds, the US intervenes, collapse"})
    _mean(
        ds,
        "perceived_outcome",
        ("player", "outcome"),
        stats["perceived_outcome"],
        PROBABILITY,
        "the partner's own expected probability of each outcome of the play (docs/MODEL.md §3.5)",
    )
    _mean(
        ds,
        "miscalculation",
        ("player",),
        stats["miscalculation"],
        PROBABILITY,
        "probability that the outcome that happens is not the one the partner thought most likely",
    )
    dims = ("country", "component")
    _mean(ds, "burden", dims, stats["burden"], USD, "expected burden under the selection rule")
    _mean(
        ds,
        "burden_bound",
        ("bound", *dims),
        stats["burden_bounds"],
        USD,
        "expected burden when the equilibrium best / worst for Japan is played",
    )
    _mean(ds, "burden_commit", dims, stats["burden_commit"], USD, "expected burden when Japan commits to B")
    _mean(ds, "burden_leader", dims, stats["burden_leader"], USD, "expected burden with Japan as Stackelberg leader")
    _tail_variables(ds, stats["burden_hist"], stats["burden"].count)


def _tail_variables(ds: xr.Dataset, hist: Histogram, n: int) -> None:
    """Quantiles, VaR and CVaR from the histogram, with distribution-free errors."""
    dims = ("country", "component")
    levels = np.asarray(QUANTILES)
    half_q = Z95 * np.sqrt(levels * (1 - levels) / max(n, 1))
    lower = hist.quantile(np.clip(levels - half_q, 0.0, 1.0))
    upper = hist.quantile(np.clip(levels + half_q, 0.0, 1.0))
    _add(
        ds,
        "burden_quantile",
        (*dims, "quantile"),
        hist.quantile(levels),
        (upper - lower) / (2 * Z95),
        USD,
        "quantiles of the realised burden (bin resolution < 0.1 %)",
    )
    # Order-statistic interval: the q-quantile lies between the empirical quantiles at
    # q -/+ 1.96 sqrt(q(1-q)/n) with 95 % probability; its half-width / 1.96 is the se.
    half = Z95 * np.sqrt(TAIL_LEVEL * (1 - TAIL_LEVEL) / max(n, 1))
    levels = [max(TAIL_LEVEL - half, 0.0), TAIL_LEVEL, min(TAIL_LEVEL + half, 1.0)]
    lo, var, hi = np.moveaxis(hist.quantile(levels), -1, 0)
    _add(ds, "var95", dims, var, (hi - lo) / (2 * Z95), USD, "value at risk: 95th percentile of the realised burden")
    # CVaR = VaR + E[(X - VaR)_+] / (1 - level) (Rockafellar & Uryasev 2000): the mean of
    # the worst 5 % even when the tail starts inside a block of equal values (zeros).
    # Its variance is Var((X - VaR)_+) / (n (1 - level)^2) (Hong & Liu 2009).
    first, second = hist.excess_moments(var)
    cvar = var + first / (1 - TAIL_LEVEL)
    cvar_se = np.sqrt(np.maximum(second - first**2, 0.0) / max(n, 1)) / (1 - TAIL_LEVEL)
    _add(ds, "cvar95", dims, cvar, cvar_se, USD, "conditional value at risk: mean burden in the worst 5 % of worlds")
