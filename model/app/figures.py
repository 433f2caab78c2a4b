"""The report's own tables and charts, drawn from a live view instead of a run directory.

A live view's Dataset holds everything a finished run's results.nc does (the burden
sample of its first worlds included), so :class:`model.report.rundata.RunData` wraps
it as is and the report's builders (:mod:`model.report.tables`, :mod:`model.report.charts`,
:mod:`model.report.claims_section`) draw it. Charts come back as PNG ``data:`` URIs, so
the page fetches nothing. Nothing here imports shiny.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from pathlib import Path

import xarray as xr

from model.report.rundata import RunData
from model.report.text import Text

CHART_DPI = 80
"""Screen resolution: the report's 16:9 charts at 819 x 461 pixels."""

CHARTS = ("game_table", "eq_sets", "burden_distribution", "burden_components")
"""The live charts, by their :mod:`model.report.charts` function names."""


def run_data(ds: xr.Dataset, resolved: dict) -> RunData:
    """``ds`` as the report reads a run (no directory behind it)."""
    return RunData(path=Path("."), ds=ds, manifest={}, config=resolved)


def _png_uri(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=CHART_DPI)  # an Agg canvas of its own (no pyplot)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def chart(name: str, run: RunData, tx: Text | None = None) -> str | None:
    """Chart ``name`` (one of :data:`CHARTS`) of ``run`` as a PNG data URI; None when the
    run has no such chart (an ordinal run has no burdens)."""
    from model.report import charts, tables
    from model.report.distribution import japan_burden_sample

    tx = tx or Text("en")
    if name in ("burden_distribution", "burden_components") and not run.structural:
        return None
    builders: dict[str, Callable] = {
        "game_table": lambda: tables.game_table(run, tx),
        "eq_sets": lambda: tables.eq_sets(run, tx),
        "burden_components": lambda: tables.burden_components(run, tx),
    }
    if name == "burden_distribution":
        sample = japan_burden_sample(run)
        if sample is None:
            return None
        table = tables.burden_distribution(run, tx, sample)
    else:
        table = builders[name]()
    return _png_uri(getattr(charts, name)(table, run, tx))


def claims_chart(frame, tx: Text | None = None) -> str:
    """The report's claims chart of a :func:`model.claims.claims_frame`, as a data URI."""
    from model.report.claims_section import claims_chart as draw
    from model.report.claims_section import claims_table

    tx = tx or Text("en")
    return _png_uri(draw(claims_table(frame, tx), tx))


def claims_rows(frame, tx: Text | None = None) -> list[dict]:
    """The report's claims table rows (label, reference, treatment, difference, interval, verdict)."""
    from model.report.claims_section import claims_table

    return claims_table(frame, tx or Text("en")).frame.to_dict("records")


__all__ = ["CHARTS", "chart", "claims_chart", "claims_rows", "run_data"]
