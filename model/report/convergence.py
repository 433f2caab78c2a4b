"""Convergence of the headline estimates, read from the trace the run recorded.

A run records, as its chunks are folded, the value and standard error of its
headline estimates at growing numbers of worlds (docs/MODEL.md §9): inside the first
chunk, after whole chunks, and after its last chunk. results.nc holds the trace as
``trace_<variable>`` and ``trace_<variable>_se`` over ``trace_worlds`` (with the
``trace_chunks`` coordinate); its last point is the run's own estimate, bit for bit.
Nothing is recomputed here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from model.report.errors import ReportError
from model.report.rundata import RunData

TRACE_DIM = "trace_worlds"


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


def convergence(run: RunData, max_chunks: int | None = None) -> pd.DataFrame:
    """Headline estimates after each recorded prefix of the run's worlds.

    Parameters
    ----------
    run : RunData
        A finished run whose results.nc holds the convergence trace.
    max_chunks : int, optional
        Keep only the points within the run's first ``max_chunks`` chunks (default:
        every point, the last being the run's own estimate).

    Returns
    -------
    pandas.DataFrame
        A long table with columns ``key``, ``variable``, ``kind``, ``worlds``,
        ``chunks``, ``estimate`` and ``se`` (probabilities in 0..1, money in US$ bn),
        one row per headline and point, in increasing ``worlds``.

    Raises
    ------
    ReportError
        If results.nc has no trace (a run made before offshore recorded one).
    """
    ds = run.ds
    if not run.has_trace:
        raise ReportError(
            f"error: {run.path / 'results.nc'}: no convergence trace (made by an older offshore); run it again"
        )
    worlds = ds[TRACE_DIM].values
    chunks = ds["trace_chunks"].values
    keep = slice(None) if max_chunks is None else chunks <= max_chunks
    frames = []
    for h in headlines(run):
        value, se = ds[f"trace_{h.variable}"], ds[f"trace_{h.variable}_se"]
        if h.index:
            value, se = value.sel(h.index), se.sel(h.index)
        frames.append(
            pd.DataFrame(
                {
                    "key": h.key,
                    "variable": h.variable,
                    "kind": h.kind,
                    "worlds": worlds[keep].astype(int),
                    "chunks": chunks[keep].astype(int),
                    "estimate": value.values[keep].astype(float),
                    "se": se.values[keep].astype(float),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
